// Versions from a component project's git repository: tags and branches with `git ls-remote`
// (HTTPS with a token, SSH, or a local path), templates and catalog.yml from a mirror clone in the
// cache folder (the linter's mirror, so `catalog lint` and `catalog upgrade` share it).
import { execFileSync } from 'node:child_process';
import { ensureMirror, redactUrl, templatePaths, specInputs } from '../../gitlab.js';
import { releasesFromTags, type Ref, type Release } from '../../versions.js';
import type { ComponentAt, ComponentProject, Datasource } from '../datasource.js';
import { DatasourceError, projectKey } from '../datasource.js';

export interface GitOptions {
  /** `<host>/<project path>` -> git URL or local path (from `--source`). */
  readonly sources: ReadonlyMap<string, string>;
  /** Mirrors live in `<cacheDir>/git/`. */
  readonly cacheDir: string;
  /** For HTTPS: a GitLab token (GITLAB_TOKEN, or CI_JOB_TOKEN in a job), sent as a header in git's environment. */
  readonly token?: string;
  readonly tokenUser?: string;
}

export function defaultGitUrl(p: ComponentProject): string {
  return `https://${p.server}/${p.path}.git`;
}

/**
 * Git's environment for a URL: the token goes in an `http.<origin>/.extraHeader` scoped to that
 * server, through GIT_CONFIG_* variables, so it is never on a command line, in a file or sent elsewhere.
 */
export function gitAuthEnv(url: string, token: string | undefined, user = 'oauth2'): Record<string, string> {
  if (!token || !/^https?:\/\//.test(url)) return {};
  const origin = new URL(url).origin;
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `http.${origin}/.extraHeader`,
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`,
  };
}

const GIT_QUIET = { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', SSH_ASKPASS: 'true' };

function withEnv<T>(env: Record<string, string>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Parses `git ls-remote` output; annotated tags are peeled to their commit. */
export function parseLsRemote(out: string): { tags: Ref[]; heads: Map<string, string> } {
  const tags = new Map<string, string>();
  const heads = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [sha, ref] = line.split('\t');
    if (!sha || !ref) continue;
    if (ref.startsWith('refs/heads/')) heads.set(ref.slice(11), sha);
    else if (ref.startsWith('refs/tags/')) {
      const peeled = ref.endsWith('^{}');
      const name = ref.slice(10, peeled ? -3 : undefined);
      if (peeled || !tags.has(name)) tags.set(name, sha);
    }
  }
  return { tags: [...tags].map(([name, sha]) => ({ name, sha })), heads };
}

export class GitDatasource implements Datasource {
  readonly id = 'git';
  private readonly remote = new Map<string, Promise<{ tags: Ref[]; heads: Map<string, string> }>>();
  private readonly mirrors = new Map<string, string>();
  /** `<project>@<ref>:<path>` -> file text, or null when the ref has no such file. */
  private readonly files = new Map<string, string | null>();

  constructor(private readonly options: GitOptions) {}

  url(p: ComponentProject): string {
    return this.options.sources.get(projectKey(p)) ?? defaultGitUrl(p);
  }

  private env(url: string) {
    return { ...GIT_QUIET, ...gitAuthEnv(url, this.options.token, this.options.tokenUser) };
  }

  private lsRemote(p: ComponentProject) {
    const key = projectKey(p);
    let r = this.remote.get(key);
    if (!r) {
      const url = this.url(p);
      r = Promise.resolve().then(() => {
        try {
          const out = execFileSync('git', ['ls-remote', '--tags', '--heads', '--', url], {
            encoding: 'utf8',
            env: { ...process.env, ...this.env(url) },
            stdio: ['ignore', 'pipe', 'pipe'],
            timeout: 60_000,
            maxBuffer: 64 * 1024 * 1024,
          });
          return parseLsRemote(out);
        } catch (e) {
          const stderr = redactUrl(
            String((e as { stderr?: string }).stderr ?? (e as Error).message)
              .trim()
              .split('\n')[0] ?? '',
          );
          throw new DatasourceError(
            `cannot list the versions of ${key} at ${redactUrl(url)}: ${stderr}`,
            `give its repository with --source ${key}=<git URL or local path>, and a token in GITLAB_TOKEN for HTTPS`,
          );
        }
      });
      this.remote.set(key, r);
    }
    return r;
  }

  private mirror(p: ComponentProject): string {
    const key = projectKey(p);
    let dir = this.mirrors.get(key);
    if (dir === undefined) {
      const url = this.url(p);
      try {
        dir = withEnv(this.env(url), () => ensureMirror(url, this.options.cacheDir));
      } catch (e) {
        throw new DatasourceError(
          `cannot read ${key}: ${(e as Error).message}`,
          `give its repository with --source ${key}=<git URL or local path>`,
        );
      }
      this.mirrors.set(key, dir!);
    }
    return dir!;
  }

  private notes(p: ComponentProject): Map<string, string> {
    const out = new Map<string, string>();
    let text = '';
    try {
      text = execFileSync(
        'git',
        ['for-each-ref', 'refs/tags', '--format=%(refname:strip=2)%00%(objecttype)%00%(contents)%01'],
        { cwd: this.mirror(p), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 },
      );
    } catch {
      return out;
    }
    for (const rec of text.split('\x01')) {
      const [name, type, contents] = rec.replace(/^\n/, '').split('\0');
      // Only annotated tags carry release notes; a lightweight tag's "contents" is a commit message.
      if (name && type === 'tag' && contents?.trim()) out.set(name, contents.trim());
    }
    return out;
  }

  async releases(p: ComponentProject): Promise<Release[]> {
    const { tags } = await this.lsRemote(p);
    const semverTags = releasesFromTags(tags);
    return semverTags.length ? releasesFromTags(tags, this.notes(p)) : semverTags;
  }

  async branches(p: ComponentProject): Promise<ReadonlyMap<string, string>> {
    return (await this.lsRemote(p)).heads;
  }

  /**
   * Reads `paths` at the ref and at every release and branch head in one `git cat-file --batch`:
   * an upgrade looks at most of them, and one git process is much cheaper than one per file.
   */
  private async read(
    p: ComponentProject,
    ref: string,
    path: string,
    paths: readonly string[],
  ): Promise<string | undefined> {
    const key = (r: string, f: string) => `${projectKey(p)}@${r}:${f}`;
    if (!this.files.has(key(ref, path))) {
      const { tags, heads } = await this.lsRemote(p);
      const refs = [...new Set([ref, ...tags.map((t) => t.sha), ...heads.values()])];
      const wanted = refs
        .flatMap((r) => paths.map((f) => [r, f] as const))
        .filter(([r, f]) => !this.files.has(key(r, f)));
      const out = execFileSync('git', ['cat-file', '--batch'], {
        cwd: this.mirror(p),
        input: wanted.map(([r, f]) => `${r}:${f}\n`).join(''),
        stdio: ['pipe', 'pipe', 'ignore'],
        maxBuffer: 256 * 1024 * 1024,
      });
      let at = 0;
      for (const [r, f] of wanted) {
        const nl = out.indexOf(10, at);
        const header = out.subarray(at, nl).toString();
        at = nl + 1;
        const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
        if (!m) {
          this.files.set(key(r, f), null);
          continue;
        }
        const size = Number(m[2]);
        this.files.set(key(r, f), m[1] === 'blob' ? out.subarray(at, at + size).toString('utf8') : null);
        at += size + 1;
      }
    }
    return this.files.get(key(ref, path)) ?? undefined;
  }

  async component(p: ComponentProject, ref: string, name: string): Promise<ComponentAt | undefined> {
    const paths = [...templatePaths(name), 'catalog.yml'];
    for (const path of templatePaths(name)) {
      const template = await this.read(p, ref, path, paths);
      if (template !== undefined)
        return { template, templatePath: path, inputs: specInputs(`${projectKey(p)}@${ref}:${path}`, template) };
    }
    return undefined;
  }

  catalogIndex(p: ComponentProject, ref: string): Promise<string | undefined> {
    return this.read(p, ref, 'catalog.yml', ['catalog.yml']);
  }
}
