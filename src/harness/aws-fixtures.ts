// SDK clients for seeding and checking the emulator, and the GitLab OIDC role most scenarios need.
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { ECSClient } from '@aws-sdk/client-ecs';
import {
  CreateAccessKeyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { gitlabSub } from './id-token.js';
import type { AwsClients, ClientConfig, OidcRoleOptions } from './scenario.js';

export const ACCOUNT_ID = '123456789012';
export const REGION = 'us-east-1';

export function awsClients(
  endpoint: string,
  region = REGION,
  credentials = { accessKeyId: 'harness', secretAccessKey: 'harness' },
): AwsClients {
  const config: ClientConfig = { endpoint, region, credentials, forcePathStyle: true };
  return {
    s3: new S3Client(config),
    sts: new STSClient(config),
    iam: new IAMClient(config),
    cloudfront: new CloudFrontClient(config),
    ecs: new ECSClient(config),
    client: (ctor) => new ctor(config),
  };
}

export async function createOidcRole(
  iam: IAMClient,
  ctx: { issuer: string; projectPath: string; ref: string },
  opts: OidcRoleOptions = {},
): Promise<string> {
  const host = ctx.issuer.replace(/^https:\/\//, '');
  const aud = opts.aud ?? 'https://gitlab.com';
  const sub = opts.sub ?? gitlabSub(ctx.projectPath, 'branch', ctx.ref);
  const providerArn = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${host}`;
  try {
    await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: ctx.issuer,
        ClientIDList: [aud],
        ThumbprintList: ['0'.repeat(40)],
      }),
    );
  } catch (e) {
    if ((e as Error).name !== 'EntityAlreadyExistsException' && !/already exists/i.test((e as Error).message)) throw e;
  }
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${host}:aud`]: aud },
          [sub.includes('*') ? 'StringLike' : 'StringEquals']: { [`${host}:sub`]: sub },
        },
      },
    ],
  };
  // Two StringEquals blocks would collide in one object: merge them when sub is exact.
  const cond = trust.Statement[0]!.Condition as Record<string, Record<string, string>>;
  if (!sub.includes('*')) cond.StringEquals = { [`${host}:aud`]: aud, [`${host}:sub`]: sub };
  const name = opts.name ?? 'gitlab-deploy';
  const role = await iam.send(
    new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }),
  );
  // Without an explicit policy the harness attaches the component's policy.json once the
  // scenario's inputs are known (see harness.ts).
  if (opts.policy) await putRolePolicy(iam, name, opts.policy);
  return role.Role!.Arn!;
}

export async function putRolePolicy(iam: IAMClient, roleName: string, policy: object): Promise<void> {
  await iam.send(
    new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'deploy', PolicyDocument: JSON.stringify(policy) }),
  );
}

/**
 * An IAM user allowed everything, for the harness's own calls while moto enforces IAM (reading
 * trust policies, forwarding the web identity exchange). Jobs never see its keys.
 */
export async function createHarnessAdmin(iam: IAMClient): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const UserName = 'scenario-harness-admin';
  await iam.send(new CreateUserCommand({ UserName }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName,
      PolicyName: 'all',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      }),
    }),
  );
  const key = await iam.send(new CreateAccessKeyCommand({ UserName }));
  return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
}
