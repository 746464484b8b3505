// A component template seen from an include of it: which inputs it declares, which of the given
// arguments it does not know, and which required ones are missing. GitLab refuses the include in
// both cases; tools that run a component without GitLab (gitlab-ci-local, runner exec) ask here first.
import type { SpecInput } from '../model/spec.js';
import { requirement } from './inputs.js';
import { ok, type Outcome } from '../internal/problem.js';
import { parseCi } from './yaml.js';

export interface ComponentArguments {
  readonly declared: readonly string[];
  /** Given arguments the template does not declare. */
  readonly unknown: readonly string[];
  /** Required inputs that were not given. */
  readonly missing: readonly string[];
  /** False when the template has no `spec:` header document. */
  readonly hasHeader: boolean;
}

/** Checks include arguments against a template's `spec:inputs`, or returns why the template cannot be read. */
export function componentArguments(
  file: string,
  text: string,
  args: Readonly<Record<string, unknown>>,
): Outcome<ComponentArguments> {
  const parsed = parseCi(file, text);
  if (!parsed.ok) return parsed;
  const header = parsed.value.header;
  const specs = ((header?.spec as { inputs?: Record<string, SpecInput> } | null | undefined)?.inputs ?? {}) as Record<
    string,
    SpecInput
  >;
  const declared = Object.keys(specs);
  return ok({
    declared,
    unknown: Object.keys(args).filter((k) => !(k in specs)),
    missing: declared.filter((k) => !(k in args) && requirement(specs[k]) === 'required'),
    hasHeader: !!header,
  });
}
