// The scenarios must be able to fail: break a copy of each component's generated script the
// way a careless edit would, and check that its happy-path scenario then fails, for the
// reason a user would notice. The real templates/ are never touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverScenarios } from '../../src/harness/discover.js';
import { Harness } from '../../src/harness/harness.js';
import { REPO_ROOT } from '../../src/harness/tools.js';

interface Mutation {
  readonly component: string;
  readonly scenario: string;
  readonly find: string;
  readonly replace: string;
  /** What the failure must mention. */
  readonly because: RegExp;
}

const MUTATIONS: readonly Mutation[] = [
  {
    component: 'oidc-auth',
    scenario: 'assumes the role with the minted id token',
    find: '--role-arn="$AWS_ROLE_ARN"',
    replace: '--role-arn="arn:aws:iam::123456789012:role/typo"',
    because: /expected the pipeline to succeed, but it failed/,
  },
  {
    component: 's3-site',
    scenario: 'syncs the site with per-glob Cache-Control and invalidates CloudFront',
    find: '--cache-control',
    replace: '--content-language',
    because: /AWS state check failed: .*(max-age|Cache)/s,
  },
  {
    component: 's3-site',
    scenario: 'syncs the site with per-glob Cache-Control and invalidates CloudFront',
    find: 'aws_call cloudfront create-invalidation',
    replace: 'echo cloudfront create-invalidation',
    because: /(expected the pipeline to succeed|does not contain|AWS state check failed)/,
  },
];

const dir = mkdtempSync(join(tmpdir(), 'catalog-broken-templates-'));
const refs = await discoverScenarios(REPO_ROOT, [], { security: false });
let harness: Harness;

beforeAll(async () => {
  harness = await Harness.start({ templatesDir: dir, keepFailedProjects: false });
});
afterAll(async () => {
  await harness?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a broken component script makes its scenario fail', () => {
  for (const m of MUTATIONS) {
    it(`${m.component}: ${m.find} -> ${m.replace}`, { timeout: 120_000 }, async () => {
      rmSync(dir, { recursive: true, force: true });
      cpSync(join(REPO_ROOT, 'templates'), dir, { recursive: true });
      const file = join(dir, m.component, 'template.yml');
      const text = readFileSync(file, 'utf8');
      expect(
        text.includes(m.find),
        `templates/${m.component}/template.yml no longer contains ${m.find}: update this mutation`,
      ).toBe(true);
      writeFileSync(file, text.split(m.find).join(m.replace));
      const ref = refs.find((r) => r.component === m.component && r.scenario.name === m.scenario);
      expect(ref, `scenario "${m.scenario}" of ${m.component} is gone: update this mutation`).toBeDefined();
      const out = await harness.run(m.component, ref!.scenario);
      expect(out.passed).toBe(false);
      expect(out.failure).toMatch(m.because);
    });
  }
});
