// Builds the merged pipeline from a root file the way GitLab's Config does: load the file,
// check its header and inputs, interpolate, expand its includes recursively (at most 150),
// merge, then `extends` and `!reference`. Problems carry GitLab's texts, returned as data.
import { join } from 'node:path';
import { failed, ok, problem, type Outcome, type Problem, type ProblemCode } from '../internal/problem.js';
import {
  normalizeIncludes,
  resolveInclude,
  withSource,
  type IncludedFile,
  type IncludeEnv,
} from './includes/resolve.js';
import { DirectorySource } from './includes/source.js';
import { validateHeader, validateInputs } from './inputs.js';
import { interpolateContent, type InterpolationContext } from './interpolation.js';
import { deepMerge, resolveMerge } from './merge.js';
import { includeNeverMatches } from './rules.js';
import { DEPRECATED_MARKER } from '../catalog/contract.js';
import { parseCi, type Position } from './yaml.js';

export const MAX_INCLUDES = 150;

type Hash = Record<string, unknown>;
const isHash = (v: unknown): v is Hash => !!v && typeof v === 'object' && !Array.isArray(v);

export interface IncludeRecord {
  readonly type: IncludedFile['kind'];
  readonly location: string;
  readonly from: string;
}

export interface BuiltPipeline {
  /** The merged configuration; absent when a problem stopped the build. */
  readonly config?: Hash;
  readonly problems: Problem[];
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

/** Line and column of the first occurrence of `needle` in the file, for pointing at a block. */
function positionOf(bytes: Uint8Array, needle: string): Position | undefined {
  const text = new TextDecoder().decode(bytes);
  const at = text.indexOf(needle);
  if (at < 0) return undefined;
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

const where = (pos: Position | undefined) => (pos ? { line: pos.line, column: pos.column } : {});

/** A consumer who includes a deprecated component or sets a deprecated input is warned (src/catalog/contract.ts). */
function deprecations(
  spec: Hash,
  specs: unknown,
  args: Hash | undefined,
  file: string,
  location: string | undefined,
): Problem[] {
  const at = location ? `\`${location}\`: ` : '';
  const marked = (d: unknown) => (typeof d === 'string' ? DEPRECATED_MARKER.exec(d)?.[1] : undefined);
  const out: Problem[] = [];
  const component = marked(spec.description);
  if (component !== undefined) {
    const fix = 'switch to the replacement before the next major release removes it';
    out.push({
      ...problem('deprecated-component', `${at}the component is deprecated: ${component}`, { file, fix }),
      severity: 'warning',
    });
  }
  for (const name of Object.keys(args ?? {})) {
    const why = marked(isHash(specs) && isHash(specs[name]) ? specs[name].description : undefined);
    if (why === undefined) continue;
    const fix = 'stop setting it, or set its replacement instead';
    out.push({
      ...problem('deprecated-input', `${at}input \`${name}\` is deprecated: ${why}`, { file, fix }),
      severity: 'warning',
    });
  }
  return out;
}

/**
 * `spec:include` (18.9): input definitions from external files (local, remote, project), merged
 * in order before the inline `spec:inputs`; a name defined twice is an error.
 */
function specInputs(spec: Hash, env: IncludeEnv): Outcome<Hash> {
  const refuse = (message: string, fix: string) => failed(problem('spec-include', message, { fix }));
  const merged: Hash = {};
  const duplicates = new Set<string>();
  const add = (inputs: unknown) => {
    for (const [k, v] of Object.entries(isHash(inputs) ? inputs : {})) {
      if (k in merged) duplicates.add(k);
      merged[k] = v;
    }
  };
  const entries = normalizeIncludes(spec.include);
  if (!entries.ok) return refuse(entries.problems[0]!.message, entries.problems[0]!.fix ?? 'fix `spec:include`');
  for (const entry of entries.value) {
    if (!('local' in entry || 'remote' in entry || 'project' in entry) || 'inputs' in entry) {
      const message =
        `\`spec:include\` accepts only \`local\`, \`remote\` and \`project\` entries without ` +
        `\`inputs\`: ${JSON.stringify(entry)}`;
      return refuse(message, 'list input files with local:, remote: or project: + file:');
    }
    const files = resolveInclude(entry, env);
    if (!files.ok) return refuse(files.problems[0]!.message, files.problems[0]!.fix ?? 'fix `spec:include`');
    for (const f of files.value) {
      const bytes = f.source.read(f.path);
      if (bytes === undefined)
        return refuse(`Local file \`${f.location}\` does not exist!`, `create \`${f.path}\` or fix \`spec:include\``);
      const parsed = parseCi(f.path, bytes);
      if (!parsed.ok)
        return refuse(`\`${f.location}\`: ${parsed.problems[0]!.message}`, parsed.problems[0]!.fix ?? 'fix the YAML');
      const content = parsed.value.content;
      const unknown = isHash(content) ? Object.keys(content).filter((k) => k !== 'inputs') : [];
      if (unknown.length) {
        const message =
          `Header include file \`${f.location}\` contains unknown keys: [` +
          `${unknown.map((k) => `:${k}`).join(', ')}]`;
        return refuse(message, 'an input file may contain only `inputs:`');
      }
      add(isHash(content) ? content.inputs : undefined);
    }
  }
  add(spec.inputs);
  if (duplicates.size) {
    const message =
      `Duplicate input keys found: ${[...duplicates].join(', ')}. Input keys must be unique across ` +
      `all included files and inline specifications.`;
    return refuse(message, 'define each input once');
  }
  return ok(merged);
}

/** One pipeline build: the include count, the records and positions it collects, and its warnings. */
class Build {
  readonly includes: IncludeRecord[] = [];
  readonly warnings: Problem[] = [];
  readonly jobPositions = new Map<string, { file: string; line: number; column: number }>();
  private includeCount = 0;
  constructor(private readonly options: BuildOptions) {}

  private get maxIncludes(): number {
    return this.options.maxIncludes ?? MAX_INCLUDES;
  }

  /** Loads one file and everything it includes, merged; or the first problem that stops GitLab. */
  load(
    file: string,
    bytes: Uint8Array,
    location: string | undefined,
    args: Hash | undefined,
    component: Hash | undefined,
    chain: FileFrame[],
    env: IncludeEnv,
  ): Outcome<Hash> {
    const parsed = parseCi(file, bytes);
    if (!parsed.ok) {
      const first = parsed.problems[0]!;
      return failed({ ...first, message: `${location ? `\`${location}\`: ` : ''}${first.message}` });
    }
    const componentName = component ? { component: String(component.name) } : {};
    const refuse = (code: ProblemCode, messages: readonly string[], fix: string, pos?: Position) => {
      const text = messages.slice(0, 3).join(', ');
      return failed(
        problem(code, location ? `\`${location}\`: ${text}` : text, { file, ...componentName, ...where(pos), fix }),
      );
    };
    const { header, positions } = parsed.value;
    let content = parsed.value.content;
    if (header) {
      const headerErrors = validateHeader(header);
      if (headerErrors.length)
        return refuse(
          'header',
          headerErrors,
          'fix the `spec:` header: allowed keys are inputs, include, component, description',
        );
      const spec = (header.spec ?? {}) as Hash;
      let specs: unknown = spec.inputs;
      if ('include' in spec) {
        const included = specInputs(spec, env);
        if (!included.ok)
          return refuse(
            'spec-include',
            [included.problems[0]!.message],
            included.problems[0]!.fix ?? 'fix `spec:include`',
          );
        specs = included.value;
      }
      const inputs = validateInputs(specs, args, chain.length === 1 ? this.options.placeholders : undefined);
      if (inputs.errors.length) {
        const first = /^`([^`]+)` input/.exec(inputs.errors[0]!)?.[1];
        const fix =
          args && Object.keys(args).length
            ? 'pass only declared inputs, with values of the declared type, options and pattern'
            : 'pass the required inputs under `include: inputs:`';
        return refuse('inputs', inputs.errors, fix, first ? parsed.value.headerPositions.get(first) : undefined);
      }
      if (chain.length > 1) this.warnings.push(...deprecations(spec, specs, args, file, location));
      const ctx: InterpolationContext = {
        inputs: inputs.values,
        component: declaredComponentFields(header, component),
        variables: env.variables,
      };
      const result = interpolateContent(content, ctx);
      if (result.errors.length) {
        const fix =
          "reference only declared inputs and GitLab's functions (expand_vars, truncate, posix_escape, split), " +
          'at most 3 per block';
        return refuse('interpolation', result.errors, fix, result.block ? positionOf(bytes, result.block) : undefined);
      }
      if (isHash(content) && isHash(result.value)) this.checkJobNames(file, content, ctx, positions);
      content = result.value;
    } else if (args && Object.keys(args).length) {
      const fix = 'add a `spec:inputs` header to the included file, or remove `inputs:` from the include';
      return refuse(
        'inputs',
        ['Given inputs not defined in the `spec` section of the included configuration file'],
        fix,
      );
    }
    if (content === null || content === undefined) {
      const message = location ? `Local file \`${location}\` is empty!` : 'Please provide content of .gitlab-ci.yml';
      return failed(
        problem('empty', message, {
          file,
          fix: location ? 'add jobs to the file or remove the include' : 'add at least one job',
        }),
      );
    }
    if (!isHash(content)) {
      const message = location
        ? `Included file \`${location}\` does not have valid YAML syntax!`
        : 'Invalid configuration format';
      return failed(
        problem('format', message, {
          file,
          line: 1,
          column: 1,
          fix: 'the top level must be a mapping of job names and keywords',
        }),
      );
    }
    for (const [k, p] of positions)
      if (!this.jobPositions.has(k)) this.jobPositions.set(k, { file, line: p.line, column: p.column });

    let merged: Hash = {};
    if ('include' in content) {
      const included = this.includeAll(file, content.include, positions.get('include'), chain, env);
      if (!included.ok) return included;
      merged = included.value;
    }
    const { include: _include, ...own } = content;
    return ok(deepMerge(merged, own));
  }

  /** Jobs whose names interpolate to the same name: GitLab keeps only the last, silently. */
  private checkJobNames(
    file: string,
    content: Hash,
    ctx: InterpolationContext,
    positions: ReadonlyMap<string, Position>,
  ): void {
    const seen = new Map<string, string>();
    for (const key of Object.keys(content)) {
      const name = String(interpolateContent(key, ctx).value ?? key);
      const other = seen.get(name);
      if (other !== undefined) {
        const message =
          `jobs \`${other}\` and \`${key}\` both become \`${name}\` after interpolation; GitLab ` +
          `keeps only the last`;
        this.warnings.push({
          code: 'duplicate-job',
          severity: 'warning',
          message,
          file,
          ...where(positions.get(key)),
          fix: 'give each job a distinct name',
        });
      }
      seen.set(name, key);
    }
  }

  /** Resolves, loads and merges (in order) every file an `include:` names. */
  private includeAll(
    file: string,
    include: unknown,
    includePos: Position | undefined,
    chain: FileFrame[],
    env: IncludeEnv,
  ): Outcome<Hash> {
    const at = { file, ...where(includePos) };
    const stop = (code: ProblemCode, message: string, fix?: string) =>
      failed(problem(code, message, { ...at, ...(fix ? { fix } : {}) }));
    const entries = normalizeIncludes(include);
    if (!entries.ok) return failed(...entries.problems.map((p) => ({ ...p, ...at })));
    let merged: Hash = {};
    for (const entry of entries.value) {
      if (includeNeverMatches(entry)) continue;
      const files = resolveInclude(entry, env);
      if (!files.ok) return failed(...files.problems.map((p) => ({ ...p, ...at })));
      for (const inc of files.value) {
        if (this.includeCount >= this.maxIncludes) {
          return stop(
            'too-many-includes',
            `Maximum of ${this.maxIncludes} nested includes are allowed!`,
            'include fewer files, or combine small ones',
          );
        }
        this.includeCount++;
        const id = `${inc.source.id}:${inc.path}`;
        const label = inc.kind === 'component' ? inc.location : inc.path;
        if (chain.some((f) => f.id === id)) {
          const cycle = [...chain.slice(chain.findIndex((f) => f.id === id)).map((f) => f.label), label].join(' → ');
          const message =
            `include cycle detected: ${cycle} (GitLab stops at: Maximum of ${this.maxIncludes} ` +
            `nested includes are allowed!)`;
          return stop('include-cycle', message, 'remove one of the includes in the cycle');
        }
        this.includes.push({ type: inc.kind, location: inc.location, from: file });
        const bytes = inc.source.read(inc.path);
        if (bytes === undefined) {
          const message =
            inc.kind === 'local'
              ? `Local file \`${inc.location}\` does not exist!`
              : `Included file \`${inc.location}\` is empty or does not exist!`;
          return stop('include', message, `create \`${inc.path}\` or fix the include path`);
        }
        const displayFile =
          inc.source.id === 'worktree'
            ? inc.path
            : inc.kind === 'component'
              ? inc.location
              : `${inc.path} (${inc.source.id})`;
        // Local includes inside a component or project file read from that file's own source.
        const childEnv = withSource(env, inc.source);
        const loaded = this.load(
          displayFile,
          bytes,
          inc.location,
          inc.inputs,
          inc.component,
          [...chain, { id, label }],
          childEnv,
        );
        if (!loaded.ok) return loaded;
        merged = deepMerge(merged, loaded.value);
      }
    }
    return ok(merged);
  }
}

export function buildPipeline(rootFile: string, rootBytes: Uint8Array, options: BuildOptions): BuiltPipeline {
  const build = new Build(options);
  const done = (config: Hash | undefined, stopped: readonly Problem[]): BuiltPipeline => ({
    ...(config ? { config } : {}),
    problems: [...build.warnings, ...stopped],
    includes: build.includes,
    jobPositions: build.jobPositions,
  });
  const rootId = `${options.env.source.id}:${rootFile}`;
  const raw = build.load(
    rootFile,
    rootBytes,
    undefined,
    options.inputs,
    options.component,
    [{ id: rootId, label: rootFile }],
    options.env,
  );
  if (!raw.ok) return done(undefined, raw.problems);
  const resolved = resolveMerge(raw.value);
  if (resolved.ok) return done(resolved.value, []);
  // A merge problem names its job (`path`); point at where that job is defined.
  return done(
    undefined,
    resolved.problems.map((p) => {
      const pos = p.path ? build.jobPositions.get(p.path) : undefined;
      const { path: _job, ...rest } = p;
      return { ...rest, file: pos?.file ?? rootFile, ...(pos ? { line: pos.line, column: pos.column } : {}) };
    }),
  );
}

/**
 * A component template expanded as GitLab would for one include of it: inputs checked and
 * interpolated, its own includes read from `root`, merged, `extends` and `!reference` resolved.
 */
export function expandTemplate(
  file: string,
  text: string,
  inputs: Hash,
  component: {
    readonly name: string;
    readonly sha: string;
    readonly version: string | null;
    readonly reference: string;
  },
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
