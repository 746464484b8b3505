// The harness itself, end to end, on a throwaway component (test/e2e/fixtures/templates/whoami):
// real moto, real gitlab-ci-local, real git, real AWS CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Harness } from '../../src/harness/harness.js';
import { faults } from '../../src/harness/fault-proxy.js';
import type { Scenario } from '../../src/harness/scenario.js';

const templatesDir = fileURLToPath(new URL('./fixtures/templates', import.meta.url));
let harness: Harness;

beforeAll(async () => {
  harness = await Harness.start({ templatesDir, keepFailedProjects: false });
});
afterAll(async () => harness?.stop());

const run = async (s: Scenario) => {
  const out = await harness.run('whoami', s);
  return out;
};

describe('harness on a throwaway component', () => {
  it('assumes the role with a minted GitLab id token through include: component', async () => {
    const out = await run({
      name: 'happy',
      setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole({ name: 'deployer' }) }),
      expect: { status: 'success', trace: [/assumed-role\/deployer\/gitlab-\d+/] },
    });
    expect(out.failure).toBeUndefined();
    // The tag-only job is excluded by its rules on this branch pipeline.
    expect(out.result?.jobs.map((j) => j.name)).toEqual(['whoami']);
    expect(out.result?.counts['sts:AssumeRoleWithWebIdentity']).toBe(1);
    expect(out.result?.trace).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });

  it('denies the role when its trust policy names another project', async () => {
    const out = await run({
      name: 'denied',
      setup: async (ctx) => ({
        'role-arn': await ctx.oidcRole({ sub: 'project_path:other/project:ref_type:branch:ref:main' }),
      }),
      expect: { status: 'failed', trace: ['AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity'] },
    });
    expect(out.failure).toBeUndefined();
  });

  it('denies a token whose aud the provider does not list', async () => {
    const out = await run({
      name: 'wrong-aud',
      inputs: { audience: 'https://other.example.com' },
      setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole() }),
      expect: { status: 'failed', trace: ['InvalidIdentityToken', 'Incorrect token audience'] },
    });
    expect(out.failure).toBeUndefined();
  });

  it('retries through injected throttling and logs every call', async () => {
    const out = await run({
      name: 'throttled',
      setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole() }),
      faults: [faults.throttle('GetCallerIdentity', { times: 2 })],
      variables: { AWS_RETRY_MODE: 'standard', AWS_MAX_ATTEMPTS: '4' },
      expect: { status: 'success' },
    });
    expect(out.failure).toBeUndefined();
    expect(out.result?.counts['sts:GetCallerIdentity']).toBe(3);
    expect(out.result?.calls.filter((c) => c.fault === 'throttle:GetCallerIdentity')).toHaveLength(2);
  });

  it('reports a scenario whose expectation is wrong, naming scenario and component', async () => {
    const out = await run({
      name: 'expects-failure',
      setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole() }),
      expect: { status: 'failed' },
    });
    expect(out.passed).toBe(false);
    expect(out.failure).toMatch(
      /scenario "expects-failure" of component "whoami": expected the pipeline to fail, but it succeeded/,
    );
  });

  it('refuses an input the component does not declare, naming it and the inputs it has', async () => {
    const out = await run({ name: 'typo', inputs: { 'role-ar': 'x' }, expect: { status: 'success' } });
    expect(out.passed).toBe(false);
    expect(out.failure).toMatch(
      new RegExp(
        String.raw`scenario "typo" of component "whoami": input\(s\) "role-ar" not declared by the ` +
          'component.*fix: use one of stage, job-name, role-arn',
      ),
    );
  });

  it('refuses an expired token as STS does', async () => {
    const out = await run({
      name: 'expired',
      token: { ttlSeconds: -120 },
      setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole() }),
      expect: { status: 'failed', trace: ['ExpiredTokenException'] },
    });
    expect(out.failure).toBeUndefined();
  });
});

describe('credentials: every job gets its own HOME and TMPDIR, and nothing may outlive or leave the job', () => {
  it('fails a scenario whose job leaves the token file and the AWS CLI cache behind, naming both', async () => {
    const out = await run({
      name: 'leaves-credentials',
      setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole() }),
      variables: { WHOAMI_LEAK: 'keep' },
      expect: { status: 'success' },
    });
    expect(out.passed).toBe(false);
    expect(out.failure).toMatch(/credentials left behind after the job ended/);
    expect(out.failure).toMatch(/TMPDIR: aws-id-token \(contains the ID token minted for job "whoami"\)/);
    expect(out.failure).toMatch(
      /HOME: \.aws\/cli\/cache\/\w+\.json \(an AWS CLI credential cache, contains the session's access key id/,
    );
  });

  it('gives the job a HOME and a TMPDIR of its own inside the scenario, not the real ones', async () => {
    const out = await run({
      name: 'own-home',
      setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole() }),
      variables: { WHOAMI_LEAK: 'where' },
      expect: { status: 'success' },
    });
    expect(out.failure).toBeUndefined();
    const dirs = `${out.result!.projectDir}/.gitlab-ci-local/job-dirs/run1-1`;
    expect(out.result?.trace).toContain(`home=${dirs}/home tmp=${dirs}/tmp`);
  });

  it('fails a scenario whose job prints its ID token, although the trace is masked', async () => {
    const out = await run({
      name: 'prints-token',
      setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole() }),
      variables: { WHOAMI_LEAK: 'trace' },
      expect: { status: 'success' },
    });
    expect(out.passed).toBe(false);
    expect(out.failure).toMatch(/credentials in the job trace.*job "whoami" printed its ID token/);
    expect(out.result?.trace).toContain('token [MASKED]');
    expect(out.result?.trace).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });

  it('fails a scenario whose job prints session keys STS issued, and masks them in the kept trace', async () => {
    const out = await run({
      name: 'prints-keys',
      setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole() }),
      variables: { WHOAMI_LEAK: 'keys' },
      expect: { status: 'success' },
    });
    expect(out.passed).toBe(false);
    expect(out.failure).toContain(
      'job "whoami" printed the session\'s access key id; job "whoami" printed the session\'s secret access key; ' +
        'job "whoami" printed the session\'s token',
    );
    expect(out.result?.trace).toMatch(/"SecretAccessKey": "\[MASKED\]"/);
  });
});
