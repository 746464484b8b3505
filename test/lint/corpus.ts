// The fidelity corpus: each folder under corpus/ is a pipeline (its .gitlab-ci.yml plus the files
// it includes) and an expected.yml with GitLab's verdict and the message GitLab gives.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadYaml } from '../../src/gitlab/yaml.js';
import { lint, type LintResult } from '../../src/validate/lint/index.js';

export const CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'corpus');
/** Cases transcribed from GitLab's own specs: one YAML file per spec file, many cases in each. */
export const SPEC_CORPUS_DIR = join(CORPUS_DIR, 'from-gitlab-specs');

export interface CorpusCase {
  readonly name: string;
  readonly dir: string;
  readonly verdict: 'valid' | 'invalid';
  /** Text GitLab reports (or, for schema cases, the key it names), which our errors must contain. */
  readonly message?: string;
  /** Every one of these must be among our errors (GitLab lists all its keyword errors). */
  readonly messages?: readonly string[];
  readonly notMessage?: string;
  readonly source: string;
  /** gitlab-ci-local's verdict where it differs from GitLab's. */
  readonly gitlabCiLocal?: 'valid' | 'invalid';
}

interface SpecFile {
  readonly source: string;
  readonly cases: ReadonlyArray<{
    name: string;
    context?: string;
    verdict: 'valid' | 'invalid';
    message?: string;
    messages?: string[];
    ci: string;
    files?: Record<string, string>;
  }>;
}

let specDir: string | undefined;
/** The cases of corpus/from-gitlab-specs/*.yml, each written out as a project folder once per run. */
export function specCases(): CorpusCase[] {
  specDir ??= mkdtempSync(join(tmpdir(), 'lint-spec-corpus-'));
  return readdirSync(SPEC_CORPUS_DIR)
    .filter((f) => f.endsWith('.yml'))
    .flatMap((f) => {
      const spec = loadYaml(f, readFileSync(join(SPEC_CORPUS_DIR, f), 'utf8')) as SpecFile;
      return spec.cases.map((c) => {
        const name = `${f.replace(/\.yml$/, '')}/${c.name}`;
        const dir = join(specDir!, name);
        for (const [path, text] of Object.entries({ ...c.files, '.gitlab-ci.yml': c.ci })) {
          mkdirSync(dirname(join(dir, path)), { recursive: true });
          writeFileSync(join(dir, path), text);
        }
        return {
          name,
          dir,
          verdict: c.verdict,
          message: c.message,
          messages: c.messages,
          source: `${spec.source}${c.context ? ` (${c.context})` : ''}`,
        };
      });
    });
}

export function corpusCases(): CorpusCase[] {
  return readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'from-gitlab-specs')
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
  const missing = (c.messages ?? []).filter((m) => !text.includes(m));
  if (missing.length)
    return {
      case: c,
      result,
      agrees: false,
      why: `message "${text}" lacks ${missing.map((m) => `"${m}"`).join(', ')}`,
    };
  if (c.notMessage && text.includes(c.notMessage))
    return { case: c, result, agrees: false, why: `message "${text}" should not contain "${c.notMessage}"` };
  return { case: c, result, agrees: true };
}

export function runCorpus(cases = corpusCases()): CaseOutcome[] {
  return cases.map((c) => judge(c, lint(['.gitlab-ci.yml'], { cwd: c.dir })[0]!));
}
