import { describe, expect, it } from 'vitest';
import { reachesRun, type Reference } from './probes.js';

// cdk-deploy's shape: synth and diff run; deploy is manual and alone names the environment.
const reference = (extra: Record<string, unknown> = {}, running = ['fzmarker1x-synth', 'fzmarker1x-diff']) =>
  ({
    doc: {
      stages: ['build', 'deploy'],
      '.cdk': { image: 'fzmarker5x', script: ['run'] },
      'fzmarker1x-synth': { stage: 'build', image: 'fzmarker5x', variables: { CDK_CONTEXT: 'fzmarker3x' } },
      'fzmarker1x-diff': { stage: 'build', image: 'fzmarker5x', variables: { OIDC_ROLE_ARN: '$FZMARKER2X' } },
      'fzmarker1x-deploy': {
        stage: 'deploy',
        when: 'manual',
        resource_group: 'cdk-deploy/fzmarker4x',
        environment: { name: 'fzmarker4x' },
        variables: { OIDC_ROLE_ARN: '$FZMARKER2X' },
      },
      ...extra,
    },
    markers: new Map([
      ['job-name', 'fzmarker1x'],
      ['role-arn', '$FZMARKER2X'],
      ['context', 'fzmarker3x'],
      ['environment', 'fzmarker4x'],
      ['image', 'fzmarker5x'],
    ]),
    running: new Set(running),
  }) satisfies Reference;

describe('reachesRun: whether a probe needs its jobs run or only its YAML checked', () => {
  it('a value only a manual job holds reaches nothing the run executes', () => {
    expect(reachesRun(reference(), 'environment')).toBe(false);
  });

  it('a value in a job that runs, in its name or in a key outside jobs reaches the run', () => {
    for (const input of ['job-name', 'role-arn', 'context', 'image']) expect(reachesRun(reference(), input)).toBe(true);
    expect(reachesRun(reference({ variables: { ENV: 'fzmarker4x' } }), 'environment')).toBe(true);
  });

  it('a job left out counts when which jobs run may depend on a value (rules or when hold a marker)', () => {
    const ruled = reference({ audit: { rules: [{ if: '"fzmarker3x" == "x"' }], variables: { E: 'fzmarker4x' } } });
    expect(reachesRun(ruled, 'environment')).toBe(true);
  });

  it('an input without a marker is taken to reach everything', () => {
    expect(reachesRun(reference(), 'stage')).toBe(true);
  });
});
