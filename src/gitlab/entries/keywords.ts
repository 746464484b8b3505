// GitLab's checks of single keywords where its entry classes are stricter than, or word things
// differently from, the CI JSON schema (lib/gitlab/ci/config/entry/{cache,artifacts,reports,
// environment,need(s),retry,timeout,rules/rule,variable(s),trigger,include}.rb).
import { expressionProblem, isValidExpression, re2SyntaxError } from './expression.js';
import { isDuration, isWithinLimit, START_IN_LIMIT, TIMEOUT_LIMIT } from './duration.js';
import { type Entry, type Hash, isBlank, isBoolean, isHash, isString, isStrings } from './node.js';

// ── cache (Entry::Caches, Entry::Cache, Entry::Key) ──
const CACHE_KEYS = ['key', 'untracked', 'paths', 'when', 'policy', 'unprotect', 'fallback_keys'];
/** Cache::ALLOWED_POLICY, unanchored as GitLab applies it: any text containing pull, push or `$` passes. */
const CACHE_POLICY = /pull-push|push|pull|\$(?:\w{1,255})*/;
const CACHE_WHEN = ['on_success', 'on_failure', 'always'];
const MAX_CACHES = 4;

/**
 * `cache:` of a job, `default:` or the top level, given the entry that owns it. Entry::Caches
 * drops its own key, so its errors are located at `<owner>:caches` and its items at `<owner>:cache`.
 */
export function checkCaches(owner: Entry, value: unknown): void {
  const own = owner.child('caches', 'cache');
  if (!isHash(value) && !Array.isArray(value)) {
    own.add('config', 'can only be a Hash or an Array');
    return;
  }
  if (Array.isArray(value) && value.length > MAX_CACHES) {
    own.add('config', `no more than ${MAX_CACHES} caches can be created`);
    return;
  }
  for (const item of Array.isArray(value) ? value : [value]) checkCache(owner.child('cache', 'cache'), item);
}

function checkCache(cache: Entry, value: unknown): void {
  if (!cache.type('config', value, 'hash')) return;
  const c = value as Hash;
  cache.allowedKeys(c, CACHE_KEYS);
  if (!isBlank(c.policy)) {
    if (!isString(c.policy)) cache.add('policy', 'should be a string');
    else if (!CACHE_POLICY.test(c.policy)) cache.add('policy', 'should be a variable or one of: pull-push, push, pull');
  }
  if (c.when != null) {
    cache.type('when', c.when, 'string');
    cache.inclusion('when', c.when, CACHE_WHEN);
  }
  if (Array.isArray(c.fallback_keys) && c.fallback_keys.length > 5)
    cache.add('fallback_keys', 'has to many entries (maximum 5)');
  if (!cache.valid) return;
  if (c.key != null) checkCacheKey(cache.child('key'), c.key);
  if (c.untracked != null && !isBoolean(c.untracked))
    cache.child('untracked').add('config', 'should be a boolean value');
  if (c.unprotect != null && !isBoolean(c.unprotect))
    cache.child('unprotect').add('config', 'should be a boolean value');
  if (c.paths != null && !isStrings(c.paths)) cache.child('paths').add('config', 'should be an array of strings');
  if (c.fallback_keys != null && !isStrings(c.fallback_keys))
    cache.child('fallback_keys').add('config', 'should be an array of strings');
}

function checkCacheKey(key: Entry, value: unknown): void {
  if (isString(value)) {
    const path = decodeURIComponentSafe(value);
    if (path.includes('/')) key.add('config', 'cannot contain the "/" character');
    else if (path === '.' || path === '..') key.add('config', 'cannot be "." or ".."');
    return;
  }
  if (!isHash(value)) {
    key.raw(`${key.location} should be a hash, a string or a symbol`);
    return;
  }
  key.allowedKeys(value, ['files', 'files_commits', 'prefix']);
  const chosen = ['files', 'files_commits'].filter((k) => k in value);
  if (chosen.length !== 1) key.add('config', 'must use exactly one of these keys: files, files_commits');
  if (!key.valid) return;
  for (const k of chosen) {
    const files = key.child(k);
    if (!files.arrayOfStrings('config', value[k])) continue;
    const n = (value[k] as string[]).length;
    if (n < 1) files.add('config', 'requires at least 1 item');
    if (n > 2) files.add('config', 'has too many items (maximum is 2)');
  }
  if (value.prefix != null && !isString(value.prefix))
    key.child('prefix').add('config', 'should be a string or symbol');
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

// ── artifacts (Entry::Artifacts, Entry::Reports) ──
const ARTIFACT_KEYS = [
  'name',
  'untracked',
  'paths',
  'reports',
  'when',
  'expire_in',
  'expose_as',
  'exclude',
  'public',
  'access',
];
const ARTIFACT_WHEN = ['on_success', 'on_failure', 'always'];
const ARTIFACT_ACCESS = ['none', 'developer', 'maintainer', 'all'];
const EXPOSE_AS = /^\w[-\w ]*$/;
const MAX_EXPOSED_AS_LENGTH = 100;
const REPORT_KEYS = [
  'junit',
  'codequality',
  'sast',
  'secret_detection',
  'dependency_scanning',
  'container_scanning',
  'dast',
  'performance',
  'browser_performance',
  'load_performance',
  'license_scanning',
  'metrics',
  'lsif',
  'dotenv',
  'terraform',
  'accessibility',
  'coverage_fuzzing',
  'api_fuzzing',
  'cluster_image_scanning',
  'requirements',
  'requirements_v2',
  'coverage_report',
  'cyclonedx',
  'annotations',
  'repository_xray',
  'sarif',
];
/** Reports GitLab takes as a path or a list of paths (coverage_report is a hash of its own). */
const PATH_REPORTS = REPORT_KEYS.filter((k) => k !== 'coverage_report' && k !== 'codequality');

export function checkArtifacts(artifacts: Entry, value: unknown): void {
  if (!artifacts.type('config', value, 'hash')) return;
  const a = value as Hash;
  artifacts.allowedKeys(a, ARTIFACT_KEYS);
  const exposed = a.expose_as != null;
  if (exposed && isBlank(a.paths)) artifacts.add('paths', "can't be blank");
  artifacts.mutuallyExclusive(a, ['access', 'public']);
  if (a.name != null) artifacts.type('name', a.name, 'string');
  if (a.public != null) artifacts.boolean('public', a.public);
  if (a.untracked != null) artifacts.boolean('untracked', a.untracked);
  if (
    a.paths != null &&
    artifacts.arrayOfStrings('paths', a.paths) &&
    exposed &&
    !(a.paths as string[]).every((p) => !p.includes('*'))
  ) {
    artifacts.add('paths', "can't contain '*' when used with 'expose_as'");
  }
  if (exposed) {
    if (artifacts.type('expose_as', a.expose_as, 'string') && (a.expose_as as string).length > MAX_EXPOSED_AS_LENGTH) {
      artifacts.add('expose_as', `is too long (maximum is ${MAX_EXPOSED_AS_LENGTH} characters)`);
    }
    if (!EXPOSE_AS.test(String(a.expose_as)))
      artifacts.add('expose_as', "can contain only letters, digits, '-', '_' and spaces");
  }
  if (a.exclude != null) artifacts.arrayOfStrings('exclude', a.exclude);
  if (a.reports != null) artifacts.type('reports', a.reports, 'hash');
  if (a.when != null) {
    artifacts.type('when', a.when, 'string');
    artifacts.inclusion('when', a.when, ARTIFACT_WHEN);
  }
  if (a.expire_in != null && !isDuration(a.expire_in, { never: true }))
    artifacts.add('expire_in', 'should be a duration', 'invalid-duration');
  if (a.access != null) {
    artifacts.type('access', a.access, 'string');
    artifacts.inclusion('access', a.access, ARTIFACT_ACCESS);
  }
  if (!artifacts.valid || !isHash(a.reports)) return;
  const reports = artifacts.child('reports');
  reports.allowedKeys(a.reports, REPORT_KEYS);
  for (const k of PATH_REPORTS) if (a.reports[k] != null) reports.arrayOfStringsOrString(k, a.reports[k]);
}

// ── environment (Entry::Environment) ──
const ENVIRONMENT_KEYS = ['name', 'url', 'action', 'on_stop', 'auto_stop_in', 'kubernetes', 'deployment_tier'];
/** Gitlab::Regex.environment_name_regex: letters, digits, `_/${}. -`; no `/` first or last. */
export const ENVIRONMENT_NAME = /^[a-zA-Z0-9_${}. -]([a-zA-Z0-9_/${}. -]*[a-zA-Z0-9_${}. -])?$/;
export const ENVIRONMENT_NAME_MESSAGE =
  "can contain only letters, digits, '-', '_', '/', '$', '{', '}', '.', and spaces, " +
  "but it cannot start or end with '/'";

export function checkEnvironment(env: Entry, value: unknown): void {
  if (!isHash(value) && !isString(value)) env.add('config', 'should be a hash or a string');
  const name = isString(value) ? value : isHash(value) ? value.name : undefined;
  if (isBlank(name)) env.add('name', "can't be blank");
  if (!isString(name)) env.add('name', ENVIRONMENT_NAME_MESSAGE);
  else if (!ENVIRONMENT_NAME.test(name)) env.add('name', ENVIRONMENT_NAME_MESSAGE);
  if (!isHash(value)) return;
  env.allowedKeys(value, ENVIRONMENT_KEYS);
  if (value.url != null && env.type('url', value.url, 'string') && (value.url as string).length > 255)
    env.add('url', 'is too long (maximum is 255 characters)');
  if (value.action != null) {
    env.type('action', value.action, 'string');
    env.inclusion(
      'action',
      value.action,
      ['start', 'stop', 'prepare', 'verify', 'access'],
      'should be start, stop, prepare, verify, or access',
    );
  }
  if (value.deployment_tier != null) env.type('deployment_tier', value.deployment_tier, 'string');
  if (value.on_stop != null) env.type('on_stop', value.on_stop, 'string');
  if (value.kubernetes != null) env.type('kubernetes', value.kubernetes, 'hash');
  if (value.auto_stop_in != null) env.type('auto_stop_in', value.auto_stop_in, 'string');
}

// ── needs (Entry::Needs, Entry::Need) ──
export function checkNeeds(needs: Entry, value: unknown): void {
  if (!isHash(value) && !Array.isArray(value)) {
    needs.add('config', 'can only be a Hash or an Array');
    return;
  }
  if (isHash(value) && !Object.keys(value).length) needs.add('config', 'can not be an empty Hash');
  const items = Array.isArray(value) ? value : [value];
  if (items.some((n) => isHash(n) && typeof n.parallel === 'number'))
    needs.add('config', 'cannot use "parallel: <number>".');
  if (!needs.valid) return;
  for (const need of items) {
    const e = needs.child('need');
    if (isString(need)) {
      if (isBlank(need)) e.add('config', "can't be blank");
    } else if (isHash(need) && 'job' in need && !('project' in need || 'ref' in need || 'pipeline' in need)) {
      e.allowedKeys(need, ['job', 'artifacts', 'optional', 'parallel']);
      if (isBlank(need.job)) e.add('job', "can't be blank");
      else e.type('job', need.job, 'string');
      if (need.artifacts != null) e.boolean('artifacts', need.artifacts);
      if (need.optional != null) e.boolean('optional', need.optional);
    } else if (isHash(need) && 'job' in need && 'pipeline' in need && !('project' in need)) {
      e.allowedKeys(need, ['pipeline', 'job', 'artifacts']);
      if (isBlank(need.pipeline)) e.add('pipeline', "can't be blank");
      if (isBlank(need.job)) e.add('job', "can't be blank");
      if (need.artifacts != null) e.boolean('artifacts', need.artifacts);
    } else if (isHash(need) && ('project' in need || 'pipeline' in need)) {
      // Cross-project and bridge needs are Premium features (EE's Need strategies); the schema checks their shape.
    } else {
      e.raw(`${e.location} has an unsupported type`);
    }
  }
}

/** The names a job's `needs:` gives for jobs of the same pipeline (`Needs#value[:job]`). */
export function samePipelineNeedNames(needs: unknown): string[] | undefined {
  const items = Array.isArray(needs) ? needs : isHash(needs) ? [needs] : [];
  const names: string[] = [];
  let any = false;
  for (const n of items) {
    if (isString(n)) {
      names.push(n);
      any = true;
    } else if (isHash(n) && 'job' in n && !('project' in n || 'ref' in n || 'pipeline' in n)) {
      names.push(String(n.job));
      any = true;
    }
  }
  return any ? names : undefined;
}

// ── retry, timeout ──
export function checkRetry(job: Entry, value: unknown): void {
  // Entry::Retry's strategies locate themselves as "retry" (no job prefix), as GitLab prints them.
  const retry = job.child(undefined);
  const report = (attribute: string, message: string) => retry.raw(`retry ${attribute} ${message}`.toLowerCase());
  const bounds = (attribute: string, v: unknown) => {
    if (typeof v !== 'number' || Number.isNaN(v)) report(attribute, 'is not a number');
    else if (!Number.isInteger(v)) report(attribute, 'must be an integer');
    else if (v < 0) report(attribute, 'must be greater than or equal to 0');
    else if (v > 2) report(attribute, 'must be less than or equal to 2');
  };
  if (Number.isInteger(value)) {
    bounds('config', value);
    return;
  }
  if (!isHash(value)) {
    retry.raw('retry config has to be either an integer or a hash');
    return;
  }
  const unknown = Object.keys(value).filter((k) => !['max', 'when', 'exit_codes'].includes(k));
  if (unknown.length) report('config', `contains unknown keys: ${unknown.join(', ')}`);
  if (value.max != null) bounds('max', value.max);
  if (value.when != null && !isStrings(value.when) && !isString(value.when))
    report('when', 'should be an array of strings or a string');
  const codes = value.exit_codes;
  if (codes != null && !Number.isInteger(codes) && !(Array.isArray(codes) && codes.every((c) => Number.isInteger(c))))
    report('exit codes', 'should be an array of integers or an integer');
}

export function checkTimeout(timeout: Entry, value: unknown): void {
  if (!isDuration(value)) timeout.add('config', 'should be a duration', 'invalid-duration');
  if (!isWithinLimit(value, TIMEOUT_LIMIT)) timeout.add('config', 'should not exceed the limit', 'invalid-duration');
}

// ── rules (Entry::Rules, Entry::Rules::Rule) ──
export interface RulesOptions {
  readonly allowedWhen: readonly string[];
  readonly allowedKeys: readonly string[];
}
export const JOB_RULES: RulesOptions = {
  allowedWhen: ['on_success', 'on_failure', 'always', 'never', 'manual', 'delayed'],
  allowedKeys: ['if', 'changes', 'exists', 'when', 'start_in', 'allow_failure', 'variables', 'needs', 'interruptible'],
};
export const WORKFLOW_RULES: RulesOptions = {
  allowedWhen: ['always', 'never'],
  allowedKeys: ['if', 'changes', 'exists', 'when', 'start_in', 'allow_failure', 'variables', 'needs', 'auto_cancel'],
};

export function checkRules(rules: Entry, value: unknown, options: RulesOptions): void {
  if (isBlank(value)) {
    rules.add('config', "can't be blank");
    return;
  }
  if (!Array.isArray(value)) {
    rules.add('config', 'should be a array');
    return;
  }
  for (const r of value.flat(10)) checkRule(rules.child('rule'), r, options);
}

function checkRule(rule: Entry, value: unknown, options: RulesOptions): void {
  if (isBlank(value)) rule.add('config', "can't be blank");
  if (!isHash(value)) {
    rule.add('config', 'should be a hash');
    return;
  }
  const delayed = value.when === 'delayed';
  if (!delayed && value.start_in != null) rule.add('config', 'contains disallowed keys: start_in', 'start-in');
  if (delayed) {
    if (isBlank(value.start_in)) rule.add('start_in', "can't be blank", 'start-in');
    if (!isDuration(value.start_in)) rule.add('start_in', 'should be a duration', 'start-in');
    if (!isWithinLimit(value.start_in, START_IN_LIMIT)) rule.add('start_in', 'should not exceed the limit', 'start-in');
  }
  if (value.if != null && !isValidExpression(value.if))
    rule.add('if', 'invalid expression syntax', 'invalid-expression');
  if (value.allow_failure != null) rule.boolean('allow_failure', value.allow_failure);
  if (value.interruptible != null) rule.boolean('interruptible', value.interruptible);
  if (value.when != null && !options.allowedWhen.includes(String(value.when)))
    rule.add('when', `unknown value: ${String(value.when)}`);
  rule.allowedKeys(value, options.allowedKeys);
  if (!rule.valid) return;
  if (value.changes != null) checkChanges(rule.child('changes'), value.changes);
  if (value.exists != null) checkExists(rule.child('exists'), value.exists);
  if (value.needs != null) checkNeeds(rule.child('needs'), value.needs);
}

const MAX_PATHS = 50;

function checkChanges(changes: Entry, value: unknown): void {
  if (Array.isArray(value)) {
    if (!isStrings(value)) changes.add('config', 'should be an array of strings');
    if (value.length > MAX_PATHS) changes.add('config', `has too many entries (maximum ${MAX_PATHS})`);
    return;
  }
  if (!isHash(value)) {
    changes.raw(`${changes.location} should be an array or a hash`);
    return;
  }
  changes.allowedKeys(value, ['paths', 'compare_to']);
  if (!('paths' in value)) changes.add('config', 'missing required keys: paths');
  if (!isStrings(value.paths)) changes.add('paths', 'should be an array of strings');
  else if (value.paths.length > MAX_PATHS) changes.add('paths', `has too many entries (maximum ${MAX_PATHS})`);
  if (value.compare_to != null) changes.type('compare_to', value.compare_to, 'string');
}

function checkExists(exists: Entry, value: unknown): void {
  if (isString(value) || isBlank(value)) return;
  if (Array.isArray(value)) {
    if (!isStrings(value)) exists.add('config', 'should be an array of strings');
    if (value.length > MAX_PATHS) exists.add('config', `has too many entries (maximum ${MAX_PATHS})`);
    return;
  }
  if (!isHash(value)) {
    exists.raw(`${exists.location} should be a string, an array of strings, or a hash`);
    return;
  }
  exists.allowedKeys(value, ['paths', 'project', 'ref']);
  if (!('paths' in value)) exists.add('config', 'missing required keys: paths');
  if ('ref' in value && !('project' in value)) exists.add('config', 'missing required keys: project');
  if (value.paths != null) {
    if (!isStrings(value.paths)) exists.add('paths', 'should be an array of strings');
    else if (value.paths.length > MAX_PATHS) exists.add('paths', `has too many entries (maximum ${MAX_PATHS})`);
  }
  if (value.project != null) exists.type('project', value.project, 'string');
  if (value.ref != null) exists.type('ref', value.ref, 'string');
}

/** Why a rule's `if:` is refused, for the fix text. */
export const ruleIfProblem = expressionProblem;

// ── variables (Entry::Variables, Entry::Variable) ──
const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** `variables:` of the top level (value, description, expand, options) or of a job (value, expand). */
export function checkVariables(variables: Entry, value: unknown, allowedData: readonly string[]): void {
  if (!variables.type('config', value, 'hash')) return;
  for (const [name, v] of Object.entries(value as Hash)) {
    const variable = variables.child(name);
    if (v === null || isScalar(v)) continue;
    if (!isHash(v)) {
      variable.raw('variable definition must be either a string or a hash');
      continue;
    }
    if (v.value != null && !isScalar(v.value)) variable.add('config_value', 'must be a scalar');
    if (v.description != null && !isString(v.description) && !Number.isInteger(v.description))
      variable.add('config_description', 'must be an alphanumeric string');
    if (v.expand != null) variable.boolean('config_expand', v.expand);
    if (v.options != null) variable.arrayOfStrings('config_options', v.options);
    const extra = Object.keys(v).filter((k) => !allowedData.includes(k));
    if (extra.length) variable.add('config', `uses invalid data keys: ${extra.join(', ')}`, 'unknown-keys');
    if (Array.isArray(v.options) && v.options.length && !v.options.includes(v.value))
      variable.add('config', 'value must be present in options', 'variable-option');
  }
}

// ── trigger (Entry::Trigger) and its include (Entry::Includes with at most 3 items) ──
export function checkTrigger(trigger: Entry, value: unknown): void {
  if (isString(value)) {
    if (isBlank(value)) trigger.add('config', "can't be blank");
    return;
  }
  if (!isHash(value)) {
    trigger.raw(`${trigger.location} has to be either a string or a hash`);
    return;
  }
  if (isBlank(value)) trigger.add('config', "can't be blank");
  if (value.strategy != null) {
    trigger.type('strategy', value.strategy, 'string');
    trigger.inclusion('strategy', value.strategy, ['depend', 'mirror'], 'should be depend or mirror');
  }
  if (!('include' in value)) {
    trigger.allowedKeys(value, ['project', 'branch', 'strategy', 'forward', 'inputs']);
    if (value.inputs != null) trigger.type('inputs', value.inputs, 'hash');
    if (isBlank(value.project)) trigger.add('project', "can't be blank");
    else trigger.type('project', value.project, 'string');
    if (value.branch != null) trigger.type('branch', value.branch, 'string');
    return;
  }
  trigger.allowedKeys(value, ['strategy', 'include', 'forward']);
  if (!trigger.valid) return;
  const includes = trigger.child('include');
  const list = value.include;
  if (!Array.isArray(list) && !isString(list)) {
    includes.add('config', 'should be an array or a string');
    return;
  }
  if (Array.isArray(list) && list.length > 3) {
    includes.add('config', 'is too long (maximum is 3)');
    return;
  }
  for (const item of Array.isArray(list) ? list : [list]) checkTriggerInclude(includes.child('include'), item);
}

const INCLUDE_KEYS = [
  'local',
  'file',
  'remote',
  'project',
  'ref',
  'integrity',
  'cache',
  'template',
  'artifact',
  'inputs',
  'job',
  'rules',
  'component',
];

function checkTriggerInclude(include: Entry, value: unknown): void {
  if (!isHash(value) && !isString(value)) {
    include.add('config', 'should be a hash or a string');
    return;
  }
  if (!isHash(value)) return;
  include.allowedKeys(value, INCLUDE_KEYS);
  if (value.project && isBlank(value.file))
    include.add('config', 'must specify the file where to fetch the config from');
  if (value.integrity && isBlank(value.remote))
    include.add('config', 'integrity can only be specified for remote includes');
  if (value.artifact && isBlank(value.job))
    include.add('config', 'must specify the job where to fetch the artifact from');
  if (value.rules != null && !(Array.isArray(value.rules) && value.rules.every(isHash)))
    include.add('rules', 'should be an array of hashes');
}

// ── scripts, tags, image, services, stage(s), allow_failure, parallel, only/except ──
/** StringOrNestedArrayOfStringsValidator (Entry::Commands): `script`, `before_script`, `after_script`. */
export function checkCommands(commands: Entry, value: unknown): void {
  const nested = (v: unknown, level: number): boolean =>
    Array.isArray(v) && v.every((x) => isString(x) || (level > 1 && nested(x, level - 1)));
  if (!isString(value) && !nested(value, 10))
    commands.add('config', 'should be a string or a nested array of strings up to 10 levels deep');
}

const TAGS_LIMIT = 50;
export function checkTags(tags: Entry, value: unknown): void {
  if (!tags.arrayOfStrings('config', value)) return;
  if ((value as string[]).length >= TAGS_LIMIT) tags.add('config', `must be less than the limit of ${TAGS_LIMIT} tags`);
}

export function checkImage(image: Entry, value: unknown): void {
  if (!isHash(value) && !isString(value)) image.add('config', 'should be a hash or a string');
}

export function checkServices(services: Entry, value: unknown): void {
  if (!services.type('config', value, 'array')) return;
  for (const s of value as unknown[])
    if (!isHash(s) && !isString(s)) services.child('service').add('config', 'should be a hash or a string');
}

export function checkStage(stage: Entry, value: unknown): void {
  stage.type('config', value, 'string');
}

export function checkStages(stages: Entry, value: unknown): void {
  const nested = (v: unknown, level: number): boolean =>
    Array.isArray(v) && v.every((x) => isString(x) || (level > 1 && nested(x, level - 1)));
  if (!nested(value, 10))
    stages.add('config', 'should be an array of strings or a nested array of strings up to 10 levels deep');
}

export function checkAllowFailure(allow: Entry, value: unknown): void {
  if (!isHash(value)) return;
  allow.allowedKeys(value, ['exit_codes']);
  const codes = value.exit_codes;
  if (codes != null && !Number.isInteger(codes) && !(Array.isArray(codes) && codes.every((c) => Number.isInteger(c)))) {
    allow.add('exit_codes', 'should be an array of integers or an integer');
  }
}

const PARALLEL_LIMIT = 200;
export function checkParallel(parallel: Entry, value: unknown, { matrixOnly = false } = {}): void {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) parallel.add('config', 'must be an integer');
    else if (value < 1) parallel.add('config', 'must be greater than or equal to 1');
    else if (value > PARALLEL_LIMIT) parallel.add('config', `must be less than or equal to ${PARALLEL_LIMIT}`);
    if (matrixOnly) parallel.add('config', 'cannot use "parallel: <number>".');
    return;
  }
  if (!isHash(value)) {
    parallel.raw(`${parallel.location} should be an integer or a hash`);
    return;
  }
  parallel.allowedKeys(value, ['matrix']);
  if (!('matrix' in value)) parallel.add('config', 'missing required keys: matrix');
}

/**
 * `only:`/`except:` (Entry::Policy): refs as strings or RE2 `/regexes/`, or a hash of refs,
 * variables, changes and kubernetes.
 */
export function checkPolicy(policy: Entry, value: unknown): void {
  const refsOk = (v: unknown) =>
    Array.isArray(v) &&
    v.every((r) => isString(r) && (!/^\/(.*)\/([ismU]*)$/.test(r) || re2SyntaxError(r) === undefined));
  if (Array.isArray(value)) {
    if (!refsOk(value)) policy.add('config', 'should be an array of strings or regular expressions using re2 syntax');
    return;
  }
  if (!isHash(value)) {
    policy.raw(`${policy.location} has to be either an array of conditions or a hash`);
    return;
  }
  if (isBlank(value)) policy.add('config', "can't be blank");
  policy.allowedKeys(value, ['refs', 'kubernetes', 'variables', 'changes']);
  if (Array.isArray(value.variables) && !value.variables.every((v) => isValidExpression(v)))
    policy.add('variables', 'Invalid expression syntax', 'invalid-expression');
  if (value.refs != null && !refsOk(value.refs))
    policy.add('refs', 'should be an array of strings or regular expressions using re2 syntax');
  if (value.kubernetes != null && value.kubernetes !== 'active')
    policy.add('kubernetes', `unknown value: ${String(value.kubernetes)}`);
  if (value.variables != null) policy.arrayOfStrings('variables', value.variables);
  if (value.changes != null) policy.arrayOfStrings('changes', value.changes);
}
