import { describe, expect, it } from 'vitest';
import { findings, lintProject } from '../../../../../test/security/lint-project.js';

const policy = (condition: unknown) =>
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'GitLab',
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/gitlab.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: condition,
        },
      ],
    },
    null,
    2,
  );
const check = (condition: unknown, file = 'iam/deploy-trust.json') => {
  const r = lintProject({
    '.gitlab-ci.yml': 'test:\n  script: echo\n',
    [file]: policy(condition),
    'iam/permissions.json': JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] }),
  });
  return { found: findings(r, 'security-broad-trust-policy'), results: r };
};

describe('security: IAM trust policies broader than the project', () => {
  it('flags a wildcard in the project part of sub', () => {
    const { found, results } = check({
      StringEquals: { 'gitlab.com:aud': 'https://gitlab.com' },
      StringLike: { 'gitlab.com:sub': 'project_path:acme/*:ref_type:branch:ref:main' },
    });
    expect(found).toEqual([
      'statement "GitLab": statement "GitLab" allows `sub` `project_path:acme/*:ref_type:branch:ref:main`: the ' +
        'project part `acme/*` matches more projects than this one',
    ]);
    expect(results.map((r) => [r.file, r.valid])).toEqual([
      ['.gitlab-ci.yml', true],
      ['iam/deploy-trust.json', false],
    ]);
  });

  it('flags a missing sub (any project on the instance) and a missing aud', () => {
    expect(check({}).found).toEqual([
      'statement "GitLab": statement "GitLab" has no `<host>:aud` condition, so a token minted for any ' +
        'audience is accepted',
      'statement "GitLab": statement "GitLab" has no `<host>:sub` condition: every project on the GitLab ' +
        'instance can assume the role',
    ]);
  });

  it('accepts this project on any of its branches; warns about a role for another project', () => {
    expect(
      check({
        StringEquals: { 'gitlab.com:aud': 'https://gitlab.com' },
        StringLike: { 'gitlab.com:sub': 'project_path:acme/shop:ref_type:branch:ref:*' },
      }).found,
    ).toEqual([]);
    const other = check({
      StringEquals: {
        'gitlab.com:aud': 'https://gitlab.com',
        'gitlab.com:sub': 'project_path:acme/billing:ref_type:branch:ref:main',
      },
    });
    expect(other.results[1]!.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: 'statement "GitLab" trusts project `acme/billing`, not this project (`acme/shop`)',
      }),
    ]);
  });
});
