// headFromFiles answers what `git rev-parse HEAD --abbrev-ref HEAD` answers, in real repositories made by git,
// or leaves the question to git.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headFromFiles } from './git-head.js';

let dir: string;
let repo: string;
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
};
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
const fromGit = (cwd: string) => {
  const [sha, ref] = git(cwd, 'rev-parse', 'HEAD', '--abbrev-ref', 'HEAD').split('\n');
  return { sha, ref };
};
const commit = (cwd: string, file: string) => {
  writeFileSync(join(cwd, file), `${file}\n`);
  git(cwd, 'add', '-A');
  git(cwd, 'commit', '-q', '-m', file);
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'git-head-'));
  repo = join(dir, 'repo');
  mkdirSync(join(repo, 'ci'), { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  commit(repo, 'a');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('headFromFiles', () => {
  it('reads a loose branch, from the root and from a subfolder', () => {
    expect(headFromFiles(repo, {})).toEqual(fromGit(repo));
    expect(headFromFiles(join(repo, 'ci'), {})).toEqual(fromGit(repo));
  });

  it('reads a branch with a slash, then the same branch once packed', () => {
    git(repo, 'checkout', '-q', '-b', 'feature/x');
    commit(repo, 'b');
    expect(headFromFiles(repo, {})).toEqual({ ...fromGit(repo), ref: 'feature/x' });
    git(repo, 'pack-refs', '--all');
    expect(headFromFiles(repo, {})).toEqual(fromGit(repo));
    git(repo, 'checkout', '-q', 'main');
  });

  it('reads a detached HEAD as git names it (HEAD)', () => {
    git(repo, 'checkout', '-q', '--detach');
    expect(headFromFiles(repo, {})).toEqual({ ...fromGit(repo), ref: 'HEAD' });
    git(repo, 'checkout', '-q', 'main');
  });

  it("reads a linked worktree's own HEAD", () => {
    const wt = join(dir, 'wt');
    git(repo, 'worktree', 'add', '-q', '-b', 'side', wt);
    commit(wt, 'c');
    expect(headFromFiles(wt, {})).toEqual({ ...fromGit(wt), ref: 'side' });
    expect(headFromFiles(wt, {})!.sha).not.toBe(fromGit(repo).sha);
  });

  it('leaves to git what only git knows: an unborn branch, a tag named like the branch, GIT_DIR, no repository', () => {
    const unborn = join(dir, 'unborn');
    mkdirSync(unborn);
    git(unborn, 'init', '-q', '-b', 'main');
    expect(headFromFiles(unborn, {})).toBeUndefined();
    git(repo, 'tag', 'main');
    expect(git(repo, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('heads/main');
    expect(headFromFiles(repo, {})).toBeUndefined();
    git(repo, 'tag', '-d', 'main');
    expect(headFromFiles(repo, { GIT_DIR: join(repo, '.git') })).toBeUndefined();
    expect(headFromFiles(dir, {})).toBeUndefined();
  });
});
