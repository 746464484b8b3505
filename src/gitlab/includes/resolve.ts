// Turns one `include:` entry into the files it names, each with its source and GitLab location.
// One function per include kind; all of them work offline (working tree, git, cache folder).
import { join } from 'node:path';
import picomatch from 'picomatch';
import { failed, ok, problem, ProblemsError, type Outcome } from '../../internal/problem.js';
import { resolveComponentRef } from './git-refs.js';
import { ensureMirror } from './mirror.js';
import { DirectorySource, GitCommitSource, type Source } from './source.js';

export interface IncludeEnv {
  /** The source local includes of the current file read from. */
  readonly source: Source;
  readonly repo: string;
  /** HEAD's commit; includeEnv reads it on first use (a getter: copy an env with withSource, not a spread). */
  readonly headSha: string;
  readonly projectPath: string;
  readonly serverFqdn: string;
  readonly cacheDir: string;
  /** A clone of the catalog to resolve component versions in, when not the repo itself. */
  readonly componentRepo: string;
  readonly variables: Readonly<Record<string, string>>;
  /**
   * The GitLab server's git base URL (e.g. `https://gitlab.example.com`): components of other
   * projects missing from the cache are mirrored from `<url>/<project>.git` into it.
   */
  readonly fetchComponents?: string;
}

/** The env for the files an include brings in, which read their local includes from their own source. */
export function withSource(env: IncludeEnv, source: Source): IncludeEnv {
  // Copies the properties as they are: a spread would call includeEnv's lazy getters (and start git).
  return Object.defineProperties(
    {},
    {
      ...Object.getOwnPropertyDescriptors(env),
      source: { value: source, enumerable: true, configurable: true },
    },
  ) as IncludeEnv;
}

export interface IncludedFile {
  readonly kind: 'local' | 'component' | 'project' | 'remote' | 'template';
  /** GitLab's location text, used as the prefix of errors about this file. */
  readonly location: string;
  readonly path: string;
  readonly source: Source;
  readonly inputs?: Record<string, unknown>;
  /** `$[[ component.* ]]` values for a component include. */
  readonly component?: Record<string, unknown>;
}

/** An include that cannot be resolved; the caller adds where the `include:` is. */
const refused = (message: string, fix: string) => failed(problem('include', message, { fix }));

const YAML_EXT = /.+\.(yml|yaml)$/i;

/** Where a catalog project keeps a component's template: `templates/<name>.yml` or `templates/<name>/template.yml`. */
export const TEMPLATE_PATH = /^templates\/([\w-]+)(?:\/template)?\.yml$/;

/** The paths GitLab looks at for component `name`, in its order. */
export function templatePaths(name: string): [string, string] {
  return [`templates/${name}.yml`, `templates/${name}/template.yml`];
}

export function expandVariables(s: string, vars: Readonly<Record<string, string>>): string {
  return s.replace(
    /\$([a-zA-Z_][a-zA-Z0-9_]*)|\$\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g,
    (all, a, b) => vars[(a ?? b) as string] ?? all,
  );
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** `include:` may be a string, a hash, or a list of either (GitLab's External::Mapper::Normalizer). */
export function normalizeIncludes(value: unknown): Outcome<Array<Record<string, unknown>>> {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const out: Array<Record<string, unknown>> = [];
  for (const item of list) {
    if (typeof item === 'string') out.push(/^https?:\/\//.test(item) ? { remote: item } : { local: item });
    else if (isObject(item)) out.push(item);
    else
      return refused(
        `Included file \`${JSON.stringify(item)}\` needs to be a string`,
        'write each include as a string or a hash such as `- local: path.yml`',
      );
  }
  return ok(out);
}

function wrongExtension(location: string): Outcome<never> | undefined {
  if (YAML_EXT.test(location.split('/').pop() ?? '')) return undefined;
  return refused(`Included file \`${location}\` does not have YAML extension!`, 'include only .yml or .yaml files');
}

type Files = Outcome<IncludedFile[]>;

function local(entry: Record<string, unknown>, env: IncludeEnv): Files {
  const location = expandVariables(String(entry.local), env.variables).replace(/^\/+/, '');
  const inputs = entry.inputs as Record<string, unknown> | undefined;
  if (/[*?[{]/.test(location)) {
    const match = picomatch(location, { dot: true });
    const files = env.source.list().filter((f) => match(f) && YAML_EXT.test(f));
    if (!files.length)
      return refused(`Local file \`${location}\` does not exist!`, 'check the glob against the repository layout');
    return ok(files.map((f) => ({ kind: 'local', location: f, path: f, source: env.source, inputs })));
  }
  const wrong = wrongExtension(location);
  if (wrong) return wrong;
  if (location.split('/').includes('..')) {
    return refused(
      `Local file \`${location}\` does not exist!`,
      'local includes are relative to the repository root and cannot use `..`',
    );
  }
  return ok([{ kind: 'local', location, path: location, source: env.source, inputs }]);
}

function component(entry: Record<string, unknown>, env: IncludeEnv): Files {
  const address = expandVariables(String(entry.component), env.variables);
  const notSupported = () =>
    refused(
      `Component '${address}' - the component path is not supported`,
      `write the address as ${env.serverFqdn}/<project path>/<component>@<version>`,
    );
  const at = address.lastIndexOf('@');
  if (at < 0 || !address.startsWith(`${env.serverFqdn}/`)) return notSupported();
  const path = address.slice(env.serverFqdn.length + 1, at);
  const reference = address.slice(at + 1);
  const slash = path.lastIndexOf('/');
  if (slash < 0 || !reference) return notSupported();
  const project = path.slice(0, slash);
  const name = path.slice(slash + 1);
  if (!/^[\w-]+$/.test(name)) return notSupported();
  const inputs = entry.inputs as Record<string, unknown> | undefined;
  const candidates = templatePaths(name);
  const pick = (source: Source) => candidates.find((p) => source.read(p) !== undefined);
  const notFound = (fix: string) => refused(`Component '${address}' - content not found`, fix);
  const found = (source: Source, p: string, sha: string | null, version: string | null): Files =>
    ok([
      { kind: 'component', location: address, path: p, source, inputs, component: { name, sha, version, reference } },
    ]);

  if (project === env.projectPath) {
    // The current commit is linted from the working tree: what the author is about to push.
    if (reference === env.headSha) {
      const source = new DirectorySource(env.repo, 'worktree');
      const p = pick(source);
      return p
        ? found(source, p, env.headSha, null)
        : notFound(`add ${candidates[1]} (or ${candidates[0]}) to the catalog`);
    }
    const resolved = resolveComponentRef(env.componentRepo, reference);
    if (resolved === 'not-found') {
      const released = reference === '~latest' || /^\d+(\.\d+)?$/.test(reference);
      return notFound(
        released
          ? 'release a version (a semver tag that is not a pre-release) first'
          : `create the tag, branch or commit \`${reference}\` in the catalog, or fetch it`,
      );
    }
    const source = new GitCommitSource(env.componentRepo, resolved.commit);
    const p = pick(source);
    return p
      ? found(source, p, resolved.commit, resolved.version)
      : notFound(`the catalog at \`${reference}\` has no ${candidates[1]}`);
  }
  const dir = join(env.cacheDir, 'components', project, reference);
  const source = new DirectorySource(dir, `cache:${dir}`);
  const p = pick(source);
  if (!p && env.fetchComponents) {
    // Resolved in a mirror of the component's project, as the catalog's own components are.
    let mirror: string;
    try {
      mirror = ensureMirror(`${env.fetchComponents.replace(/\/+$/, '')}/${project}.git`, env.cacheDir);
    } catch (e) {
      if (e instanceof ProblemsError) return failed(...e.problems);
      throw e;
    }
    const resolved = resolveComponentRef(mirror, reference);
    if (resolved === 'not-found')
      return notFound(`\`${reference}\` is not a release, tag, branch or commit of ${project}`);
    const fetched = new GitCommitSource(mirror, resolved.commit);
    const q = pick(fetched);
    return q
      ? found(fetched, q, resolved.commit, resolved.version)
      : notFound(`${project} at \`${reference}\` has no ${candidates[1]}`);
  }
  if (!p) {
    return notFound(
      `it is not available offline: put a copy at ${join(dir, candidates[0])}, lint with --fetch-components ` +
        `<GitLab URL>, or lint with --remote`,
    );
  }
  return found(source, p, null, /^\d+\.\d+\.\d+/.test(reference) ? reference : null);
}

function project(entry: Record<string, unknown>, env: IncludeEnv): Files {
  const projectPath = expandVariables(String(entry.project), env.variables);
  const ref = entry.ref === undefined ? undefined : expandVariables(String(entry.ref), env.variables);
  const files = (Array.isArray(entry.file) ? entry.file : [entry.file]).map((f) =>
    expandVariables(String(f), env.variables).replace(/^\/+/, ''),
  );
  let source: Source;
  if (projectPath === env.projectPath && (ref === undefined || ref === env.headSha))
    source = new DirectorySource(env.repo, 'worktree');
  else if (projectPath === env.projectPath) {
    const resolved = resolveComponentRef(env.componentRepo, ref!);
    if (resolved === 'not-found')
      return refused(
        `Project \`${projectPath}\` reference \`${ref}\` does not exist!`,
        'use an existing tag, branch or commit',
      );
    source = new GitCommitSource(env.componentRepo, resolved.commit);
  } else {
    const dir = join(env.cacheDir, 'project', projectPath, ref ?? 'HEAD');
    source = new DirectorySource(dir, `cache:${dir}`);
    const missing = files.find((f) => source.read(f) === undefined);
    if (missing !== undefined) {
      return refused(
        `Project \`${projectPath}\` file \`${missing}\` is not available offline`,
        `put a copy at ${join(dir, missing)}, or lint with --remote`,
      );
    }
  }
  for (const f of files) {
    const wrong = wrongExtension(f);
    if (wrong) return wrong;
  }
  return ok(
    files.map((f) => ({
      kind: 'project' as const,
      location: f,
      path: f,
      source,
      inputs: entry.inputs as Record<string, unknown>,
    })),
  );
}

function cached(kind: 'remote' | 'template', entry: Record<string, unknown>, env: IncludeEnv): Files {
  const location = expandVariables(String(entry[kind]), env.variables);
  const wrong = wrongExtension(location);
  if (wrong) return wrong;
  const rel = kind === 'remote' ? location.replace(/^[a-z]+:\/\//i, '') : location;
  const dir = join(env.cacheDir, kind);
  const source = new DirectorySource(dir, `cache:${dir}`);
  if (source.read(rel) === undefined) {
    const what = kind === 'remote' ? 'Remote file' : 'Template file';
    return refused(
      `${what} \`${location}\` is not available offline`,
      `put a copy at ${join(dir, rel)}, or lint with --remote`,
    );
  }
  return ok([{ kind, location, path: rel, source, inputs: entry.inputs as Record<string, unknown> }]);
}

/** External::Mapper::Matcher's include kinds, in its order (the order of its messages). */
const INCLUDE_KINDS = ['local', 'project', 'remote', 'template', 'artifact', 'component'] as const;
const present = (v: unknown) =>
  v !== undefined &&
  v !== null &&
  v !== false &&
  !(typeof v === 'string' && v.trim() === '') &&
  !(Array.isArray(v) && !v.length);

/** The include kinds an entry matches: `project` needs a `file`, every other kind its own non-blank key. */
export function includeKinds(entry: Record<string, unknown>): string[] {
  return INCLUDE_KINDS.filter((k) =>
    k === 'project' ? present(entry.project) && present(entry.file) : present(entry[k]),
  );
}

/** The files one `include:` entry names, or the `include` problem GitLab would report. */
export function resolveInclude(entry: Record<string, unknown>, env: IncludeEnv): Files {
  const kinds = includeKinds(entry);
  const subkeys = `\`${INCLUDE_KINDS.join('`, `')}\``;
  if (kinds.length > 1)
    return refused(
      `Each include must use only one of: ${subkeys}`,
      `split it into one include per file: this one names ${kinds.join(' and ')}`,
    );
  if (!kinds.length)
    return refused(
      `\`${JSON.stringify(entry)}\` does not have a valid subkey for include. Valid subkeys are: ${subkeys}`,
      'use one of the include kinds GitLab knows (`project:` also needs `file:`)',
    );
  const kind = kinds[0];
  if (kind === 'local') return local(entry, env);
  if (kind === 'component') return component(entry, env);
  if (kind === 'project') return project(entry, env);
  if (kind === 'remote') return cached('remote', entry, env);
  if (kind === 'template') return cached('template', entry, env);
  return refused(
    'Including configs from artifacts is only allowed when triggering child pipelines',
    "include the generated file from a `trigger:include:` of a parent pipeline's job",
  );
}
