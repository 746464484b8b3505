import { describe, expect, it } from 'vitest';
import { eventVariables, refSlug } from './pipeline-event.js';
import { allowsFailure, runStages, type PlannedJob } from './pipeline-run.js';

const stages = ['.pre', 'build', 'test', 'deploy', 'production', '.post'];

async function run(jobs: PlannedJob[], results: Record<string, 'success' | 'failed'> = {}, start: string[] = []) {
  const ran: string[] = [];
  const after: string[] = [];
  const out = await runStages(stages, jobs, {
    run: async (j) => {
      ran.push(j.name);
      return results[j.name] ?? 'success';
    },
    start: new Set(start),
    afterStage: async (s) => {
      after.push(s);
    },
  });
  return { ...out, ran, after };
}

describe('runStages', () => {
  const pipeline: PlannedJob[] = [
    { name: 'build', stage: 'build' },
    { name: 'test', stage: 'test' },
    { name: 'deploy-staging', stage: 'deploy' },
    { name: 'stop-review', stage: 'deploy', when: 'manual', allowFailure: true },
    { name: 'deploy-production', stage: 'production', when: 'manual', allowFailure: false },
    { name: 'smoke', stage: '.post' },
    { name: 'review', stage: 'deploy', when: 'never' },
  ];

  it('runs stage by stage and stops at a blocking manual job', async () => {
    const r = await run(pipeline);
    expect(r.ran).toEqual(['build', 'test', 'deploy-staging']);
    expect(r.status).toBe('blocked');
    expect(r.jobs.get('deploy-production')).toBe('manual');
    expect(r.jobs.get('stop-review')).toBe('manual');
    expect(r.jobs.get('smoke')).toBe('created');
    expect(r.jobs.has('review')).toBe(false);
    expect(r.after).toEqual(['build', 'test', 'deploy']);
  });

  it('runs a started manual job and the stages after it', async () => {
    const r = await run(pipeline, {}, ['deploy-production']);
    expect(r.ran).toEqual(['build', 'test', 'deploy-staging', 'deploy-production', 'smoke']);
    expect(r.status).toBe('success');
  });

  it('skips later on_success jobs after a failure, runs on_failure and always jobs', async () => {
    const jobs: PlannedJob[] = [
      ...pipeline,
      { name: 'notify', stage: '.post', when: 'on_failure' },
      { name: 'cleanup', stage: '.post', when: 'always' },
    ];
    const r = await run(jobs, { test: 'failed' }, ['deploy-production']);
    expect(r.ran).toEqual(['build', 'test', 'notify', 'cleanup']);
    expect(r.status).toBe('failed');
    expect(r.jobs.get('deploy-staging')).toBe('skipped');
    expect(r.jobs.get('deploy-production')).toBe('skipped');
  });

  it('a job allowed to fail does not stop the pipeline', async () => {
    const r = await run(
      [
        { name: 'lint', stage: 'test', allowFailure: true },
        { name: 'deploy', stage: 'deploy' },
      ],
      { lint: 'failed' },
    );
    expect(r.ran).toEqual(['lint', 'deploy']);
    expect(r.status).toBe('success');
  });
});

describe('runStages with needs', () => {
  it('a job with needs starts when its needs are done, not when its stage comes', async () => {
    const r = await run(
      [
        { name: 'build', stage: 'build' },
        { name: 'slow-test', stage: 'test' },
        { name: 'lint', stage: 'test', needs: [] },
        { name: 'deploy', stage: 'deploy', needs: [{ job: 'build' }] },
      ],
      { 'slow-test': 'failed' },
    );
    // deploy ignores the failed test it does not need; a stage-ordered job would have been skipped.
    expect(r.ran).toEqual(['build', 'slow-test', 'lint', 'deploy']);
    expect(r.jobs.get('deploy')).toBe('success');
    expect(r.status).toBe('failed');
  });

  it('a failed need skips the job unless it runs on_failure; a skipped need skips even those', async () => {
    const r = await run(
      [
        { name: 'plan', stage: 'deploy' },
        { name: 'apply', stage: 'deploy', needs: [{ job: 'plan' }] },
        { name: 'notify', stage: 'deploy', needs: [{ job: 'plan' }], when: 'on_failure' },
        { name: 'notify-apply', stage: 'deploy', needs: [{ job: 'apply' }], when: 'on_failure' },
        { name: 'report', stage: 'deploy', needs: [{ job: 'apply' }], when: 'always' },
      ],
      { plan: 'failed' },
    );
    expect(r.ran).toEqual(['plan', 'notify', 'report']);
    expect(r.jobs.get('apply')).toBe('skipped');
    expect(r.jobs.get('notify-apply')).toBe('skipped');
  });

  it('a job that needs a manual job that may fail is skipped until someone starts it', async () => {
    const jobs: PlannedJob[] = [
      { name: 'plan', stage: 'deploy' },
      { name: 'apply', stage: 'deploy', when: 'manual', allowFailure: true, needs: [{ job: 'plan' }] },
      { name: 'after-apply', stage: 'deploy', needs: [{ job: 'apply' }] },
      { name: 'smoke', stage: '.post' },
    ];
    const waiting = await run(jobs);
    expect(waiting.ran).toEqual(['plan', 'smoke']);
    expect(waiting.jobs.get('apply')).toBe('manual');
    expect(waiting.jobs.get('after-apply')).toBe('skipped');
    expect(waiting.status).toBe('success');
    const started = await run(jobs, {}, ['apply']);
    expect(started.ran).toEqual(['plan', 'apply', 'after-apply', 'smoke']);
  });

  it('a job that needs a manual job that may not fail waits, and the pipeline is blocked', async () => {
    const r = await run([
      { name: 'gate', stage: 'deploy', when: 'manual', allowFailure: false, needs: [] },
      { name: 'production', stage: 'deploy', needs: [{ job: 'gate' }] },
      { name: 'smoke', stage: '.post' },
    ]);
    expect(r.ran).toEqual([]);
    expect(r.jobs.get('production')).toBe('created');
    expect(r.jobs.get('smoke')).toBe('created');
    expect(r.status).toBe('blocked');
  });

  it('an optional need absent from the pipeline is ignored', async () => {
    const r = await run([
      { name: 'build', stage: 'build', when: 'never' },
      { name: 'test', stage: 'test', needs: [{ job: 'build', optional: true }] },
    ]);
    expect(r.ran).toEqual(['test']);
  });

  it('jobs of one stage all run after one of them fails; the next stage does not', async () => {
    const r = await run(
      [
        { name: 'unit', stage: 'test' },
        { name: 'e2e', stage: 'test' },
        { name: 'deploy', stage: 'deploy' },
      ],
      { unit: 'failed' },
    );
    expect(r.ran).toEqual(['unit', 'e2e']);
    expect(r.jobs.get('deploy')).toBe('skipped');
  });
});

describe('allowsFailure', () => {
  it('follows GitLab defaults for manual jobs', () => {
    expect(allowsFailure({ when: 'manual' }, 'manual')).toBe(true);
    expect(allowsFailure({ rules: [{ if: '$X', when: 'manual' }] }, 'manual')).toBe(false);
    expect(allowsFailure({ rules: [{ if: '$X', when: 'manual', allow_failure: true }] }, 'manual')).toBe(true);
    expect(allowsFailure({ when: 'manual', allow_failure: false }, 'manual')).toBe(false);
    expect(allowsFailure({}, 'on_success')).toBe(false);
    expect(allowsFailure({ allow_failure: { exit_codes: [3] } }, 'on_success')).toBe(true);
  });
});

describe('eventVariables', () => {
  const project = { defaultBranch: 'main' };
  it('a merge request pipeline has no CI_COMMIT_BRANCH and runs for the source branch', () => {
    const v = eventVariables({ kind: 'merge_request', iid: 7, source: 'feature/New-Header' }, project);
    expect(v.set.CI_PIPELINE_SOURCE).toBe('merge_request_event');
    expect(v.set.CI_MERGE_REQUEST_IID).toBe('7');
    expect(v.set.CI_MERGE_REQUEST_TARGET_BRANCH_NAME).toBe('main');
    expect(v.set.CI_COMMIT_REF_SLUG).toBe('feature-new-header');
    expect(v.unset).toContain('CI_COMMIT_BRANCH');
    expect([v.ref, v.refType, v.refProtected]).toEqual(['feature/New-Header', 'branch', false]);
  });
  it('a tag pipeline has CI_COMMIT_TAG, no branch, and a protected ref', () => {
    const v = eventVariables({ kind: 'tag', tag: 'v1.2.0' }, project);
    expect(v.set.CI_COMMIT_TAG).toBe('v1.2.0');
    expect(v.unset).toContain('CI_COMMIT_BRANCH');
    expect([v.refType, v.refProtected]).toEqual(['tag', true]);
  });
  it('a push to the default branch is protected', () => {
    const v = eventVariables({ kind: 'push', branch: 'main' }, project);
    expect(v.set.CI_COMMIT_BRANCH).toBe('main');
    expect(v.refProtected).toBe(true);
    expect(v.unset).toContain('CI_MERGE_REQUEST_IID');
  });
  it('slugs refs as GitLab does', () => {
    expect(refSlug('Feature/ÄB_c--')).toBe('feature--b-c');
    expect(refSlug('x'.repeat(70)).length).toBe(63);
  });
});
