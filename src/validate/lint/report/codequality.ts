// GitLab's Code Quality report (a subset of Code Climate's format): one issue per problem.
import { hexDigest } from '../../../internal/hash.js';
import type { LintResult } from '../index.js';

export function renderCodeQuality(results: readonly LintResult[]): string {
  const issues = results.flatMap((r) =>
    r.problems.map((p) => ({
      description: p.fix ? `${p.message} (fix: ${p.fix})` : p.message,
      check_name: p.code,
      fingerprint: hexDigest('md5', `${p.file ?? r.file}|${p.code}|${p.path ?? ''}|${p.message}`),
      severity: p.severity === 'error' ? 'major' : 'minor',
      location: { path: p.file ?? r.file, lines: { begin: p.line ?? 1 } },
    })),
  );
  return `${JSON.stringify(issues, null, 2)}\n`;
}
