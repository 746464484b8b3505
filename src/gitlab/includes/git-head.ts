// HEAD's commit and branch, read from the repository's files the way `git rev-parse HEAD --abbrev-ref HEAD`
// answers, for the common layouts: a `.git` folder or a worktree's `.git` file, a loose or packed branch, a
// detached HEAD. A one-shot lint of a pipeline that includes its components at `$CI_COMMIT_SHA` needs the SHA,
// and starting git for it costs more than the lint. Where only git knows (GIT_DIR and friends, the reftable
// format, a symbolic ref inside refs/, a branch whose short name is also a tag, an unborn branch), this answers
// undefined and the caller asks git.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface Head {
  readonly sha: string;
  /** The branch's short name, or `HEAD` when detached (as `git rev-parse --abbrev-ref HEAD` prints). */
  readonly ref: string;
}

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** The variables that point git somewhere else than the `.git` above the working directory. */
const GIT_LOCATION_VARIABLES = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_COMMON_DIR', 'GIT_CEILING_DIRECTORIES'];

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The repository's git folder and common folder (they differ for a linked worktree). */
function gitDirs(cwd: string): { gitDir: string; common: string } | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    if (existsSync(dotGit)) {
      let gitDir = dotGit;
      if (statSync(dotGit).isFile()) {
        const m = /^gitdir: (.+)$/m.exec(readText(dotGit) ?? '');
        if (!m) return undefined;
        gitDir = resolve(dir, m[1]!.trim());
      }
      const commonDir = readText(join(gitDir, 'commondir'))?.trim();
      return { gitDir, common: commonDir ? resolve(gitDir, commonDir) : gitDir };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** A ref's object id from its loose file or packed-refs; undefined when neither has it (or it is symbolic). */
function refValue(common: string, ref: string): string | undefined {
  const loose = readText(join(common, ref));
  if (loose !== undefined) {
    const v = loose.trim();
    return OBJECT_ID.test(v) ? v : undefined;
  }
  for (const line of (readText(join(common, 'packed-refs')) ?? '').split('\n')) {
    const [id, name] = line.split(' ');
    if (name?.trim() === ref && OBJECT_ID.test(id!)) return id;
  }
  return undefined;
}

const hasRef = (common: string, ref: string) =>
  existsSync(join(common, ref)) ||
  (readText(join(common, 'packed-refs')) ?? '').split('\n').some((line) => line.split(' ')[1]?.trim() === ref);

export function headFromFiles(cwd: string, env: NodeJS.ProcessEnv = process.env): Head | undefined {
  if (GIT_LOCATION_VARIABLES.some((v) => env[v])) return undefined;
  const dirs = gitDirs(cwd);
  if (!dirs) return undefined;
  const { gitDir, common } = dirs;
  // The reftable format keeps refs in binary tables: only git reads them.
  if (existsSync(join(common, 'reftable'))) return undefined;
  const head = readText(join(gitDir, 'HEAD'))?.trim();
  if (head === undefined) return undefined;
  if (OBJECT_ID.test(head)) return { sha: head, ref: 'HEAD' };
  const branch = /^ref: refs\/heads\/(\S+)$/.exec(head)?.[1];
  if (!branch) return undefined;
  const sha = refValue(common, `refs/heads/${branch}`);
  // git abbreviates to `heads/<name>` when a tag has the same name: leave that to git.
  if (!sha || hasRef(common, `refs/tags/${branch}`)) return undefined;
  return { sha, ref: branch };
}
