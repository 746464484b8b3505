// Where included files come from: the working tree, a git commit, or a cache folder.
// Each source answers the same two questions, so a resolver does not care which it has.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface Source {
  /** Identifies the source in cycle detection and messages, e.g. `worktree`, `git:1a2b3c`. */
  readonly id: string;
  read(path: string): Uint8Array | undefined;
  /** Every file path, relative and with `/`, for glob includes. */
  list(): readonly string[];
}

const IGNORED_DIRS = new Set(['.git', 'node_modules', 'dist', '.gitlab-ci-local', '.cache', '.tools']);

export class DirectorySource implements Source {
  private files?: string[];
  constructor(
    readonly root: string,
    readonly id = `dir:${root}`,
  ) {}

  read(path: string): Uint8Array | undefined {
    const full = join(this.root, path);
    if (!full.startsWith(this.root) || !existsSync(full) || !statSync(full).isFile()) return undefined;
    return readFileSync(full);
  }

  list(): readonly string[] {
    if (!this.files) {
      const out: string[] = [];
      const walk = (dir: string) => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          if (e.isDirectory()) {
            if (!IGNORED_DIRS.has(e.name)) walk(join(dir, e.name));
          } else if (e.isFile()) out.push(relative(this.root, join(dir, e.name)).split(sep).join('/'));
        }
      };
      if (existsSync(this.root)) walk(this.root);
      this.files = out.sort();
    }
    return this.files;
  }
}

export function git(cwd: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch {
    return undefined;
  }
}

export class GitCommitSource implements Source {
  private files?: string[];
  constructor(
    readonly repo: string,
    readonly commit: string,
  ) {}

  get id(): string {
    return `git:${this.repo}@${this.commit}`;
  }

  read(path: string): Uint8Array | undefined {
    try {
      return execFileSync('git', ['show', `${this.commit}:${path}`], {
        cwd: this.repo,
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch {
      return undefined;
    }
  }

  list(): readonly string[] {
    this.files ??= (git(this.repo, ['ls-tree', '-r', '--name-only', this.commit]) ?? '').split('\n').filter(Boolean);
    return this.files;
  }
}
