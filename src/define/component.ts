// defineComponent: the one place a component is described. The generator turns
// the returned value into templates/<name>/template.yml, docs and catalog.yml.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComponentField, Jobs } from '../model/index.js';
import type { Deprecation } from '../catalog/contract.js';
import { loadYaml } from '../gitlab/yaml.js';
import { REPO_ROOT, sourcePath } from '../internal/paths.js';
import { inputRefs, type InputDefs, type InputRefs } from './input.js';
import { embedLibrary } from './shell-library.js';

export interface Example {
  readonly title: string;
  /** A consumer `.gitlab-ci.yml` fragment; `@VERSION` is replaced with the catalog version in docs. */
  readonly yaml: string;
}

export interface JobContext<I extends InputDefs> {
  readonly inputs: InputRefs<I>;
  /** Reads a job script that sits beside component.ts, so shellcheck sees the same text GitLab runs. */
  readonly script: (file: string) => string;
}

export interface ComponentOptions<I extends InputDefs> {
  /** GitLab's component name: `[A-Za-z0-9_-]+`, the folder under templates/. */
  readonly name: string;
  /** `spec:description`, at most 256 characters. */
  readonly description: string;
  readonly inputs: I;
  readonly jobs: (ctx: JobContext<I>) => Jobs;
  /** `spec:component` fields the jobs read as `$[[ component.* ]]`. */
  readonly componentFields?: readonly ComponentField[];
  /** The component's folder; pass `import.meta.url`. */
  readonly source: string;
  /** Prose for the docs page, relative to the folder (default readme.md). */
  readonly readme?: string;
  /** The least-privilege IAM policy the jobs need, relative to the folder (default policy.json, if present). */
  readonly policy?: string;
  /** The examples, relative to the folder (default examples.yml): a YAML list of `title` and `yaml`. */
  readonly examples?: string;
  /**
   * Variables the scripts read that are neither job variables, GitLab's predefined `CI_*`/`GITLAB_*`
   * variables nor the shell library's: CI/CD variables a consumer may set. The build refuses any
   * other `$VAR` a script reads, so a typo or a forgotten mapping fails the build, not the deploy.
   */
  readonly readsVariables?: readonly string[];
  /**
   * IAM actions that programs other than the AWS CLI call with the job's role, which the build
   * cannot read from the scripts (OpenTofu's S3 state backend), keyed by what calls them. policy.json
   * must grant exactly these plus the scripts' own.
   */
  readonly toolActions?: Readonly<Record<string, readonly string[]>>;
  /** Marks the whole component deprecated, with its replacement component. */
  readonly deprecated?: Deprecation;
}

/** What a definition says, every optional list present; `readme`, `policy` and `examples` read from their files. */
export interface Component<I extends InputDefs = InputDefs>
  extends Pick<ComponentOptions<I>, 'name' | 'description' | 'inputs' | 'deprecated'>,
    Required<Pick<ComponentOptions<I>, 'componentFields' | 'readsVariables' | 'toolActions'>> {
  readonly jobs: Jobs;
  /** Absolute folder of the definition. */
  readonly dir: string;
  /** The definition file, relative to the project root (for headers and messages). */
  readonly file: string;
  /** Names of the script files the jobs embed, for shellcheck. */
  readonly scripts: readonly string[];
  readonly readme?: string;
  readonly policy?: unknown;
  readonly examples: readonly Example[];
}

const projectRoot = REPO_ROOT;

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Reads a job script for embedding into a template. `from` is a folder or an `import.meta.url`,
 * so shared auth code can embed its own script into other components' jobs.
 */
export function readScript(from: string, name: string): string {
  const dir = sourcePath(from.startsWith('file:') ? dirname(fileURLToPath(from)) : from);
  const text = readOptional(join(dir, name));
  if (text === undefined) throw new Error(`script ${relative(projectRoot, join(dir, name))} does not exist`);
  // The shebang and the shellcheck directive are for running and linting the file alone;
  // GitLab runs the text inside its own shell, with the shared library in place of its `source`.
  const body = `${text
    .replace(/^#!.*\n/, '')
    .replace(/^# shellcheck shell=.*\n/m, '')
    .trimEnd()}\n`;
  return embedLibrary(body, relative(projectRoot, join(dir, name)));
}

/**
 * The examples file: consumer pipelines are YAML, so they are written as YAML (no escaping of `${...}`
 * or backquotes), beside the definition like readme.md and policy.json. A missing file means none.
 */
function readExamples(path: string, component: string): Example[] {
  const text = readOptional(path);
  if (text === undefined) return [];
  const file = relative(projectRoot, path);
  const list = loadYaml(file, text);
  const valid = (e: unknown): e is Example =>
    typeof e === 'object' &&
    e !== null &&
    typeof (e as Example).title === 'string' &&
    typeof (e as Example).yaml === 'string';
  if (!Array.isArray(list) || !list.every(valid)) {
    throw new Error(
      `${file}: component "${component}": the examples must be a list of entries with a \`title\` and a \`yaml\` ` +
        '(a consumer .gitlab-ci.yml fragment, as a `|-` block); fix the file',
    );
  }
  return list.map((e) => ({ title: e.title, yaml: e.yaml }));
}

export function defineComponent<const I extends InputDefs>(o: ComponentOptions<I>): Component<I> {
  const dir = sourcePath(o.source.startsWith('file:') ? dirname(fileURLToPath(o.source)) : o.source);
  const file = relative(projectRoot, join(dir, 'component.ts'));
  const scripts: string[] = [];
  const script = (name: string): string => {
    if (!scripts.includes(name)) scripts.push(name);
    return readScript(dir, name);
  };
  const jobs = o.jobs({ inputs: inputRefs(o.inputs), script });
  const policyText = readOptional(join(dir, o.policy ?? 'policy.json'));
  let policy: unknown;
  if (policyText !== undefined) {
    try {
      policy = JSON.parse(policyText);
    } catch (e) {
      throw new Error(
        `${relative(projectRoot, dir)}/${o.policy ?? 'policy.json'}: component "${o.name}": the IAM policy is ` +
          `not valid JSON (${(e as Error).message})`,
      );
    }
  }
  const examplesFile = o.examples ?? 'examples.yml';
  return {
    name: o.name,
    description: o.description,
    inputs: o.inputs,
    jobs,
    componentFields: o.componentFields ?? [],
    dir,
    file,
    readme: readOptional(join(dir, o.readme ?? 'readme.md')),
    policy,
    examples: readExamples(join(dir, examplesFile), o.name),
    scripts,
    readsVariables: o.readsVariables ?? [],
    toolActions: o.toolActions ?? {},
    ...(o.deprecated ? { deprecated: o.deprecated } : {}),
  };
}
