// End-to-end scenarios for s3-site: run by `npm run catalog -- test s3-site` and `npm test`
// against moto (S3, CloudFront, STS) with GitLab id tokens minted by the harness.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import {
  CreateDistributionCommand,
  GetInvalidationCommand,
  ListDistributionsCommand,
  ListInvalidationsCommand,
  type CloudFrontClient,
} from '@aws-sdk/client-cloudfront';
import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { faults } from '../../src/harness/fault-proxy.js';
import { defineScenarios, type ScenarioContext } from '../../src/harness/scenario.js';

const BUCKET = 'www-example-com';

const SITE = {
  'public/index.html': '<!doctype html><title>Home</title><script src="/assets/app.3f9a1c.js"></script>',
  'public/about/index.html': '<!doctype html><title>About</title>',
  'public/assets/app.3f9a1c.js': 'console.log("app");\n',
  'public/robots.txt': 'User-agent: *\n',
};

async function bucketAndRole(ctx: ScenarioContext): Promise<Record<string, string>> {
  await ctx.aws.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  return { 'role-arn': await ctx.oidcRole(), bucket: BUCKET };
}

async function distribution(cf: CloudFrontClient): Promise<string> {
  const origin = `${BUCKET}.s3.amazonaws.com`;
  const out = await cf.send(
    new CreateDistributionCommand({
      DistributionConfig: {
        CallerReference: `scenario-${Date.now()}`,
        Comment: 'scenario',
        Enabled: true,
        Origins: {
          Quantity: 1,
          Items: [{ Id: 's3', DomainName: origin, S3OriginConfig: { OriginAccessIdentity: '' } }],
        },
        DefaultCacheBehavior: {
          TargetOriginId: 's3',
          ViewerProtocolPolicy: 'redirect-to-https',
          MinTTL: 0,
          ForwardedValues: { QueryString: false, Cookies: { Forward: 'none' } },
          TrustedSigners: { Enabled: false, Quantity: 0 },
        },
      },
    }),
  );
  return out.Distribution!.Id!;
}

async function cacheControl(s3: S3Client, key: string): Promise<string | undefined> {
  return (await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).CacheControl;
}

async function keys(s3: S3Client): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

export default defineScenarios('s3-site', [
  {
    name: 'syncs the site with per-glob Cache-Control and invalidates CloudFront',
    files: SITE,
    inputs: { 'wait-for-invalidation': true },
    setup: async (ctx) => ({
      ...(await bucketAndRole(ctx)),
      'distribution-id': await distribution(ctx.aws.cloudfront),
    }),
    expect: {
      status: 'success',
      trace: [
        's3-site: 4 to upload, 0 to delete, 0 unchanged',
        /s3-site: CloudFront invalidation \w+ created for \/\*/,
        's3-site: deployed to s3://www-example-com/',
      ],
    },
    verify: async (ctx, r) => {
      assert.deepEqual(await keys(ctx.aws.s3), [
        'about/index.html',
        'assets/app.3f9a1c.js',
        'index.html',
        'robots.txt',
      ]);
      assert.equal(await cacheControl(ctx.aws.s3, 'index.html'), 'public, max-age=0, must-revalidate');
      assert.equal(await cacheControl(ctx.aws.s3, 'about/index.html'), 'public, max-age=0, must-revalidate');
      assert.equal(await cacheControl(ctx.aws.s3, 'assets/app.3f9a1c.js'), 'public, max-age=31536000, immutable');
      assert.equal(await cacheControl(ctx.aws.s3, 'robots.txt'), 'public, max-age=300');
      const distributionId = await onlyDistribution(ctx.aws.cloudfront);
      const list = await ctx.aws.cloudfront.send(new ListInvalidationsCommand({ DistributionId: distributionId }));
      assert.equal(list.InvalidationList?.Quantity, 1, 'expected exactly one invalidation');
      const invalidationId = /invalidation (\w+) created/.exec(r.trace)?.[1];
      assert.equal(
        list.InvalidationList?.Items?.[0]?.Id,
        invalidationId,
        'the trace names another invalidation than the one created',
      );
      const inv = await ctx.aws.cloudfront.send(
        new GetInvalidationCommand({ DistributionId: distributionId, Id: invalidationId! }),
      );
      assert.deepEqual(inv.Invalidation?.InvalidationBatch?.Paths?.Items, ['/*']);
      assert.ok(
        (r.counts['cloudfront:GetInvalidation'] ?? 0) >= 1,
        'wait-for-invalidation did not poll GetInvalidation',
      );
    },
  },
  {
    name: 'a re-deploy of an unchanged site uploads nothing and skips the invalidation',
    files: SITE,
    runs: 2,
    setup: async (ctx) => ({
      ...(await bucketAndRole(ctx)),
      'distribution-id': await distribution(ctx.aws.cloudfront),
    }),
    expect: {
      status: 'success',
      trace: ['s3-site: 0 to upload, 0 to delete, 4 unchanged', 's3-site: nothing changed; no invalidation needed'],
    },
    verify: (_ctx, r) => {
      assert.equal(r.runs[0]?.counts['s3:PutObject'], 4, 'the first deploy should upload every file');
      assert.equal(r.counts['s3:PutObject'] ?? 0, 0, 'the re-deploy uploaded files');
      assert.equal(r.counts['s3:DeleteObject'] ?? 0, 0, 'the re-deploy deleted files');
      assert.equal(r.counts['cloudfront:CreateInvalidation'] ?? 0, 0, 'the re-deploy invalidated CloudFront');
    },
  },
  {
    name: 'deletes files removed from the site but keeps excluded ones under the prefix',
    files: SITE,
    inputs: { prefix: 'docs', exclude: 'legacy/*' },
    setup: async (ctx) => {
      const seeded = await bucketAndRole(ctx);
      for (const key of ['docs/old.html', 'docs/legacy/keep.html', 'other/untouched.txt']) {
        await ctx.aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'old' }));
      }
      return seeded;
    },
    expect: { status: 'success', trace: ['delete  old.html', 's3-site: 4 to upload, 1 to delete, 0 unchanged'] },
    verify: async (ctx) => {
      assert.deepEqual(await keys(ctx.aws.s3), [
        'docs/about/index.html',
        'docs/assets/app.3f9a1c.js',
        'docs/index.html',
        'docs/legacy/keep.html',
        'docs/robots.txt',
        'other/untouched.txt',
      ]);
    },
  },
  {
    name: 'S3 throttling (SlowDown) on uploads is retried',
    files: SITE,
    faults: [faults.throttle('PutObject', { times: 2 })],
    setup: bucketAndRole,
    expect: { status: 'success', trace: ['s3-site: deployed to s3://www-example-com/'] },
    verify: async (ctx, r) => {
      assert.equal(r.calls.filter((c) => c.fault === 'throttle:PutObject').length, 2);
      assert.equal((await keys(ctx.aws.s3)).length, 4);
    },
  },
  {
    name: 'a missing bucket fails the job with a clear message',
    files: SITE,
    setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole(), bucket: 'no-such-bucket' }),
    expect: { status: 'failed', trace: ["s3-site: error: bucket 'no-such-bucket' does not exist"] },
    verify: (_ctx, r) => assert.equal(r.counts['s3:PutObject'] ?? 0, 0),
  },
  {
    name: 'role assumption denied fails the job before anything is uploaded',
    files: SITE,
    setup: async (ctx) => {
      await ctx.aws.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      return {
        bucket: BUCKET,
        'role-arn': await ctx.oidcRole({ sub: 'project_path:acme/platform/site:ref_type:branch:ref:production' }),
      };
    },
    expect: {
      status: 'failed',
      trace: [
        's3-site: error: AWS refused the GitLab ID token for role',
        "check the role's trust policy",
        'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      ],
    },
    verify: async (ctx, r) => {
      assert.equal(r.counts['s3:PutObject'] ?? 0, 0);
      assert.deepEqual(await keys(ctx.aws.s3), []);
    },
  },
  {
    name: 'a missing source-dir fails before touching the bucket',
    inputs: { 'source-dir': 'dist' },
    files: SITE,
    setup: bucketAndRole,
    expect: { status: 'failed', trace: ["s3-site: error: source-dir 'dist' does not exist"] },
    verify: (_ctx, r) => assert.equal(r.calls.length, 0),
  },
  // Hostile and unlucky values (issue 10): refused before any AWS call, or handled literally.
  {
    name: 'a file:// Cache-Control value is refused before the AWS CLI can read that file',
    files: SITE,
    inputs: { 'cache-control-html': 'file:///etc/hostname' },
    setup: bucketAndRole,
    expect: {
      status: 'failed',
      trace: [
        "s3-site: error: input 'cache-control-html': 'file:///etc/hostname' starts with 'file://', which makes " +
          'the AWS CLI read that file or URL instead of the value',
      ],
    },
    verify: (_ctx, r) => assert.equal(r.calls.length, 0, 'the job called AWS before checking its inputs'),
  },
  {
    name: 'a CI/CD variable SITE_WAIT_TIMEOUT with a command in it is an error, not code',
    files: SITE,
    // A project CI/CD variable overrides the job's own variable of the same name.
    variables: { GCL_VARIABLE_SITE_WAIT_TIMEOUT: 'PATH[$(touch /tmp/catalog-s3-site-pwned)]' },
    setup: async (ctx) => {
      rmSync('/tmp/catalog-s3-site-pwned', { force: true });
      return bucketAndRole(ctx);
    },
    expect: {
      status: 'failed',
      trace: [
        "s3-site: error: input 'wait-timeout': 'PATH[$(touch /tmp/catalog-s3-site-pwned)]' is not a whole number",
      ],
    },
    verify: (_ctx, r) => {
      assert.equal(existsSync('/tmp/catalog-s3-site-pwned'), false, 'the value was executed');
      assert.equal(r.calls.length, 0);
    },
  },
  {
    name: 'a line break in environment-url cannot add variables to the dotenv report',
    files: SITE,
    inputs: { 'environment-url': 'https://www.example.com\nOIDC_ROLE_ARN=arn:aws:iam::123456789012:role/attacker' },
    setup: bucketAndRole,
    expect: { status: 'failed', trace: ["s3-site: error: input 'environment-url': contains a line break"] },
    verify: async (ctx, r) => {
      assert.equal(r.calls.length, 0, 'the job deployed before refusing the value');
      assert.deepEqual(await keys(ctx.aws.s3), []);
    },
  },
  {
    name: 'files and stale objects whose names start with - are uploaded and deleted',
    files: { 'public/index.html': '<!doctype html>', 'public/-rf.html': 'dash', 'public/--debug.txt': 'dash' },
    setup: async (ctx) => {
      const seeded = await bucketAndRole(ctx);
      await ctx.aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: '--old.txt', Body: 'old' }));
      return seeded;
    },
    expect: {
      status: 'success',
      trace: ['s3-site: 3 to upload, 1 to delete, 0 unchanged', 's3-site: deployed to s3://www-example-com/'],
    },
    verify: async (ctx) => assert.deepEqual(await keys(ctx.aws.s3), ['--debug.txt', '-rf.html', 'index.html']),
  },
  // Partial failures (issue 10): the message names what already changed and what to do.
  {
    name: 'DeleteObject denied after the uploads says the new site is live and what is left',
    files: SITE,
    faults: [faults.accessDenied('DeleteObject')],
    setup: async (ctx) => {
      const seeded = await bucketAndRole(ctx);
      await ctx.aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'old.html', Body: 'old' }));
      return { ...seeded, 'distribution-id': await distribution(ctx.aws.cloudfront) };
    },
    expect: {
      status: 'failed',
      trace: [
        's3-site: error: deleting s3://www-example-com/old.html failed: An error occurred (AccessDenied)',
        's3-site: already changed: the new site is uploaded (4 changed files) and 0 of 1 removed files were ' +
          'deleted; the rest are still in the bucket, and CloudFront was not invalidated',
        'what to do: the role arn:aws:iam::123456789012:role/gitlab-deploy lacks the permission AWS names above',
      ],
    },
    verify: async (ctx, r) => {
      assert.equal(r.counts['s3:PutObject'], 4);
      assert.equal(r.counts['cloudfront:CreateInvalidation'] ?? 0, 0);
      assert.ok((await keys(ctx.aws.s3)).includes('old.html'));
    },
  },
  {
    name: 'an invalidation throttled after the site changed says the site is deployed and how to invalidate',
    files: SITE,
    variables: { AWS_MAX_ATTEMPTS: '2' },
    faults: [faults.throttle('CreateInvalidation', { times: 10 })],
    setup: async (ctx) => ({
      ...(await bucketAndRole(ctx)),
      'distribution-id': await distribution(ctx.aws.cloudfront),
    }),
    expect: {
      status: 'failed',
      trace: [
        /s3-site: error: creating the CloudFront invalidation of \/\* on \w+ failed: .*Throttling/,
        's3-site: already changed: the site in s3://www-example-com/ is deployed (4 files uploaded, 0 deleted), ' +
          'but edge caches may serve old content',
        'what to do: AWS was still throttling after 2 attempts',
      ],
    },
    verify: async (ctx, r) => {
      assert.equal((await keys(ctx.aws.s3)).length, 4);
      assert.equal(r.calls.filter((c) => c.fault === 'throttle:CreateInvalidation').length, 2);
    },
  },
]);

async function onlyDistribution(cf: CloudFrontClient): Promise<string> {
  const out = await cf.send(new ListDistributionsCommand({}));
  return out.DistributionList!.Items![0]!.Id!;
}
