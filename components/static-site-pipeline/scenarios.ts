// Whole-pipeline scenarios for static-site-pipeline: the harness runs the pipeline GitLab would
// create for a merge request, a push to the default branch or a tag (rules evaluated with that
// event's variables), stage after stage under gitlab-ci-local against moto, starts the manual jobs
// named in `start`, and checks AWS between jobs. Every scenario also fails if a job prints (or
// leaves behind) a value stored in Secrets Manager or Parameter Store.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateDistributionCommand,
  ListDistributionsCommand,
  ListInvalidationsCommand,
  type CloudFrontClient,
} from '@aws-sdk/client-cloudfront';
import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadYaml } from '../../src/gitlab/yaml.js';
import { defineScenarios, type ScenarioContext } from '../../src/harness/scenario.js';
import { SSH_FROM_ANYWHERE_TF } from '../iac-scan/scenarios.js';

const BUCKETS = {
  review: 'www-example-com-review',
  staging: 'www-example-com-staging',
  production: 'www-example-com-production',
};
const API_TOKEN = 'ci-api-token-7f3a9c1e5b2d';

// The project: sources under site/, a build that copies them to public/ with the commit in the
// footer, and tests that check the built pages.
const FILES = {
  'site/index.html': '<!doctype html><title>Home</title>',
  'site/about/index.html': '<!doctype html><title>About</title>',
  'site/assets/app.3f9a1c.js': 'console.log("app");\n',
};
const BUILD = 'mkdir -p public && cp -R site/. public/ && echo "<!-- $CI_COMMIT_SHORT_SHA -->" >> public/index.html';
const TEST = 'grep -q "<title>Home</title>" public/index.html && test -f public/about/index.html';

async function objects(s3: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

async function distribution(cf: CloudFrontClient, bucket: string): Promise<string> {
  const out = await cf.send(
    new CreateDistributionCommand({
      DistributionConfig: {
        CallerReference: `scenario-${bucket}-${Date.now()}`,
        Comment: bucket,
        Enabled: true,
        Origins: {
          Quantity: 1,
          Items: [{ Id: 's3', DomainName: `${bucket}.s3.amazonaws.com`, S3OriginConfig: { OriginAccessIdentity: '' } }],
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

/** Three buckets, two distributions, a secret for the tests, and three roles trusted as the docs set them up. */
async function seed(ctx: ScenarioContext): Promise<Record<string, string>> {
  for (const b of Object.values(BUCKETS)) await ctx.aws.s3.send(new CreateBucketCommand({ Bucket: b }));
  await ctx.aws
    .client(SecretsManagerClient)
    .send(new CreateSecretCommand({ Name: 'ci/api-token', SecretString: API_TOKEN }));
  const project = `project_path:${ctx.projectPath}`;
  return {
    'review-role-arn': await ctx.oidcRole({ name: 'gitlab-site-review', sub: `${project}:ref_type:branch:ref:*` }),
    'staging-role-arn': await ctx.oidcRole({ name: 'gitlab-site-staging', sub: `${project}:ref_type:branch:ref:main` }),
    'production-role-arn': await ctx.oidcRole({
      name: 'gitlab-site-production',
      sub: `${project}:ref_type:branch:ref:main`,
    }),
    'review-bucket': BUCKETS.review,
    'staging-bucket': BUCKETS.staging,
    'production-bucket': BUCKETS.production,
    'staging-distribution-id': await distribution(ctx.aws.cloudfront, BUCKETS.staging),
    'production-distribution-id': await distribution(ctx.aws.cloudfront, BUCKETS.production),
  };
}

const INPUTS = {
  'build-command': BUILD,
  'test-command': TEST,
  'review-url': 'https://review.example.com/review/$CI_COMMIT_REF_SLUG/',
  'staging-url': 'https://staging.example.com',
  'production-url': 'https://www.example.com',
  lint: false,
  // checkov's own scenarios are iac-scan's; one scenario below runs it in the pipeline.
  'iac-scan': false,
};
const SITE = ['about/index.html', 'assets/app.3f9a1c.js', 'index.html'];
const MR = { kind: 'merge_request', iid: 7, source: 'feature/New-Header' } as const;

export default defineScenarios('static-site-pipeline', [
  {
    name:
      "a merge request pipeline deploys a review site, its stop job removes it, and the tests' secret never " +
      'appears in a trace',
    files: FILES,
    // The tests read a token from Secrets Manager with the review role, and use it without printing it.
    inputs: {
      ...INPUTS,
      secrets: 'API_TOKEN=sm:ci/api-token',
      'test-command': `${TEST} && test "\${#API_TOKEN}" -gt 8 && echo "tests used the token"`,
    },
    setup: seed,
    pipeline: {
      event: MR,
      start: ['stop-review'],
      afterJob: {
        'deploy-review': async (ctx) => {
          assert.deepEqual(
            await objects(ctx.aws.s3, BUCKETS.review),
            SITE.map((k) => `review/feature-new-header/${k}`),
          );
        },
      },
    },
    expect: {
      status: 'success',
      jobs: {
        validate: 'absent',
        build: 'success',
        test: 'success',
        'deploy-review': 'success',
        'stop-review': 'success',
        'deploy-staging': 'absent',
        'deploy-production': 'absent',
      },
      trace: [
        "aws-secrets: loaded 1 secret(s) as variables for this job's script: API_TOKEN",
        'tests used the token',
        /static-site-pipeline: deploying build [0-9a-f]{7,8} \(3 files\) to environment review\/feature-new-header/,
        's3-site: deployed to s3://www-example-com-review/review/feature-new-header/',
        'static-site-pipeline: review environment review/feature-new-header stopped: 3 object(s) removed from ' +
          's3://www-example-com-review/review/feature-new-header/',
      ],
    },
    verify: async (ctx) => {
      assert.deepEqual(await objects(ctx.aws.s3, BUCKETS.review), [], 'the stop job left the review site behind');
      assert.deepEqual(await objects(ctx.aws.s3, BUCKETS.staging), []);
      assert.deepEqual(await objects(ctx.aws.s3, BUCKETS.production), []);
    },
    inspect: (_ctx, r) => {
      // The review environment as GitLab sees it: stopped by stop-review, or by itself after a week.
      const expanded = join(r.projectDir, '.gitlab-ci-local', 'expanded-gitlab-ci.yml');
      const doc = loadYaml(expanded, readFileSync(expanded, 'utf8')) as Record<
        string,
        { environment?: Record<string, string> }
      >;
      const env = doc['deploy-review']?.environment ?? {};
      const stop = doc['stop-review']?.environment ?? {};
      const found: string[] = [];
      if (env.name !== 'review/$CI_COMMIT_REF_SLUG' || env.on_stop !== 'stop-review' || env.auto_stop_in !== '1 week')
        found.push(`deploy-review's environment is ${JSON.stringify(env)}`);
      if (stop.name !== 'review/$CI_COMMIT_REF_SLUG' || stop.action !== 'stop')
        found.push(`stop-review's environment is ${JSON.stringify(stop)}`);
      return found;
    },
  },
  {
    name: 'the default branch deploys staging and stops at the production gate',
    files: FILES,
    inputs: INPUTS,
    setup: seed,
    pipeline: {
      event: { kind: 'push', branch: 'main' },
      afterStage: {
        deploy: async (ctx) => {
          assert.deepEqual(await objects(ctx.aws.s3, BUCKETS.staging), SITE);
          assert.deepEqual(
            await objects(ctx.aws.s3, BUCKETS.production),
            [],
            'production changed before anyone started the gate',
          );
        },
      },
    },
    expect: {
      status: 'blocked',
      jobs: {
        build: 'success',
        test: 'success',
        'deploy-review': 'absent',
        'stop-review': 'absent',
        'deploy-staging': 'success',
        'deploy-production': 'manual',
      },
      trace: [
        /deploying build [0-9a-f]{7,8} \(3 files\) to environment staging/,
        's3-site: deployed to s3://www-example-com-staging/',
        /s3-site: CloudFront invalidation \w+ created/,
      ],
    },
    verify: async (ctx, r) => {
      assert.deepEqual(await objects(ctx.aws.s3, BUCKETS.production), []);
      assert.deepEqual(await objects(ctx.aws.s3, BUCKETS.review), []);
      assert.equal(r.counts['cloudfront:CreateInvalidation'], 1);
    },
  },
  {
    name: 'starting the production gate deploys production, with its own role',
    files: FILES,
    inputs: INPUTS,
    setup: seed,
    pipeline: {
      event: { kind: 'push', branch: 'main' },
      start: ['deploy-production'],
      afterStage: {
        deploy: async (ctx) =>
          assert.deepEqual(
            await objects(ctx.aws.s3, BUCKETS.production),
            [],
            'production changed in the staging stage',
          ),
      },
    },
    expect: {
      status: 'success',
      jobs: { 'deploy-staging': 'success', 'deploy-production': 'success' },
      trace: [
        /oidc-auth: jobs will assume arn:aws:iam::123456789012:role\/gitlab-site-staging /,
        /oidc-auth: jobs will assume arn:aws:iam::123456789012:role\/gitlab-site-production /,
        's3-site: deployed to s3://www-example-com-production/',
      ],
    },
    verify: async (ctx, r) => {
      assert.deepEqual(await objects(ctx.aws.s3, BUCKETS.production), SITE);
      assert.equal(
        r.counts['cloudfront:CreateInvalidation'],
        2,
        'staging and production should each be invalidated once',
      );
      const invalidations = await ctx.aws.cloudfront.send(
        new ListInvalidationsCommand({ DistributionId: await productionDistribution(ctx.aws.cloudfront) }),
      );
      assert.equal(
        invalidations.InvalidationList?.Quantity,
        1,
        'the production distribution should be invalidated once',
      );
    },
  },
  {
    name: 'a failing test job stops the pipeline before any deploy',
    files: FILES,
    inputs: { ...INPUTS, 'test-command': 'grep -q "<title>Welcome</title>" public/index.html' },
    setup: seed,
    pipeline: { event: { kind: 'push', branch: 'main' }, start: ['deploy-production'] },
    expect: {
      status: 'failed',
      jobs: { build: 'success', test: 'failed', 'deploy-staging': 'skipped', 'deploy-production': 'skipped' },
      trace: ['static-site-pipeline: error: the test command failed; no environment is deployed.'],
    },
    verify: async (ctx, r) => {
      for (const b of Object.values(BUCKETS)) assert.deepEqual(await objects(ctx.aws.s3, b), [], `${b} changed`);
      assert.equal(r.counts['s3:PutObject'] ?? 0, 0);
    },
  },
  {
    name:
      "iac-scan in the validate stage: a High finding in the project's Terraform stops the pipeline before the " +
      'build',
    // SSH open to the internet (checkov CKV_AWS_24, High): the default threshold fails the validate stage.
    files: {
      ...FILES,
      'infra/main.tf': SSH_FROM_ANYWHERE_TF,
    },
    inputs: { ...INPUTS, 'iac-scan': true, 'iac-scan-paths': 'infra' },
    setup: seed,
    pipeline: { event: { kind: 'merge_request', iid: 8, source: 'feature/ssh' } },
    expect: {
      status: 'failed',
      jobs: { 'iac-scan': 'failed', build: 'skipped', test: 'skipped', 'deploy-review': 'skipped' },
      trace: [/iac-scan: High +CKV_AWS_24 +infra\/main\.tf:1/],
    },
    verify: async (ctx) => {
      for (const b of Object.values(BUCKETS)) assert.deepEqual(await objects(ctx.aws.s3, b), [], `${b} changed`);
    },
  },
  {
    name: 'a tag pipeline builds and tests and deploys nothing',
    files: FILES,
    inputs: INPUTS,
    setup: seed,
    pipeline: { event: { kind: 'tag', tag: 'v1.4.0' } },
    expect: {
      status: 'success',
      jobs: {
        build: 'success',
        test: 'success',
        'deploy-review': 'absent',
        'deploy-staging': 'absent',
        'deploy-production': 'absent',
      },
    },
    verify: (_ctx, r) => assert.equal(r.counts['s3:PutObject'] ?? 0, 0),
  },
]);

async function productionDistribution(cf: CloudFrontClient): Promise<string> {
  const out = await cf.send(new ListDistributionsCommand({}));
  return out.DistributionList!.Items!.find((d) => d.Comment === BUCKETS.production)!.Id!;
}
