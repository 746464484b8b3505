// End-to-end scenarios for ecs-deploy: run by `npm run catalog -- test ecs-deploy` and `npm test`
// against moto (ECS, EC2 for the default VPC, STS) through the harness's fault proxy.
// moto runs no containers: it leaves a deployment IN_PROGRESS forever and never creates a new
// deployment on update, so rollouts finishing (COMPLETED/FAILED) and containers' exit codes come
// from proxy rules; clusters, services, task definitions, tasks and their stop reasons are moto's.
import assert from 'node:assert/strict';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ContainerDefinition,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { faults, type FaultRule } from '../../src/harness/fault-proxy.js';
import { defineScenarios, type ClientConfig, type Scenario, type ScenarioContext } from '../../src/harness/scenario.js';
import { progressiveScenarios } from './progressive-scenarios.js';

const CLUSTER = 'production';
const SERVICE = 'web';
const FAMILY = 'web';
const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

/** Every scenario waits briefly: the rollout outcome comes on the second poll at the latest. */
const FAST = { 'poll-interval': 1, 'wait-timeout': 60, 'migration-timeout': 30 };

const CONTAINERS: ContainerDefinition[] = [
  // Container-level memory: moto's RunTask fails (HTTP 500) without it, although Fargate does not need it.
  {
    name: 'web',
    image: `${REGISTRY}/web:1.0`,
    memory: 256,
    essential: true,
    portMappings: [{ containerPort: 8080 }],
    environment: [
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'KEEP', value: 'me' },
    ],
  },
  { name: 'worker', image: `${REGISTRY}/web:1.0`, memory: 256, essential: false, command: ['bin/worker'] },
];

const TASK_DEF = {
  family: FAMILY,
  networkMode: 'awsvpc' as const,
  requiresCompatibilities: ['FARGATE' as const],
  cpu: '256',
  memory: '512',
  taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
  executionRoleArn: 'arn:aws:iam::123456789012:role/web-task-execution',
  runtimePlatform: { cpuArchitecture: 'ARM64' as const, operatingSystemFamily: 'LINUX' as const },
  ephemeralStorage: { sizeInGiB: 30 },
  containerDefinitions: CONTAINERS,
};

/** The emulator's endpoint, read from the clients the harness configured. */
function endpointOf(ctx: ScenarioContext): string {
  return ctx.aws.client(
    class {
      constructor(readonly config: ClientConfig) {}
    },
  ).config.endpoint;
}

/** The default VPC's first subnet and security group (moto creates both), for awsvpc services. */
async function defaultNetwork(ctx: ScenarioContext): Promise<{ subnet: string; securityGroup: string }> {
  const query = async (action: string, pattern: RegExp) => {
    const res = await fetch(endpointOf(ctx), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          `AWS4-HMAC-SHA256 Credential=harness/20260101/${ctx.region}/ec2/aws4_request, ` +
          `SignedHeaders=host, Signature=0`,
      },
      body: `Action=${action}&Version=2016-11-15`,
    });
    const m = pattern.exec(await res.text());
    if (!m) throw new Error(`moto's EC2 ${action} returned no match for ${pattern}`);
    return m[1]!;
  };
  return {
    subnet: await query('DescribeSubnets', /<subnetId>(subnet-[0-9a-f]+)<\/subnetId>/),
    securityGroup: await query('DescribeSecurityGroups', /<groupId>(sg-[0-9a-f]+)<\/groupId>/),
  };
}

interface World {
  readonly ecs: ECSClient;
  readonly inputs: Record<string, unknown>;
}

/** A cluster, `revisions` revisions of the web task definition and a Fargate service on the last. */
async function world(
  ctx: ScenarioContext,
  o: { revisions?: number; desiredCount?: number; service?: boolean } = {},
): Promise<World> {
  const ecs = ctx.aws.ecs;
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  for (let i = 0; i < (o.revisions ?? 1); i++) {
    await ecs.send(new RegisterTaskDefinitionCommand({ ...TASK_DEF, tags: [{ key: 'team', value: 'web' }] }));
  }
  const net = await defaultNetwork(ctx);
  if (o.service !== false) {
    await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: SERVICE,
        taskDefinition: `${FAMILY}:${o.revisions ?? 1}`,
        desiredCount: o.desiredCount ?? 2,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [net.subnet],
            securityGroups: [net.securityGroup],
            assignPublicIp: 'DISABLED',
          },
        },
      }),
    );
  }
  return { ecs, inputs: { 'role-arn': await ctx.oidcRole(), cluster: CLUSTER, service: SERVICE } };
}

async function service(ecs: ECSClient) {
  const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }));
  return out.services![0]!;
}

async function taskDefinition(ecs: ECSClient, ref: string) {
  const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref, include: ['TAGS'] }));
  return { ...out.taskDefinition!, tags: out.tags ?? [] };
}

async function activeRevisions(ecs: ECSClient, family = FAMILY): Promise<number[]> {
  const out = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE' }));
  return (out.taskDefinitionArns ?? []).map((a) => Number(a.split(':').pop())).sort((a, b) => a - b);
}

/**
 * Project CI/CD variables, as a user of GitLab's template has them: gitlab-ci-local reads
 * GCL_VARIABLE_<NAME> as `--variable NAME=...`, so they are expanded inside job `variables:`
 * the way GitLab expands them (plain environment variables would not be).
 */
const ciVariables = (vars: Record<string, string>) =>
  Object.fromEntries(Object.entries(vars).map(([k, v]) => [`GCL_VARIABLE_${k}`, v]));

const container = (td: { containerDefinitions?: ContainerDefinition[] }, name: string) =>
  td.containerDefinitions!.find((c) => c.name === name)!;
const env = (c: ContainerDefinition) => Object.fromEntries((c.environment ?? []).map((e) => [e.name, e.value]));
const calls = (r: { counts: Readonly<Record<string, number>> }, action: string) => r.counts[`ecs:${action}`] ?? 0;

/**
 * The rollout finishes after `polls` DescribeServices calls (the job's first call reads the service before the update).
 */
const rollout = (state: 'COMPLETED' | 'FAILED', polls = 2, reason?: string): FaultRule =>
  faults.ecsRollout({ state, inProgressPolls: polls, ...(reason ? { reason } : {}) });

/** What ECS's event log shows while a circuit breaker stops a deployment (moto keeps no events). */
const failureEvents: FaultRule = faults.rewriteJson('DescribeServices', (doc) => {
  for (const svc of (doc.services as Array<Record<string, unknown>> | undefined) ?? []) {
    svc.events = [
      { id: 'e2', createdAt: 1795320200, message: `(service ${SERVICE}) deployment failed: tasks failed to start.` },
      { id: 'e1', createdAt: 1795320100, message: `(service ${SERVICE}) has started 2 tasks: (task 1) (task 2).` },
    ];
  }
});

/** Containers' exit codes as ECS reports them once a task stopped (moto always says 0). */
const exitCodes = (code: number, reason: string): FaultRule =>
  faults.rewriteJson('DescribeTasks', (doc) => {
    for (const task of (doc.tasks as Array<Record<string, unknown>> | undefined) ?? []) {
      for (const c of (task.containers as Array<Record<string, unknown>> | undefined) ?? []) {
        if (c.name === 'web') {
          c.exitCode = code;
          c.reason = reason;
        }
      }
    }
  });

/** A task of the service that ECS stopped (a real moto task, stopped with ECS's words). */
async function stoppedTask(ctx: ScenarioContext, ecs: ECSClient): Promise<void> {
  const net = await defaultNetwork(ctx);
  const run = await ecs.send(
    new RunTaskCommand({
      cluster: CLUSTER,
      taskDefinition: `${FAMILY}:1`,
      launchType: 'FARGATE',
      group: `service:${SERVICE}`,
      networkConfiguration: { awsvpcConfiguration: { subnets: [net.subnet], securityGroups: [net.securityGroup] } },
    }),
  );
  await ecs.send(
    new StopTaskCommand({
      cluster: CLUSTER,
      task: run.tasks![0]!.taskArn!,
      reason: 'Essential container in task exited',
    }),
  );
}

const TASK_DEF_FILE = JSON.stringify(
  {
    // Read-only fields as `aws ecs describe-task-definition` prints them: dropped with a notice.
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web-api:7',
    revision: 7,
    status: 'ACTIVE',
    family: 'web-api',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '512',
    memory: '1024',
    executionRoleArn: 'arn:aws:iam::123456789012:role/web-task-execution',
    runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
    containerDefinitions: [
      {
        name: 'api',
        image: 'placeholder',
        essential: true,
        environment: [{ name: 'GREETING', value: 'hello, `world` "quoted" \\ done' }],
      },
    ],
    tags: [{ key: 'source', value: 'file' }],
  },
  null,
  2,
);

const scenarios: Scenario[] = (
  [
    {
      name: 'first deploy from a JSON file brings a stopped service back',
      files: { 'deploy/task-definition.json': TASK_DEF_FILE },
      inputs: {
        'task-definition-file': 'deploy/task-definition.json',
        images: `api=${REGISTRY}/api:2.0`,
        'environment-url': 'https://www.example.com',
      },
      setup: async (ctx) => (await world(ctx, { desiredCount: 0 })).inputs,
      faults: [rollout('COMPLETED')],
      expect: {
        status: 'success',
        trace: [
          'ecs-deploy: not copied (read-only or unknown to RegisterTaskDefinition): taskDefinitionArn revision status',
          'registered arn:aws:ecs:us-east-1:123456789012:task-definition/web-api:1',
          'the service is stopped (desired count 0): bringing it back with desired count 1',
          /deployment ecs-svc\/\d+ IN_PROGRESS/,
          /deployment ecs-svc\/\d+: COMPLETED/,
        ],
      },
      verify: async (ctx, r) => {
        const ecs = ctx.aws.ecs;
        const td = await taskDefinition(ecs, 'web-api:1');
        assert.equal(container(td, 'api').image, `${REGISTRY}/api:2.0`);
        assert.deepEqual(env(container(td, 'api')), { GREETING: 'hello, `world` "quoted" \\ done' });
        assert.deepEqual(td.runtimePlatform, { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' });
        assert.deepEqual(td.tags, [{ key: 'source', value: 'file' }]);
        const svc = await service(ecs);
        assert.match(svc.taskDefinition!, /task-definition\/web-api:1$/);
        assert.equal(svc.desiredCount, 1);
        assert.equal(calls(r, 'RegisterTaskDefinition'), 1);
      },
    },
    {
      name: 'updates the registered definition with a new image, keeping every field',
      inputs: {
        images: `web=${REGISTRY}/web:2.0`,
        'enable-circuit-breaker': true,
        'task-definition-tags': 'commit=abc123',
      },
      setup: async (ctx) => (await world(ctx)).inputs,
      faults: [rollout('COMPLETED')],
      expect: {
        status: 'success',
        trace: [
          'editing the registered task definition',
          'registered arn:aws:ecs:us-east-1:123456789012:task-definition/web:2',
          /COMPLETED/,
        ],
      },
      verify: async (ctx) => {
        const ecs = ctx.aws.ecs;
        const [before, after] = [await taskDefinition(ecs, 'web:1'), await taskDefinition(ecs, 'web:2')];
        assert.equal(container(after, 'web').image, `${REGISTRY}/web:2.0`);
        assert.equal(container(after, 'worker').image, `${REGISTRY}/web:1.0`, 'the other container was changed');
        // Fields GitLab's template drops (runtimePlatform, ephemeralStorage, tags) survive.
        for (const k of [
          'runtimePlatform',
          'ephemeralStorage',
          'taskRoleArn',
          'executionRoleArn',
          'cpu',
          'memory',
          'networkMode',
          'requiresCompatibilities',
        ] as const) {
          assert.deepEqual(after[k], before[k], `${k} was not copied`);
        }
        assert.deepEqual(container(after, 'web').portMappings, container(before, 'web').portMappings);
        assert.deepEqual(after.tags, [
          { key: 'team', value: 'web' },
          { key: 'commit', value: 'abc123' },
        ]);
        const svc = await service(ecs);
        assert.match(svc.taskDefinition!, /task-definition\/web:2$/);
        assert.equal(svc.desiredCount, 2);
        assert.equal(svc.deploymentConfiguration?.deploymentCircuitBreaker?.enable, true);
        assert.equal(svc.deploymentConfiguration?.deploymentCircuitBreaker?.rollback, true);
      },
    },
    {
      name: 'two containers updated at once, with environment variables per container',
      inputs: {
        images: `web=${REGISTRY}/web:3.0, worker=${REGISTRY}/worker:3.0`,
        'container-environment': 'web:LOG_LEVEL=debug\nweb:FEATURES=a,b,c\nworker:QUEUE=high',
      },
      setup: async (ctx) => (await world(ctx)).inputs,
      faults: [rollout('COMPLETED')],
      expect: { status: 'success', trace: ['container web: image', 'container worker: image'] },
      verify: async (ctx) => {
        const td = await taskDefinition(ctx.aws.ecs, 'web:2');
        assert.equal(container(td, 'web').image, `${REGISTRY}/web:3.0`);
        assert.equal(container(td, 'worker').image, `${REGISTRY}/worker:3.0`);
        assert.deepEqual(env(container(td, 'web')), { LOG_LEVEL: 'debug', KEEP: 'me', FEATURES: 'a,b,c' });
        assert.deepEqual(env(container(td, 'worker')), { QUEUE: 'high' });
        assert.deepEqual(container(td, 'worker').command, ['bin/worker']);
      },
    },
    {
      name: 'an existing revision is deployed without registering a new one',
      inputs: { 'task-definition': `${FAMILY}:1` },
      setup: async (ctx) => (await world(ctx, { revisions: 2 })).inputs,
      faults: [rollout('COMPLETED')],
      expect: {
        status: 'success',
        trace: [
          'deploying the existing task definition arn:aws:ecs:us-east-1:123456789012:task-definition/web:1 ' +
            '(nothing to edit, so no new revision is registered)',
        ],
      },
      verify: async (ctx, r) => {
        assert.match((await service(ctx.aws.ecs)).taskDefinition!, /task-definition\/web:1$/);
        assert.equal(calls(r, 'RegisterTaskDefinition'), 0);
        assert.deepEqual(await activeRevisions(ctx.aws.ecs), [1, 2]);
      },
    },
    {
      name: 'a user migrating from AWS/Deploy-ECS keeps the CI_AWS_ECS_* variables (docs example)',
      // The docs' migration example (component.ts), with this file's container name: inputs refer to the template's
      // variables.
      inputs: {
        cluster: '$CI_AWS_ECS_CLUSTER',
        service: '$CI_AWS_ECS_SERVICE',
        'task-definition-file': '$CI_AWS_ECS_TASK_DEFINITION_FILE',
        images: 'api=$CI_REGISTRY_IMAGE/$CI_COMMIT_REF_SLUG:$CI_COMMIT_SHA',
        environment: 'production',
      },
      files: { 'ecs/task-definition.json': TASK_DEF_FILE },
      variables: ciVariables({
        CI_AWS_ECS_CLUSTER: CLUSTER,
        CI_AWS_ECS_SERVICE: SERVICE,
        CI_AWS_ECS_TASK_DEFINITION_FILE: 'ecs/task-definition.json',
      }),
      setup: async (ctx) => {
        const { inputs } = await world(ctx);
        return { 'role-arn': inputs['role-arn'] };
      },
      faults: [rollout('COMPLETED')],
      expect: { status: 'success', trace: ['reading task definition file ecs/task-definition.json', /COMPLETED/] },
      verify: async (ctx) => {
        const td = await taskDefinition(ctx.aws.ecs, 'web-api:1');
        assert.match(
          container(td, 'api').image!,
          /^[^$]+\/main:[0-9a-f]{40}$/,
          `the image variables were not expanded: ${container(td, 'api').image}`,
        );
        assert.match((await service(ctx.aws.ecs)).taskDefinition!, /task-definition\/web-api:1$/);
      },
    },
    {
      name: 'waiting disabled by the wait input',
      inputs: { images: `web=${REGISTRY}/web:2.0`, wait: false },
      setup: async (ctx) => (await world(ctx)).inputs,
      expect: { status: 'success', trace: ["not waiting for the rollout (input 'wait' is false"] },
      verify: async (ctx, r) => {
        assert.match((await service(ctx.aws.ecs)).taskDefinition!, /task-definition\/web:2$/);
        assert.equal(calls(r, 'DescribeServices'), 1, 'the job polled the service although waiting was off');
      },
    },
    {
      name: 'waiting disabled by CI_AWS_ECS_WAIT_FOR_ROLLOUT_COMPLETE_DISABLED',
      inputs: { images: `web=${REGISTRY}/web:2.0` },
      variables: ciVariables({ CI_AWS_ECS_WAIT_FOR_ROLLOUT_COMPLETE_DISABLED: 'true' }),
      setup: async (ctx) => (await world(ctx)).inputs,
      expect: {
        status: 'success',
        trace: ['CI_AWS_ECS_WAIT_FOR_ROLLOUT_COMPLETE_DISABLED is set: not waiting for the rollout'],
      },
      verify: (_ctx, r) => assert.equal(calls(r, 'DescribeServices'), 1),
    },
    {
      name: 'a FAILED rollout fails the job with events, stop reasons and exit codes, and rolls back',
      inputs: { images: `web=${REGISTRY}/web:2.0`, 'rollback-on-failure': true },
      setup: async (ctx) => {
        const w = await world(ctx);
        await stoppedTask(ctx, w.ecs);
        return w.inputs;
      },
      faults: [
        rollout('FAILED', 2, 'ECS deployment circuit breaker: tasks failed to start.'),
        failureEvents,
        exitCodes(137, 'OutOfMemoryError: Container killed due to memory usage'),
      ],
      expect: {
        status: 'failed',
        trace: [
          'the rollout FAILED: ECS deployment circuit breaker: tasks failed to start.',
          '(service web) deployment failed: tasks failed to start.',
          'Essential container in task exited',
          'container web: exit code 137, OutOfMemoryError: Container killed due to memory usage',
          'rolling back: pointing web at',
          'ecs-deploy: error: the deployment did not complete',
        ],
      },
      verify: async (ctx) =>
        assert.match(
          (await service(ctx.aws.ecs)).taskDefinition!,
          /task-definition\/web:1$/,
          'the service was not rolled back',
        ),
    },
    {
      name: 'a circuit-breaker rollback that replaced the deployment fails the job',
      inputs: { images: `web=${REGISTRY}/web:2.0` },
      setup: async (ctx) => (await world(ctx)).inputs,
      // After one IN_PROGRESS poll, ECS shows a new PRIMARY deployment (the rollback) and ours is gone.
      faults: [
        faults.rewriteJson(
          'DescribeServices',
          (doc) => {
            for (const svc of (doc.services as Array<Record<string, unknown>> | undefined) ?? []) {
              for (const d of (svc.deployments as Array<Record<string, unknown>> | undefined) ?? []) {
                if (d.status === 'PRIMARY')
                  Object.assign(d, {
                    id: 'ecs-svc/1111111111111111111',
                    rolloutState: 'IN_PROGRESS',
                    taskDefinition: `arn:aws:ecs:us-east-1:123456789012:task-definition/${FAMILY}:1`,
                  });
              }
            }
          },
          { skip: 2 },
        ),
      ],
      expect: {
        status: 'failed',
        trace: [
          new RegExp(
            String.raw`deployment ecs-svc\/\d+ is gone; the service's primary deployment is now ` +
              String.raw`ecs-svc\/1111111111111111111 \(a circuit-breaker rollback or another deploy replaced it\)`,
          ),
          'recent service events',
        ],
      },
    },
    {
      name: 'a rollout that never completes times out with diagnostics',
      // No rollout rule: moto itself leaves the deployment IN_PROGRESS with 0 running tasks.
      inputs: { images: `web=${REGISTRY}/web:2.0`, 'wait-timeout': 3 },
      setup: async (ctx) => (await world(ctx)).inputs,
      expect: {
        status: 'failed',
        trace: [
          /timed out after 3s waiting for deployment ecs-svc\/\d+ \(rolloutState IN_PROGRESS, 0\/2 running/,
          'recent service events',
          "the deployment did not complete within 'wait-timeout' (3s)",
        ],
      },
      verify: async (ctx) =>
        assert.match(
          (await service(ctx.aws.ecs)).taskDefinition!,
          /task-definition\/web:2$/,
          'without rollback-on-failure the service keeps the new revision',
        ),
    },
    {
      name: 'deregistration keeps exactly N revisions',
      inputs: { images: `web=${REGISTRY}/web:2.0`, 'keep-revisions': 3 },
      setup: async (ctx) => {
        const w = await world(ctx, { revisions: 5 });
        // Another family sharing the prefix must not be touched.
        await w.ecs.send(new RegisterTaskDefinitionCommand({ ...TASK_DEF, family: 'web-admin' }));
        return w.inputs;
      },
      faults: [rollout('COMPLETED')],
      expect: { status: 'success', trace: ['housekeeping: deregistered 3 old revision(s) of web, kept 3'] },
      verify: async (ctx) => {
        assert.deepEqual(await activeRevisions(ctx.aws.ecs), [4, 5, 6]);
        assert.deepEqual(await activeRevisions(ctx.aws.ecs, 'web-admin'), [1]);
      },
    },
    {
      name: 'a migration task runs before the update',
      inputs: {
        images: `web=${REGISTRY}/web:2.0`,
        'migration-command': '["bin/rails", "db:migrate"]',
        'migration-container': 'web',
      },
      setup: async (ctx) => (await world(ctx)).inputs,
      faults: [rollout('COMPLETED')],
      expect: {
        status: 'success',
        trace: [
          'migration: running ["bin/rails", "db:migrate"] in container web of web:2',
          'migration: container web exited 0',
          /COMPLETED/,
        ],
      },
      verify: async (ctx, r) => {
        assert.equal(calls(r, 'RunTask'), 1);
        assert.match((await service(ctx.aws.ecs)).taskDefinition!, /task-definition\/web:2$/);
      },
    },
    {
      name: 'a failing migration task stops the update',
      inputs: {
        images: `web=${REGISTRY}/web:2.0`,
        'migration-command': 'bin/rails db:migrate',
        'migration-container': 'web',
      },
      setup: async (ctx) => (await world(ctx)).inputs,
      faults: [exitCodes(3, 'ActiveRecord::PendingMigrationError')],
      expect: {
        status: 'failed',
        trace: [
          'migration: running ["sh","-c","bin/rails db:migrate"]',
          'container web: exit code 3, ActiveRecord::PendingMigrationError',
          'migration: container web exited with code 3. The service was NOT updated',
        ],
      },
      verify: async (ctx, r) => {
        assert.equal(calls(r, 'UpdateService'), 0);
        assert.match((await service(ctx.aws.ecs)).taskDefinition!, /web:1$/);
      },
    },
    {
      name: 'throttling responses are survived',
      inputs: { images: `web=${REGISTRY}/web:2.0` },
      setup: async (ctx) => (await world(ctx)).inputs,
      faults: [
        faults.throttle('DescribeServices', { times: 2 }),
        faults.throttle('DescribeTaskDefinition', { times: 2 }),
        faults.throttle('RegisterTaskDefinition', { times: 2 }),
        faults.throttle('UpdateService', { times: 2 }),
        rollout('COMPLETED', 4),
      ],
      expect: { status: 'success', trace: [/COMPLETED/] },
      verify: async (ctx, r) => {
        assert.equal(r.calls.filter((c) => c.fault?.startsWith('throttle:')).length, 8);
        assert.match((await service(ctx.aws.ecs)).taskDefinition!, /task-definition\/web:2$/);
      },
    },
    {
      name: 'an image for a container the task definition lacks is refused before anything changes',
      inputs: { images: `api=${REGISTRY}/web:2.0` },
      setup: async (ctx) => (await world(ctx)).inputs,
      expect: {
        status: 'failed',
        trace: [
          "ecs-deploy: error: input 'images': the task definition has no container named 'api' (it has: web " +
            'worker). Fix: use one of those container names.',
        ],
      },
      verify: (_ctx, r) => {
        assert.equal(calls(r, 'RegisterTaskDefinition'), 0);
        assert.equal(calls(r, 'UpdateService'), 0);
      },
    },
    {
      name: 'a missing service is named in the error',
      inputs: { service: 'no-such-service' },
      setup: async (ctx) => {
        const w = await world(ctx, { service: false });
        return { ...w.inputs, service: 'no-such-service' };
      },
      expect: {
        status: 'failed',
        trace: ["ecs-deploy: error: service 'no-such-service' does not exist in cluster 'production'"],
      },
    },
    // Hostile and unlucky values (issue 10): refused before any AWS call, or taken literally.
    {
      name: 'a cluster ARN from a CI/CD variable is refused, because GitLab would drop the deploy lock',
      inputs: { cluster: '$CI_AWS_ECS_CLUSTER', images: `web=${REGISTRY}/web:2.0` },
      variables: ciVariables({ CI_AWS_ECS_CLUSTER: `arn:aws:ecs:us-east-1:123456789012:cluster/${CLUSTER}` }),
      setup: async (ctx) => {
        const { inputs } = await world(ctx);
        return { 'role-arn': inputs['role-arn'], service: SERVICE };
      },
      expect: {
        status: 'failed',
        trace: [
          "ecs-deploy: error: input 'cluster': 'arn:aws:ecs:us-east-1:123456789012:cluster/production' is an " +
            "ARN; GitLab refuses ':' in the deploy lock (resource_group) built from it and would run this deploy " +
            "without a lock. Fix: give the cluster's name (the part after the last '/'), e.g. 'production'.",
        ],
      },
      verify: (_ctx, r) => assert.equal(r.calls.length, 0, 'the job called AWS before checking its inputs'),
    },
    {
      name: 'a service of --debug from a CI/CD variable is refused before the AWS CLI sees it',
      inputs: { service: '$DEPLOY_SERVICE', images: `web=${REGISTRY}/web:2.0` },
      variables: ciVariables({ DEPLOY_SERVICE: '--debug' }),
      setup: async (ctx) => {
        const { inputs } = await world(ctx);
        return { 'role-arn': inputs['role-arn'], cluster: CLUSTER };
      },
      expect: {
        status: 'failed',
        trace: ["ecs-deploy: error: input 'service': '--debug' is not an ECS service name"],
        notInTrace: ['DEBUG', 'aws_secret_access_key', 'SessionToken'],
      },
      verify: (_ctx, r) => assert.equal(r.calls.length, 0),
    },
    {
      name: 'container-environment values are taken literally: GitLab does not expand $ in them',
      inputs: { 'container-environment': 'web:DB_PASSWORD=pa$word$$1\nweb:REF=$CI_COMMIT_SHA' },
      setup: async (ctx) => (await world(ctx)).inputs,
      faults: [rollout('COMPLETED')],
      expect: { status: 'success', trace: ['container web: environment'] },
      verify: async (ctx) => {
        const td = await taskDefinition(ctx.aws.ecs, 'web:2');
        assert.equal(env(container(td, 'web')).DB_PASSWORD, 'pa$word$$1');
        assert.equal(env(container(td, 'web')).REF, '$CI_COMMIT_SHA');
      },
    },
    // Partial failures (issue 10): the message names what already changed and what to do.
    {
      name: 'UpdateService failing after a new revision was registered says the service still runs the old one',
      inputs: { images: `web=${REGISTRY}/web:2.0` },
      setup: async (ctx) => (await world(ctx)).inputs,
      faults: [faults.accessDenied('UpdateService')],
      expect: {
        status: 'failed',
        trace: [
          "ecs-deploy: error: updating service 'web' in cluster 'production' to web:2 failed: An error occurred " +
            '(AccessDeniedException)',
          'ecs-deploy: already changed: new task definition revision ' +
            'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2 was registered (not in use; deregister it ' +
            'if unwanted); the service was not updated; it still runs ' +
            'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1.',
          "to deploy exactly this revision without registering another, set 'task-definition: web:2'",
        ],
      },
      verify: async (ctx) => {
        assert.match((await service(ctx.aws.ecs)).taskDefinition!, /task-definition\/web:1$/);
        assert.deepEqual(await activeRevisions(ctx.aws.ecs), [1, 2]);
      },
    },
    {
      name: 'an expired ID token is blamed on the token, not on the cluster or the service',
      inputs: { images: `web=${REGISTRY}/web:2.0` },
      token: { ttlSeconds: -60 },
      setup: async (ctx) => (await world(ctx)).inputs,
      expect: {
        status: 'failed',
        trace: [
          "ecs-deploy: error: describing service 'web' in cluster 'production' failed:",
          'ExpiredToken',
          'ecs-deploy: nothing was changed.',
          "what to do: AWS refused the job's GitLab ID token for role " +
            "arn:aws:iam::123456789012:role/gitlab-deploy (expired, or not allowed by the role's trust policy); " +
            'this is not about the resource named.',
        ],
        notInTrace: ["check the 'cluster' and 'service' inputs"],
      },
      verify: (_ctx, r) => assert.equal(calls(r, 'RegisterTaskDefinition'), 0),
    },
  ] as Scenario[]
).map((s) => ({ ...s, inputs: { ...FAST, ...s.inputs } }));

export default defineScenarios('ecs-deploy', [...scenarios, ...progressiveScenarios], {
  // In the security property's migration-command runs, moto answers RunTask with HTTP 500 (the
  // baseline's task definition has no container-level memory, which moto needs), and the CLI tried
  // 10 times with back-off: a minute a run. The emulator answers the same request the same way every
  // time and the baseline injects no error, so a retry shows nothing the first request did not (it
  // carries the value and is inspected); one attempt fails each run the same way.
  security: { inputs: { 'aws-max-attempts': 1 } },
});
