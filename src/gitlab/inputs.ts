// GitLab's header and input checks with GitLab's own texts and order
// (lib/gitlab/ci/config/header/*.rb, interpolation/inputs.rb, inputs/*_input.rb):
// unknown arguments first, then per input: required, the default (type, options, regex),
// then the provided value (type, options, regex).

import type { InputType, SpecInput } from '../model/spec.js';
import { evaluateCondition, inputsReferenced } from './rules.js';

export const TYPES = ['array', 'boolean', 'number', 'string'] as const satisfies readonly InputType[];
export type { InputType };
const SPEC_KEYS = ['inputs', 'include', 'component', 'description'];
const INPUT_KEYS = ['default', 'description', 'options', 'regex', 'type', 'rules'];
const RULE_KEYS = ['if', 'options', 'default'];
/** Limits GitLab puts on `spec:` (Ci::Config::Header::Input, Catalog::Resources::Version). */
export const MAX_OPTIONS = 50;
export const MAX_INPUTS = 500;
export const MAX_SPEC_DESCRIPTION = 256;
export const MAX_INPUT_DESCRIPTION = 1024;
/** Input and component names: letters, digits, `_` and `-`. */
export const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;

/** Why GitLab's RE2 engine rejects a pattern JavaScript accepts: lookaround and backreferences. */
export function re2Incompatibility(pattern: string): string | undefined {
  if (/\(\?<?[=!]/.test(pattern)) return 'lookaround `(?=`, `(?!`, `(?<=`, `(?<!` is not supported by RE2';
  if (/\\[1-9]|\\k</.test(pattern)) return 'backreferences such as `\\1` or `\\k<name>` are not supported by RE2';
  return undefined;
}

/** Compiles an input's `regex` as GitLab would accept it; throws SyntaxError with the reason. */
export function compileInputRegex(pattern: string): RegExp {
  const re2 = re2Incompatibility(pattern);
  if (re2) throw new SyntaxError(re2);
  return new RegExp(pattern, 'u');
}

/**
 * Whether a consumer must pass an input: `optional` when it has a default (for `rules`: when every
 * rule gives one), `required` when nothing can give it a value, `conditional` when it depends on
 * which rule matches the other inputs.
 */
export type Requirement = 'required' | 'optional' | 'conditional';
export function requirement(def: SpecInput | null | undefined): Requirement {
  if (!def) return 'required';
  if (!Array.isArray(def.rules)) return def.default === undefined ? 'required' : 'optional';
  const withDefault = def.rules.filter(
    (r) => r && typeof r === 'object' && 'default' in r && r.default !== undefined,
  ).length;
  if (withDefault === def.rules.length) return 'optional';
  return withDefault === 0 ? 'required' : 'conditional';
}

/** A value GitLab accepts for an input nobody set: its example, else its first option, else one of its type. */
export function sampleValue(def: SpecInput | null | undefined, example?: unknown): unknown {
  if (example !== undefined) return example;
  const options = def?.options ?? def?.rules?.find((r) => r.options?.length)?.options;
  if (options?.length) return def?.type === 'array' ? [options[0]] : options[0];
  return { string: 'example', number: 1, boolean: true, array: [] }[def?.type ?? 'string'];
}

/**
 * The arguments to check a template with when no consumer gave any: what was given, plus a sample for
 * each input that is not optional. `placeholders` names the inputs that got a stand-in rather than an
 * example, whose `regex` is not applied (a stand-in cannot know the pattern).
 */
export function sampleArguments(
  specs: unknown,
  examples: Readonly<Record<string, unknown>> = {},
  given: Readonly<Record<string, unknown>> = {},
): { args: Record<string, unknown>; placeholders: Set<string> } {
  const args: Record<string, unknown> = { ...given };
  const placeholders = new Set<string>();
  for (const [name, def] of Object.entries(isObject(specs) ? specs : {})) {
    if (name in given) continue;
    const spec = isObject(def) ? (def as SpecInput) : undefined;
    // An input with rules is left to its rules, as GitLab resolves it from the other inputs.
    if (requirement(spec) !== 'required' || spec?.rules) continue;
    args[name] = sampleValue(spec, examples[name]);
    if (examples[name] === undefined) placeholders.add(name);
  }
  return { args, placeholders };
}

export interface InputsResult {
  readonly values: Record<string, unknown>;
  readonly errors: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Structural checks of the `spec:` header, before any value is looked at. */
export function validateHeader(header: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const unknownRoot = Object.keys(header).filter((k) => k !== 'spec');
  if (unknownRoot.length) errors.push(`header config contains unknown keys: ${unknownRoot.join(', ')}`);
  const spec = header.spec;
  if (spec === null || spec === undefined) return errors;
  if (!isObject(spec)) return [...errors, 'header:spec config should be a hash'];
  const unknown = Object.keys(spec).filter((k) => !SPEC_KEYS.includes(k));
  if (unknown.length) errors.push(`header:spec config contains unknown keys: ${unknown.join(', ')}`);
  const inputs = spec.inputs;
  if (inputs !== undefined && inputs !== null && !isObject(inputs))
    errors.push('header:spec:inputs config should be a hash');
  for (const [name, def] of Object.entries(isObject(inputs) ? inputs : {})) {
    const at = `header:spec:inputs:${name}`;
    if (!NAME_PATTERN.test(name)) errors.push(`${at} key must be an alphanumeric string`);
    if (def === null) continue;
    if (!isObject(def)) continue; // reported as an unknown input specification below
    // Entry::BaseInput: GitLab names the type it does not know before anything is interpolated.
    if (def.type !== undefined && def.type !== null && !(TYPES as readonly unknown[]).includes(def.type))
      errors.push(`${at} input type unknown value: ${String(def.type)}`);
    const bad = Object.keys(def).filter((k) => !INPUT_KEYS.includes(k));
    if (bad.length) errors.push(`${at} config contains unknown keys: ${bad.join(', ')}`);
    if (Array.isArray(def.options) && def.options.length > MAX_OPTIONS)
      errors.push(`${at} config cannot define more than ${MAX_OPTIONS} options`);
    if (def.options !== undefined && !Array.isArray(def.options)) errors.push(`${at} options should be an array`);
    if (def.rules !== undefined) errors.push(...validateRuleShape(at, def));
  }
  const component = spec.component;
  if (component !== undefined) {
    const allowed = ['name', 'sha', 'version', 'reference'];
    if (!Array.isArray(component) || component.some((c) => typeof c !== 'string' || !allowed.includes(c))) {
      errors.push(`header:spec:component config must be an array of: ${allowed.join(', ')}`);
    }
  }
  if (spec.description !== undefined && (typeof spec.description !== 'string' || spec.description.length > 256)) {
    errors.push('header:spec:description config should be a string of at most 256 characters');
  }
  return errors;
}

function validateRuleShape(at: string, def: Record<string, unknown>): string[] {
  const errors: string[] = [];
  if (!Array.isArray(def.rules)) return [`${at}:rules config should be an array`];
  if ('options' in def || 'default' in def)
    errors.push(`${at} config cannot combine 'rules' with 'options' or 'default'`);
  for (const [i, rule] of def.rules.entries()) {
    if (!isObject(rule)) {
      errors.push(`${at}:rules:rule[${i}] config should be a hash`);
      continue;
    }
    const bad = Object.keys(rule).filter((k) => !RULE_KEYS.includes(k));
    if (bad.length) errors.push(`${at}:rules:rule[${i}] config contains unknown keys: ${bad.join(', ')}`);
    if (!('if' in rule) && !('options' in rule))
      errors.push(`${at}:rules:rule[${i}] fallback rule must define 'options'`);
    if ('if' in rule && !('options' in rule) && !('default' in rule))
      errors.push(`${at}:rules:rule[${i}] rule with 'if' must define 'options' or 'default'`);
  }
  return errors;
}

function typeOf(def: unknown): InputType | undefined {
  if (def === null || def === undefined) return 'string';
  if (!isObject(def)) return undefined;
  if (def.type === undefined || def.type === null) return 'string';
  return (TYPES as readonly string[]).includes(def.type as string) ? (def.type as InputType) : undefined;
}

function article(t: InputType): string {
  return t === 'array' ? 'an array' : `a ${t}`;
}

function matchesType(t: InputType, v: unknown): boolean {
  switch (t) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

interface Effective {
  readonly options?: unknown[];
  readonly hasDefault: boolean;
  readonly default?: unknown;
}

/** `spec:inputs:<x>:rules`: the first rule whose `if` holds gives the options and default. */
function effectiveSpec(
  name: string,
  def: Record<string, unknown>,
  resolved: Record<string, unknown>,
  declared: Set<string>,
  errors: string[],
): Effective {
  if (!Array.isArray(def.rules)) {
    return {
      options: Array.isArray(def.options) ? def.options : undefined,
      hasDefault: 'default' in def,
      default: def.default,
    };
  }
  for (const [i, rule] of (def.rules as unknown[]).entries()) {
    if (!isObject(rule)) continue;
    if (typeof rule.if === 'string') {
      const refs = inputsReferenced(rule.if);
      const undef = refs.filter((r) => !declared.has(r));
      if (undef.length) {
        errors.push(`\`${name}\` input: rule[${i}] references undefined inputs: ${undef.join(', ')}`);
        return { hasDefault: false };
      }
      if (!evaluateCondition(rule.if, resolved)) continue;
    }
    return {
      options: Array.isArray(rule.options) ? rule.options : undefined,
      hasDefault: 'default' in rule,
      default: rule.default,
    };
  }
  return { hasDefault: false };
}

/** Orders inputs so a rule's dependencies resolve before it; reports cycles as GitLab does. */
function order(specs: Record<string, unknown>, errors: string[]): string[] {
  const deps = new Map<string, string[]>();
  for (const [name, def] of Object.entries(specs)) {
    const refs =
      isObject(def) && Array.isArray(def.rules)
        ? (def.rules as unknown[]).flatMap((r) =>
            isObject(r) && typeof r.if === 'string' ? inputsReferenced(r.if) : [],
          )
        : [];
    deps.set(
      name,
      refs.filter((r) => r in specs),
    );
  }
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  let cycle = false;
  const visit = (n: string) => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') {
      cycle = true;
      return;
    }
    state.set(n, 'visiting');
    for (const d of deps.get(n) ?? []) visit(d);
    state.set(n, 'done');
    out.push(n);
  };
  for (const n of Object.keys(specs)) visit(n);
  if (cycle) errors.push('circular dependency detected');
  return out;
}

/** A value for every input as a sample include would have it: defaults, rules, and a sample for each required one. */
export function sampleValues(
  specs: unknown,
  examples: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return validateInputs(specs, sampleArguments(specs, examples).args).values;
}

/** Validates the given arguments against `spec:inputs` and returns the values to interpolate. */
export function validateInputs(
  specsIn: unknown,
  argsIn: Readonly<Record<string, unknown>> | undefined,
  placeholders: ReadonlySet<string> = new Set(),
): InputsResult {
  const specs = isObject(specsIn) ? specsIn : {};
  const args = argsIn ?? {};
  const errors: string[] = [];
  const values: Record<string, unknown> = {};
  const unknown = Object.keys(args).filter((k) => !(k in specs));
  if (unknown.length) errors.push(`unknown input arguments: ${unknown.join(', ')}`);
  const declared = new Set(Object.keys(specs));
  const inputErrors: string[] = [];
  for (const name of order(specs, errors)) {
    const def = specs[name];
    const type = typeOf(def);
    if (!type) {
      errors.push(`unknown input specification for \`${name}\` (valid types: ${TYPES.join(', ')})`);
      continue;
    }
    const spec = isObject(def) ? def : {};
    const own: string[] = [];
    const err = (m: string) => own.push(`\`${name}\` input: ${m}`);
    const eff = effectiveSpec(name, spec, values, declared, own);
    const value = Object.hasOwn(args, name) ? args[name] : undefined;
    const provided = value !== undefined && value !== null;
    if (!eff.hasDefault && !provided && own.length === 0) {
      err('required value has not been provided');
    } else if (own.length === 0) {
      const run = (v: unknown, isDefault: boolean) => {
        const label = isDefault ? 'default' : 'provided';
        // An input with rules and `default: null` lets the user type any value (18.9).
        if (isDefault && v === null && Array.isArray(spec.rules)) return;
        if (!matchesType(type, v)) err(`${label} value is not ${article(type)}`);
        if (eff.options) {
          if (type === 'boolean') err('Options can only be used with string and number inputs');
          else if (type === 'array') {
            for (const item of Array.isArray(v) ? v : []) {
              if (!eff.options.some((o) => sameValue(o, item)))
                err(`\`${String(item)}\` cannot be used because it is not in the list of allowed options`);
            }
          } else if (v !== null && v !== undefined && !eff.options.some((o) => sameValue(o, v))) {
            err(
              `\`${String(v)}\` cannot be used because it is not in the list of ` +
                `${type === 'number' ? 'the ' : ''}allowed options`,
            );
          }
        }
        if ('regex' in spec) {
          if (type !== 'string') err('RegEx validation can only be used with string inputs');
          else if (typeof v === 'string' && !(placeholders.has(name) && !isDefault)) {
            try {
              if (!compileInputRegex(String(spec.regex)).test(v))
                err(`${label} value does not match required RegEx pattern`);
            } catch {
              err('invalid regular expression');
            }
          }
        }
      };
      if (eff.hasDefault) run(eff.default, true);
      if (provided) run(value, false);
    }
    inputErrors.push(...own);
    values[name] = provided ? value : (eff.default ?? null);
  }
  return { values, errors: [...errors, ...inputErrors] };
}
