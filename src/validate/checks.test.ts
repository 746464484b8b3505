// Every build check, each with a bad definition that must fail with its message.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineComponent, input, type Component, type InputDefs } from '../define/index.js';
import { placementInputs } from '../define/shared-inputs.js';
import { checkComponent, checkComponentCount } from '../generate/build.js';
import { checkSpec } from './spec-checks.js';
import type { Jobs } from '../model/job.js';
import type { InputRefs } from '../define/input.js';

const fixtureDir = join(import.meta.dirname, '..', '..', 'test/fixtures/golden-component');

function component<I extends InputDefs>(o: {
  name?: string;
  description?: string;
  inputs: I;
  jobs?: (i: InputRefs<I & ReturnType<typeof placementInputs>>) => Jobs;
  policy?: string;
}) {
  return defineComponent({
    name: o.name ?? 'golden-component',
    source: fixtureDir,
    description: o.description ?? 'A component under test.',
    inputs: { ...placementInputs({ stage: 'test', jobName: 'job' }), ...o.inputs },
    policy: o.policy ?? 'no-policy.json',
    jobs: ({ inputs }) =>
      o.jobs?.(inputs as never) ?? {
        [`${inputs['job-name']}`]: {
          stage: inputs.stage,
          variables: Object.fromEntries(
            Object.keys(o.inputs).map((k) => [
              k.toUpperCase().replace(/-/g, '_'),
              (inputs as Record<string, string>)[k]!,
            ]),
          ),
          script: ['echo "$X"'],
        },
      },
  });
}

function messages(c: Component): string[] {
  return checkComponent(c).map((p) => `${p.code} ${p.path ?? ''}: ${p.message}`);
}

describe('build checks', () => {
  it('pass a sound component', () => {
    expect(messages(component({ inputs: { x: input.string({ default: 'a', description: 'x' }) } }))).toEqual([]);
  });

  it("fails when the component name is not GitLab's [A-Za-z0-9_-]+", () => {
    const p = checkComponent(component({ name: 'my.component', inputs: {} }));
    expect(p[0]).toMatchObject({
      code: 'component-name',
      component: 'my.component',
      message: expect.stringContaining('only letters, digits, "_" and "-"'),
      fix: 'rename it, e.g. "my-component"',
    });
  });

  it('fails when the description is longer than 256 characters', () => {
    expect(messages(component({ description: 'x'.repeat(257), inputs: {} }))).toContain(
      'spec-description spec.description: is 257 characters; GitLab allows 256',
    );
  });

  it('fails when a boolean has options', () => {
    expect(
      messages(
        component({ inputs: { b: input.boolean({ default: true, description: 'b', options: [true] } as never) } }),
      ),
    ).toContain('options-type inputs.b: Options can only be used with string and number inputs');
  });

  it('fails with more than 50 options', () => {
    const options = Array.from({ length: 51 }, (_, i) => `o${i}`);
    expect(
      messages(component({ inputs: { s: input.string({ default: 'o0', options, description: 's' }) } })),
    ).toContain('options-count inputs.s: cannot define more than 50 options (has 51)');
  });

  it('fails when regex is set on a non-string input', () => {
    expect(
      messages(component({ inputs: { n: input.number({ default: 1, description: 'n', regex: '^1$' } as never) } })),
    ).toContain('regex-type inputs.n: RegEx validation can only be used with string inputs');
  });

  it('fails on an invalid pattern, and on one RE2 cannot run', () => {
    expect(
      messages(component({ inputs: { s: input.string({ default: 'a', regex: '([a-z', description: 's' }) } })).join(
        '\n',
      ),
    ).toMatch(/regex-invalid inputs.s: invalid regular expression: .*Unterminated/);
    expect(
      messages(component({ inputs: { s: input.string({ default: 'a', regex: '^(?!b)a$', description: 's' }) } })),
    ).toContain(
      'regex-invalid inputs.s: invalid regular expression: lookaround `(?=`, `(?!`, `(?<=`, `(?<!` is not ' +
        'supported by RE2',
    );
  });

  it("fails when a default does not satisfy its type, options or regex, in GitLab's words", () => {
    expect(
      messages(component({ inputs: { n: input.number({ default: 'one' as never, description: 'n' }) } })),
    ).toContain('default-invalid inputs.n: `n` input: default value is not a number');
    expect(
      messages(component({ inputs: { s: input.string({ default: 'c', options: ['a', 'b'], description: 's' }) } })),
    ).toContain(
      'default-invalid inputs.s: `s` input: `c` cannot be used because it is not in the list of allowed options',
    );
    expect(
      messages(component({ inputs: { n: input.number({ default: 3, options: [1, 2], description: 'n' }) } })),
    ).toContain(
      'default-invalid inputs.n: `n` input: `3` cannot be used because it is not in the list of the allowed options',
    );
    expect(
      messages(component({ inputs: { s: input.string({ default: 'ABC', regex: '^[a-z]+$', description: 's' }) } })),
    ).toContain('default-invalid inputs.s: `s` input: default value does not match required RegEx pattern');
  });

  it('fails when an input has no description', () => {
    expect(messages(component({ inputs: { s: input.string({ default: 'a', description: '' }) } }))).toContain(
      'input-description inputs.s: has no description; the catalog shows it in the inputs table',
    );
  });

  it('fails when a required input has no example for the docs', () => {
    expect(messages(component({ inputs: { s: input.string({ description: 's' }) } }))).toContain(
      'input-example inputs.s: is required but has no `example`, so the docs cannot show a working include',
    );
  });

  it('fails when there is no stage input', () => {
    const c = defineComponent({
      name: 'golden-component',
      source: fixtureDir,
      description: 'd',
      policy: 'none.json',
      inputs: { 'job-name': input.string({ default: 'j', description: 'j' }) },
      jobs: ({ inputs }) => ({ [inputs['job-name']]: { stage: 'deploy', script: ['true'] } }),
    });
    expect(messages(c)).toEqual(
      expect.arrayContaining([
        'stage-input inputs.stage: has no `stage` input, so consumers cannot place its jobs in their own stages',
        'stage-input jobs.$[[ inputs.job-name ]].stage: stage is "deploy", not the `stage` input',
      ]),
    );
  });

  it('fails when a visible job name is fixed, so two includes collide', () => {
    expect(
      messages(
        component({
          inputs: {},
          jobs: (i) => ({ deploy: { stage: i.stage, script: ['true'], variables: { N: i['job-name'] } } }),
        }),
      ),
    ).toContain(
      'job-name-input jobs.deploy: job name "deploy" is fixed, so including the component twice makes the jobs collide',
    );
  });

  it('fails on global keywords', () => {
    const found = messages(
      component({
        inputs: {},
        jobs: (i) => ({
          [i['job-name']]: { stage: i.stage, script: ['true'] },
          variables: {} as never,
          stages: [] as never,
        }),
      }),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^global-keyword variables: sets the global keyword `variables`/),
        expect.stringMatching(/^global-keyword stages: sets the global keyword `stages`/),
      ]),
    );
  });

  it('fails when an input is interpolated into script text', () => {
    const found = messages(
      component({
        inputs: { bucket: input.string({ default: 'b', description: 'b' }) },
        jobs: (i) => ({ [i['job-name']]: { stage: i.stage, script: [`aws s3 ls s3://${i.bucket}`] } }),
      }),
    );
    expect(found).toContain(
      'input-in-script jobs.$[[ inputs.job-name ]].script: interpolates an input into shell text, where a value ' +
        'such as `$(rm -rf /)` would run',
    );
  });

  it('fails on an image without a pinned tag', () => {
    const found = messages(
      component({
        inputs: {},
        jobs: (i) => ({ [i['job-name']]: { stage: i.stage, image: 'alpine:latest', script: ['true'] } }),
      }),
    );
    expect(found).toContain(
      'image-pinned jobs.$[[ inputs.job-name ]].image: image "alpine:latest" uses `:latest`, so every pipeline ' +
        'may get a different image',
    );
  });

  it('fails when an input is declared but unused', () => {
    expect(
      messages(
        component({
          inputs: { x: input.string({ default: 'a', description: 'x' }) },
          jobs: (i) => ({ [i['job-name']]: { stage: i.stage, script: ['true'] } }),
        }),
      ),
    ).toContain('unused-input inputs.x: is declared but no job uses it, so a consumer setting it would see no effect');
  });

  it("fails when the jobs break GitLab's CI schema once defaults are interpolated", () => {
    const found = messages(
      component({
        inputs: { manual: input.string({ default: 'yes', description: 'm' }) },
        jobs: (i) => ({ [i['job-name']]: { stage: i.stage, allow_failure: i.manual, script: ['true'] } }),
      }),
    );
    expect(found.join('\n')).toMatch(
      /ci-schema jobs\.job\.allow_failure: must be boolean \(with inputs at their default or example values\)/,
    );
  });

  /** Problems of a component with the too-broad policy whose one job runs `script`. */
  const policyProblems = (script: string, toolActions?: Record<string, string[]>) =>
    checkComponent(
      defineComponent({
        name: 'golden-component',
        source: fixtureDir,
        description: 'd',
        policy: '../policies/too-broad.json',
        inputs: placementInputs({ stage: 's', jobName: 'j' }),
        ...(toolActions ? { toolActions } : {}),
        jobs: ({ inputs }) => ({ [inputs['job-name']]: { stage: inputs.stage, script: [script] } }),
      }),
    ).map((p) => p.message);

  it('fails when the scripts call AWS actions the policy does not grant, or the policy grants more', () => {
    const found = policyProblems(
      'aws ecs update-service --cluster "$C" --service "$S"\naws s3 sync . "s3://$B" --delete',
    );
    expect(found).toEqual(
      expect.arrayContaining([
        'does not grant ecs:UpdateService, s3:DeleteObject, s3:ListBucket, s3:PutObject, which the scripts call',
        'grants ecs:DeleteService, which no script calls',
        'grants the wildcard action "s3:*"',
      ]),
    );
  });

  it('counts the actions a definition declares for other tools (toolActions) as called', () => {
    const found = policyProblems('tofu plan', { 'OpenTofu S3 backend': ['s3:ListBucket', 's3:GetObject'] });
    expect(found).toEqual(
      expect.arrayContaining(['does not grant s3:GetObject, s3:ListBucket, which the scripts call']),
    );
  });

  it('fails with more than 100 components in one project', () => {
    expect(checkComponentCount(100)).toEqual([]);
    expect(checkComponentCount(101)[0]?.message).toBe(
      'defines 101 components; GitLab releases at most 100 per project ("Release cannot contain more than ' +
        '100 components")',
    );
  });

  it('fails on an empty spec:inputs, which breaks publishing', () => {
    expect(checkSpec({ description: 'd', inputs: {} }, { component: 'c' }).map((p) => p.message)).toEqual([
      'an empty `spec:inputs` fails publishing with "Spec must be a valid json schema"',
    ]);
  });
});
