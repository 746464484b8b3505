// Whole-pipeline scenarios for ecs-service-pipeline: the pipeline GitLab would create for a merge
// request or a push to the default branch, stage after stage under gitlab-ci-local against moto
// (ECS rollouts completed by the fault proxy), manual jobs started when `start` names them, and
// AWS checked between jobs. No scenario may print a value stored in Secrets Manager.
import assert from 'node:assert/strict';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { faults } from '../../src/harness/fault-proxy.js';
import { defineScenarios, type ScenarioContext } from '../../src/harness/scenario.js';

const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const OLD = `${REGISTRY}/web:1.0`;
const NEW = `${REGISTRY}/web:2.0`;
const API_TOKEN = 'ci-api-token-4b8e2f6a1c9d';

const taskDefinition = (family: string) => ({
  family,
  networkMode: 'bridge' as const,
  containerDefinitions: [
    { name: 'app', image: OLD, memory: 256, essential: true, portMappings: [{ containerPort: 8080 }] },
  ],
});

/** Review, staging and production clusters; the web service in staging and production; three roles. */
async function seed(ctx: ScenarioContext): Promise<Record<string, unknown>> {
  const ecs = ctx.aws.ecs;
  for (const c of ['review', 'staging', 'production']) await ecs.send(new CreateClusterCommand({ clusterName: c }));
  await ecs.send(new RegisterTaskDefinitionCommand(taskDefinition('web')));
  await ecs.send(new RegisterTaskDefinitionCommand(taskDefinition('web-review')));
  for (const c of ['staging', 'production'])
    await ecs.send(
      new CreateServiceCommand({ cluster: c, serviceName: 'web', taskDefinition: 'web:1', desiredCount: 2 }),
    );
  await ctx.aws
    .client(SecretsManagerClient)
    .send(new CreateSecretCommand({ Name: 'ci/api-token', SecretString: API_TOKEN }));
  const project = `project_path:${ctx.projectPath}`;
  return {
    'review-role-arn': await ctx.oidcRole({ name: 'gitlab-web-review', sub: `${project}:ref_type:branch:ref:*` }),
    'staging-role-arn': await ctx.oidcRole({ name: 'gitlab-web-staging', sub: `${project}:ref_type:branch:ref:main` }),
    'production-role-arn': await ctx.oidcRole({
      name: 'gitlab-web-production',
      sub: `${project}:ref_type:branch:ref:main`,
    }),
  };
}

/** The image a service runs now, or undefined when the service does not exist (or is deleted). */
async function running(ecs: ECSClient, cluster: string, service: string): Promise<string | undefined> {
  const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  const svc = out.services?.[0];
  if (svc?.status !== 'ACTIVE') return undefined;
  const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition! }));
  return td.taskDefinition?.containerDefinitions?.find((c) => c.name === 'app')?.image;
}

const INPUTS = {
  'image-ref': NEW,
  'build-command': 'mkdir -p dist && echo built > dist/app.txt',
  'test-command': 'test -f dist/app.txt',
  service: 'web',
  'review-cluster': 'review',
  'staging-cluster': 'staging',
  'production-cluster': 'production',
  'review-task-definition': 'web-review',
  'review-url': 'https://$CI_COMMIT_REF_SLUG.review.example.com',
  'staging-url': 'https://staging.example.com',
  'production-url': 'https://www.example.com',
  'wait-timeout': 60,
  lint: false,
  // checkov's own scenarios are iac-scan's; static-site-pipeline runs it in a whole pipeline.
  'iac-scan': false,
};
const ROLLOUT = [faults.ecsRollout({ state: 'COMPLETED' })];

export default defineScenarios('ecs-service-pipeline', [
  {
    name:
      "a merge request pipeline creates a review service, its stop job deletes it, and the tests' secret " +
      'never appears in a trace',
    inputs: {
      ...INPUTS,
      secrets: 'API_TOKEN=sm:ci/api-token',
      'test-command': 'test -f dist/app.txt && test "${#API_TOKEN}" -gt 8 && echo "tests used the token"',
    },
    setup: seed,
    faults: ROLLOUT,
    pipeline: {
      event: { kind: 'merge_request', iid: 12, source: 'feature/checkout' },
      start: ['stop-review'],
      afterJob: {
        'deploy-review': async (ctx) => {
          assert.equal(
            await running(ctx.aws.ecs, 'review', 'review-feature-checkout'),
            NEW,
            'the review service does not run the new image',
          );
          assert.equal(await running(ctx.aws.ecs, 'staging', 'web'), OLD);
        },
      },
    },
    expect: {
      status: 'success',
      jobs: {
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
        'ecs-service-pipeline: created review service review-feature-checkout in cluster review from web-review',
        `ecs-service-pipeline: deploying ${NEW}`,
        'ecs-service-pipeline: review environment review/feature-checkout stopped: service ' +
          'review-feature-checkout deleted from cluster review',
      ],
    },
    verify: async (ctx) => {
      assert.equal(
        await running(ctx.aws.ecs, 'review', 'review-feature-checkout'),
        undefined,
        'the stop job left the review service running',
      );
      assert.equal(await running(ctx.aws.ecs, 'production', 'web'), OLD);
    },
  },
  {
    name: 'the default branch deploys staging and stops at the production gate',
    inputs: INPUTS,
    setup: seed,
    faults: ROLLOUT,
    pipeline: {
      event: { kind: 'push', branch: 'main' },
      afterStage: {
        deploy: async (ctx) => {
          assert.equal(await running(ctx.aws.ecs, 'staging', 'web'), NEW);
          assert.equal(
            await running(ctx.aws.ecs, 'production', 'web'),
            OLD,
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
        'deploy-staging': 'success',
        'deploy-production': 'manual',
      },
      trace: [`ecs-service-pipeline: deploying ${NEW}`, 'to environment staging'],
    },
    verify: async (ctx) => assert.equal(await running(ctx.aws.ecs, 'production', 'web'), OLD),
  },
  {
    name: 'starting the production gate deploys production, with its own role',
    inputs: INPUTS,
    setup: seed,
    faults: ROLLOUT,
    pipeline: { event: { kind: 'push', branch: 'main' }, start: ['deploy-production'] },
    expect: {
      status: 'success',
      jobs: { 'deploy-staging': 'success', 'deploy-production': 'success' },
      trace: [
        /oidc-auth: jobs will assume arn:aws:iam::123456789012:role\/gitlab-web-production /,
        'to environment production',
      ],
    },
    verify: async (ctx) => {
      assert.equal(await running(ctx.aws.ecs, 'staging', 'web'), NEW);
      assert.equal(await running(ctx.aws.ecs, 'production', 'web'), NEW);
    },
  },
  {
    name: 'a failing test job stops the pipeline before any deploy',
    inputs: { ...INPUTS, 'test-command': 'test -f dist/missing.txt' },
    setup: seed,
    faults: ROLLOUT,
    pipeline: { event: { kind: 'push', branch: 'main' }, start: ['deploy-production'] },
    expect: {
      status: 'failed',
      jobs: { build: 'success', test: 'failed', 'deploy-staging': 'skipped', 'deploy-production': 'skipped' },
      trace: ['ecs-service-pipeline: error: the test command failed; no environment is deployed.'],
    },
    verify: async (ctx, r) => {
      assert.equal(await running(ctx.aws.ecs, 'staging', 'web'), OLD);
      assert.equal(await running(ctx.aws.ecs, 'production', 'web'), OLD);
      assert.equal(r.counts['ecs:UpdateService'] ?? 0, 0);
    },
  },
]);
