// A component template seen from an include of it: which inputs it declares, which of the given
// arguments it does not know, and which required ones are missing. GitLab refuses the include in
// both cases; tools that run a component without GitLab (gitlab-ci-local, runner exec) ask here first.
import type { SpecInput } from '../model/spec.js';
import { requirement } from './inputs.js';
import { parseCiText } from './yaml.js';

export interface ComponentArguments {
  readonly declared: readonly string[];
  /** Given arguments the template does not declare. */
  readonly unknown: readonly string[];
  /** Required inputs that were not given. */
  readonly missing: readonly string[];
  /** False when the template has no `spec:` header document. */
  readonly hasHeader: boolean;
}

/** Checks include arguments against a template's `spec:inputs`; throws ParseError for a broken template. */
export function componentArguments(file: string, text: string, args: Readonly<Record<string, unknown>>): ComponentArguments {
  const header = parseCiText(file, text).header;
  const specs = ((header?.spec as { inputs?: Record<string, SpecInput> } | null | undefined)?.inputs ?? {}) as Record<string, SpecInput>;
  const declared = Object.keys(specs);
  return {
    declared,
    unknown: Object.keys(args).filter((k) => !(k in specs)),
    missing: declared.filter((k) => !(k in args) && requirement(specs[k]) === 'required'),
    hasHeader: !!header,
  };
}
