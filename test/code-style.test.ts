// The TypeScript is formatted and linted by Biome (biome.json), and no line is over 120 characters:
// the formatter wraps code at 120, and this test also catches what it cannot wrap (long strings).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/internal/paths.js';

const MAX_LINE = 120;

function sourceFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.mjs'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return listed.split('\n').filter(Boolean);
}

describe('code style', () => {
  it('biome ci passes: formatted, and no lint finding', () => {
    const biome = join(REPO_ROOT, 'node_modules', '.bin', 'biome');
    const r = spawnSync(biome, ['ci', '--colors=off', '--max-diagnostics=50', '.'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(r.status, `${r.stdout}\n${r.stderr}\n(fix: npx biome check --write . and fix what remains)`).toBe(0);
  });

  it(`no line is over ${MAX_LINE} characters`, () => {
    const long = sourceFiles().flatMap((f) =>
      readFileSync(join(REPO_ROOT, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (line.length > MAX_LINE ? [`${f}:${i + 1} (${line.length})`] : [])),
    );
    expect(long).toEqual([]);
  });
});
