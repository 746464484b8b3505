import { describe, expect, it } from 'vitest';
import { policyAllowsAction } from './iam-gaps.js';
import { fillPolicy, forMoto, type PolicyDocument } from './iam-policy.js';

const ecs: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Svc',
      Effect: 'Allow',
      Action: ['ecs:UpdateService'],
      Resource: 'arn:aws:ecs:eu-west-1:123456789012:service/production/web',
    },
    {
      Sid: 'Pass',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: ['arn:aws:iam::123456789012:role/web-task'],
      Condition: { ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:eu-west-1:123456789012:cluster/production' } },
    },
  ],
};

describe('fillPolicy: resources scoped to the scenario as a user would', () => {
  it('replaces the account, the region and the example names in whole path segments only', () => {
    const out = fillPolicy(ecs, {
      accountId: '000000000000',
      region: 'us-east-1',
      inputs: { cluster: 'c1', service: 'arn:aws:ecs:us-east-1:000000000000:service/c1/api' },
      examples: { cluster: 'production', service: 'web' },
    });
    const [svc, pass] = out.Statement as Array<{ Resource: unknown; Condition?: unknown }>;
    expect(svc!.Resource).toBe('arn:aws:ecs:us-east-1:000000000000:service/c1/api');
    // `web-task` is not the example `web`; the IAM ARN has no region.
    expect(pass!.Resource).toEqual(['arn:aws:iam::000000000000:role/web-task']);
    expect(pass!.Condition).toEqual({ ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:000000000000:cluster/c1' } });
  });

  it(
    'fills ${AWS::AccountId}, ${AWS::Region} and ${<input>} placeholders; leaves variable references ' +
      'and unknown names',
    () => {
      const doc: PolicyDocument = {
        Statement: {
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: ['arn:aws:s3:::${bucket}/*', 'arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:${other}'],
        },
      };
      const out = fillPolicy(doc, {
        accountId: '111111111111',
        region: 'eu-central-1',
        inputs: { bucket: 'site-b' },
        examples: {},
      });
      expect((out.Statement as Array<{ Resource: unknown }>)[0]!.Resource).toEqual([
        'arn:aws:s3:::site-b/*',
        'arn:aws:logs:eu-central-1:111111111111:log-group:${other}',
      ]);
      const viaVariable = fillPolicy(
        { Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::www-example-com' }] },
        { accountId: '1', region: 'r', inputs: { bucket: '$SITE_BUCKET' }, examples: { bucket: 'www-example-com' } },
      );
      expect((viaVariable.Statement as Array<{ Resource: unknown }>)[0]!.Resource).toBe('arn:aws:s3:::www-example-com');
    },
  );
});

describe('forMoto: what moto can check', () => {
  it('keeps S3 resources (moto authorizes them) and widens other services to *, splitting mixed statements', () => {
    const out = forMoto({
      Statement: [
        {
          Sid: 'Mixed',
          Effect: 'Allow',
          Action: ['s3:PutObject', 'cloudfront:CreateInvalidation'],
          Resource: ['arn:aws:s3:::b/*', 'arn:aws:cloudfront::1:distribution/E1'],
        },
        ...(ecs.Statement as object[]),
      ],
    } as PolicyDocument);
    expect(out.Statement).toEqual([
      {
        Sid: 'Mixed',
        Effect: 'Allow',
        Action: ['s3:PutObject'],
        Resource: ['arn:aws:s3:::b/*', 'arn:aws:cloudfront::1:distribution/E1'],
      },
      { Sid: 'MixedNotS3', Effect: 'Allow', Action: ['cloudfront:CreateInvalidation'], Resource: '*' },
      { Sid: 'Svc', Effect: 'Allow', Action: ['ecs:UpdateService'], Resource: '*' },
      {
        Sid: 'Pass',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: '*',
        Condition: { ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:eu-west-1:123456789012:cluster/production' } },
      },
    ]);
  });
});

describe('policyAllowsAction (the calls moto cannot authenticate)', () => {
  const p: PolicyDocument = {
    Statement: [
      { Effect: 'Allow', Action: ['cloudfront:Get*'], Resource: '*' },
      { Effect: 'Deny', Action: 'cloudfront:GetDistribution', Resource: '*' },
    ],
  };
  it('allows by wildcard, denies by an explicit Deny and by default', () => {
    expect(policyAllowsAction([p], 'cloudfront:GetInvalidation')).toBe(true);
    expect(policyAllowsAction([p], 'cloudfront:GetDistribution')).toBe(false);
    expect(policyAllowsAction([p], 'cloudfront:ListInvalidations')).toBe(false);
    expect(policyAllowsAction([], 'cloudfront:GetInvalidation')).toBe(false);
  });
  it('with a resource, counts only statements whose Resource matches it (or NotResource does not)', () => {
    const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
    const scoped: PolicyDocument = {
      Statement: [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/cdk-hnb659fds-*' },
        { Effect: 'Deny', Action: 'sts:*', NotResource: 'arn:aws:iam::*:role/cdk-*' },
      ],
    };
    expect(policyAllowsAction([scoped], 'sts:AssumeRole', role('cdk-hnb659fds-deploy-role'))).toBe(true);
    expect(policyAllowsAction([scoped], 'sts:AssumeRole', role('cdk-other-role'))).toBe(false);
    expect(policyAllowsAction([scoped], 'sts:AssumeRole', role('admin'))).toBe(false);
    // ARNs are case-sensitive.
    expect(policyAllowsAction([scoped], 'sts:AssumeRole', role('CDK-hnb659fds-deploy-role'))).toBe(false);
  });
});

describe('forMoto keeps what the harness checks itself', () => {
  it("keeps sts:AssumeRole's role ARNs (accountTrustRule checks them), widening the rest of the statement", () => {
    const out = forMoto({
      Statement: [
        { Effect: 'Allow', Action: ['sts:AssumeRole', 'ssm:GetParameter'], Resource: 'arn:aws:iam::1:role/cdk-*' },
      ],
    });
    expect(out.Statement).toEqual([
      { Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: 'arn:aws:iam::1:role/cdk-*' },
      { Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: '*' },
    ]);
  });
});
