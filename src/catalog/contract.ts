// A component's contract with its consumers: what a consumer may or must pass. It is what
// a release compares with the last one to decide the semver bump, and what the history keeps.
// Descriptions and job content are not part of it: changing them never breaks an include.
import type { Component } from '../define/component.js';
import { requirement } from '../gitlab/inputs.js';
import type { InputType, SpecInput } from '../model/spec.js';

/** Why an input or component should no longer be used, and what to use instead. */
export interface Deprecation {
  /** The input (for an input) or component (for a component) that replaces it. */
  readonly replacement?: string;
  /** A sentence for the consumer, e.g. when it will be removed. */
  readonly note?: string;
}

export interface InputContract {
  readonly type: InputType;
  /** A consumer must pass it (GitLab's requirement: no default, nor one from every rule). */
  readonly required: boolean;
  readonly default?: unknown;
  readonly options?: readonly unknown[];
  readonly regex?: string;
  readonly rules?: readonly unknown[];
  readonly deprecated?: Deprecation;
}

export interface ComponentContract {
  readonly inputs: Readonly<Record<string, InputContract>>;
  readonly deprecated?: Deprecation;
}

/** Component name -> contract. */
export type CatalogContract = Readonly<Record<string, ComponentContract>>;

function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The contract of one `spec:inputs` entry, as GitLab reads it (a null entry is a required string). */
export function inputContract(spec: SpecInput | null | undefined, deprecated?: Deprecation): InputContract {
  const s = spec ?? {};
  return strip({
    type: s.type ?? 'string',
    required: requirement(spec) === 'required',
    default: s.default,
    options: s.options ? [...s.options] : undefined,
    regex: s.regex,
    rules: s.rules ? (JSON.parse(JSON.stringify(s.rules)) as unknown[]) : undefined,
    deprecated: deprecated ? strip({ replacement: deprecated.replacement, note: deprecated.note }) : undefined,
  });
}

export function componentContract(c: Component): ComponentContract {
  const inputs: Record<string, InputContract> = {};
  for (const [name, def] of Object.entries(c.inputs)) {
    const { __value: _v, example: _e, deprecated, formerName: _f, description: _d, ...spec } = def;
    inputs[name] = inputContract(spec, deprecated);
  }
  return strip({ inputs, deprecated: c.deprecated ? strip({ ...c.deprecated }) : undefined });
}

export function catalogContract(components: readonly Component[]): CatalogContract {
  return Object.fromEntries(components.map((c) => [c.name, componentContract(c)]));
}

/** Declared renames of one component: new input name -> its former name. */
export function formerNames(c: Component): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, def] of Object.entries(c.inputs)) if (def.formerName) out[name] = def.formerName;
  return out;
}

/** The sentence the docs, the catalog UI and the linter show for a deprecation. */
export function deprecationText(d: Deprecation, kind: 'input' | 'component'): string {
  const parts = [d.replacement ? `use the \`${d.replacement}\` ${kind} instead` : undefined, d.note].filter(Boolean);
  return parts.length ? parts.join('; ') : `this ${kind} will be removed in a future major release`;
}

/**
 * The prefix a deprecated input's or component's description carries in the template. GitLab's
 * `spec` has no deprecation keyword, so the description is where the catalog UI shows it, and
 * where the linter finds it in any catalog's template at any version (see DEPRECATED_MARKER).
 */
export function deprecatedDescription(
  description: string,
  d: Deprecation | undefined,
  kind: 'input' | 'component',
): string {
  return d ? `Deprecated: ${deprecationText(d, kind)}. ${description}` : description;
}

/** Matches a description that marks a deprecation; group 1 is the sentence after the marker. */
export const DEPRECATED_MARKER = /^Deprecated: ([\s\S]*?)(?:\.(?:\s|$)|$)/;
