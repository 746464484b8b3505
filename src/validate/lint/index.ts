// `lint(files, options)`: GitLab's verdict for each file, offline, as data.
// Pipelines are linted as GitLab would create them; component templates (templates/<name>.yml or
// templates/<name>/template.yml) are linted as a consumer including them with their defaults.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { type Problem, problem } from '../../internal/problem.js';
import { validateCiConfig } from '../../gitlab/ci-schema.js';
import { decidedByEntries, validateEntries } from '../../gitlab/entries/index.js';
import { includeEnv, type EnvOptions } from '../../gitlab/includes/env.js';
import { TEMPLATE_PATH } from '../../gitlab/includes/resolve.js';
import { sampleArguments } from '../../gitlab/inputs.js';
import { buildPipeline, type IncludeRecord } from '../../gitlab/pipeline.js';
import { parseCi, MAX_FILE_BYTES } from '../../gitlab/yaml.js';
import { crossJobRules, entryRules } from './rules/index.js';
import { entryFix } from './entry-fix.js';
import { pipelineSecurityProblems, trustPolicyProblems } from './security.js';

export interface LintOptions extends EnvOptions {
  /** Pipeline inputs for the linted files' own `spec:inputs`. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly maxIncludes?: number;
  /** Also run the security rules (rules/security/) and check the project's IAM trust policies. */
  readonly security?: boolean;
}

export interface LintResult {
  readonly file: string;
  readonly valid: boolean;
  readonly problems: Problem[];
  readonly includes: IncludeRecord[];
  readonly jobs: string[];
  readonly merged?: Record<string, unknown>;
}

export { TEMPLATE_PATH };

/** The include environment of a lint run (git HEAD, catalog project, CI variables). */
export const lintEnv = (options: LintOptions = {}) => includeEnv(options);

/** The `spec:inputs` of a template, or undefined when it has no header or cannot be parsed. */
export function templateInputSpecs(file: string, bytes: Uint8Array): Record<string, unknown> | undefined {
  const parsed = parseCi(file, bytes);
  const specs = parsed.ok
    ? (parsed.value.header?.spec as Record<string, unknown> | null | undefined)?.inputs
    : undefined;
  return specs && typeof specs === 'object' ? (specs as Record<string, unknown>) : undefined;
}

/** Inputs for linting a template on its own: what was given, plus a sample for each required input. */
function templateInputs(
  bytes: Uint8Array,
  file: string,
  given: Readonly<Record<string, unknown>> | undefined,
  placeholders: Set<string>,
): Record<string, unknown> | undefined {
  const specs = templateInputSpecs(file, bytes);
  if (!specs) return given ? { ...given } : undefined;
  const sample = sampleArguments(specs, {}, given);
  for (const p of sample.placeholders) placeholders.add(p);
  return sample.args;
}

export function lintBytes(
  file: string,
  bytes: Uint8Array,
  options: LintOptions = {},
  env = lintEnv(options),
): LintResult {
  const rel = isAbsolute(file) ? relative(env.repo, file) : file;
  const template = TEMPLATE_PATH.exec(rel.split('\\').join('/'));
  const component = template
    ? { name: template[1]!, sha: env.headSha, version: null, reference: env.headSha }
    : undefined;
  const placeholders = new Set<string>();
  const inputs = template
    ? templateInputs(bytes, rel, options.inputs, placeholders)
    : options.inputs
      ? { ...options.inputs }
      : undefined;
  const built = buildPipeline(rel, bytes, { env, inputs, component, maxIncludes: options.maxIncludes, placeholders });
  const componentName = template ? { component: template[1]! } : {};
  const problems: Problem[] = built.problems.map((p) => ({ ...componentName, ...p, file: p.file ?? rel }));
  const config = built.config;
  const jobs: string[] = [];
  if (config) {
    // Schema and rule problems name a key path; the job is its first key, which says where it is.
    const located = (p: Problem): Problem => {
      const job = p.path ? Object.keys(config).find((k) => p.path === k || p.path!.startsWith(`${k}.`)) : undefined;
      const at = job ? built.jobPositions.get(job) : undefined;
      return { ...p, ...componentName, file: at?.file ?? rel, line: at?.line, column: at?.column };
    };
    // GitLab's own keyword checks first; the CI schema only where they say nothing about that key.
    const entries = validateEntries(config);
    for (const e of entries)
      problems.push(located(problem(e.code, e.message, { path: e.path.join('.'), fix: entryFix(e) })));
    const jobErrors = entryRules.flatMap((rule) => rule(config).map(located));
    const decided = [...entries.map((e) => e.path), ...jobErrors.map((p) => (p.path ? [p.path] : []))];
    const overlaps = (a: readonly string[], b: readonly string[]) =>
      a.length > 0 && b.length > 0 && a.slice(0, Math.min(a.length, b.length)).every((k, i) => b[i] === k);
    for (const p of validateCiConfig(config)) {
      // GitLab names the key as `job:key:subkey`.
      const job = p.path ? Object.keys(config).find((k) => p.path === k || p.path!.startsWith(`${k}.`)) : undefined;
      const keys = job
        ? [
            job,
            ...p
              .path!.slice(job.length + 1)
              .split('.')
              .filter(Boolean),
          ]
        : [];
      const unknownKey = /^has unknown key "(.*)"$/.exec(p.message)?.[1];
      if (decided.some((x) => overlaps(x, keys)) || decidedByEntries(config, keys, unknownKey)) continue;
      problems.push(located({ ...p, message: `${keys.length ? `${keys.join(':')} ` : ''}${p.message}` }));
    }
    problems.push(...jobErrors);
    // GitLab looks across jobs only once every keyword is valid (YamlProcessor#run_logical_validations!).
    if (!problems.some((p) => p.severity === 'error'))
      for (const rule of crossJobRules) for (const p of rule(config)) problems.push(located(p));
    for (const [k, v] of Object.entries(config))
      if (
        !k.startsWith('.') &&
        v &&
        typeof v === 'object' &&
        !Array.isArray(v) &&
        ('script' in v || 'trigger' in v || 'run' in v)
      )
        jobs.push(k);
  }
  if (options.security)
    problems.push(
      ...pipelineSecurityProblems(
        rel,
        bytes,
        built,
        env,
        (job) => ({
          file: built.jobPositions.get(job ?? '')?.file ?? rel,
          line: built.jobPositions.get(job ?? '')?.line,
          column: built.jobPositions.get(job ?? '')?.column,
        }),
        template?.[1],
      ),
    );
  return {
    file: rel,
    valid: !problems.some((p) => p.severity === 'error'),
    problems,
    includes: built.includes,
    jobs,
    merged: config,
  };
}

export function lintFile(file: string, options: LintOptions = {}, env = lintEnv(options)): LintResult {
  const full = resolve(env.repo, file);
  const rel = relative(env.repo, full) || file;
  const fail = (message: string, fix: string): LintResult => ({
    file: rel,
    valid: false,
    includes: [],
    jobs: [],
    problems: [{ code: 'read', severity: 'error', message, fix, file: rel }],
  });
  if (!existsSync(full)) return fail('file does not exist', 'check the path');
  const stat = statSync(full);
  if (!stat.isFile()) return fail('is not a file', 'pass a YAML file');
  if (stat.size > MAX_FILE_BYTES)
    return fail(
      `file is ${stat.size} bytes, over GitLab's 1 MB limit for a CI configuration file`,
      'split it into smaller files joined with `include:`',
    );
  return lintBytes(rel, readFileSync(full), options, env);
}

/** Lints many files; the include environment (git HEAD, catalog project) is computed once. */
export function lint(files: readonly string[], options: LintOptions = {}): LintResult[] {
  const env = lintEnv(options);
  const results = files.map((f) => lintFile(f, options, env));
  if (!options.security) return results;
  // IAM trust policies are the project's, not one pipeline's: each is reported as a file of its own.
  const policies = trustPolicyProblems(env).filter((p) => !results.some((r) => r.file === p.file));
  return [
    ...results,
    ...policies.map(({ file, problems }) => ({
      file,
      valid: !problems.some((p) => p.severity === 'error'),
      problems,
      includes: [],
      jobs: [],
    })),
  ];
}

/**
 * The build hook: lints each component template as a consumer would include it, with its
 * defaults and an example for each required input. Returns the problems found.
 */
export async function lintTemplates(paths: readonly string[], options: LintOptions = {}): Promise<Problem[]> {
  return lint(paths, options).flatMap((r) => r.problems);
}

/**
 * The build hook, before anything is written: lints each generated component template
 * (`templates/...` entries of path -> content) as a consumer including it would.
 */
export function lintGenerated(files: ReadonlyMap<string, string>, options: LintOptions = {}): Problem[] {
  const env = lintEnv(options);
  return [...files]
    .filter(([path]) => TEMPLATE_PATH.test(path))
    .flatMap(([path, content]) => lintBytes(path, Buffer.from(content), options, env).problems);
}
