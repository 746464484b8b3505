import { describe, expect, it } from 'vitest';
import { identifyCall, type ProxyResponse } from './aws-call.js';
import type { IssuedCredentials } from './fault-proxy.js';
import { accountTrustRule, heldToIam, iamAction, motoSignatureGapRule } from './iam-gaps.js';
import type { PolicyDocument } from './iam-policy.js';

const KEY = 'ASIAEXAMPLEKEY000001';
const creds: IssuedCredentials = {
  roleArn: 'arn:aws:iam::123456789012:role/gitlab-deploy',
  accessKeyId: KEY,
  secretAccessKey: 's',
  sessionToken: 'tok',
};
const auth = (service: string) => ({
  authorization:
    `AWS4-HMAC-SHA256 Credential=${KEY}/20261126/eu-west-1/${service}/aws4_request, ` +
    'SignedHeaders=host;x-amz-date, Signature=abc',
  'x-amz-security-token': 'tok',
});
const arn = encodeURIComponent('arn:aws:lambda:eu-west-1:123456789012:function:orders-api');
const lambda = (method: string, path: string, body = '') =>
  identifyCall(method, path, auth('lambda'), Buffer.from(body));

describe('Lambda REST calls are named by their API operation', () => {
  it.each([
    ['GET', '/2015-03-31/functions/orders-api/aliases/live', 'GetAlias'],
    ['PUT', '/2015-03-31/functions/orders-api/aliases/live', 'UpdateAlias'],
    ['GET', `/2015-03-31/functions/${arn}/aliases?FunctionVersion=3`, 'ListAliases'],
    ['POST', '/2015-03-31/functions/orders-api/versions', 'PublishVersion'],
    ['GET', '/2015-03-31/functions/orders-api/versions', 'ListVersionsByFunction'],
    ['GET', '/2015-03-31/functions/orders-api/configuration?Qualifier=7', 'GetFunctionConfiguration'],
    ['PUT', '/2015-03-31/functions/orders-api/code', 'UpdateFunctionCode'],
    ['DELETE', '/2015-03-31/functions/orders-api?Qualifier=2', 'DeleteFunction'],
    ['POST', `/2015-03-31/functions/${arn}/invocations?Qualifier=2`, 'Invoke'],
  ])('%s %s is %s', (method, path, action) => {
    expect(lambda(method, path).action).toBe(action);
  });

  it('needs the IAM action AWS documents, which moto does not always ask for', () => {
    expect(iamAction(lambda('POST', '/2015-03-31/functions/orders-api/invocations'))).toBe('lambda:InvokeFunction');
    expect(iamAction({ service: 'monitoring', action: 'DescribeAlarms' })).toBe('cloudwatch:DescribeAlarms');
    expect(iamAction({ service: 'ecs', action: 'UpdateService' })).toBe('ecs:UpdateService');
  });
});

const allow = (...Action: string[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action, Resource: '*' }],
});
const FROM_MOTO: ProxyResponse = { status: 200, headers: {}, body: Buffer.from('{"from":"moto"}') };

function gapRule(policy: PolicyDocument) {
  const forwarded: string[] = [];
  const rule = motoSignatureGapRule({
    issued: () => [creds],
    policiesOf: async () => [policy],
    unenforced: async (call) => {
      forwarded.push(call.action);
      return FROM_MOTO;
    },
  });
  return { rule, forwarded };
}

describe('calls moto cannot judge are judged by the harness, then answered by moto', () => {
  it('a body-less Lambda GET: allowed by lambda:GetAlias, refused without it', async () => {
    const call = lambda('GET', '/2015-03-31/functions/orders-api/aliases/live');
    const ok = gapRule(allow('lambda:GetAlias'));
    expect(await ok.rule.respond!(call, 1)).toBe(FROM_MOTO);
    const denied = gapRule(allow('lambda:UpdateAlias'));
    const res = await denied.rule.respond!(call, 1);
    expect(res?.status).toBe(403);
    expect(res?.body.toString()).toContain('not authorized to perform: lambda:GetAlias');
    expect(denied.forwarded).toEqual([]);
  });

  it('Invoke (a body, so moto checks the signature) counts as lambda:InvokeFunction, not lambda:Invoke', async () => {
    const call = lambda('POST', '/2015-03-31/functions/orders-api/invocations?Qualifier=2', '{}');
    expect(await gapRule(allow('lambda:InvokeFunction')).rule.respond!(call, 1)).toBe(FROM_MOTO);
    const res = await gapRule(allow('lambda:Invoke')).rule.respond!(call, 1);
    expect(res?.body.toString()).toContain('not authorized to perform: lambda:InvokeFunction');
  });

  it('CloudWatch (signed as "monitoring") is judged as cloudwatch:*', async () => {
    const call = identifyCall(
      'POST',
      '/',
      { ...auth('monitoring'), 'content-type': 'application/x-www-form-urlencoded' },
      Buffer.from('Action=DescribeAlarms&Version=2010-08-01'),
    );
    expect(await gapRule(allow('cloudwatch:DescribeAlarms')).rule.respond!(call, 1)).toBe(FROM_MOTO);
    expect((await gapRule(allow('monitoring:DescribeAlarms')).rule.respond!(call, 1))?.status).toBe(403);
  });

  it('calls moto judges itself are left to moto', async () => {
    const put = lambda('PUT', '/2015-03-31/functions/orders-api/aliases/live', '{"FunctionVersion":"2"}');
    const ecs = identifyCall(
      'POST',
      '/',
      { ...auth('ecs'), 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.UpdateService' },
      Buffer.from('{}'),
    );
    const s3 = identifyCall('GET', '/bucket?list-type=2', auth('s3'), Buffer.alloc(0));
    const { rule } = gapRule(allow());
    for (const call of [put, ecs, s3]) expect(await rule.respond!(call, 1)).toBeUndefined();
  });

  it('a session STS did not issue is refused', async () => {
    const call = identifyCall(
      'GET',
      '/2015-03-31/functions/orders-api/aliases/live',
      { ...auth('lambda'), 'x-amz-security-token': 'other' },
      Buffer.alloc(0),
    );
    const res = await gapRule(allow('lambda:*')).rule.respond!(call, 1);
    expect(res?.status).toBe(403);
    expect(res?.headers['x-amzn-errortype']).toBe('InvalidClientTokenId');
  });
});

describe('a simulated answer goes only to a caller allowed the action', () => {
  const call = identifyCall(
    'POST',
    '/',
    { ...auth('ecs'), 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ContinueServiceDeployment' },
    Buffer.from('{}'),
  );
  const simulated = { name: 'simulated', action: 'ContinueServiceDeployment', respond: () => FROM_MOTO };
  const opts = (policy: PolicyDocument) => ({ issued: () => [creds], policiesOf: async () => [policy] });

  it('answers when the role allows it, refuses otherwise', async () => {
    expect(await heldToIam(simulated, opts(allow('ecs:ContinueServiceDeployment'))).respond!(call, 1)).toBe(FROM_MOTO);
    const res = await heldToIam(simulated, opts(allow('ecs:DescribeServiceDeployments'))).respond!(call, 1);
    expect(res?.body.toString()).toContain('not authorized to perform: ecs:ContinueServiceDeployment');
  });

  it('injected errors and rules that let the call through are untouched', async () => {
    const throttle = { name: 'throttle', action: '*', respond: () => ({ ...FROM_MOTO, status: 400 }) };
    expect((await heldToIam(throttle, opts(allow())).respond!(call, 1))?.status).toBe(400);
    const probe = { name: 'probe', action: '*', respond: () => undefined };
    expect(await heldToIam(probe, opts(allow())).respond!(call, 1)).toBeUndefined();
  });
});

describe('sts:AssumeRole into a role that trusts the account (accountTrustRule)', () => {
  const target = 'arn:aws:iam::123456789012:role/cdk-hnb659fds-deploy-role-123456789012-us-east-1';
  const assume = identifyCall(
    'POST',
    '/',
    { ...auth('sts'), 'content-type': 'application/x-www-form-urlencoded' },
    Buffer.from(`Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(target)}&RoleSessionName=s`),
  );
  const trustsAccount: PolicyDocument = {
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }],
  };
  const rule = (policy: PolicyDocument) => {
    const forwarded: string[] = [];
    const r = accountTrustRule({
      accountId: '123456789012',
      issued: () => [creds],
      policiesOf: async () => [policy],
      trustOf: async (name) => (target.endsWith(`/${name}`) ? trustsAccount : undefined),
      unenforced: async (call) => {
        forwarded.push(call.action);
        return FROM_MOTO;
      },
    });
    return { respond: (call: typeof assume) => r.respond!(call, 1), forwarded };
  };
  const allowOn = (Resource: string): PolicyDocument => ({
    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource }],
  });

  it('lets in a caller whose policy allows sts:AssumeRole on that role', async () => {
    expect(await rule(allowOn('arn:aws:iam::123456789012:role/cdk-hnb659fds-*')).respond(assume)).toBe(FROM_MOTO);
  });

  it('refuses a caller whose policy allows sts:AssumeRole only on another role, as AWS does', async () => {
    const r = rule(allowOn('arn:aws:iam::123456789012:role/some-other-role'));
    const res = await r.respond(assume);
    expect(res?.status).toBe(403);
    expect(res?.body.toString()).toContain(`not authorized to perform: sts:AssumeRole on resource: ${target}`);
    expect(r.forwarded).toEqual([]);
  });
});
