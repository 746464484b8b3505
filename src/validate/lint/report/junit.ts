// JUnit XML: one test case per linted file, failing with its errors.
import { junitXml } from '../../../internal/junit.js';
import { formatProblem } from '../../../internal/problem.js';
import type { LintResult } from '../index.js';

export function renderJunit(results: readonly LintResult[]): string {
  const cases = results.map((r) => {
    const errors = r.problems.filter((p) => p.severity === 'error');
    const failure = errors.length
      ? { message: errors[0]!.message, body: errors.map(formatProblem).join('\n') }
      : undefined;
    return { classname: 'gitlab-ci-lint', name: r.file, ...(failure ? { failure } : {}) };
  });
  return junitXml([{ name: 'catalog lint', cases }]);
}
