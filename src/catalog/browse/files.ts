// Where a catalog project's files come from: a folder as it is, or a git repository (a local
// clone or a URL, mirrored into a cache) at a ref. Both answer the same two questions: the text
// of a file, and the commit a release tag points at (for SHA pins).
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readTextIfExists } from '../../internal/fs.js';
import { ensureMirror, redactUrl } from '../../gitlab/includes/mirror.js';
import { ProblemsError } from '../../internal/problem.js';
import { browseError } from './model.js';

export interface CatalogFiles {
  /** For messages: the folder, or the URL (credentials hidden) and ref. */
  readonly label: string;
  read(path: string): string | undefined;
  /** The commit a release tag (`1.2.0` or `v1.2.0`) points at. */
  tagCommit(version: string): string | undefined;
}

function git(dir: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 << 20,
    });
  } catch {
    return undefined;
  }
}

function tagCommitIn(dir: string, version: string): string | undefined {
  for (const tag of [version, `v${version.replace(/^v/, '')}`]) {
    const sha = git(dir, ['rev-parse', '--verify', '-q', `refs/tags/${tag}^{commit}`])?.trim();
    if (sha) return sha;
  }
  return undefined;
}

/** `https://…`, `ssh://…`, `file://…` or scp-like `git@host:path`. */
export function isGitUrl(from: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(from) || /^[^/]+@[^:]+:/.test(from);
}

/** A folder as it is on disk (the default: this checkout). */
export function folderFiles(dir: string): CatalogFiles {
  const isRepo = existsSync(join(dir, '.git'));
  return {
    label: dir,
    read: (path) => readTextIfExists(join(dir, path)),
    tagCommit: (version) => (isRepo ? tagCommitIn(dir, version) : undefined),
  };
}

/** A git repository (folder or URL) at a ref: a branch, a tag or a SHA. */
export function gitFiles(from: string, ref: string, cacheDir: string): CatalogFiles {
  const local = !isGitUrl(from);
  let dir: string;
  if (local) {
    dir = resolve(from);
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw browseError(`${from} is not a folder`, 'give --from a catalog project folder or a git URL');
  } else {
    try {
      dir = ensureMirror(from, cacheDir);
    } catch (e) {
      const msg = e instanceof ProblemsError ? e.problems[0]!.message : String(e);
      throw browseError(
        msg,
        'check the URL and your network or credentials; the catalog project must be reachable with `git clone`',
      );
    }
  }
  const label = `${local ? from : redactUrl(from)}@${ref}`;
  const commit = git(dir, ['rev-parse', '--verify', '-q', `${ref}^{commit}`])?.trim();
  if (!commit)
    throw browseError(
      `${local ? from : redactUrl(from)} has no branch, tag or commit "${ref}"`,
      `use one that \`git ls-remote ${local ? from : redactUrl(from)}\` lists`,
    );
  return {
    label,
    read: (path) => git(dir, ['show', `${commit}:${path}`]),
    tagCommit: (version) => tagCommitIn(dir, version),
  };
}
