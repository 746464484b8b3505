// Which top-level keys of a pipeline are jobs, and in which order their stages run.
// The one list of GitLab's global keywords (Ci::Config::Entry::Root); everything else is a job,
// `pages` included (it is an ordinary job name with a special deployment, not a keyword).

/** Top-level keys GitLab reads as pipeline settings rather than jobs. */
export const GLOBAL_KEYWORDS = [
  'default',
  'include',
  'before_script',
  'image',
  'services',
  'after_script',
  'variables',
  'stages',
  'types',
  'cache',
  'workflow',
  'spec',
] as const;
export type GlobalKeyword = (typeof GLOBAL_KEYWORDS)[number];

const GLOBAL = new Set<string>(GLOBAL_KEYWORDS);
export const DEFAULT_STAGES = ['build', 'test', 'deploy'];

type Hash = Record<string, unknown>;

export function isGlobalKeyword(key: string): key is GlobalKeyword {
  return GLOBAL.has(key);
}

/** The jobs of a pipeline: mappings under keys that are not global keywords; hidden (`.name`) ones on request. */
export function jobsOf(config: Hash, withHidden = false): Array<[string, Hash]> {
  return Object.entries(config).filter(
    (e): e is [string, Hash] =>
      !GLOBAL.has(e[0]) &&
      (withHidden || !e[0].startsWith('.')) &&
      !!e[1] &&
      typeof e[1] === 'object' &&
      !Array.isArray(e[1]),
  );
}

/** The pipeline's stages, with GitLab's implicit `.pre` first and `.post` last. */
export function stagesOf(config: Hash): string[] {
  const declared = Array.isArray(config.stages)
    ? config.stages.map(String)
    : Array.isArray(config.types)
      ? config.types.map(String)
      : DEFAULT_STAGES;
  return ['.pre', ...declared.filter((s) => s !== '.pre' && s !== '.post'), '.post'];
}

/** The stage a job runs in (`test` when it names none). */
export function stageOf(job: Hash): string {
  return String(job.stage ?? 'test');
}

/** Visible jobs in the order GitLab runs them: by stage, then as written. */
export function jobsInStageOrder(config: Hash): Array<[string, Hash]> {
  const stages = stagesOf(config);
  const order = (s: string) => (stages.indexOf(s) < 0 ? stages.length : stages.indexOf(s));
  return jobsOf(config)
    .map((entry, i) => ({ entry, i }))
    .sort((a, b) => order(stageOf(a.entry[1])) - order(stageOf(b.entry[1])) || a.i - b.i)
    .map(({ entry }) => entry);
}
