// Hostile or broken input: each gets a clear problem naming the file (and line where there is
// one), never a crash, a hang or a stack trace.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lint } from '../../src/validate/lint/index.js';

const dir = mkdtempSync(join(tmpdir(), 'lint-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lintText(files: Record<string, string | Uint8Array>, root = '.gitlab-ci.yml') {
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return lint([root], { cwd: dir })[0]!;
}

describe('bad input', () => {
  it('malformed YAML: file, line and column', () => {
    const r = lintText({ '.gitlab-ci.yml': 'test:\n  script: echo\n  bad: [a, b\nnext: 1\n' });
    expect(r.valid).toBe(false);
    expect(r.problems[0]).toMatchObject({
      code: 'yaml',
      file: '.gitlab-ci.yml',
      line: expect.any(Number),
      column: expect.any(Number),
    });
    expect(r.problems[0]!.message).toMatch(/^YAML syntax error at line \d+ column \d+/);
  });

  it('a binary file', () => {
    const r = lintText({ 'bin.yml': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]) }, 'bin.yml');
    expect(r.problems[0]).toMatchObject({
      file: 'bin.yml',
      message: 'is not a text file (binary content or invalid UTF-8)',
    });
  });

  it('a file over 1 MB', () => {
    const r = lintText({ 'big.yml': `test:\n  script: echo\n# ${'x'.repeat(1024 * 1024)}\n` }, 'big.yml');
    expect(r.problems[0]!.message).toMatch(/over GitLab's 1 MB limit/);
  });

  it('an include cycle names the chain', () => {
    const r = lintText({
      '.gitlab-ci.yml': 'include: ci/a.yml\n',
      'ci/a.yml': 'include: ci/b.yml\na:\n  script: echo\n',
      'ci/b.yml': 'include: ci/a.yml\n',
    });
    expect(r.problems[0]!.message).toContain('include cycle detected: ci/a.yml → ci/b.yml → ci/a.yml');
  });

  it("150 includes pass, 151 hit GitLab's limit", () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 151; i++) files[`inc/f${i}.yml`] = `job${i}:\n  script: echo ${i}\n`;
    const list = (n: number) =>
      `include:\n${Array.from({ length: n }, (_, i) => `  - local: inc/f${i}.yml\n`).join('')}`;
    expect(lintText({ ...files, '.gitlab-ci.yml': list(150) }).valid).toBe(true);
    const r = lintText({ '.gitlab-ci.yml': list(151) });
    expect(r.problems.map((p) => p.message)).toEqual(['Maximum of 150 nested includes are allowed!']);
  });

  it('an interpolation bomb: too many blocks', () => {
    const body = Array.from({ length: 10_001 }, (_, i) => `  - echo $[[ inputs.a | truncate(0,${i}) ]]`).join('\n');
    const r = lintText({
      '.gitlab-ci.yml': 'include:\n  - local: bomb.yml\n',
      'bomb.yml': `spec:\n  inputs:\n    a:\n      default: x\n---\nbomb:\n  script:\n${body}\n`,
    });
    expect(r.problems[0]!.message).toBe('`bomb.yml`: too many interpolation blocks');
  });

  it('a YAML alias bomb', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const r = lintText({ 'laughs.yml': `${lines.join('\n')}\ntest:\n  script: echo\n` }, 'laughs.yml');
    expect(r.problems[0]!.message).toMatch(/^config too large/);
  });

  it('the CLI prints problems, exits 1, and never a stack trace', () => {
    writeFileSync(join(dir, 'broken.yml'), 'test: [\n');
    let out = '';
    let code = 0;
    try {
      execFileSync(
        join(process.cwd(), 'node_modules/.bin/tsx'),
        [join(process.cwd(), 'src/cli/main.ts'), 'lint', 'broken.yml', 'bin.yml', 'missing.yml'],
        { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
    } catch (e) {
      const err = e as { status: number; stdout: string; stderr: string };
      code = err.status;
      out = err.stdout + err.stderr;
    }
    expect(code).toBe(1);
    expect(out).toContain('broken.yml:');
    expect(out).toContain('missing.yml: file does not exist');
    expect(out).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  });
});

describe('expansion bombs beyond the YAML', () => {
  it('an array input embedded in many strings', () => {
    const big = Array.from({ length: 50_000 }, (_, i) => `item-${i}`);
    const body = Array.from({ length: 200 }, (_, i) => `  - echo ${i} $[[ inputs.list ]]`).join('\n');
    const r = lintText({
      '.gitlab-ci.yml': `include:\n  - local: arr.yml\n    inputs:\n      list: ${JSON.stringify(big)}\n`,
      'arr.yml': `spec:\n  inputs:\n    list:\n      type: array\n---\nbomb:\n  script:\n${body}\n`,
    });
    expect(r.problems[0]!.message).toBe('`arr.yml`: config too large');
  });

  it('!reference fan-out', () => {
    const lines = ['.r0:\n  script: [echo]'];
    for (let i = 1; i <= 9; i++)
      lines.push(
        `.r${i}:\n  script:\n${Array.from({ length: 8 }, () => `    - !reference [.r${i - 1}, script]`).join('\n')}`,
      );
    const r = lintText({ '.gitlab-ci.yml': `${lines.join('\n')}\njob:\n  script: !reference [.r9, script]\n` });
    expect(r.problems[0]!.message).toMatch(/^config too large: `!reference` expands/);
  });
});
