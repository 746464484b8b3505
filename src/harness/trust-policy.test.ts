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

describe('trust policy evaluation for AssumeRoleWithWebIdentity', () => {
  it('allows an exact aud and sub', () => {
    expect(
      statementAllows(
        stmt({
          StringEquals: { 'gitlab.example.com:aud': 'https://gitlab.com', 'gitlab.example.com:sub': claims.sub },
        }),
        provider,
        'gitlab.example.com',
        claims,
      ),
    ).toBe(true);
  });
  it('treats * literally under StringEquals, as IAM does', () => {
    expect(
      statementAllows(
        stmt({ StringEquals: { 'gitlab.example.com:sub': 'project_path:acme/*' } }),
        provider,
        'gitlab.example.com',
        claims,
      ),
    ).toBe(false);
    expect(
      statementAllows(
        stmt({ StringLike: { 'gitlab.example.com:sub': 'project_path:acme/*' } }),
        provider,
        'gitlab.example.com',
        claims,
      ),
    ).toBe(true);
  });
  it('denies another project, another provider, or a condition on a claim IAM does not read', () => {
    expect(
      statementAllows(
        stmt({ StringEquals: { 'gitlab.example.com:sub': 'project_path:acme/other:ref_type:branch:ref:main' } }),
        provider,
        'gitlab.example.com',
        claims,
      ),
    ).toBe(false);
    expect(
      statementAllows(stmt({}), 'arn:aws:iam::123456789012:oidc-provider/gitlab.com', 'gitlab.example.com', claims),
    ).toBe(false);
    expect(
      statementAllows(
        stmt({ StringEquals: { 'gitlab.example.com:ref_protected': 'true' } }),
        provider,
        'gitlab.example.com',
        { ...claims, ref_protected: 'true' },
      ),
    ).toBe(false);
  });
  it('matches any of several values', () => {
    expect(
      statementAllows(
        stmt({ StringLike: { 'gitlab.example.com:sub': ['x', 'project_path:acme/site:ref_type:branch:ref:*'] } }),
        provider,
        'gitlab.example.com',
        claims,
      ),
    ).toBe(true);
  });
});
