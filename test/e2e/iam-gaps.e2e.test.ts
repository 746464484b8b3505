// Where moto cannot judge a call (a body-less REST call, an action it names differently from IAM),
// the harness does (src/harness/iam-gaps.ts). Take such an action out of a copy of lambda-deploy's
// policy.json and its canary scenario must fail, naming the IAM action; the real policy is never touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverScenarios } from '../../src/harness/discover.js';
import { Harness } from '../../src/harness/harness.js';
import type { PolicyDocument } from '../../src/harness/iam-policy.js';
import { REPO_ROOT } from '../../src/harness/tools.js';

const refs = await discoverScenarios(REPO_ROOT, ['lambda-deploy'], { security: false });
const CANARY = 'canary completes: 10% for a step while the alarm stays OK, then 100%; environment merged';
const policy = JSON.parse(readFileSync(join(REPO_ROOT, 'components', 'lambda-deploy', 'policy.json'), 'utf8')) as {
  Statement: Array<{ Action: string[] }>;
};

function without(action: string): PolicyDocument {
  const statements = policy.Statement.map((s) => ({ ...s, Action: s.Action.filter((a) => a !== action) })).filter(
    (s) => s.Action.length,
  );
  expect(
    JSON.stringify(statements),
    `components/lambda-deploy/policy.json no longer grants ${action}: update this test`,
  ).not.toEqual(JSON.stringify(policy.Statement));
  return { ...policy, Statement: statements };
}

const cases = [
  { what: 'without lambda:GetAlias (a body-less GET moto cannot authenticate)', action: 'lambda:GetAlias' },
  { what: 'without lambda:InvokeFunction (moto would ask for lambda:Invoke)', action: 'lambda:InvokeFunction' },
  {
    what: 'without cloudwatch:DescribeAlarms (moto would ask for monitoring:DescribeAlarms)',
    action: 'cloudwatch:DescribeAlarms',
  },
];

let harness: Harness;
beforeAll(async () => {
  harness = await Harness.start({ templatesDir: join(REPO_ROOT, 'templates'), keepFailedProjects: false });
});
afterAll(async () => harness?.stop());

describe('lambda-deploy: an action missing from policy.json fails the scenario even where moto cannot check it', () => {
  const ref = refs.find((r) => r.scenario.name === CANARY);
  for (const c of cases) {
    it(c.what, { timeout: 300_000 }, async () => {
      expect(ref, `scenario "${CANARY}" of lambda-deploy is gone: update this test`).toBeDefined();
      const out = await harness.run('lambda-deploy', ref!.scenario, { policy: without(c.action) });
      expect(out.passed).toBe(false);
      expect(out.failure).toMatch(/expected the pipeline to succeed, but it failed in job "deploy-lambda"/);
      expect(out.result?.trace).toContain(`is not authorized to perform: ${c.action}`);
    });
  }
});
