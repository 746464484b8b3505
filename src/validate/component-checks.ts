// Rules for a component's jobs: what makes it safe to include (twice), and
// what GitLab's schema says once its inputs take their default or example values.
import type { Problem, ProblemCode } from '../internal/problem.js';
import type { Job, Jobs } from '../model/job.js';
import { isGlobalKeyword } from '../gitlab/jobs.js';
import { sampleValues } from '../gitlab/inputs.js';
import type { Spec } from '../model/spec.js';
import { validateCiConfig } from '../gitlab/ci-schema.js';
import { hasInterpolation, interpolateContent } from '../gitlab/interpolation.js';

interface Where {
  readonly component: string;
  readonly file?: string;
}

const SCRIPT_KEYS = ['before_script', 'script', 'after_script'] as const;

function scriptLines(job: Job, key: (typeof SCRIPT_KEYS)[number]): string[] {
  const s = job[key];
  if (s === undefined) return [];
  return typeof s === 'string' ? [s] : [...s];
}

function collectStrings(node: unknown, out: string[]): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) for (const n of node) collectStrings(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      out.push(k);
      collectStrings(v, out);
    }
  }
  return out;
}

/** Inputs referenced anywhere in the jobs, including through functions (`inputs.x | truncate(0,5)`). */
export function referencedInputs(jobs: Jobs): Set<string> {
  const used = new Set<string>();
  for (const s of collectStrings(jobs, [])) {
    for (const m of s.matchAll(/\$\[\[\s*inputs\.([A-Za-z0-9_-]+)/g)) used.add(m[1]!);
  }
  return used;
}

function imageProblem(image: string): string | undefined {
  if (image.includes('@sha256:')) return undefined;
  const lastSegment = image.split('/').pop() ?? image;
  if (!lastSegment.includes(':')) return 'has no tag, so every pipeline may get a different image';
  if (/:latest$/.test(image)) return 'uses `:latest`, so every pipeline may get a different image';
  return undefined;
}

export function checkJobs(jobs: Jobs, spec: Spec, where: Where): Problem[] {
  const problems: Problem[] = [];
  const at = (code: ProblemCode, path: string, message: string, fix: string): void => {
    problems.push({ code, severity: 'error', component: where.component, file: where.file, path, message, fix });
  };
  const inputs = spec.inputs ?? {};
  // A component places its jobs with `stage`; one whose jobs span stages (a whole pipeline) has a
  // `<part>-stage` input for each part instead.
  const isStageInput = (name: string) => name === 'stage' || name.endsWith('-stage');
  if (!Object.keys(inputs).some(isStageInput))
    at(
      'stage-input',
      'inputs.stage',
      'has no `stage` input, so consumers cannot place its jobs in their own stages',
      "add `stage: input.string({ default: ..., description: ... })` and use it as every job's stage",
    );

  const visible = Object.entries(jobs).filter(([name]) => !name.startsWith('.'));
  if (visible.length === 0 && Object.keys(jobs).length === 0)
    at('no-jobs', 'jobs', 'defines no jobs', 'add at least one job');
  for (const [name, job] of Object.entries(jobs)) {
    // `include` in a component pulls in its own files; every other global keyword reaches the consumer.
    if (isGlobalKeyword(name) && name !== 'include') {
      at(
        'global-keyword',
        name,
        `sets the global keyword \`${name}\`, which would change every job of the consumer's pipeline`,
        `set it on the component's own jobs instead`,
      );
      continue;
    }
    const isHidden = name.startsWith('.');
    if (!isHidden) {
      if (!hasInterpolation(name))
        at(
          'job-name-input',
          `jobs.${name}`,
          `job name "${name}" is fixed, so including the component twice makes the jobs collide`,
          "name the job from an input, e.g. `[inputs['job-name']]: {...}`",
        );
      const stageInput = /^\$\[\[ inputs\.([A-Za-z0-9_-]+) \]\]$/.exec(String(job.stage))?.[1];
      if (!stageInput || !isStageInput(stageInput) || !(stageInput in inputs))
        at(
          'stage-input',
          `jobs.${name}.stage`,
          `stage is ${JSON.stringify(job.stage)}, not the \`stage\` input`,
          'set `stage: inputs.stage`',
        );
      if (job.script === undefined && job.extends === undefined)
        at('job-script', `jobs.${name}`, 'has no `script`', 'add a script');
    }
    for (const key of SCRIPT_KEYS) {
      for (const line of scriptLines(job, key)) {
        if (hasInterpolation(line)) {
          at(
            'input-in-script',
            `jobs.${name}.${key}`,
            'interpolates an input into shell text, where a value such as `$(rm -rf /)` would run',
            'pass the input through job `variables:` and use the quoted variable ("$NAME") in the script',
          );
        }
      }
    }
    const image = typeof job.image === 'string' ? job.image : job.image?.name;
    if (image !== undefined) {
      const ref = /^\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]$/.exec(image);
      const concrete = ref ? inputs[ref[1]!]?.default : image;
      const why = typeof concrete === 'string' ? imageProblem(concrete) : undefined;
      if (why)
        at(
          'image-pinned',
          `jobs.${name}.image`,
          `image "${String(concrete)}" ${why}`,
          'pin a version tag (or a digest)',
        );
    }
  }
  const used = referencedInputs(jobs);
  for (const name of Object.keys(inputs)) {
    if (!used.has(name))
      at(
        'unused-input',
        `inputs.${name}`,
        'is declared but no job uses it, so a consumer setting it would see no effect',
        'use it in a job or remove it',
      );
  }
  return problems;
}

/** A value for every input: its default, else its example, else a sample of the right type. */
export function sampleInputs(spec: Spec, examples: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return sampleValues(spec.inputs ?? {}, examples);
}

/** Validates header and body with GitLab's ci.json, the body with its inputs interpolated. */
export function checkSchema(spec: Spec, jobs: Jobs, inputs: Record<string, unknown>, where: Where): Problem[] {
  const problems: Problem[] = [];
  for (const e of validateCiConfig({ spec })) {
    problems.push({
      code: 'ci-schema',
      severity: 'error',
      component: where.component,
      file: where.file,
      path: e.path || 'spec',
      message: e.message,
      fix: "match GitLab's CI schema for `spec:`",
    });
  }
  const interpolated = interpolateContent(jobs, {
    inputs,
    component: { name: where.component, sha: '0'.repeat(40), version: '0.0.0', reference: '0.0.0' },
  });
  if (interpolated.errors.length) {
    const message = interpolated.errors.slice(0, 3).join(', ');
    return [
      ...problems,
      {
        code: 'interpolation',
        severity: 'error',
        component: where.component,
        file: where.file,
        path: 'jobs',
        message,
        fix: "reference only declared inputs and GitLab's interpolation functions",
      },
    ];
  }
  const body = interpolated.value;
  for (const e of validateCiConfig(body)) {
    problems.push({
      code: 'ci-schema',
      severity: 'error',
      component: where.component,
      file: where.file,
      path: e.path ? `jobs.${e.path}` : 'jobs',
      message: `${e.message} (with inputs at their default or example values)`,
      fix: "match GitLab's CI schema for jobs",
    });
  }
  return problems;
}
