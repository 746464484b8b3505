// IAM is enforced for every scenario: the role gets the component's policy.json, scoped to the
// scenario, and nothing more. Take an action out of a copy of the policy (or scope it to another
// bucket) and the happy-path scenario must fail with AccessDenied; the real policy.json is never touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverScenarios } from '../../src/harness/discover.js';
import { Harness } from '../../src/harness/harness.js';
import type { PolicyDocument } from '../../src/harness/iam-policy.js';
import { REPO_ROOT } from '../../src/harness/tools.js';

const refs = await discoverScenarios(REPO_ROOT, ['s3-site'], { security: false });
const HAPPY = 'syncs the site with per-glob Cache-Control and invalidates CloudFront';
const policy = JSON.parse(readFileSync(join(REPO_ROOT, 'components', 's3-site', 'policy.json'), 'utf8')) as {
  Statement: Array<{ Action: string[]; Resource: string }>;
};

function without(action: string): PolicyDocument {
  const statements = policy.Statement.map((s) => ({ ...s, Action: s.Action.filter((a) => a !== action) })).filter(
    (s) => s.Action.length,
  );
  expect(
    JSON.stringify(statements),
    `components/s3-site/policy.json no longer grants ${action}: update this test`,
  ).not.toEqual(JSON.stringify(policy.Statement));
  return { ...policy, Statement: statements };
}

const cases: ReadonlyArray<{ what: string; policy: () => PolicyDocument; because: RegExp }> = [
  {
    what: 'without s3:PutObject (moto checks the action)',
    policy: () => without('s3:PutObject'),
    because: /AccessDenied/,
  },
  {
    what: 'without s3:ListBucket (the first call fails)',
    policy: () => without('s3:ListBucket'),
    because: /may not list s3:\/\/www-example-com/,
  },
  {
    what: 'without cloudfront:GetInvalidation (checked by the harness where moto cannot)',
    policy: () => without('cloudfront:GetInvalidation'),
    because: /not authorized to perform: cloudfront:GetInvalidation/,
  },
  {
    what: 'scoped to another bucket (moto checks S3 resources)',
    policy: () =>
      JSON.parse(
        JSON.stringify(policy).split('www-example-com').join('${AWS::AccountId}-other-bucket'),
      ) as PolicyDocument,
    because: /AccessDenied/,
  },
];

let harness: Harness;
beforeAll(async () => {
  harness = await Harness.start({ templatesDir: join(REPO_ROOT, 'templates'), keepFailedProjects: false });
});
afterAll(async () => harness?.stop());

describe('a policy.json missing what the job needs fails its scenario', () => {
  const ref = refs.find((r) => r.scenario.name === HAPPY);
  it('the unchanged policy passes', { timeout: 180_000 }, async () => {
    expect(ref, `scenario "${HAPPY}" of s3-site is gone: update this test`).toBeDefined();
    const out = await harness.run('s3-site', ref!.scenario);
    expect(out.failure).toBeUndefined();
  });
  for (const c of cases) {
    it(c.what, { timeout: 180_000 }, async () => {
      const out = await harness.run('s3-site', ref!.scenario, { policy: c.policy() });
      expect(out.passed).toBe(false);
      expect(out.failure).toMatch(/expected the pipeline to succeed, but it failed in job "deploy-site"/);
      expect(out.result?.trace).toMatch(c.because);
    });
  }
});
