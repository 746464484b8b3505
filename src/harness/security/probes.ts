// The security property, as scenarios: for every string input of a component, one job run per
// hostile value (hostile.ts) through a real `include: component:` under gitlab-ci-local, on the
// AWS state of the component's first succeeding scenario. The outcome of the job does not
// matter; what happened does (detect.ts). The harness's own checks apply as to any scenario:
// IAM enforced, and no credential printed or left behind.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { validateInputs } from '../../gitlab/inputs.js';
import { loadCi, loadYaml } from '../../gitlab/yaml.js';
import type { SpecInput } from '../../model/spec.js';
import { jobsOf } from '../../gitlab/jobs.js';
import { jobEnvironment, type ListedJob, parseJobListing, runGcl } from '../executors/gitlab-ci-local.js';
import { createProject } from '../project.js';
import type { Scenario, ScenarioResult } from '../scenario.js';
import {
  differences,
  dotenvInjection,
  dotenvReports,
  executedCanaries,
  fileRead,
  optionInjected,
  replaceDeep,
} from './detect.js';
import { arithmeticValue, hostileValues, newCanaryContent, type Canary, type HostileValue } from './hostile.js';

/** The pipeline gitlab-ci-local writes once it has expanded includes and inputs (project-relative). */
const expandedPipeline = join('.gitlab-ci-local', 'expanded-gitlab-ci.yml');

/** The CI/CD variable that carries a hostile value into an input whose regex only admits `$VARIABLE`. */
export const CARRIER = 'FUZZ_HOSTILE_VALUE';

export interface ProbeOptions {
  readonly templatesDir: string;
}

interface Specs {
  readonly file: string;
  readonly inputs: Record<string, SpecInput>;
}

function readSpecs(templatesDir: string, component: string): Specs {
  const file = join(templatesDir, component, 'template.yml');
  const header = loadCi(file, readFileSync(file, 'utf8')).header as
    | { spec?: { inputs?: Record<string, SpecInput> } }
    | undefined;
  return { file, inputs: header?.spec?.inputs ?? {} };
}

/** Whether GitLab accepts `value` for `input` (its type, options and regex). */
function accepted(specs: Specs, input: string, value: unknown): boolean {
  const { errors } = validateInputs(specs.inputs, { [input]: value });
  return !errors.some((e) => e.startsWith(`\`${input}\` input:`));
}

/** String inputs a consumer can give text to: type string (the default) without `options`. */
export function fuzzableInputs(specs: Record<string, SpecInput>): string[] {
  return Object.entries(specs)
    .filter(([, s]) => (s?.type ?? 'string') === 'string' && !s?.options && !s?.rules)
    .map(([name]) => name);
}

let shared: { dir: string; canary: Canary } | undefined;

/** One canary file per process, in a folder no job is given. */
function canary(): Canary {
  if (!shared) {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-fuzz-'));
    const content = newCanaryContent();
    writeFileSync(join(dir, 'canary.txt'), `${content}\n`, { mode: 0o644 });
    shared = { dir, canary: { file: join(dir, 'canary.txt'), content } };
  }
  return shared.canary;
}

export interface Probe {
  readonly input: string;
  readonly hostile: HostileValue;
  /**
   * `literal`; `variable` through a CI/CD variable when the input's regex only admits `$VARIABLE`;
   * `override` for a number input: a CI/CD variable of the same name as the job variable carrying it.
   */
  readonly carrier: 'literal' | 'variable' | 'override';
  /** For `override`: the job variable set to the input (`SITE_WAIT_TIMEOUT: $[[ inputs.wait-timeout ]]`). */
  readonly variable?: string;
}

/** Job variables whose value is exactly one input: `{ 'wait-timeout': ['SITE_WAIT_TIMEOUT'] }`. */
function variablesOfInputs(file: string): Map<string, string[]> {
  const content = loadCi(file, readFileSync(file, 'utf8')).content as Record<
    string,
    { variables?: Record<string, unknown> }
  > | null;
  const out = new Map<string, string[]>();
  for (const job of Object.values(content ?? {})) {
    for (const [name, value] of Object.entries(job?.variables ?? {})) {
      const input =
        typeof value === 'string' ? /^\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]$/.exec(value)?.[1] : undefined;
      if (input) out.set(input, [...new Set([...(out.get(input) ?? []), name])]);
    }
  }
  return out;
}

/** The probes of a component: each string input with each hostile value GitLab lets through. */
export function probesFor(templatesDir: string, component: string): { probes: Probe[]; refused: string[] } {
  const specs = readSpecs(templatesDir, component);
  const probes: Probe[] = [];
  const refused: string[] = [];
  for (const input of fuzzableInputs(specs.inputs)) {
    for (const hostile of hostileValues(canary())) {
      if (accepted(specs, input, hostile.value)) probes.push({ input, hostile, carrier: 'literal' });
      else if (accepted(specs, input, `$${CARRIER}`)) probes.push({ input, hostile, carrier: 'variable' });
      else refused.push(`${input} (${hostile.label}): refused by the input's regex`);
    }
  }
  const carriers = variablesOfInputs(specs.file);
  for (const [input, spec] of Object.entries(specs.inputs)) {
    if (spec?.type !== 'number') continue;
    for (const variable of carriers.get(input) ?? [])
      probes.push({ input, hostile: arithmeticValue(), carrier: 'override', variable });
  }
  return { probes, refused };
}

/** The baseline's own inputs per component: the reference is rendered with them besides the markers. */
const fixedInputs = new Map<string, Readonly<Record<string, unknown>>>();
/**
 * The baseline's own part of the consumer pipeline (`ci`: stages, jobs of its own), in the reference and in every
 * probe.
 */
const fixedCi = new Map<string, string | undefined>();

export interface Reference {
  readonly doc: unknown;
  readonly markers: ReadonlyMap<string, string>;
  /** The jobs a run of the baseline runs: gitlab-ci-local's listing without `when: never` and `manual`. */
  readonly running: ReadonlySet<string>;
}

/** gitlab-ci-local's expanded pipeline for the component with every string input set to a marker. */
const references = new Map<string, Promise<Reference>>();

function reference(templatesDir: string, component: string): Promise<Reference> {
  const key = `${templatesDir}\0${component}`;
  if (!references.has(key)) references.set(key, renderReference(templatesDir, component));
  return references.get(key)!;
}

async function renderReference(templatesDir: string, component: string): Promise<Reference> {
  const specs = readSpecs(templatesDir, component);
  const markers = new Map<string, string>();
  let n = 0;
  for (const input of fuzzableInputs(specs.inputs)) {
    n++;
    const plain = `fzmarker${n}x`;
    const viaVariable = `$FZMARKER${n}X`;
    if (accepted(specs, input, plain)) markers.set(input, plain);
    else if (accepted(specs, input, viaVariable)) markers.set(input, viaVariable);
  }
  const fixed = Object.fromEntries(
    Object.entries(fixedInputs.get(`${templatesDir}\0${component}`) ?? {}).filter(([k]) => !markers.has(k)),
  );
  // A marker can break the pipeline (a stage must be one of `stages`): such inputs keep their default.
  const ci = fixedCi.get(`${templatesDir}\0${component}`);
  let doc = await expand(templatesDir, component, { ...fixed, ...Object.fromEntries(markers) }, ci);
  // A component with a stage input per part (a whole pipeline) has several: try without all of them first.
  const stageInputs = [...markers.keys()].filter((i) => i === 'stage' || i.endsWith('-stage'));
  if (doc === undefined && stageInputs.length > 1) {
    const without = new Map([...markers].filter(([i]) => !stageInputs.includes(i)));
    doc = await expand(templatesDir, component, { ...fixed, ...Object.fromEntries(without) }, ci);
    if (doc !== undefined) for (const i of stageInputs) markers.delete(i);
  }
  for (const input of [...markers.keys()]) {
    if (doc !== undefined) break;
    const without = new Map(markers);
    without.delete(input);
    doc = await expand(templatesDir, component, { ...fixed, ...Object.fromEntries(without) }, ci);
    if (doc !== undefined) markers.delete(input);
  }
  if (doc === undefined)
    throw new Error(`gitlab-ci-local cannot expand component "${component}" with marker values in its string inputs`);
  const running = new Set(doc.listing.filter((j) => j.when !== 'never' && j.when !== 'manual').map((j) => j.name));
  return { doc: doc.doc, markers, running };
}

async function expand(
  templatesDir: string,
  component: string,
  inputs: Record<string, unknown>,
  ci: string | undefined,
): Promise<{ doc: unknown; listing: ListedJob[] } | undefined> {
  const project = createProject({ templatesDir, component, inputs, ...(ci ? { ci } : {}) });
  try {
    const r = await runGcl(project.dir, ['--list-json'], jobEnvironment({}));
    if (r.code !== 0) return undefined;
    const doc = withoutCommit(
      withoutInclude(loadYaml(expandedPipeline, readFileSync(join(project.dir, expandedPipeline), 'utf8'))),
      project.sha,
    );
    return { doc, listing: parseJobListing(r.stdout) };
  } finally {
    project.remove();
  }
}

/** Keys that decide whether a job is in a pipeline: a marker there may change which jobs run. */
const SELECTION = ['rules', 'when', 'only', 'except'];

/**
 * Whether an input's value reaches anything a run of the baseline executes: a job the run runs (its
 * name or anything in it) or a key outside jobs (`variables`, `default`, `workflow`...). A job the
 * run leaves out (manual, excluded) counts too when a marker is in its `rules` or `when`: which jobs
 * run may then depend on the values. An input without a marker is taken to reach everything. Hidden
 * jobs (`.name`) count through the jobs that extend them, which hold their keys once expanded.
 */
export function reachesRun(ref: Reference, input: string): boolean {
  const marker = ref.markers.get(input);
  if (marker === undefined) return true;
  const markers = [...ref.markers.values()];
  const has = (value: unknown, m: string) => (JSON.stringify(value) ?? '').includes(m);
  const doc = (ref.doc ?? {}) as Record<string, unknown>;
  const jobs = new Map(jobsOf(doc, true));
  return Object.entries(doc).some(([key, value]) => {
    const job = jobs.get(key);
    if (!job) return key.includes(marker) || has(value, marker);
    if (key.startsWith('.')) return false;
    const runs = ref.running.has(key) || SELECTION.some((k) => markers.some((m) => has(job[k], m)));
    return runs && (key.includes(marker) || has(job, marker));
  });
}

/** The pipeline without the consumer's own `include:` entry (its commit and inputs differ by design). */
function withoutInclude(doc: unknown): unknown {
  if (!doc || typeof doc !== 'object') return doc;
  const { include: _include, ...rest } = doc as Record<string, unknown>;
  return rest;
}

/** `$[[ component.sha ]]` is each project's own commit, different in every run by design. */
function withoutCommit(doc: unknown, sha: string): unknown {
  return sha ? replaceDeep(doc, sha, '<component-sha>') : doc;
}

/** What a probe's run did that it must not have: one line per finding. */
async function inspect(
  templatesDir: string,
  component: string,
  probe: Probe,
  given: Readonly<Record<string, unknown>>,
  r: ScenarioResult,
): Promise<string[]> {
  const found: string[] = [];
  const c = canary();
  // Injected commands `cd` to the job's HOME, which the harness keeps inside the project.
  const ran = executedCanaries([r.projectDir, dirname(c.file)]);
  if (ran.length) found.push(`the value ran as a command (canary files ${ran.join(', ')})`);
  const debug = optionInjected(r.trace);
  if (debug) found.push(`the value became an AWS CLI option: --debug output in the trace ("${debug}")`);
  const reports = dotenvReports(r.projectDir);
  const read = fileRead(c.content, {
    'the job trace': r.trace,
    'an AWS request': r.requests.join('\n'),
    'a dotenv report': reports.map((d) => d.text).join('\n'),
  });
  if (read.length) found.push(`the contents of a local file (${c.file}) showed up in ${read.join(', ')}`);
  found.push(...dotenvInjection(reports).map((d) => `dotenv injection: ${d}`));
  // The job YAML must be the one any value gives: only the value itself may differ. The reference
  // has markers in the string inputs; put this run's values in for every input but the probed one,
  // and the probed one's reference value (marker or default) in place of the hostile value.
  const ref = await reference(templatesDir, component);
  const specs = readSpecs(templatesDir, component);
  const valueFor = (input: string) => {
    const v = input in given ? given[input] : specs.inputs[input]?.default;
    return typeof v === 'string' ? v : String(v ?? '');
  };
  let expected = ref.doc;
  for (const [input, marker] of ref.markers)
    if (input !== probe.input) expected = replaceDeep(expected, marker, valueFor(input));
  const own = ref.markers.get(probe.input) ?? String(specs.inputs[probe.input]?.default ?? '');
  const expandedFile = join(r.projectDir, expandedPipeline);
  // No expanded pipeline: gitlab-ci-local refused the configuration, so no job ran with it.
  if (existsSync(expandedFile) && !r.jobs.some((j) => j.name === '(pipeline)')) {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: r.projectDir, encoding: 'utf8' }).trim();
    const parsed = withoutCommit(withoutInclude(loadYaml(expandedPipeline, readFileSync(expandedFile, 'utf8'))), sha);
    const value = valueFor(probe.input);
    // gitlab-ci-local writes a variable with `expand: false` with every `$` doubled.
    let actual =
      probe.carrier === 'override' || value === ''
        ? parsed
        : replaceDeep(replaceDeep(parsed, value.replaceAll('$', '$$$$'), own), value, own);
    // The other inputs' values too, where one with a `$` reaches a variable with `expand: false`.
    for (const [input] of ref.markers) {
      const other = valueFor(input);
      if (input !== probe.input && other.includes('$'))
        actual = replaceDeep(actual, other.replaceAll('$', '$$$$'), other);
    }
    const diff = differences(expected, actual);
    if (diff.length) found.push(`the job's YAML changed beyond the value: ${diff.join('; ')}`);
  }
  const how =
    probe.carrier === 'variable'
      ? ' (through a CI/CD variable)'
      : probe.carrier === 'override'
        ? ` (CI/CD variable ${probe.variable} over the job's)`
        : '';
  return found.map((f) => `input "${probe.input}" = ${probe.hostile.label}${how}: ${f}`);
}

/**
 * Scenarios that run the property for a component, built on `baseline` (its first scenario that
 * succeeds in one run): same files, AWS state and role, one input replaced.
 */
export function securityScenarios(templatesDir: string, component: string, baseline: Scenario): Scenario[] {
  fixedInputs.set(`${templatesDir}\0${component}`, baseline.inputs ?? {});
  fixedCi.set(`${templatesDir}\0${component}`, baseline.ci);
  const { probes: all } = probesFor(templatesDir, component);
  // Probed on its YAML only (no job runs), a whole-pipeline component needs only the value that
  // can change YAML; `--debug`, `file://` and arithmetic show only when a script runs.
  const probes = baseline.pipeline ? all.filter((p) => p.hostile.kind === 'shell') : all;
  return probes.map((probe): Scenario => {
    // An override leaves the input as the baseline has it and sets the job variable instead.
    const replaced =
      probe.carrier === 'override'
        ? {}
        : { [probe.input]: probe.carrier === 'literal' ? probe.hostile.value : `$${CARRIER}` };
    const ciVariable =
      probe.carrier === 'variable'
        ? { [`GCL_VARIABLE_${CARRIER}`]: probe.hostile.value }
        : probe.carrier === 'override'
          ? { [`GCL_VARIABLE_${probe.variable}`]: probe.hostile.value }
          : {};
    let given: Record<string, unknown> = {};
    // A value that reaches no job the baseline runs (only a manual job's YAML) is checked on the
    // YAML alone, as a whole pipeline's is: running the other jobs would show nothing of it.
    let yamlOnly = !!baseline.pipeline;
    const carrier =
      probe.carrier === 'override' ? `variable ${probe.variable} (input ${probe.input})` : `input ${probe.input}`;
    return {
      name: `security: ${carrier} = ${probe.hostile.label}`,
      ...(baseline.files ? { files: baseline.files } : {}),
      ...(baseline.ci ? { ci: baseline.ci } : {}),
      ...(baseline.faults ? { faults: baseline.faults } : {}),
      // A whole-pipeline component (one that assembles others) is probed on its YAML only: its jobs
      // run the other components' scripts, which their own properties run with every hostile value.
      // Read when the run starts, after `setup` decided.
      get jobs() {
        return yamlOnly ? [] : undefined;
      },
      inputs: { ...baseline.inputs, ...replaced },
      variables: { ...baseline.variables, ...ciVariable },
      setup: async (ctx) => {
        if (!baseline.pipeline && probe.carrier !== 'override')
          yamlOnly = !reachesRun(await reference(templatesDir, component), probe.input);
        const seeded = { ...((await baseline.setup?.(ctx)) ?? {}) };
        given = { ...baseline.inputs, ...seeded, ...replaced };
        return { ...seeded, ...replaced };
      },
      expect: { status: 'any' },
      inspect: (_ctx, r) => inspect(templatesDir, component, probe, given, r),
    };
  });
}

/** The scenario the property builds on: the first that succeeds in a single run. */
export function baselineOf(scenarios: readonly Scenario[]): Scenario | undefined {
  return scenarios.find((s) => s.expect.status === 'success' && (s.runs ?? 1) === 1 && !s.jobs && !s.token);
}
