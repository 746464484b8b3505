// Compares the catalog's contract with the last release's: what changed, and which semver
// bump each change needs. Breaking (major): a removed or renamed input, a newly required
// input, a narrowed type, options, regex or rules, a removed component. Additive (minor): a new
// optional input or component, widened options or regex, an input made optional, a deprecation.
// Anything else (a changed default, an undeprecation, job content, descriptions) is a patch.
import type { CatalogContract, ComponentContract, Deprecation, InputContract } from './contract.js';
import { deprecationText } from './contract.js';

export type Level = 'major' | 'minor' | 'patch';
export const LEVELS: readonly Level[] = ['major', 'minor', 'patch'];

/** One component's change in one release; replayed in the order renamed, removed, added/changed. */
export interface ComponentDiff {
  readonly status?: 'added' | 'removed';
  /** New input name -> its former name. */
  readonly renamed?: Readonly<Record<string, string>>;
  readonly removed?: readonly string[];
  readonly added?: Readonly<Record<string, InputContract>>;
  /** Inputs whose contract changed: the whole new contract (keyed by the new name when renamed). */
  readonly changed?: Readonly<Record<string, InputContract>>;
  /** Set when the component became deprecated; null when it no longer is. */
  readonly deprecated?: Deprecation | null;
}

export interface Change {
  readonly component: string;
  readonly input?: string;
  readonly level: Level;
  readonly text: string;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const show = (v: unknown): string => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
const list = (vs: readonly unknown[]): string => vs.map(show).join(', ');

export function maxLevel(levels: Iterable<Level>): Level {
  let best: Level = 'patch';
  for (const l of levels) if (LEVELS.indexOf(l) < LEVELS.indexOf(best)) best = l;
  return best;
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(
    Object.entries(o).filter(
      ([, v]) => v !== undefined && !(typeof v === 'object' && v !== null && Object.keys(v).length === 0),
    ),
  ) as T;
}

/** What changed in one component; renames come from the inputs' declared former names. */
export function diffComponent(
  prev: ComponentContract | undefined,
  next: ComponentContract | undefined,
  renames: Readonly<Record<string, string>> = {},
): ComponentDiff | undefined {
  if (!prev && !next) return undefined;
  if (!prev) return compact({ status: 'added' as const, added: { ...next!.inputs }, deprecated: next!.deprecated });
  if (!next) return { status: 'removed' };
  const renamed: Record<string, string> = {};
  const removed: string[] = [];
  const added: Record<string, InputContract> = {};
  const changed: Record<string, InputContract> = {};
  for (const [name, former] of Object.entries(renames)) {
    if (!(name in prev.inputs) && former in prev.inputs && !(former in next.inputs)) renamed[name] = former;
  }
  const formers = new Set(Object.values(renamed));
  for (const name of Object.keys(prev.inputs)) if (!(name in next.inputs) && !formers.has(name)) removed.push(name);
  for (const [name, c] of Object.entries(next.inputs)) {
    const before = prev.inputs[renamed[name] ?? name];
    if (!before) added[name] = c;
    else if (!same(before, c)) changed[name] = c;
  }
  const deprecated = same(prev.deprecated, next.deprecated) ? undefined : (next.deprecated ?? null);
  const d = compact({ renamed, removed: removed.length ? removed : undefined, added, changed, deprecated });
  return Object.keys(d).length ? d : undefined;
}

export function diffCatalog(
  prev: CatalogContract,
  next: CatalogContract,
  renames: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
): Record<string, ComponentDiff> {
  const out: Record<string, ComponentDiff> = {};
  for (const name of [...new Set([...Object.keys(prev), ...Object.keys(next)])].sort()) {
    const d = diffComponent(prev[name], next[name], renames[name]);
    if (d) out[name] = d;
  }
  return out;
}

/** Replays one diff onto the contract before it. */
export function applyDiff(prev: ComponentContract | undefined, d: ComponentDiff): ComponentContract | undefined {
  if (d.status === 'removed') return undefined;
  const inputs: Record<string, InputContract> = d.status === 'added' ? {} : { ...(prev?.inputs ?? {}) };
  for (const [name, former] of Object.entries(d.renamed ?? {})) {
    const c = inputs[former];
    delete inputs[former];
    if (c) inputs[name] = c;
  }
  for (const name of d.removed ?? []) delete inputs[name];
  for (const [name, c] of Object.entries({ ...d.added, ...d.changed })) inputs[name] = c;
  const deprecated =
    d.deprecated === undefined ? (d.status === 'added' ? undefined : prev?.deprecated) : (d.deprecated ?? undefined);
  return compact({ inputs, deprecated }) as ComponentContract;
}

function describeInput(component: string, name: string, a: InputContract, b: InputContract): Change[] {
  const out: Change[] = [];
  const add = (level: Level, text: string) => out.push({ component, input: name, level, text });
  if (a.type !== b.type) add('major', `input \`${name}\`: type changed from ${a.type} to ${b.type}`);
  if (!a.required && b.required) add('major', `input \`${name}\` is now required (it had a default)`);
  if (a.required && !b.required)
    add('minor', `input \`${name}\` is now optional${b.default !== undefined ? ` (default ${show(b.default)})` : ''}`);
  if (a.default !== undefined && b.default !== undefined && !same(a.default, b.default))
    add('patch', `input \`${name}\`: default changed from ${show(a.default)} to ${show(b.default)}`);
  if (!a.options && b.options) add('major', `input \`${name}\` is now restricted to the options ${list(b.options)}`);
  else if (a.options && !b.options) add('minor', `input \`${name}\` is no longer restricted to a list of options`);
  else if (a.options && b.options) {
    const gone = a.options.filter((o) => !b.options!.some((x) => same(x, o)));
    const added = b.options.filter((o) => !a.options!.some((x) => same(x, o)));
    if (gone.length) add('major', `input \`${name}\`: option${gone.length > 1 ? 's' : ''} ${list(gone)} removed`);
    if (added.length) add('minor', `input \`${name}\`: option${added.length > 1 ? 's' : ''} ${list(added)} added`);
  }
  if (a.regex === undefined && b.regex !== undefined)
    add('major', `input \`${name}\` must now match the regex ${show(b.regex)}`);
  else if (a.regex !== undefined && b.regex === undefined)
    add('minor', `input \`${name}\`: regex ${show(a.regex)} removed`);
  else if (a.regex !== b.regex)
    add(
      'major',
      `input \`${name}\`: regex changed from ${show(a.regex)} to ${show(b.regex)} (it may reject values the ` +
        `old one accepted)`,
    );
  if (!same(a.rules, b.rules))
    add('major', `input \`${name}\`: conditional rules changed (they may narrow the allowed values)`);
  if (!a.deprecated && b.deprecated)
    add('minor', `input \`${name}\` is deprecated: ${deprecationText(b.deprecated, 'input')}`);
  else if (a.deprecated && !b.deprecated) add('patch', `input \`${name}\` is no longer deprecated`);
  else if (!same(a.deprecated, b.deprecated))
    add('patch', `input \`${name}\`: deprecation changed: ${deprecationText(b.deprecated!, 'input')}`);
  return out;
}

/** The changes one diff makes, in words, each with the bump it needs; breaking ones first. */
export function describeDiff(component: string, prev: ComponentContract | undefined, d: ComponentDiff): Change[] {
  const out: Change[] = [];
  if (d.status === 'added') {
    out.push({ component, level: 'minor', text: `new component \`${component}\`` });
    return out;
  }
  if (d.status === 'removed') return [{ component, level: 'major', text: `component \`${component}\` removed` }];
  for (const [name, former] of Object.entries(d.renamed ?? {}))
    out.push({ component, input: name, level: 'major', text: `input \`${former}\` renamed to \`${name}\`` });
  for (const name of d.removed ?? [])
    out.push({ component, input: name, level: 'major', text: `input \`${name}\` removed` });
  for (const [name, c] of Object.entries(d.added ?? {})) {
    out.push(
      c.required
        ? { component, input: name, level: 'major', text: `new required input \`${name}\`` }
        : {
            component,
            input: name,
            level: 'minor',
            text: `new optional input \`${name}\`${c.default !== undefined ? ` (default ${show(c.default)})` : ''}`,
          },
    );
  }
  for (const [name, c] of Object.entries(d.changed ?? {})) {
    const before = prev?.inputs[d.renamed?.[name] ?? name];
    if (before) out.push(...describeInput(component, name, before, c));
  }
  if (d.deprecated)
    out.push({
      component,
      level: 'minor',
      text: `component \`${component}\` is deprecated: ${deprecationText(d.deprecated, 'component')}`,
    });
  else if (d.deprecated === null)
    out.push({ component, level: 'patch', text: `component \`${component}\` is no longer deprecated` });
  return out.sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level));
}

export function describeCatalogDiff(prev: CatalogContract, diff: Readonly<Record<string, ComponentDiff>>): Change[] {
  return Object.entries(diff)
    .flatMap(([name, d]) => describeDiff(name, prev[name], d))
    .sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level));
}
