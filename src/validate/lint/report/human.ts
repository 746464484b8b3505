import { formatProblem } from '../../../internal/problem.js';
import type { LintResult } from '../index.js';

export function renderHuman(results: readonly LintResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const errors = r.problems.filter((p) => p.severity === 'error').length;
    lines.push(r.valid ? `✔ ${r.file}: valid (${r.jobs.length} job${r.jobs.length === 1 ? '' : 's'}${r.includes.length ? `, ${r.includes.length} include${r.includes.length === 1 ? '' : 's'}` : ''})` : `✖ ${r.file}: invalid (${errors} error${errors === 1 ? '' : 's'})`);
    for (const p of r.problems) lines.push(`  ${formatProblem(p)}`);
  }
  const bad = results.filter((r) => !r.valid).length;
  lines.push(bad ? `${bad} of ${results.length} file(s) invalid` : `${results.length} file(s) valid`);
  return `${lines.join('\n')}\n`;
}
