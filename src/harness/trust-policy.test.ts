import { describe, expect, it } from 'vitest';
import { statementAllows } from './trust-policy.js';

const provider = 'arn:aws:iam::123456789012:oidc-provider/gitlab.example.com';
const claims = { aud: 'https://gitlab.com', sub: 'project_path:acme/site:ref_type:branch:ref:main' };
const stmt = (Condition: Record<string, Record<string, string | string[]>>) => ({
  Effect: 'Allow',
  Action: 'sts:AssumeRoleWithWebIdentity',
  Principal: { Federated: provider },
  Condition,
});
type Condition = Parameters<typeof stmt>[0];
/** Whether a statement with this condition lets a token with these claims, from our provider, assume the role. */
const allows = (condition: Condition, with_: Record<string, unknown> = claims) =>
  statementAllows(stmt(condition), provider, 'gitlab.example.com', with_);

describe('trust policy evaluation for AssumeRoleWithWebIdentity', () => {
  it('allows an exact aud and sub', () => {
    expect(
      allows({
        StringEquals: { 'gitlab.example.com:aud': 'https://gitlab.com', 'gitlab.example.com:sub': claims.sub },
      }),
    ).toBe(true);
  });
  it('treats * literally under StringEquals, as IAM does', () => {
    expect(allows({ StringEquals: { 'gitlab.example.com:sub': 'project_path:acme/*' } })).toBe(false);
    expect(allows({ StringLike: { 'gitlab.example.com:sub': 'project_path:acme/*' } })).toBe(true);
  });
  it('denies another project, another provider, or a condition on a claim IAM does not read', () => {
    expect(
      allows({ StringEquals: { 'gitlab.example.com:sub': 'project_path:acme/other:ref_type:branch:ref:main' } }),
    ).toBe(false);
    expect(
      statementAllows(stmt({}), 'arn:aws:iam::123456789012:oidc-provider/gitlab.com', 'gitlab.example.com', claims),
    ).toBe(false);
    expect(
      allows({ StringEquals: { 'gitlab.example.com:ref_protected': 'true' } }, { ...claims, ref_protected: 'true' }),
    ).toBe(false);
  });
  it('matches any of several values', () => {
    expect(
      allows({ StringLike: { 'gitlab.example.com:sub': ['x', 'project_path:acme/site:ref_type:branch:ref:*'] } }),
    ).toBe(true);
  });
});
