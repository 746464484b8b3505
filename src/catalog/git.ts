// The few git operations a release needs, through the git CLI (argument arrays, never a shell).
import { execFileSync } from 'node:child_process';

export class GitError extends Error {}

export function git(root: string, args: readonly string[], input?: string): string {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new GitError(`git ${args.join(' ')}: ${(err.stderr || err.message).trim()}`);
  }
}

export function isRepo(root: string): boolean {
  try {
    return git(root, ['rev-parse', '--is-inside-work-tree']).trim() === 'true';
  } catch {
    return false;
  }
}

export function tagExists(root: string, tag: string): boolean {
  try {
    git(root, ['rev-parse', '--verify', '--quiet', `refs/tags/${tag}`]);
    return true;
  } catch {
    return false;
  }
}

export function listTags(root: string): string[] {
  return git(root, ['tag', '--list']).split('\n').filter(Boolean);
}

/** Changes a release commit would not contain: modified tracked files, and new files under `paths`. */
export function uncommitted(root: string, paths: readonly string[]): string[] {
  const tracked = git(root, ['status', '--porcelain', '--untracked-files=no']).split('\n').filter(Boolean);
  const untracked = git(root, ['status', '--porcelain', '--untracked-files=all', '--', ...paths])
    .split('\n')
    .filter((l) => l.startsWith('??'));
  return [...tracked, ...untracked].map((l) => l.slice(3));
}

export function showFile(root: string, ref: string, path: string): string | undefined {
  try {
    return git(root, ['show', `${ref}:${path}`]);
  } catch {
    return undefined;
  }
}

export function lsTree(root: string, ref: string, dir: string): string[] {
  return git(root, ['ls-tree', '-r', '--name-only', ref, '--', dir]).split('\n').filter(Boolean);
}

export function tagDate(root: string, tag: string): string {
  return git(root, ['for-each-ref', '--format=%(creatordate:short)', `refs/tags/${tag}`]).trim();
}

export function commitFiles(root: string, files: readonly string[], message: string): string {
  git(root, ['add', '--', ...files]);
  git(root, ['commit', '--quiet', '--cleanup=whitespace', '-F', '-', '--', ...files], message);
  return git(root, ['rev-parse', 'HEAD']).trim();
}

export function createAnnotatedTag(root: string, tag: string, commit: string, message: string): void {
  git(root, ['tag', '--annotate', '--cleanup=whitespace', '--file', '-', tag, commit], message);
}

/** Commits that changed `path`, newest first. */
export function commitsTouching(root: string, path: string): string[] {
  return git(root, ['log', '--format=%H', '--', path]).split('\n').filter(Boolean);
}
