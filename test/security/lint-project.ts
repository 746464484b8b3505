// Lints a small project with --security for the rules' tests: real files in a temp git repo.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint, type LintResult } from '../../src/validate/lint/index.js';

export function lintProject(
  files: Record<string, string>,
  lintFiles: string[] = ['.gitlab-ci.yml'],
  projectPath = 'acme/shop',
): LintResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'lint-security-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    execFileSync('git', ['init', '-q'], { cwd: dir });
    return lint(lintFiles, { cwd: dir, projectPath, security: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The security problems with this code, as `path: message` lines. */
export function findings(results: readonly LintResult[], code: string): string[] {
  return results.flatMap((r) => r.problems.filter((p) => p.code === code).map((p) => `${p.path ?? ''}: ${p.message}`));
}

/** The findings with this code in a project whose only file is this `.gitlab-ci.yml`. */
export const pipelineFindings = (code: string, pipeline: string): string[] =>
  findings(lintProject({ '.gitlab-ci.yml': pipeline }), code);

/**
 * The test of a rule that reads only `.gitlab-ci.yml`: for each case (named as the test), the
 * pipeline and exactly the findings of the rule `code` in it; none for a pipeline it accepts.
 */
export function describePipelineRule(
  title: string,
  code: string,
  cases: Readonly<Record<string, { readonly pipeline: string; readonly findings: readonly string[] }>>,
): void {
  describe(title, () => {
    for (const [name, c] of Object.entries(cases)) {
      it(name, () => {
        expect(pipelineFindings(code, c.pipeline)).toEqual(c.findings);
      });
    }
  });
}
