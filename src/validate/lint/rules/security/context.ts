// What a security rule sees, and the small walks over a pipeline the rules share.
// Pipeline rules read the merged pipeline and the linted file as written (before interpolation:
// `$[[ inputs.x ]]` is still visible there); file rules read a project's JSON files.
import { jobsOf } from '../../../../gitlab/jobs.js';
import type { ProblemCode } from '../../../../internal/problem.js';

type Hash = Record<string, unknown>;

export interface SecurityFinding {
  readonly code: ProblemCode;
  readonly message: string;
  readonly fix: string;
  /** The job (or `default`, `include`, `variables`) the finding is about. */
  readonly job?: string;
  readonly severity?: 'error' | 'warning';
  /** A file other than the linted one (an included file, a trust policy). */
  readonly file?: string;
  readonly line?: number;
  /** Where in that file, when not a job: e.g. `statement "GitLabDeploy"`. */
  readonly path?: string;
}

/** A file of the pipeline as written: the linted file itself, or a local file it includes. */
export interface WrittenFile {
  readonly file: string;
  readonly header?: Hash;
  readonly content: unknown;
}

export interface PipelineContext {
  /** The merged pipeline, as GitLab would run it. */
  readonly config: Hash;
  /** The linted file and its local includes, before interpolation. */
  readonly written: readonly WrittenFile[];
  /** Every include GitLab would resolve, nested ones too: kind and expanded location. */
  readonly includes: readonly { readonly type: string; readonly location: string }[];
  /** This project's path (`CI_PROJECT_PATH`), when known. */
  readonly projectPath: string;
}

export type PipelineRule = (ctx: PipelineContext) => SecurityFinding[];

export interface JsonFileContext {
  readonly file: string;
  readonly document: unknown;
  readonly projectPath: string;
}

export type JsonFileRule = (ctx: JsonFileContext) => SecurityFinding[];

export const isHash = (v: unknown): v is Hash => !!v && typeof v === 'object' && !Array.isArray(v);

/** Jobs (hidden ones too: a template's `.base` is what its jobs run) plus `default`. */
export function jobsAndDefault(config: unknown): Array<[string, Hash]> {
  if (!isHash(config)) return [];
  return [...(isHash(config.default) ? [['default', config.default] as [string, Hash]] : []), ...jobsOf(config, true)];
}

/** Each line of shell a job runs: script, before_script, after_script (nested arrays flattened). */
export function scriptLines(job: Hash): Array<{ key: string; line: string }> {
  const out: Array<{ key: string; line: string }> = [];
  const walk = (key: string, v: unknown): void => {
    if (typeof v === 'string') out.push({ key, line: v });
    else if (Array.isArray(v)) for (const x of v) walk(key, x);
  };
  for (const key of ['before_script', 'script', 'after_script']) walk(key, job[key]);
  return out;
}

/** `variables:` blocks: the global one and each job's, with plain values (`{value:}` unwrapped). */
export function variableBlocks(config: unknown): Array<{ owner: string; vars: Array<[string, unknown]> }> {
  if (!isHash(config)) return [];
  const unwrap = (v: unknown) => (isHash(v) && 'value' in v ? v.value : v);
  const block = (owner: string, v: unknown) =>
    isHash(v) ? [{ owner, vars: Object.entries(v).map(([k, x]): [string, unknown] => [k, unwrap(x)]) }] : [];
  return [
    ...block('variables', config.variables),
    ...jobsAndDefault(config).flatMap(([name, job]) => block(name, job.variables)),
  ];
}
