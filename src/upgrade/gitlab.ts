// The GitLab semantics the upgrade needs, taken from the engine in src/gitlab (the one home for
// them): parsing a CI file and its `spec:` header, GitLab's input validation, template layouts,
// include sources, variable expansion and the linter. Nothing here re-implements them.
import type { SpecInput } from '../model/spec.js';
import { validateInputs } from '../gitlab/inputs.js';
import { loadCi } from '../gitlab/yaml.js';

export { DirectorySource, GitCommitSource, type Source } from '../gitlab/includes/source.js';
export { ensureMirror, redactUrl } from '../gitlab/includes/mirror.js';
export { expandVariables, templatePaths } from '../gitlab/includes/resolve.js';
export { lintBytes } from '../validate/lint/index.js';
export { yamlDocuments } from '../gitlab/yaml.js';

/**
 * The `spec:inputs` of a component template, as GitLab reads its header (`{}` when it declares none). Throws on broken
 * YAML.
 */
export function specInputs(file: string, text: string): Record<string, SpecInput | null> {
  const header = loadCi(file, text).header as { spec?: { inputs?: unknown } | null } | undefined;
  const inputs = header?.spec?.inputs;
  return inputs && typeof inputs === 'object' ? (inputs as Record<string, SpecInput | null>) : {};
}

/** GitLab's verdict on an include's arguments against a template's inputs: its error texts, in its order. */
export function gitlabInputErrors(
  specs: Readonly<Record<string, SpecInput | null>>,
  args: Readonly<Record<string, unknown>>,
): string[] {
  return validateInputs(specs, args).errors;
}
