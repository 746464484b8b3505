// The shape of GitLab's entry errors (Gitlab::Config::Entry::Node#location, Validator#messages):
// "<location> <attribute humanized> <message>", the whole text downcased, where the location is
// the chain of entry keys joined with ':' (`jobs:rspec:artifacts`). An entry whose own checks
// fail does not check its children (Configurable#compose! returns unless valid?).

export type Hash = Record<string, unknown>;
export const isHash = (v: unknown): v is Hash => !!v && typeof v === 'object' && !Array.isArray(v);
export const isString = (v: unknown): v is string => typeof v === 'string';
export const isBoolean = (v: unknown): v is boolean => v === true || v === false;
export const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
/** ActiveSupport's blank?: nil, false, empty or whitespace-only strings, empty arrays and hashes. */
export const isBlank = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  v === false ||
  (isString(v) && v.trim() === '') ||
  (Array.isArray(v) && !v.length) ||
  (isHash(v) && !Object.keys(v).length);

/** What the linter's problem codes say about an entry error. */
export type EntryCode =
  | 'unknown-keys'
  | 'keyword-value'
  | 'keys-together'
  | 'invalid-duration'
  | 'invalid-expression'
  | 'rules-with-only'
  | 'start-in'
  | 'variable-option'
  | 'dependency-not-needed';

export interface EntryError {
  /** Keys from the top of the merged configuration to the entry (the job name first for job entries). */
  readonly path: readonly string[];
  readonly message: string;
  readonly code: EntryCode;
}

/** ActiveModel's humanize of an attribute name: `start_in` -> "start in"; `base` adds nothing. */
const humanize = (attribute: string) => (attribute === 'base' ? '' : attribute.replace(/_/g, ' '));

/** One entry being checked: where it is, and the errors it collects. */
export class Entry {
  readonly errors: EntryError[] = [];

  constructor(
    /** GitLab's location text, e.g. `jobs:rspec:cache`. */
    readonly location: string,
    readonly path: readonly string[],
    private readonly sink: EntryError[],
  ) {}

  /** errors.add(attribute, message), rendered as GitLab renders it. */
  add(attribute: string, message: string, code: EntryCode = 'keyword-value'): void {
    const text = [this.location, humanize(attribute), message].filter(Boolean).join(' ').toLowerCase();
    const e = { path: this.path, message: text, code };
    this.errors.push(e);
    this.sink.push(e);
  }

  /** An error GitLab words without the attribute (UnknownStrategy#errors and the like). */
  raw(message: string, code: EntryCode = 'keyword-value'): void {
    const e = { path: this.path, message, code };
    this.errors.push(e);
    this.sink.push(e);
  }

  /** A child entry at `key`; `locationKey` is GitLab's key when it differs (composable children). */
  child(key: string | undefined, pathKey?: string): Entry {
    const location = key === undefined ? this.location : this.location ? `${this.location}:${key}` : key;
    return new Entry(location, pathKey === undefined ? this.path : [...this.path, pathKey], this.sink);
  }

  get valid(): boolean {
    return this.errors.length === 0;
  }

  /** Errors of this entry and of every entry below it. */
  get treeErrors(): EntryError[] {
    return this.sink.filter((e) => this.path.every((k, i) => e.path[i] === k));
  }

  // GitLab's validators (Gitlab::Config::Entry::Validators), with their messages.

  allowedKeys(config: Hash, allowed: readonly string[], attribute = 'config'): void {
    const unknown = Object.keys(config).filter((k) => !allowed.includes(k));
    if (unknown.length) this.add(attribute, `contains unknown keys: ${unknown.join(', ')}`, 'unknown-keys');
  }

  mutuallyExclusive(config: Hash, keys: readonly string[]): void {
    const present = Object.keys(config).filter((k) => keys.includes(k));
    if (present.length > 1)
      this.add('config', `these keys cannot be used together: ${present.join(', ')}`, 'keys-together');
  }

  type(attribute: string, value: unknown, type: 'string' | 'hash' | 'array' | 'integer', message?: string): boolean {
    const ok =
      type === 'string'
        ? isString(value)
        : type === 'hash'
          ? isHash(value)
          : type === 'array'
            ? Array.isArray(value)
            : Number.isInteger(value);
    // TypeValidator: "should be a <class name>", with "a" even before a vowel ("should be a array").
    if (!ok) this.add(attribute, message ?? `should be a ${type}`);
    return ok;
  }

  boolean(attribute: string, value: unknown): void {
    if (!isBoolean(value)) this.add(attribute, 'should be a boolean value');
  }

  arrayOfStrings(attribute: string, value: unknown): boolean {
    if (!isStrings(value)) {
      this.add(attribute, 'should be an array of strings');
      return false;
    }
    return true;
  }

  arrayOfStringsOrString(attribute: string, value: unknown): void {
    if (!isStrings(value) && !isString(value)) this.add(attribute, 'should be an array of strings or a string');
  }

  inclusion(
    attribute: string,
    value: unknown,
    allowed: readonly string[],
    message = `should be one of: ${allowed.join(', ')}`,
  ): void {
    if (!allowed.includes(value as string)) this.add(attribute, message);
  }
}
