// End-to-end scenarios for oidc-auth: run by `npm run catalog -- test oidc-auth` and `npm test`
// against moto, with GitLab id tokens minted by the harness.
import assert from 'node:assert/strict';
import { faults } from '../../src/harness/fault-proxy.js';
import { defineScenarios } from '../../src/harness/scenario.js';

const ASSUMED = new RegExp(
  String.raw`oidc-auth: assumed arn:aws:sts::123456789012:assumed-role\/gitlab-deploy\/` +
    String.raw`gitlab-acme-platform-site-\d+ for up to 3600s`,
);

export default defineScenarios('oidc-auth', [
  {
    name: 'assumes the role with the minted id token',
    setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole() }),
    expect: { status: 'success', trace: [ASSUMED, 'assumed-role/gitlab-deploy/'] },
    verify: (_ctx, r) => {
      assert.ok(
        (r.counts['sts:AssumeRoleWithWebIdentity'] ?? 0) >= 1,
        'the job never called AssumeRoleWithWebIdentity',
      );
      assert.equal(r.counts['sts:GetCallerIdentity'], 1);
      assert.ok(
        !r.calls.some((c) => c.status >= 400),
        `an AWS call failed: ${JSON.stringify(r.calls.filter((c) => c.status >= 400))}`,
      );
    },
  },
  {
    name: 'a StringLike trust policy for every branch of the group allows the job',
    setup: async (ctx) => ({
      'role-arn': await ctx.oidcRole({ sub: 'project_path:acme/platform/*:ref_type:branch:ref:*' }),
    }),
    expect: { status: 'success', trace: [ASSUMED] },
  },
  {
    name: 'role assumption denied when the trust policy names another project',
    setup: async (ctx) => ({
      'role-arn': await ctx.oidcRole({ sub: 'project_path:acme/other:ref_type:branch:ref:main' }),
    }),
    expect: {
      status: 'failed',
      trace: [
        'oidc-auth: error: AWS refused to let this job assume arn:aws:iam::123456789012:role/gitlab-deploy',
        'Not authorized to perform sts:AssumeRoleWithWebIdentity',
        '"sub":"project_path:acme/platform/site:ref_type:branch:ref:main"',
      ],
    },
    verify: (_ctx, r) => assert.equal(r.calls.find((c) => c.action === 'AssumeRoleWithWebIdentity')?.status, 403),
  },
  {
    name: 'an audience the OIDC provider does not list is refused',
    inputs: { audience: 'https://gitlab.example.com' },
    setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole({ aud: 'https://gitlab.com' }) }),
    expect: { status: 'failed', trace: ['Incorrect token audience', '"aud":"https://gitlab.example.com"'] },
  },
  {
    name: 'a session duration outside 900-43200 seconds fails before calling AWS',
    inputs: { 'session-duration': 60 },
    setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole() }),
    expect: { status: 'failed', trace: ['oidc-auth: error: session-duration 60 is outside 900-43200 seconds.'] },
    verify: (_ctx, r) => assert.equal(r.calls.length, 0, 'the job called AWS before checking its input'),
  },
  {
    name: 'STS throttling is retried',
    setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole() }),
    faults: [faults.throttle('AssumeRoleWithWebIdentity', { times: 2 })],
    expect: { status: 'success', trace: [ASSUMED] },
    verify: (_ctx, r) =>
      assert.equal(r.calls.filter((c) => c.fault === 'throttle:AssumeRoleWithWebIdentity').length, 2),
  },
]);
