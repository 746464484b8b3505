// `lint(files, options)`: GitLab's verdict for each file, offline, as data.
// Pipelines are linted as GitLab would create them; component templates (templates/<name>.yml or
// templates/<name>/template.yml) are linted as a consumer including them with their defaults.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Problem } from '../../internal/problem.js';
import { validateCi } from '../ci-schema.js';
import { DirectorySource, git } from './includes/source.js';
import { ensureMirror } from './includes/mirror.js';
import type { IncludeEnv } from './includes/resolve.js';
import { buildPipeline, type IncludeRecord } from './pipeline.js';
import { parseCiBytes, ParseError, MAX_FILE_BYTES } from './parse.js';
import { rules } from './rules/index.js';
import { TYPES } from './inputs.js';

export interface LintOptions {
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
  /** Pipeline inputs for the linted files' own `spec:inputs`. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly maxIncludes?: number;
}

export interface LintResult {
  readonly file: string;
  readonly valid: boolean;
  readonly problems: Problem[];
  readonly includes: IncludeRecord[];
  readonly jobs: string[];
  readonly merged?: Record<string, unknown>;
}

export const TEMPLATE_PATH = /^templates\/([\w-]+)(?:\/template)?\.yml$/;

const projectCache = new Map<string, string>();

function catalogProject(cwd: string): string {
  let p = projectCache.get(cwd);
  if (p === undefined) {
    p = '';
    const file = join(cwd, 'catalog.yml');
    if (existsSync(file)) {
      try {
        const doc = parseYaml(readFileSync(file, 'utf8')) as { project?: unknown } | null;
        if (typeof doc?.project === 'string') p = doc.project;
      } catch {
        // A broken catalog.yml is the build's problem; lint still works without a project path.
      }
    }
    projectCache.set(cwd, p);
  }
  return p;
}

const headCache = new Map<string, { sha: string; ref: string }>();
function head(cwd: string): { sha: string; ref: string } {
  let h = headCache.get(cwd);
  if (!h) {
    h = { sha: git(cwd, ['rev-parse', 'HEAD'])?.trim() || '0'.repeat(40), ref: git(cwd, ['rev-parse', '--abbrev-ref', 'HEAD'])?.trim() || 'main' };
    headCache.set(cwd, h);
  }
  return h;
}

export function lintEnv(options: LintOptions = {}): IncludeEnv {
  const repo = resolve(options.cwd ?? process.cwd());
  const { sha, ref } = head(repo);
  const projectPath = options.projectPath ?? catalogProject(repo);
  const serverFqdn = options.serverFqdn ?? 'gitlab.com';
  const variables = {
    CI_SERVER_FQDN: serverFqdn,
    CI_SERVER_HOST: serverFqdn.split(':')[0]!,
    CI_PROJECT_PATH: projectPath,
    CI_COMMIT_SHA: sha,
    CI_COMMIT_REF_NAME: ref,
    CI_DEFAULT_BRANCH: 'main',
    ...options.variables,
  };
  return {
    source: new DirectorySource(repo, 'worktree'),
    repo,
    headSha: sha,
    projectPath,
    serverFqdn,
    cacheDir: resolve(repo, options.cacheDir ?? '.cache/includes'),
    componentRepo: options.componentRemote ? ensureMirror(options.componentRemote, resolve(repo, options.cacheDir ?? '.cache/includes')) : resolve(repo, options.componentRepo ?? '.'),
    variables,
  };
}

/** A value GitLab would accept for a required input: the first option, else one of its type. */
function exampleValue(def: unknown): unknown {
  const d = (def && typeof def === 'object' ? def : {}) as Record<string, unknown>;
  if (Array.isArray(d.options) && d.options.length) return d.type === 'array' ? [d.options[0]] : d.options[0];
  switch (d.type) {
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    default:
      return 'example';
  }
}

/** Inputs for linting a template on its own: its defaults, plus an example for each required input. */
function templateInputs(bytes: Uint8Array, file: string, given: Readonly<Record<string, unknown>> | undefined, placeholders: Set<string>): Record<string, unknown> | undefined {
  try {
    const parsed = parseCiBytes(file, bytes);
    const specs = (parsed.header?.spec as Record<string, unknown> | null | undefined)?.inputs;
    if (!specs || typeof specs !== 'object') return given ? { ...given } : undefined;
    const out: Record<string, unknown> = {};
    for (const [name, def] of Object.entries(specs as Record<string, unknown>)) {
      const d = def as Record<string, unknown> | null;
      if (given && name in given) out[name] = given[name];
      else if (!(d && typeof d === 'object' && ('default' in d || 'rules' in d))) {
        out[name] = exampleValue(def);
        placeholders.add(name);
      }
    }
    for (const [k, v] of Object.entries(given ?? {})) if (!(k in out)) out[k] = v;
    return out;
  } catch {
    return given ? { ...given } : undefined;
  }
}

function pointerToPath(pointer: string): string[] {
  return pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The inputs a template is linted with on its own: defaults, plus a stand-in for each required one. */
export function templateExampleInputs(file: string, bytes: Uint8Array, given?: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return templateInputs(bytes, file, given, new Set()) ?? {};
}

export function lintBytes(file: string, bytes: Uint8Array, options: LintOptions = {}, env = lintEnv(options)): LintResult {
  const rel = isAbsolute(file) ? relative(env.repo, file) : file;
  const template = TEMPLATE_PATH.exec(rel.split('\\').join('/'));
  const component = template ? { name: template[1]!, sha: env.headSha, version: null, reference: env.headSha } : undefined;
  const placeholders = new Set<string>();
  const inputs = template ? templateInputs(bytes, rel, options.inputs, placeholders) : options.inputs ? { ...options.inputs } : undefined;
  const built = buildPipeline(rel, bytes, { env, inputs, component, maxIncludes: options.maxIncludes, placeholders });
  const problems: Problem[] = built.errors.map((e) => ({
    code: e.code,
    severity: e.severity ?? 'error',
    message: e.message,
    fix: e.fix,
    file: e.file ?? rel,
    component: e.component ?? template?.[1],
    line: e.line,
    column: e.column,
  }));
  const config = built.config;
  const jobs: string[] = [];
  if (config) {
    const where = (job?: string) => {
      const p = job ? built.jobPositions.get(job) : undefined;
      return { file: p?.file ?? rel, line: p?.line, column: p?.column };
    };
    for (const e of validateCi(config)) {
      const [job, ...rest] = pointerToPath(e.path);
      problems.push({ code: 'ci-schema', severity: 'error', message: `${job ? `${job}${rest.length ? `:${rest.join(':')}` : ''} ` : ''}${e.message}`, fix: 'match GitLab\'s CI schema (ci.json) for this keyword', path: [job, ...rest].filter(Boolean).join('.'), component: template?.[1], ...where(job) });
    }
    for (const rule of rules) {
      for (const f of rule(config)) {
        problems.push({ code: f.code, severity: f.severity ?? 'error', message: f.message, fix: f.fix, path: f.job, component: template?.[1], ...where(f.job) });
      }
    }
    for (const [k, v] of Object.entries(config)) if (!k.startsWith('.') && v && typeof v === 'object' && !Array.isArray(v) && ('script' in v || 'trigger' in v || 'run' in v)) jobs.push(k);
  }
  return { file: rel, valid: !problems.some((p) => p.severity === 'error'), problems, includes: built.includes, jobs, merged: config };
}

export function lintFile(file: string, options: LintOptions = {}, env = lintEnv(options)): LintResult {
  const full = resolve(env.repo, file);
  const rel = relative(env.repo, full) || file;
  const fail = (message: string, fix: string): LintResult => ({ file: rel, valid: false, includes: [], jobs: [], problems: [{ code: 'read', severity: 'error', message, fix, file: rel }] });
  if (!existsSync(full)) return fail('file does not exist', 'check the path');
  const stat = statSync(full);
  if (!stat.isFile()) return fail('is not a file', 'pass a YAML file');
  if (stat.size > MAX_FILE_BYTES) return fail(`file is ${stat.size} bytes, over GitLab's 1 MB limit for a CI configuration file`, 'split it into smaller files joined with `include:`');
  return lintBytes(rel, readFileSync(full), options, env);
}

/** Lints many files; the include environment (git HEAD, catalog project) is computed once. */
export function lint(files: readonly string[], options: LintOptions = {}): LintResult[] {
  const env = lintEnv(options);
  return files.map((f) => lintFile(f, options, env));
}

/**
 * The build hook: lints each component template as a consumer would include it, with its
 * defaults and an example for each required input. Returns the problems found.
 */
export async function lintTemplates(paths: readonly string[], options: LintOptions = {}): Promise<Problem[]> {
  return lint(paths, options).flatMap((r) => r.problems);
}

export { ParseError, TYPES };

/**
 * The build hook, before anything is written: lints each generated component template
 * (`templates/...` entries of path -> content) as a consumer including it would.
 */
export function lintGenerated(files: ReadonlyMap<string, string>, options: LintOptions = {}): Problem[] {
  const env = lintEnv(options);
  return [...files].filter(([path]) => TEMPLATE_PATH.test(path)).flatMap(([path, content]) => lintBytes(path, Buffer.from(content), options, env).problems);
}
