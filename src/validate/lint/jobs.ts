// Which top-level keys are jobs: everything except GitLab's global keywords (Config::Entry::Root).
export const GLOBAL_KEYWORDS = new Set(['default', 'include', 'before_script', 'image', 'services', 'after_script', 'variables', 'stages', 'types', 'cache', 'workflow', 'spec']);
export const DEFAULT_STAGES = ['build', 'test', 'deploy'];

type Hash = Record<string, unknown>;

export function jobsOf(config: Hash, withHidden = false): Array<[string, Hash]> {
  return Object.entries(config).filter(
    (e): e is [string, Hash] => !GLOBAL_KEYWORDS.has(e[0]) && (withHidden || !e[0].startsWith('.')) && !!e[1] && typeof e[1] === 'object' && !Array.isArray(e[1]),
  );
}

export function stagesOf(config: Hash): string[] {
  const declared = Array.isArray(config.stages) ? config.stages.map(String) : Array.isArray(config.types) ? config.types.map(String) : DEFAULT_STAGES;
  return ['.pre', ...declared.filter((s) => s !== '.pre' && s !== '.post'), '.post'];
}
