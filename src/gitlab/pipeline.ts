// Builds the merged pipeline from a root file the way GitLab's Config does: load the file,
// check its header and inputs, interpolate, expand its includes recursively (at most 150),
// merge, then `extends` and `!reference`. Errors are GitLab's texts, returned as data.
import { join } from 'node:path';
import { DirectorySource } from './includes/source.js';
import { interpolateContent, type InterpolationContext } from './interpolation.js';
import { IncludeError, normalizeIncludes, resolveInclude, type IncludedFile, type IncludeEnv } from './includes/resolve.js';
import { validateHeader, validateInputs } from './inputs.js';
import { includeNeverMatches } from './rules.js';
import { DEPRECATED_MARKER } from '../catalog/contract.js';
import { deepMerge, MergeError, resolveExtends, resolveReferences } from './merge.js';
import { ParseError, parseCiBytes, type ParsedFile, type Position } from './yaml.js';

export const MAX_INCLUDES = 150;

type Hash = Record<string, unknown>;
const isHash = (v: unknown): v is Hash => !!v && typeof v === 'object' && !Array.isArray(v);

export interface PipelineError {
  readonly code: string;
  readonly message: string;
  readonly file?: string;
  readonly component?: string;
  readonly line?: number;
  readonly column?: number;
  readonly fix?: string;
  readonly severity?: 'error' | 'warning';
}

export interface IncludeRecord {
  readonly type: IncludedFile['kind'];
  readonly location: string;
  readonly from: string;
}

export interface BuiltPipeline {
  readonly config?: Hash;
  readonly errors: PipelineError[];
  readonly includes: IncludeRecord[];
  /** Where each job was defined, for messages about it. */
  readonly jobPositions: Map<string, { file: string; line: number; column: number }>;
}

export interface BuildOptions {
  readonly env: IncludeEnv;
  /** Values for the root file's own `spec:inputs` (pipeline inputs or a template's inputs). */
  readonly inputs?: Hash;
  /** `$[[ component.* ]]` values when the root file is itself a component template. */
  readonly component?: Hash;
  readonly maxIncludes?: number;
  /** Root inputs given a stand-in value (a template linted alone): their regex is not applied. */
  readonly placeholders?: ReadonlySet<string>;
}

class Stop extends Error {
  constructor(readonly error: PipelineError) {
    super(error.message);
  }
}

interface FileFrame {
  readonly id: string;
  readonly label: string;
}

/** Only the fields a component declares in `spec:component` are visible to it. */
function declaredComponentFields(header: Hash | undefined, data: Hash | undefined): Hash | undefined {
  if (!data) return undefined;
  const spec = isHash(header?.spec) ? (header!.spec as Hash) : {};
  const declared = Array.isArray(spec.component) ? spec.component.map(String) : [];
  return Object.fromEntries(declared.map((k) => [k, data[k] ?? null]));
}

/**
 * `spec:include` (18.9): input definitions from external files (local, remote, project), merged
 * in order before the inline `spec:inputs`; a name defined twice is an error.
 */
function specInputs(spec: Hash, env: IncludeEnv, fail: (message: string, fix: string) => never): Hash {
  const merged: Hash = {};
  const duplicates = new Set<string>();
  const add = (inputs: unknown) => {
    for (const [k, v] of Object.entries(isHash(inputs) ? inputs : {})) {
      if (k in merged) duplicates.add(k);
      merged[k] = v;
    }
  };
  let entries: Array<Record<string, unknown>>;
  try {
    entries = normalizeIncludes(spec.include);
  } catch (e) {
    if (e instanceof IncludeError) return fail(e.message, e.fix ?? 'fix `spec:include`');
    throw e;
  }
  for (const entry of entries) {
    if (!('local' in entry || 'remote' in entry || 'project' in entry) || 'inputs' in entry) {
      fail(`\`spec:include\` accepts only \`local\`, \`remote\` and \`project\` entries without \`inputs\`: ${JSON.stringify(entry)}`, 'list input files with local:, remote: or project: + file:');
    }
    let files: IncludedFile[] = [];
    try {
      files = resolveInclude(entry, env);
    } catch (e) {
      if (e instanceof IncludeError) fail(e.message, e.fix ?? 'fix `spec:include`');
      throw e;
    }
    for (const f of files) {
      const bytes = f.source.read(f.path);
      if (bytes === undefined) fail(`Local file \`${f.location}\` does not exist!`, `create \`${f.path}\` or fix \`spec:include\``);
      let content: unknown;
      try {
        content = parseCiBytes(f.path, bytes!).content;
      } catch (e) {
        if (e instanceof ParseError) fail(`\`${f.location}\`: ${e.message}`, e.fix ?? 'fix the YAML');
        throw e;
      }
      const unknown = isHash(content) ? Object.keys(content).filter((k) => k !== 'inputs') : [];
      if (unknown.length) fail(`Header include file \`${f.location}\` contains unknown keys: [${unknown.map((k) => `:${k}`).join(', ')}]`, 'an input file may contain only `inputs:`');
      add(isHash(content) ? content.inputs : undefined);
    }
  }
  add(spec.inputs);
  if (duplicates.size) {
    fail(`Duplicate input keys found: ${[...duplicates].join(', ')}. Input keys must be unique across all included files and inline specifications.`, 'define each input once');
  }
  return merged;
}

/** Line and column of the first occurrence of `needle` in the file, for pointing at a block. */
function positionOf(bytes: Uint8Array, needle: string): Position | undefined {
  const text = new TextDecoder().decode(bytes);
  const at = text.indexOf(needle);
  if (at < 0) return undefined;
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** A consumer who includes a deprecated component or sets a deprecated input is warned (src/catalog/contract.ts). */
function deprecations(spec: Hash, specs: unknown, args: Hash | undefined, file: string, location: string | undefined): PipelineError[] {
  const at = location ? `\`${location}\`: ` : '';
  const marked = (d: unknown) => (typeof d === 'string' ? DEPRECATED_MARKER.exec(d)?.[1] : undefined);
  const out: PipelineError[] = [];
  const component = marked(spec.description);
  if (component !== undefined) out.push({ code: 'deprecated-component', severity: 'warning', message: `${at}the component is deprecated: ${component}`, file, fix: 'switch to the replacement before the next major release removes it' });
  for (const name of Object.keys(args ?? {})) {
    const why = marked(isHash(specs) && isHash(specs[name]) ? specs[name].description : undefined);
    if (why !== undefined) out.push({ code: 'deprecated-input', severity: 'warning', message: `${at}input \`${name}\` is deprecated: ${why}`, file, fix: 'stop setting it, or set its replacement instead' });
  }
  return out;
}

export function buildPipeline(rootFile: string, rootBytes: Uint8Array, options: BuildOptions): BuiltPipeline {
  const errors: PipelineError[] = [];
  const includes: IncludeRecord[] = [];
  const jobPositions = new Map<string, { file: string; line: number; column: number }>();
  const maxIncludes = options.maxIncludes ?? MAX_INCLUDES;
  let includeCount = 0;

  const load = (file: string, bytes: Uint8Array, location: string | undefined, args: Hash | undefined, component: Hash | undefined, chain: FileFrame[], env: IncludeEnv): Hash => {
    let parsed: ParsedFile;
    try {
      parsed = parseCiBytes(file, bytes);
    } catch (e) {
      if (e instanceof ParseError) {
        const prefix = location ? `\`${location}\`: ` : '';
        throw new Stop({ code: 'yaml', message: `${prefix}${e.message}`, file: e.file, line: e.line, column: e.column, fix: e.fix });
      }
      throw e;
    }
    const fail = (code: string, messages: readonly string[], fix: string, pos?: Position): never => {
      const text = messages.slice(0, 3).join(', ');
      throw new Stop({ code, message: location ? `\`${location}\`: ${text}` : text, file, component: component ? String(component.name) : undefined, line: pos?.line, column: pos?.column, fix });
    };
    let content = parsed.content;
    if (parsed.header) {
      const headerErrors = validateHeader(parsed.header);
      if (headerErrors.length) fail('header', headerErrors, 'fix the `spec:` header: allowed keys are inputs, include, component, description');
      const spec = (parsed.header.spec ?? {}) as Hash;
      const specs = 'include' in spec ? specInputs(spec, env, (m, fix) => fail('spec-include', [m], fix)) : spec.inputs;
      const inputs = validateInputs(specs, args, chain.length === 1 ? options.placeholders : undefined);
      if (inputs.errors.length) {
        const first = /^`([^`]+)` input/.exec(inputs.errors[0]!)?.[1];
        fail('inputs', inputs.errors, args && Object.keys(args).length ? 'pass only declared inputs, with values of the declared type, options and pattern' : 'pass the required inputs under `include: inputs:`', first ? parsed.headerPositions.get(first) : undefined);
      }
      if (chain.length > 1) errors.push(...deprecations(spec, specs, args, file, location));
      const ctx: InterpolationContext = { inputs: inputs.values, component: declaredComponentFields(parsed.header, component), variables: env.variables };
      const result = interpolateContent(content, ctx);
      if (result.errors.length) fail('interpolation', result.errors, 'reference only declared inputs and GitLab\'s functions (expand_vars, truncate, posix_escape, split), at most 3 per block', result.block ? positionOf(bytes, result.block) : undefined);
      if (isHash(content) && isHash(result.value)) {
        const seen = new Map<string, string>();
        for (const key of Object.keys(content)) {
          const name = String(interpolateContent(key, ctx).value ?? key);
          const other = seen.get(name);
          if (other !== undefined) {
            const pos = parsed.positions.get(key);
            errors.push({ code: 'duplicate-job', severity: 'warning', message: `jobs \`${other}\` and \`${key}\` both become \`${name}\` after interpolation; GitLab keeps only the last`, file, line: pos?.line, column: pos?.column, fix: 'give each job a distinct name' });
          }
          seen.set(name, key);
        }
      }
      content = result.value;
    } else if (args && Object.keys(args).length) {
      fail('inputs', ['Given inputs not defined in the `spec` section of the included configuration file'], 'add a `spec:inputs` header to the included file, or remove `inputs:` from the include');
    }
    if (content === null || content === undefined) {
      if (location) throw new Stop({ code: 'empty', message: `Local file \`${location}\` is empty!`, file, fix: 'add jobs to the file or remove the include' });
      throw new Stop({ code: 'empty', message: 'Please provide content of .gitlab-ci.yml', file, fix: 'add at least one job' });
    }
    if (!isHash(content)) {
      const message = location ? `Included file \`${location}\` does not have valid YAML syntax!` : 'Invalid configuration format';
      throw new Stop({ code: 'format', message, file, line: 1, column: 1, fix: 'the top level must be a mapping of job names and keywords' });
    }
    for (const [k, p] of parsed.positions) if (!jobPositions.has(k)) jobPositions.set(k, { file, line: p.line, column: p.column });

    let merged: Hash = {};
    if ('include' in content) {
      let entries: Array<Record<string, unknown>>;
      const includePos = parsed.positions.get('include');
      try {
        entries = normalizeIncludes(content.include);
      } catch (e) {
        if (e instanceof IncludeError) throw new Stop({ code: 'include', message: e.message, file, line: includePos?.line, column: includePos?.column, fix: e.fix });
        throw e;
      }
      for (const entry of entries) {
        if (includeNeverMatches(entry)) continue;
        let files: IncludedFile[];
        try {
          files = resolveInclude(entry, env);
        } catch (e) {
          if (e instanceof IncludeError) throw new Stop({ code: 'include', message: e.message, file, line: includePos?.line, column: includePos?.column, fix: e.fix });
          throw e;
        }
        for (const inc of files) {
          if (includeCount >= maxIncludes) {
            throw new Stop({ code: 'too-many-includes', message: `Maximum of ${maxIncludes} nested includes are allowed!`, file, line: includePos?.line, column: includePos?.column, fix: 'include fewer files, or combine small ones' });
          }
          includeCount++;
          const id = `${inc.source.id}:${inc.path}`;
          const label = inc.kind === 'component' ? inc.location : inc.path;
          if (chain.some((f) => f.id === id)) {
            const cycle = [...chain.slice(chain.findIndex((f) => f.id === id)).map((f) => f.label), label].join(' → ');
            throw new Stop({ code: 'include-cycle', message: `include cycle detected: ${cycle} (GitLab stops at: Maximum of ${maxIncludes} nested includes are allowed!)`, file, line: includePos?.line, column: includePos?.column, fix: 'remove one of the includes in the cycle' });
          }
          includes.push({ type: inc.kind, location: inc.location, from: file });
          const bytes = inc.source.read(inc.path);
          const displayFile = inc.source.id === 'worktree' ? inc.path : inc.kind === 'component' ? inc.location : `${inc.path} (${inc.source.id})`;
          if (bytes === undefined) {
            const message = inc.kind === 'local' ? `Local file \`${inc.location}\` does not exist!` : `Included file \`${inc.location}\` is empty or does not exist!`;
            throw new Stop({ code: 'include', message, file, line: includePos?.line, column: includePos?.column, fix: `create \`${inc.path}\` or fix the include path` });
          }
          // Local includes inside a component or project file read from that file's own source.
          const childEnv: IncludeEnv = { ...env, source: inc.source };
          const included = load(displayFile, bytes, inc.location, inc.inputs, inc.component, [...chain, { id, label }], childEnv);
          merged = deepMerge(merged, included);
        }
      }
    }
    const { include: _include, ...own } = content;
    return deepMerge(merged, own);
  };

  let config: Hash | undefined;
  try {
    const rootId = `${options.env.source.id}:${rootFile}`;
    const raw = load(rootFile, rootBytes, undefined, options.inputs, options.component, [{ id: rootId, label: rootFile }], options.env);
    config = resolveReferences(resolveExtends(raw));
  } catch (e) {
    if (e instanceof Stop) errors.push(e.error);
    else if (e instanceof MergeError) {
      const pos = e.job ? jobPositions.get(e.job) : undefined;
      errors.push({ code: 'merge', message: e.message, file: pos?.file ?? rootFile, line: pos?.line, column: pos?.column, fix: e.fix });
    } else if (e instanceof RangeError) {
      errors.push({ code: 'too-deep', message: 'config too large: the configuration nests or expands too deeply', file: rootFile, fix: 'simplify the nesting' });
    } else throw e;
    config = undefined;
  }
  return { config, errors, includes, jobPositions };
}

/**
 * A component template expanded as GitLab would for one include of it: inputs checked and
 * interpolated, its own includes read from `root`, merged, `extends` and `!reference` resolved.
 */
export function expandTemplate(
  file: string,
  text: string,
  inputs: Hash,
  component: { readonly name: string; readonly sha: string; readonly version: string | null; readonly reference: string },
  root = process.cwd(),
): BuiltPipeline {
  const env: IncludeEnv = {
    source: new DirectorySource(root, 'worktree'),
    repo: root,
    headSha: component.sha,
    projectPath: '',
    serverFqdn: 'gitlab.com',
    cacheDir: join(root, '.cache', 'includes'),
    componentRepo: root,
    variables: {},
  };
  return buildPipeline(file, Buffer.from(text), { env, inputs, component: { ...component } });
}
