// JUnit XML: one test case per linted file, failing with its errors.
import { formatProblem } from '../../../internal/problem.js';
import type { LintResult } from '../index.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderJunit(results: readonly LintResult[]): string {
  const failures = results.filter((r) => !r.valid).length;
  const cases = results.map((r) => {
    const errors = r.problems.filter((p) => p.severity === 'error');
    if (!errors.length) return `    <testcase classname="gitlab-ci-lint" name="${esc(r.file)}"/>`;
    return `    <testcase classname="gitlab-ci-lint" name="${esc(r.file)}">\n      <failure message="${esc(errors[0]!.message)}">${esc(errors.map(formatProblem).join('\n'))}</failure>\n    </testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${results.length}" failures="${failures}">\n  <testsuite name="catalog lint" tests="${results.length}" failures="${failures}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}
