// Keys GitLab builds from a component's inputs and checks only when a pipeline is created:
// `resource_group` and `environment:name`. GitLab refuses a resource group key that breaks its
// rule and then creates the job WITHOUT the lock (Ci::ResourceGroup validates the key with
// Gitlab::Regex.environment_name_regex; the pipeline's seed drops an invalid group silently), so
// two deploys meant to be serialised can overlap. The build checks every value each input could
// take (its default, example, options, and probes its regex admits), not only the defaults.
import type { Problem } from '../internal/problem.js';
import type { Jobs } from '../model/job.js';
import type { Spec, SpecInput } from '../model/spec.js';
import { ENVIRONMENT_NAME } from '../gitlab/entries/index.js';
import { sampleValue } from '../gitlab/inputs.js';

interface Where {
  readonly component: string;
  readonly file?: string;
}

export const MAX_KEY_LENGTH = 255;

/** Why GitLab would refuse `key`, or undefined when it accepts it. */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'is empty';
  if (key.length > MAX_KEY_LENGTH) return `is ${key.length} characters; GitLab allows ${MAX_KEY_LENGTH}`;
  if (ENVIRONMENT_NAME.test(key)) return undefined;
  if (key.startsWith('/')) return 'starts with "/"';
  if (key.endsWith('/')) return 'ends with "/"';
  const bad = [...new Set([...key].filter((ch) => !/[a-zA-Z0-9_/${}. -]/.test(ch)))];
  return (
    `contains ${bad.map((c) => JSON.stringify(c)).join(', ')}; GitLab allows only letters, digits, '-', ` +
    `'_', '/', '$', '{', '}', '.' and spaces`
  );
}

/** Values an attacker or an unlucky user could give a free-text input. */
const PROBES = [
  '',
  'a',
  '/',
  'docs/',
  '/docs',
  'a:b',
  'arn:aws:ecs:us-east-1:123456789012:cluster/production',
  'a b',
  'a+b',
  'a=b',
  'é',
  'a\nb',
  'x'.repeat(120),
  'x'.repeat(300),
];

/** The values to try for an input: what it would take by default, and every probe it admits. */
function candidates(def: SpecInput | undefined, example: unknown): { value: string; why: string }[] {
  if (!def) return [{ value: '', why: 'undeclared' }];
  const out: { value: string; why: string }[] = [];
  if (def.default !== undefined) out.push({ value: String(def.default), why: 'its default' });
  if (example !== undefined) out.push({ value: String(example), why: 'its example' });
  if (def.options) for (const o of def.options) out.push({ value: String(o), why: 'one of its options' });
  const type = def.type ?? 'string';
  if (type === 'boolean') out.push({ value: 'true', why: 'a boolean' }, { value: 'false', why: 'a boolean' });
  if (type === 'string' && !def.options) {
    let re: RegExp | undefined;
    try {
      re = def.regex ? new RegExp(def.regex) : undefined;
    } catch {
      re = undefined;
    }
    for (const p of PROBES) {
      if (!re || re.test(p))
        out.push({ value: p, why: def.regex ? 'a value its regex admits' : 'a value it admits (it has no regex)' });
    }
  }
  return out;
}

const REF = /\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]/g;

function checkKey(
  kind: 'resource_group' | 'environment',
  template: string,
  spec: Spec,
  examples: Readonly<Record<string, unknown>>,
  path: string,
  where: Where,
): Problem[] {
  const inputs = spec.inputs ?? {};
  const names = [...new Set([...template.matchAll(REF)].map((m) => m[1]!))];
  const base = Object.fromEntries(
    names.map((n) => [n, String(inputs[n]?.default ?? sampleValue(inputs[n], examples[n]))]),
  );
  const render = (values: Record<string, string>): string => template.replace(REF, (_, n: string) => values[n] ?? '');
  const consequence =
    kind === 'resource_group'
      ? 'GitLab refuses such a resource group and then creates the job without the lock, so two deploys can overlap'
      : 'GitLab refuses the pipeline ("environment name can contain only letters, digits, ...")';
  const fix =
    'constrain the input with a `regex` that admits only valid values (and no empty value at the end of the ' +
    'key), or build the key from inputs that are constrained';
  const subject = kind === 'resource_group' ? 'resource_group' : 'environment name';
  const fixed = render(base);
  const why = keyProblem(fixed);
  if (names.length === 0 || why) {
    return why
      ? [
          {
            code: kind === 'resource_group' ? 'resource-group-key' : 'environment-name',
            severity: 'error',
            component: where.component,
            file: where.file,
            path,
            message: `${subject} "${fixed}" ${why}: ${consequence}`,
            fix,
          },
        ]
      : [];
  }
  for (const name of names) {
    for (const c of candidates(inputs[name], examples[name])) {
      const key = render({ ...base, [name]: c.value });
      const problem = keyProblem(key);
      if (problem) {
        return [
          {
            code: kind === 'resource_group' ? 'resource-group-key' : 'environment-name',
            severity: 'error',
            component: where.component,
            file: where.file,
            path,
            message:
              `${subject} "${template}" becomes ${JSON.stringify(key)} when input ${name} is ` +
              `${JSON.stringify(c.value)} (${c.why}), which ${problem}: ${consequence}`,
            fix,
          },
        ];
      }
    }
  }
  return [];
}

export function checkKeys(
  jobs: Jobs,
  spec: Spec,
  examples: Readonly<Record<string, unknown>>,
  where: Where,
): Problem[] {
  const problems: Problem[] = [];
  for (const [name, job] of Object.entries(jobs)) {
    if (typeof job.resource_group === 'string')
      problems.push(
        ...checkKey('resource_group', job.resource_group, spec, examples, `jobs.${name}.resource_group`, where),
      );
    const env = typeof job.environment === 'string' ? job.environment : job.environment?.name;
    if (typeof env === 'string')
      problems.push(...checkKey('environment', env, spec, examples, `jobs.${name}.environment`, where));
  }
  return problems;
}
