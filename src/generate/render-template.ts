// Component definition -> templates/<name>/template.yml: a `spec:` header, `---`, the jobs.
import type { Component } from '../define/component.js';
import { deprecatedDescription } from '../catalog/contract.js';
import { toYaml } from '../internal/yaml.js';
import type { Job, Jobs } from '../model/job.js';
import type { Spec, SpecInput } from '../model/spec.js';

const INPUT_KEY_ORDER = ['description', 'type', 'default', 'options', 'regex', 'rules'] as const;

/** The order a reader expects: where and when, then what runs, then what it leaves behind. */
const JOB_KEY_ORDER = [
  'extends',
  'stage',
  'image',
  'tags',
  'needs',
  'dependencies',
  'rules',
  'when',
  'allow_failure',
  'resource_group',
  'environment',
  'id_tokens',
  'variables',
  'before_script',
  'script',
  'after_script',
  'artifacts',
  'retry',
  'timeout',
  'interruptible',
  'coverage',
  'parallel',
];

function ordered<T extends object>(o: T, order: readonly string[]): Record<string, unknown> {
  const keys = Object.keys(o);
  const known = order.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !order.includes(k)).sort();
  return Object.fromEntries([...known, ...rest].map((k) => [k, (o as Record<string, unknown>)[k]]));
}

export function specOf(c: Component): Spec {
  const inputs: Record<string, SpecInput> = {};
  for (const [name, def] of Object.entries(c.inputs)) {
    const { __value: _v, example: _e, deprecated, formerName: _f, ...rest } = def;
    // GitLab's spec has no deprecation keyword: the description carries it to the catalog UI and the linter.
    inputs[name] = ordered(
      deprecated ? { ...rest, description: deprecatedDescription(rest.description ?? '', deprecated, 'input') } : rest,
      INPUT_KEY_ORDER,
    ) as SpecInput;
  }
  return {
    description: deprecatedDescription(c.description, c.deprecated, 'component'),
    ...(c.componentFields.length ? { component: [...c.componentFields] } : {}),
    inputs,
  };
}

function renderJob(job: Job): Record<string, unknown> {
  const out = ordered(job, JOB_KEY_ORDER);
  for (const key of ['before_script', 'script', 'after_script']) {
    // Always a list, so a consumer's `!reference` to it splices cleanly.
    if (typeof out[key] === 'string') out[key] = [out[key]];
  }
  return out;
}

export function renderJobs(jobs: Jobs): Record<string, unknown> {
  return Object.fromEntries(Object.entries(jobs).map(([name, job]) => [name, renderJob(job)]));
}

export function renderTemplate(c: Component): string {
  const header =
    `# Generated from ${c.file} by \`npm run catalog -- build\`. Do not edit: change the definition ` +
    `and rebuild.\n`;
  return `${header}${toYaml({ spec: specOf(c) })}---\n${toYaml(renderJobs(c.jobs))}`;
}

export function templatePath(c: Component): string {
  return `templates/${c.name}/template.yml`;
}
