// The fidelity corpus: each folder under corpus/ is a pipeline (its .gitlab-ci.yml plus the files
// it includes) and an expected.yml with GitLab's verdict and the message GitLab gives.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadYaml } from '../../src/gitlab/yaml.js';
import { lint, type LintResult } from '../../src/validate/lint/index.js';

export const CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'corpus');

export interface CorpusCase {
  readonly name: string;
  readonly dir: string;
  readonly verdict: 'valid' | 'invalid';
  /** Text GitLab reports (or, for schema cases, the key it names), which our errors must contain. */
  readonly message?: string;
  readonly notMessage?: string;
  readonly source: string;
  /** gitlab-ci-local's verdict where it differs from GitLab's. */
  readonly gitlabCiLocal?: 'valid' | 'invalid';
}

export function corpusCases(): CorpusCase[] {
  return readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = join(CORPUS_DIR, d.name);
      const e = loadYaml('expected.yml', readFileSync(join(dir, 'expected.yml'), 'utf8')) as Record<string, string>;
      return {
        name: d.name,
        dir,
        verdict: e.verdict as 'valid' | 'invalid',
        message: e.message,
        notMessage: e.not_message,
        source: e.source ?? '',
        gitlabCiLocal: e['gitlab-ci-local'] as 'valid' | 'invalid' | undefined,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface CaseOutcome {
  readonly case: CorpusCase;
  readonly result: LintResult;
  readonly agrees: boolean;
  readonly why?: string;
}

export function judge(c: CorpusCase, result: LintResult): CaseOutcome {
  const verdict = result.valid ? 'valid' : 'invalid';
  const text = result.problems
    .filter((p) => p.severity === 'error')
    .map((p) => p.message)
    .join('\n');
  if (verdict !== c.verdict)
    return { case: c, result, agrees: false, why: `verdict ${verdict}, GitLab ${c.verdict}${text ? `: ${text}` : ''}` };
  if (c.message && !text.includes(c.message))
    return { case: c, result, agrees: false, why: `message "${text}" lacks "${c.message}"` };
  if (c.notMessage && text.includes(c.notMessage))
    return { case: c, result, agrees: false, why: `message "${text}" should not contain "${c.notMessage}"` };
  return { case: c, result, agrees: true };
}

export function runCorpus(cases = corpusCases()): CaseOutcome[] {
  return cases.map((c) => judge(c, lint(['.gitlab-ci.yml'], { cwd: c.dir })[0]!));
}
