import type { LintResult } from '../index.js';

export function renderJson(results: readonly LintResult[]): string {
  const files = results.map(({ merged: _merged, ...r }) => r);
  return `${JSON.stringify({ valid: results.every((r) => r.valid), files }, null, 2)}\n`;
}
