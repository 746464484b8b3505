import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineComponent, input, inputRefs, inputVariables, inputVariablesExcept } from './index.js';

const root = join(import.meta.dirname, '..', '..');

describe('input builders', () => {
  it('record GitLab spec keys and drop the ones not given', () => {
    expect(input.string({ description: 'd', default: 'x', regex: '^x$' })).toEqual({
      type: 'string',
      description: 'd',
      default: 'x',
      regex: '^x$',
    });
    expect(input.number({ description: 'n', options: [1, 2] })).toEqual({
      type: 'number',
      description: 'n',
      options: [1, 2],
    });
    expect(input.boolean({ description: 'b', default: false })).toEqual({
      type: 'boolean',
      description: 'b',
      default: false,
    });
    expect(input.array({ description: 'a', default: ['x'] })).toEqual({
      type: 'array',
      description: 'a',
      default: ['x'],
    });
  });
});

describe('inputRefs', () => {
  it('turn each declared input into its interpolation block', () => {
    const refs = inputRefs({ 'role-arn': input.string({ description: 'r', example: 'x' }) });
    expect(refs['role-arn']).toBe('$[[ inputs.role-arn ]]');
  });

  it('fails when a job reads an undeclared input at definition time', () => {
    const refs = inputRefs({ region: input.string({ description: 'r', default: 'x' }) }) as Record<string, string>;
    expect(() => refs.regoin).toThrow(/input "regoin" is not declared/);
  });

  it('fails to compile when a job references an undeclared input', () => {
    const tsc = join(root, 'node_modules', '.bin', 'tsc');
    const r = spawnSync(
      tsc,
      [
        '--ignoreConfig',
        '--noEmit',
        '--strict',
        '--module',
        'NodeNext',
        '--moduleResolution',
        'NodeNext',
        '--target',
        'ES2022',
        '--skipLibCheck',
        '--types',
        'node',
        join(root, 'test/fixtures/undeclared-input.ts'),
      ],
      { encoding: 'utf8' },
    );
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/undeclared-input\.ts.*Property 'regoin' does not exist/);
  });
});

describe('defineComponent', () => {
  it('embeds a script file beside the definition without its shebang', () => {
    const c = defineComponent({
      name: 'golden-component',
      source: join(root, 'test/fixtures/golden-component'),
      description: 'd',
      inputs: { stage: input.string({ default: 'test', description: 's' }) },
      jobs: ({ inputs, script }) => ({ x: { stage: inputs.stage, script: [script('run.sh')] } }),
    });
    expect(c.scripts).toEqual(['run.sh']);
    expect(c.jobs.x!.script![0]).toMatch(/^set -euo pipefail\n/);
    expect(c.file).toBe('test/fixtures/golden-component/component.ts');
  });

  it('names the component and the file when a script is missing', () => {
    expect(() =>
      defineComponent({
        name: 'x',
        source: join(root, 'test/fixtures/golden-component'),
        description: 'd',
        inputs: {},
        jobs: ({ script }) => ({ x: { script: [script('nope.sh')] } }),
      }),
    ).toThrow(/test\/fixtures\/golden-component\/nope\.sh does not exist/);
  });

  it('reads the examples from examples.yml beside the definition, and names the file when one is malformed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'define-examples-'));
    try {
      const define = () => defineComponent({ name: 'x', source: dir, description: 'd', inputs: {}, jobs: () => ({}) });
      expect(define().examples).toEqual([]);
      writeFileSync(
        join(dir, 'examples.yml'),
        '- title: Deploy\n  yaml: |-\n    include:\n      - component: x@VERSION\n',
      );
      expect(define().examples).toEqual([{ title: 'Deploy', yaml: 'include:\n  - component: x@VERSION' }]);
      writeFileSync(join(dir, 'examples.yml'), '- title: Deploy\n  yml: "include: []"\n');
      expect(define).toThrow(
        /examples\.yml: component "x": the examples must be a list of entries with a `title` and a `yaml`/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('inputVariables', () => {
  it('maps inputs to PREFIX_UPPER_SNAKE job variables, literal ones with expand: false', () => {
    const refs = inputRefs({
      'source-dir': input.string({ description: 's', default: 'public' }),
      'container-environment': input.string({ description: 'c', default: '' }),
      region: input.string({ description: 'r', default: 'x' }),
    });
    expect(
      inputVariables('SITE', refs, ['source-dir', 'container-environment'], { literal: ['container-environment'] }),
    ).toEqual({
      SITE_SOURCE_DIR: '$[[ inputs.source-dir ]]',
      SITE_CONTAINER_ENVIRONMENT: { value: '$[[ inputs.container-environment ]]', expand: false },
    });
  });

  it('maps every input but the excepted ones, in the order they are declared', () => {
    const refs = inputRefs({
      stage: input.string({ description: 's', default: 'deploy' }),
      bucket: input.string({ description: 'b', example: 'www' }),
      'dry-run': input.boolean({ description: 'd', default: false }),
    });
    expect(inputVariablesExcept('SITE', refs, ['stage'])).toEqual({
      SITE_BUCKET: '$[[ inputs.bucket ]]',
      SITE_DRY_RUN: '$[[ inputs.dry-run ]]',
    });
  });
});
