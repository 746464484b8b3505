// GitLab's entry validation (Gitlab::Ci::Config::Entry::Root and below) over a merged
// configuration: the keyword checks GitLab makes before it looks across jobs, with its texts
// and locations, every error it would list. Keys GitLab checks no more strictly than the CI
// schema are left to the schema (src/gitlab/ci-schema.ts).
import { isGlobalKeyword } from '../jobs.js';
import { isDuration, isWithinLimit, START_IN_LIMIT } from './duration.js';
import {
  checkAllowFailure,
  checkArtifacts,
  checkCaches,
  checkCommands,
  checkImage,
  checkParallel,
  checkPolicy,
  checkServices,
  checkStage,
  checkStages,
  checkTags,
  checkEnvironment,
  checkNeeds,
  checkRetry,
  checkRules,
  checkTimeout,
  checkTrigger,
  checkVariables,
  JOB_RULES,
  samePipelineNeedNames,
  WORKFLOW_RULES,
} from './keywords.js';
import { Entry, type EntryError, type Hash, isBlank, isHash, isString, isStrings } from './node.js';

export type { EntryCode, EntryError } from './node.js';
export { ENVIRONMENT_NAME, ENVIRONMENT_NAME_MESSAGE } from './keywords.js';

const PROCESSABLE_KEYS = [
  'extends',
  'stage',
  'only',
  'except',
  'rules',
  'variables',
  'inherit',
  'allow_failure',
  'when',
  'needs',
  'resource_group',
  'environment',
  'interruptible',
];
const JOB_KEYS = [
  'tags',
  'script',
  'image',
  'services',
  'start_in',
  'artifacts',
  'cache',
  'dependencies',
  'before_script',
  'after_script',
  'hooks',
  'coverage',
  'retry',
  'parallel',
  'timeout',
  'inputs',
  'release',
  'id_tokens',
  'publish',
  'pages',
  'manual_confirmation',
  'run',
  // Premium keywords GitLab.com accepts (EE's Job#allowed_keys).
  'secrets',
  'dast_configuration',
  'identity',
  'step',
];
const BRIDGE_KEYS = ['trigger', 'parallel'];
const JOB_WHEN = ['on_success', 'on_failure', 'always', 'manual', 'delayed'];
const BRIDGE_WHEN = ['on_success', 'on_failure', 'always', 'manual'];
const DEFAULT_KEYS = [
  'before_script',
  'after_script',
  'hooks',
  'cache',
  'image',
  'services',
  'interruptible',
  'timeout',
  'retry',
  'tags',
  'artifacts',
  'id_tokens',
];
const WORKFLOW_KEYS = ['rules', 'name', 'auto_cancel'];

/**
 * Keys whose every check GitLab makes is made here: the CI schema's opinion of them is not
 * GitLab's (the vendored ci.json lags GitLab: `artifacts:public`, nested script arrays,
 * `variables: null`), so the linter drops schema errors under them.
 */
export const CHECKED_JOB_KEYS: readonly string[] = [
  'artifacts',
  'cache',
  'environment',
  'needs',
  'rules',
  'variables',
  'timeout',
  'script',
  'before_script',
  'after_script',
  'tags',
  'stage',
  'only',
  'except',
  'allow_failure',
  'dependencies',
  'when',
  'start_in',
  'retry',
  'publish',
];
export const CHECKED_ROOT_KEYS: readonly string[] = [
  'variables',
  'stages',
  'cache',
  'before_script',
  'after_script',
  'workflow',
];
/** Keys GitLab accepts in a job (Job::ALLOWED_KEYS + Processable, and EE's), or in a trigger job. */
export const ALLOWED_JOB_KEYS: readonly string[] = [...JOB_KEYS, ...PROCESSABLE_KEYS];
export const ALLOWED_BRIDGE_KEYS: readonly string[] = [...BRIDGE_KEYS, ...PROCESSABLE_KEYS];

/** Jobs::find_type: hidden (leading dot), a job (script or run), a bridge (trigger or needs), or unknown. */
export function jobType(name: string, config: unknown): 'hidden' | 'job' | 'bridge' | undefined {
  if (name.startsWith('.')) return 'hidden';
  if (!isHash(config)) return undefined;
  if ('script' in config || 'run' in config) return 'job';
  if ('trigger' in config || 'needs' in config) return 'bridge';
  return undefined;
}

/** NestedArrayOfHashesOrArraysValidator with max_level 10 (`!reference` can nest rules). */
function nestedHashes(value: unknown, level = 10): boolean {
  return Array.isArray(value) && value.every((v) => isHash(v) || (level > 1 && nestedHashes(v, level - 1)));
}

function checkProcessable(job: Entry, name: string, c: Hash, type: 'job' | 'bridge'): void {
  if (name === '') job.add('name', "can't be blank");
  if (name.length > 255) job.add('name', 'is too long (maximum is 255 characters)');
  job.mutuallyExclusive(c, ['script', 'trigger']);
  job.mutuallyExclusive(c, ['run', 'trigger']);
  if (c.rules != null) {
    const disallowed = Object.keys(c).filter((k) => ['only', 'except', 'start_in'].includes(k) && c[k] != null);
    if (disallowed.length)
      job.add('config', `key may not be used with \`rules\`: ${disallowed.join(', ')}`, 'rules-with-only');
  }
  if (c.extends != null && !isString(c.extends) && !isStrings(c.extends))
    job.add('extends', 'should be an array of strings or a string');
  if (c.rules != null && !nestedHashes(c.rules))
    job.add('rules', 'should be an array containing hashes and arrays of hashes');
  if (c.resource_group != null) job.type('resource_group', c.resource_group, 'string');
  if (type === 'job') checkJobKeys(job, c);
  else checkBridgeKeys(job, c);
}

function isPagesJob(name: string, c: Hash): boolean {
  if (!isBlank(c.pages)) return true;
  return name === 'pages' && c.pages !== false;
}

function checkJobKeys(job: Entry, c: Hash): void {
  job.allowedKeys(c, [...JOB_KEYS, ...PROCESSABLE_KEYS]);
  job.mutuallyExclusive(c, ['script', 'run']);
  job.mutuallyExclusive(c, ['before_script', 'run']);
  job.mutuallyExclusive(c, ['after_script', 'run']);
  if (!('run' in c) && isBlank(c.script)) job.add('script', "can't be blank");
  if (c.when != null) {
    job.type('when', c.when, 'string');
    job.inclusion('when', c.when, JOB_WHEN);
  }
  if (c.dependencies != null) job.arrayOfStrings('dependencies', c.dependencies);
  if (c.allow_failure != null && !isHash(c.allow_failure) && typeof c.allow_failure !== 'boolean')
    job.add('allow_failure', 'should be a hash or a boolean value');
  if (c.manual_confirmation != null) job.type('manual_confirmation', c.manual_confirmation, 'string');
  const delayed = c.when === 'delayed';
  if (delayed) {
    if (!isDuration(c.start_in)) job.add('start_in', 'should be a duration', 'start-in');
    if (!isWithinLimit(c.start_in, START_IN_LIMIT)) job.add('start_in', 'should not exceed the limit', 'start-in');
  }
  if ((c.rules != null || !delayed) && !isBlank(c.start_in)) job.add('start_in', 'must be blank', 'start-in');
  if (c.publish != null && !isPagesJob(job.path[0]!, c)) job.add('publish', 'can only be used within a `pages` job');
}

function checkBridgeKeys(job: Entry, c: Hash): void {
  job.allowedKeys(c, [...BRIDGE_KEYS, ...PROCESSABLE_KEYS]);
  if (c.when != null) {
    job.type('when', c.when, 'string');
    job.inclusion('when', c.when, BRIDGE_WHEN);
  }
  if (c.allow_failure != null) job.boolean('allow_failure', c.allow_failure);
}

/**
 * Remembers which values a check found clean. Jobs share values through YAML aliases (one
 * `rules:` or `variables:` block for every job); a check depends only on the value, so a shared
 * value is checked once and the work follows the size of the file, not of its expanded aliases.
 * A value with errors is checked again at each place, so every location is reported.
 */
class Checked {
  private readonly clean = new WeakMap<object, Set<string>>();
  constructor(private readonly sink: readonly EntryError[]) {}

  once(check: string, value: unknown, run: () => void): void {
    if (value === null || typeof value !== 'object') {
      run();
      return;
    }
    const known = this.clean.get(value);
    if (known?.has(check)) return;
    const before = this.sink.length;
    run();
    if (this.sink.length !== before) return;
    if (known) known.add(check);
    else this.clean.set(value, new Set([check]));
  }
}

/** Children of a job, then the checks GitLab makes once they are composed. */
function checkJobChildren(job: Entry, c: Hash, type: 'job' | 'bridge', checked: Checked): void {
  const once = (key: string, run: (value: unknown) => void) => checked.once(key, c[key], () => run(c[key]));
  if (c.stage != null) checkStage(job.child('stage', 'stage'), c.stage);
  for (const k of ['only', 'except'] as const)
    if (c[k] != null && c.rules == null) once(k, (v) => checkPolicy(job.child(k, k), v));
  if (c.environment != null) once('environment', (v) => checkEnvironment(job.child('environment', 'environment'), v));
  if (c.rules != null) once('rules', (v) => checkRules(job.child('rules', 'rules'), v, JOB_RULES));
  if (c.variables != null)
    once('variables', (v) => checkVariables(job.child('variables', 'variables'), v, ['value', 'expand']));
  const needs = job.child('needs', 'needs');
  if (c.needs != null) once('needs', (v) => checkNeeds(needs, v));
  if (type === 'bridge') {
    if (c.trigger != null) checkTrigger(job.child('trigger', 'trigger'), c.trigger);
    if (c.parallel != null) checkParallel(job.child('parallel', 'parallel'), c.parallel, { matrixOnly: true });
    const bridgeNeeds = (Array.isArray(c.needs) ? c.needs : [c.needs]).filter(
      (n) => isHash(n) && 'pipeline' in n && !('job' in n),
    );
    if (c.trigger == null && !bridgeNeeds.length)
      job.add('config', 'should contain either a trigger or a needs:pipeline');
    if (bridgeNeeds.length > 1) job.add('config', 'should contain at most one bridge need');
    return;
  }
  for (const k of ['before_script', 'script', 'after_script'] as const)
    if (c[k] != null) once(k, (v) => checkCommands(job.child(k, k), v));
  if (c.tags != null) once('tags', (v) => checkTags(job.child('tags', 'tags'), v));
  if (c.image != null) once('image', (v) => checkImage(job.child('image', 'image'), v));
  if (c.services != null) once('services', (v) => checkServices(job.child('services', 'services'), v));
  if (c.allow_failure != null)
    once('allow_failure', (v) => checkAllowFailure(job.child('allow_failure', 'allow_failure'), v));
  if (c.parallel != null) once('parallel', (v) => checkParallel(job.child('parallel', 'parallel'), v));
  if (c.cache != null) once('cache', (v) => checkCaches(job, v));
  if (c.artifacts != null) once('artifacts', (v) => checkArtifacts(job.child('artifacts', 'artifacts'), v));
  if (c.timeout != null) checkTimeout(job.child('timeout', 'timeout'), c.timeout);
  if (c.retry != null) once('retry', (v) => checkRetry(job.child(undefined, 'retry'), v));
  // `dependencies` must be a subset of the same-pipeline `needs` when both are given (on: :composed).
  if (Array.isArray(c.dependencies) && c.dependencies.length && c.needs != null && !needs.treeErrors.length) {
    const names = samePipelineNeedNames(c.needs);
    if (names === undefined) {
      if (!isBlank(c.needs))
        job.add('needs', 'corresponding to dependencies must be from the same pipeline', 'dependency-not-needed');
    } else {
      const missing = c.dependencies.map(String).filter((d) => !names.includes(d));
      if (missing.length)
        job.add('dependencies', `the ${missing.join(', ')} should be part of needs`, 'dependency-not-needed');
    }
  }
}

/** A top-level keyword that must be a hash of known keys; its entry and value when it is, for its children. */
function keywordHash(root: Entry, key: string, value: unknown, allowed: readonly string[]): [Entry, Hash] | undefined {
  const entry = root.child(key, key);
  if (!entry.type('config', value, 'hash')) return undefined;
  entry.allowedKeys(value as Hash, allowed);
  return entry.valid ? [entry, value as Hash] : undefined;
}

function checkDefault(root: Entry, value: unknown): void {
  const checked = keywordHash(root, 'default', value, DEFAULT_KEYS);
  if (!checked) return;
  const [def, d] = checked;
  for (const k of ['before_script', 'after_script'] as const) if (d[k] != null) checkCommands(def.child(k, k), d[k]);
  if (d.image != null) checkImage(def.child('image', 'image'), d.image);
  if (d.services != null) checkServices(def.child('services', 'services'), d.services);
  if (d.tags != null) checkTags(def.child('tags', 'tags'), d.tags);
  if (d.cache != null) checkCaches(def, d.cache);
  if (d.timeout != null) checkTimeout(def.child('timeout', 'timeout'), d.timeout);
  if (d.retry != null) checkRetry(def.child(undefined, 'retry'), d.retry);
  if (d.artifacts != null) checkArtifacts(def.child('artifacts', 'artifacts'), d.artifacts);
}

function checkWorkflow(root: Entry, value: unknown): void {
  const checked = keywordHash(root, 'workflow', value, WORKFLOW_KEYS);
  if (!checked) return;
  const [wf, w] = checked;
  if (w.rules != null) checkRules(wf.child('rules', 'rules'), w.rules, WORKFLOW_RULES);
}

/** GitLab's entry errors for a merged configuration (after includes, `extends` and `!reference`). */
export function validateEntries(config: Hash): EntryError[] {
  const errors: EntryError[] = [];
  const root = new Entry('', [], errors);
  if (config.default != null) checkDefault(root, config.default);
  for (const k of ['before_script', 'after_script'] as const)
    if (config[k] != null) checkCommands(root.child(k, k), config[k]);
  if (config.image != null) checkImage(root.child('image', 'image'), config.image);
  if (config.services != null) checkServices(root.child('services', 'services'), config.services);
  if (config.variables != null)
    checkVariables(root.child('variables', 'variables'), config.variables, [
      'value',
      'description',
      'expand',
      'options',
    ]);
  // The top-level `cache` is an Entry::Caches without a key: its items are located as `cache`.
  if (config.stages != null) checkStages(root.child('stages', 'stages'), config.stages);
  if (config.cache != null) checkCaches(new Entry('', ['cache'], errors), config.cache);
  if (config.workflow != null) checkWorkflow(root, config.workflow);
  const jobs = root.child('jobs');
  const checked = new Checked(errors);
  for (const [name, value] of Object.entries(config)) {
    if (isGlobalKeyword(name)) continue;
    const type = jobType(name, value);
    // An empty key is located by its class name, as GitLab's Node#location does.
    const job = jobs.child(name === '' ? 'job' : name, name);
    if (type === 'hidden') {
      if (isBlank(value)) job.add('config', "can't be blank");
      continue;
    }
    if (!type) continue;
    const c = value as Hash;
    checkProcessable(job, name, c, type);
    if (job.valid) checkJobChildren(job, c, type, checked);
  }
  return errors;
}

/**
 * Whether GitLab's entry checks here already decide the key at `path` (keys from the top of the
 * configuration), so a CI schema error there is not GitLab's: a job's or `default:`'s checked keys,
 * the checked top-level keys, hidden jobs (GitLab only requires them to be non-empty), and an
 * unknown-key error for a key GitLab allows in that job.
 */
export function decidedByEntries(config: Hash, path: readonly string[], unknownKey?: string): boolean {
  const [first, second] = path;
  if (first === undefined) return false;
  if (first === 'default') return second !== undefined && CHECKED_JOB_KEYS.includes(second);
  if (isGlobalKeyword(first)) return CHECKED_ROOT_KEYS.includes(first);
  const type = jobType(first, config[first]);
  if (type === 'hidden') return true;
  if (!type) return false;
  if (second === undefined)
    return unknownKey !== undefined && (type === 'job' ? ALLOWED_JOB_KEYS : ALLOWED_BRIDGE_KEYS).includes(unknownKey);
  return CHECKED_JOB_KEYS.includes(second);
}
