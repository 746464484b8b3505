// The README's layout section is the map a new reader trusts: every folder of src/ and every
// top-level folder is on it, and everything on it exists.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/internal/paths.js';

function layoutEntries(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const block = /## Layout\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no "## Layout" section with a code block');
  // An entry starts its line; continuation lines are indented.
  return block
    .split('\n')
    .filter((l) => /^\S/.test(l))
    .map((l) => l.split(/\s+/)[0]!.replace(/\/$/, ''));
}

const dirs = (dir: string) =>
  readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules' && e.name !== 'dist')
    .map((e) => e.name);

describe('README layout', () => {
  const entries = layoutEntries();

  it('names every folder of src/', () => {
    const missing = dirs('src').filter((d) => !entries.includes(`src/${d}`));
    expect(missing, 'add them to the layout section of README.md').toEqual([]);
  });

  it("names components/' shared folders (those starting with _)", () => {
    const missing = dirs('components').filter((d) => d.startsWith('_') && !entries.includes(`components/${d}`));
    expect(missing, 'add them to the layout section of README.md').toEqual([]);
  });

  it('names every top-level folder of the repository', () => {
    const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    const top = new Set(
      listed
        .split('\n')
        .filter((f) => f.includes('/') && !f.startsWith('.'))
        .map((f) => f.split('/')[0]!),
    );
    const missing = [...top].filter((d) => !entries.some((e) => e === d || e.startsWith(`${d}/`)));
    expect(missing, 'add them to the layout section of README.md').toEqual([]);
  });

  it('names nothing that does not exist', () => {
    const gone = entries.filter((e) => !existsSync(join(REPO_ROOT, e.replace(/\/<name>$/, ''))));
    expect(gone, 'remove them from the layout section of README.md').toEqual([]);
  });
});
