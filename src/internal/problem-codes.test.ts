// Every problem code is explained, and the explanation is what docs/rules/ says.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRule, rulePath } from '../generate/render-rules.js';
import { REPO_ROOT } from './paths.js';
import { PROBLEM_CODES, type ProblemCode } from './problem.js';

const codes = Object.keys(PROBLEM_CODES) as ProblemCode[];

/** Codes written in the source: `code: 'x'`, `problem('x'`, and check helpers called as `at('x'`. */
function codesInSource(dir: string): Set<string> {
  const found = new Set<string>();
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts') || e.name.endsWith('.test.ts')) continue;
    const text = readFileSync(join(e.parentPath, e.name), 'utf8');
    for (const m of text.matchAll(/\bcode: '([a-z0-9-]+)'|\b(?:problem|at|refuse|stop)\('([a-z0-9-]+)'/g))
      found.add(m[1] ?? m[2]!);
  }
  return found;
}

describe('problem codes', () => {
  it('each has a title and an explanation', () => {
    for (const c of codes) {
      expect(PROBLEM_CODES[c].title.trim(), c).not.toBe('');
      expect(PROBLEM_CODES[c].explanation.length, c).toBeGreaterThan(20);
    }
  });

  it('each has its page in docs/rules/, as the build renders it, and no page is left without a code', () => {
    for (const c of codes) expect(readFileSync(join(REPO_ROOT, rulePath(c)), 'utf8'), c).toBe(renderRule(c));
    const pages = readdirSync(join(REPO_ROOT, 'docs', 'rules')).filter((f) => f !== 'README.md');
    expect(pages.sort()).toEqual(codes.map((c) => `${c}.md`).sort());
  });

  it('every code the source reports is one of them', () => {
    const unknown = [...codesInSource(join(REPO_ROOT, 'src'))].filter((c) => !(c in PROBLEM_CODES));
    expect(unknown).toEqual([]);
  });
});
