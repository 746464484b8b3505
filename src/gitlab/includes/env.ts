// What include resolution needs to know about the project: where its files are, its HEAD, its path
// on the GitLab server, the catalog clone for component versions, and the predefined CI variables
// (`$CI_SERVER_FQDN`, `$CI_PROJECT_PATH`, ...) that include addresses may use.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCi } from '../yaml.js';
import { headFromFiles } from './git-head.js';
import { ensureMirror } from './mirror.js';
import type { IncludeEnv } from './resolve.js';
import { DirectorySource, git } from './source.js';

export interface EnvOptions {
  /** The repository root (the catalog or a consumer project). Default: the current directory. */
  readonly cwd?: string;
  /** This catalog's GitLab project path; default: `project` in catalog.yml. */
  readonly projectPath?: string;
  /** `$CI_SERVER_FQDN`; default `gitlab.com`. */
  readonly serverFqdn?: string;
  /** A clone of the catalog in which component versions (tags, branches, SHAs) are resolved. Default: cwd. */
  readonly componentRepo?: string;
  /** A git URL of the catalog, mirrored into the cache folder, for component versions. */
  readonly componentRemote?: string;
  /** Where `project`, `remote`, `template` and foreign `component` includes are cached. */
  readonly cacheDir?: string;
  readonly variables?: Readonly<Record<string, string>>;
  /** Mirror components of other projects from `<url>/<project>.git` when they are not in the cache. */
  readonly fetchComponents?: string;
}

const projectCache = new Map<string, string>();

/** The `project` of the catalog.yml at the root, or '' when there is none. */
function catalogProject(cwd: string): string {
  let p = projectCache.get(cwd);
  if (p === undefined) {
    p = '';
    const file = join(cwd, 'catalog.yml');
    if (existsSync(file)) {
      // The build writes `project:` as a top-level line; parsing only that line spares a one-shot
      // lint a full parse of the catalog index. A broken catalog.yml is the build's problem;
      // includes still resolve without a project path.
      const line = /^project:[ \t]*(.*)$/m.exec(readFileSync(file, 'utf8'));
      const parsed = line ? parseCi(file, line[1]!) : undefined;
      if (parsed?.ok && typeof parsed.value.content === 'string') p = parsed.value.content;
    }
    projectCache.set(cwd, p);
  }
  return p;
}

const headCache = new Map<string, { sha: string; ref: string }>();
function head(cwd: string): { sha: string; ref: string } {
  let h = headCache.get(cwd);
  if (!h) {
    h = headFromFiles(cwd);
    if (!h) {
      // One git process for both: a one-shot lint spends more starting processes than linting.
      const [sha, ref] = (git(cwd, ['rev-parse', 'HEAD', '--abbrev-ref', 'HEAD']) ?? '')
        .split('\n')
        .map((l) => l.trim());
      h = { sha: sha || '0'.repeat(40), ref: ref || 'main' };
    }
    headCache.set(cwd, h);
  }
  return h;
}

export function includeEnv(options: EnvOptions = {}): IncludeEnv {
  const repo = resolve(options.cwd ?? process.cwd());
  const projectPath = options.projectPath ?? catalogProject(repo);
  const serverFqdn = options.serverFqdn ?? 'gitlab.com';
  const cacheDir = resolve(repo, options.cacheDir ?? '.cache/includes');
  // HEAD is read only when something asks for it (an include at `$CI_COMMIT_SHA`, a template linted as its
  // component): a pipeline without such includes never starts git, which costs a one-shot lint more than the lint.
  const variables: Record<string, string> = {
    CI_SERVER_FQDN: serverFqdn,
    CI_SERVER_HOST: serverFqdn.split(':')[0]!,
    CI_PROJECT_PATH: projectPath,
    get CI_COMMIT_SHA() {
      return head(repo).sha;
    },
    get CI_COMMIT_REF_NAME() {
      return head(repo).ref;
    },
    CI_DEFAULT_BRANCH: 'main',
  };
  // Given variables replace the predefined ones, the lazy ones included (assigning to a getter would throw).
  for (const [name, value] of Object.entries(options.variables ?? {}))
    Object.defineProperty(variables, name, { value, enumerable: true, configurable: true, writable: true });
  return {
    source: new DirectorySource(repo, 'worktree'),
    repo,
    get headSha() {
      return head(repo).sha;
    },
    projectPath,
    serverFqdn,
    cacheDir,
    componentRepo: options.componentRemote
      ? ensureMirror(options.componentRemote, cacheDir)
      : resolve(repo, options.componentRepo ?? '.'),
    variables,
    ...(options.fetchComponents ? { fetchComponents: options.fetchComponents } : {}),
  };
}
