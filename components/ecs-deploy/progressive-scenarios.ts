// Scenarios for ecs-deploy's progressive delivery (progressive.sh, gate.sh), part of
// scenarios.ts. moto stores a service's deployment configuration and deployment controller but
// runs no deployment: it has no service-deployment APIs and leaves CodeDeploy deployments
// `Created`. So the deployments' progress is simulated by the fault proxy in AWS's documented
// shapes (`simulated.*`), and every scenario here says "simulated". The services, task
// definitions, the configuration the job sets and the revision the service ends on are moto's.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeDeployClient, CreateApplicationCommand, CreateDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { simulated, type FaultRule } from '../../src/harness/fault-proxy.js';
import type { Scenario, ScenarioContext } from '../../src/harness/scenario.js';

const CLUSTER = 'production';
const SERVICE = 'web';
const JOB = 'deploy-ecs';
const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const TEST_URL = 'https://test.example.com:8443';
const FAST = { 'poll-interval': 1, 'wait-timeout': 90 };

/** A cluster, two task definition revisions and a service on web:1 set up for `strategy`. */
async function blueGreenWorld(
  ctx: ScenarioContext,
  o: { strategy?: string; controller?: 'ECS' | 'CODE_DEPLOY' } = {},
): Promise<Record<string, unknown>> {
  const ecs = ctx.aws.ecs;
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      containerDefinitions: [
        { name: 'web', image: `${REGISTRY}/web:1.0`, memory: 256, portMappings: [{ containerPort: 8080 }] },
      ],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: SERVICE,
      taskDefinition: 'web:1',
      desiredCount: 2,
      ...(o.controller === 'CODE_DEPLOY' ? { deploymentController: { type: 'CODE_DEPLOY' } } : {}),
    }),
  );
  if (o.strategy) {
    // How a team's infrastructure code configures the service (moto stores it as given).
    await ecs.send(
      new UpdateServiceCommand({
        cluster: CLUSTER,
        service: SERVICE,
        deploymentConfiguration: {
          strategy: o.strategy as 'BLUE_GREEN',
          bakeTimeInMinutes: 10,
          deploymentCircuitBreaker: { enable: true, rollback: true },
          alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true },
        },
      }),
    );
  }
  return { 'role-arn': await ctx.oidcRole(), cluster: CLUSTER, service: SERVICE, images: `web=${REGISTRY}/web:2.0` };
}

/** A CODE_DEPLOY service and its application and deployment group, named as the console names them. */
async function codedeployWorld(ctx: ScenarioContext): Promise<Record<string, unknown>> {
  const inputs = await blueGreenWorld(ctx, { controller: 'CODE_DEPLOY' });
  const cd = ctx.aws.client(CodeDeployClient);
  await cd.send(
    new CreateApplicationCommand({ applicationName: `AppECS-${CLUSTER}-${SERVICE}`, computePlatform: 'ECS' }),
  );
  await cd.send(
    new CreateDeploymentGroupCommand({
      applicationName: `AppECS-${CLUSTER}-${SERVICE}`,
      deploymentGroupName: `DgpECS-${CLUSTER}-${SERVICE}`,
      serviceRoleArn: `arn:aws:iam::${ctx.accountId}:role/codedeploy-ecs`,
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      ecsServices: [{ clusterName: CLUSTER, serviceName: SERVICE }],
    }),
  );
  return inputs;
}

async function service(ecs: ECSClient) {
  return (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }))).services![0]!;
}

let current: ScenarioContext;

/** blueGreenWorld, for a scenario whose faults act on this run's emulator (`current`). */
const rememberedWorld =
  (o: { strategy?: string } = {}) =>
  async (ctx: ScenarioContext) => {
    current = ctx;
    return blueGreenWorld(ctx, o);
  };

/** ECS points the service back at the old revision when a rollback succeeds (moto would keep the new one). */
const nativeDeployments = (o: { rollbackAt?: string; reason?: string } = {}): FaultRule[] =>
  simulated.ecsServiceDeployments({
    ...o,
    onState: async (status, d) => {
      if (status === 'ROLLBACK_SUCCESSFUL')
        await current.meanwhile(() =>
          current.aws.ecs.send(
            new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, taskDefinition: d.source }),
          ),
        );
    },
  });

export const progressiveScenarios: Scenario[] = (
  [
    {
      name:
        'blue/green (simulated ECS deployment): pauses once test traffic is on the new revision, then the ' +
        'promote job shifts production',
      inputs: { 'pause-for-testing': true, 'test-url': TEST_URL, 'pause-timeout': 120 },
      jobs: [JOB, `${JOB}-promote`],
      setup: rememberedWorld({ strategy: 'BLUE_GREEN' }),
      faults: () => nativeDeployments(),
      expect: {
        status: 'success',
        trace: [
          'ecs-deploy: deployment controller ECS, strategy BLUE_GREEN',
          /BLUE_GREEN deployment \S+ of web:2 started/,
          /IN_PROGRESS at TEST_TRAFFIC_SHIFT/,
          `test traffic is on the new revision at ${TEST_URL}; production traffic is still on the old one.`,
          /waits \(PAUSE hook ecs-pause-[0-9a-f]+, rolls back by itself after 120 min\)/,
          /promoting: deployment \S+ continues from POST_TEST_TRAFFIC_SHIFT/,
          /IN_PROGRESS at PRODUCTION_TRAFFIC_SHIFT/,
          'SUCCESSFUL: all production traffic is on the new revision',
        ],
      },
      verify: async (ctx, r) => {
        assert.deepEqual(
          r.jobs.map((j) => [j.name, j.status]),
          [
            [JOB, 'success'],
            [`${JOB}-promote`, 'success'],
          ],
        );
        // The deploy job stopped at the pause: it did not follow the deployment to the end.
        assert.doesNotMatch(r.jobs[0]!.trace, /SUCCESSFUL/);
        const svc = await service(ctx.aws.ecs);
        assert.match(svc.taskDefinition!, /task-definition\/web:2$/);
        const config = svc.deploymentConfiguration!;
        assert.equal(config.strategy, 'BLUE_GREEN');
        assert.deepEqual(config.lifecycleHooks, [
          {
            targetType: 'PAUSE',
            lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
            timeoutConfiguration: { timeoutInMinutes: 120, action: 'ROLLBACK' },
          },
        ]);
        // What the team configured is kept: the job only adds its pause.
        assert.equal(config.bakeTimeInMinutes, 10);
        assert.deepEqual(config.deploymentCircuitBreaker, { enable: true, rollback: true });
        assert.deepEqual(config.alarms, { alarmNames: ['web-5xx'], enable: true, rollback: true });
        // A job that needs only the promote job (a release note) gets the revisions from its report.
        const report = readFileSync(join(r.projectDir, 'ecs-promote.env'), 'utf8').split('\n');
        assert.ok(
          report.includes('ECS_DEPLOY_STATE=COMPLETED'),
          `the promote job's dotenv report: ${report.join(' | ')}`,
        );
        assert.ok(
          report.some((l) => /^ECS_TASK_DEFINITION_ARN=arn:aws:ecs:.*task-definition\/web:2$/.test(l)),
          `the promote job's dotenv report: ${report.join(' | ')}`,
        );
        assert.ok(
          report.some((l) => /^ECS_PREVIOUS_TASK_DEFINITION_ARN=arn:aws:ecs:.*task-definition\/web:1$/.test(l)),
          `the promote job's dotenv report: ${report.join(' | ')}`,
        );
      },
    },
    {
      name: 'blue/green (simulated ECS deployment): the rollback job rolls back at the test-traffic pause and fails',
      inputs: { 'pause-for-testing': true, 'test-url': TEST_URL },
      jobs: [JOB, `${JOB}-rollback`],
      setup: rememberedWorld({ strategy: 'BLUE_GREEN' }),
      faults: () => nativeDeployments(),
      // The rollback job may fail without failing the pipeline (a manual gate); it is the job that is red.
      expect: {
        status: 'success',
        trace: [
          /rolling back: deployment \S+ rolls back from POST_TEST_TRAFFIC_SHIFT/,
          'ROLLBACK_SUCCESSFUL',
          'rolled back (ROLLBACK_SUCCESSFUL): the service runs the previous revision again. The job fails on purpose',
        ],
      },
      verify: async (ctx, r) => {
        assert.deepEqual(
          r.jobs.map((j) => [j.name, j.status]),
          [
            [JOB, 'success'],
            [`${JOB}-rollback`, 'failed'],
          ],
        );
        assert.match((await service(ctx.aws.ecs)).taskDefinition!, /task-definition\/web:1$/);
      },
    },
    {
      name: 'canary (simulated ECS deployment): ECS rolls back during the production shift and the job fails',
      inputs: { 'deployment-strategy': 'CANARY', 'canary-percent': 20, 'step-bake-time': 3, 'bake-time': '15' },
      setup: rememberedWorld(),
      faults: () =>
        nativeDeployments({ rollbackAt: 'PRODUCTION_TRAFFIC_SHIFT', reason: 'CloudWatch alarm web-5xx is in ALARM.' }),
      expect: {
        status: 'failed',
        trace: [
          "strategy CANARY (from the 'deployment-strategy' input; the service had ROLLING)",
          'ROLLBACK_IN_PROGRESS',
          'ECS rolled the deployment back (ROLLBACK_SUCCESSFUL): CloudWatch alarm web-5xx is in ALARM.',
        ],
      },
      verify: async (ctx) => {
        const svc = await service(ctx.aws.ecs);
        assert.match(svc.taskDefinition!, /task-definition\/web:1$/);
        assert.deepEqual(svc.deploymentConfiguration?.canaryConfiguration, {
          canaryPercent: 20,
          canaryBakeTimeInMinutes: 3,
        });
        assert.equal(svc.deploymentConfiguration?.bakeTimeInMinutes, 15);
      },
    },
    {
      name:
        'CodeDeploy service (simulated CodeDeploy): appspec from inputs, Ready for testing, then the promote job ' +
        'reroutes production',
      inputs: {
        'pause-for-testing': true,
        'test-url': TEST_URL,
        'codedeploy-hooks': 'AfterAllowTestTraffic=web-smoke-tests',
      },
      jobs: [JOB, `${JOB}-promote`],
      setup: codedeployWorld,
      faults: () => [
        ...simulated.codedeployDeployment({
          states: ['Created', 'InProgress', 'Ready'],
          afterContinue: ['InProgress', 'Succeeded'],
        }),
        appspecCapture,
      ],
      expect: {
        status: 'success',
        trace: [
          'deployment controller CODE_DEPLOY',
          'CodeDeploy: AppECS-production-web/DgpECS-production-web deploys web:2 (container web, port 8080)',
          /CodeDeploy deployment [A-Za-z0-9-]+: Ready/,
          `the replacement task set serves the test listener at ${TEST_URL}`,
          /promoting: CodeDeploy deployment [A-Za-z0-9-]+ reroutes production traffic/,
          'Succeeded: all production traffic is on the new revision',
        ],
      },
      verify: (_ctx, r) => {
        assert.deepEqual(
          r.jobs.map((j) => j.status),
          ['success', 'success'],
        );
        const appspec = JSON.parse(captured.appspec) as {
          Resources: Array<{ TargetService: { Properties: { TaskDefinition: string; LoadBalancerInfo: unknown } } }>;
          Hooks: unknown;
        };
        assert.match(appspec.Resources[0]!.TargetService.Properties.TaskDefinition, /task-definition\/web:2$/);
        assert.deepEqual(appspec.Resources[0]!.TargetService.Properties.LoadBalancerInfo, {
          ContainerName: 'web',
          ContainerPort: 8080,
        });
        assert.deepEqual(appspec.Hooks, [{ AfterAllowTestTraffic: 'web-smoke-tests' }]);
        // UpdateService is refused by AWS on CODE_DEPLOY services (moto accepts it): the job never calls it.
        assert.equal(r.counts['ecs:UpdateService'] ?? 0, 0);
      },
    },
    {
      name: 'CodeDeploy service (simulated CodeDeploy): the rollback job stops the deployment with rollback and fails',
      inputs: { 'pause-for-testing': true },
      jobs: [JOB, `${JOB}-rollback`],
      setup: codedeployWorld,
      faults: () =>
        simulated.codedeployDeployment({
          states: ['InProgress', 'Ready'],
          afterStop: ['Stopped'],
          rollbackMessage: 'Deployment stopped by user; traffic rerouted to the original task set.',
        }),
      expect: {
        status: 'success',
        trace: [
          /rolling back: stopping CodeDeploy deployment [A-Za-z0-9-]+ with automatic rollback/,
          'CodeDeploy rollback: Deployment stopped by user',
          'rolled back: CodeDeploy deployment',
        ],
      },
      verify: (_ctx, r) =>
        assert.deepEqual(
          r.jobs.map((j) => j.status),
          ['success', 'failed'],
        ),
    },
    {
      name: 'pausing for testing a rolling service is refused before the service changes',
      inputs: { 'pause-for-testing': true },
      setup: (ctx) => blueGreenWorld(ctx),
      expect: {
        status: 'failed',
        trace: ["input 'pause-for-testing': service 'web' deploys ROLLING, which has no test traffic to pause at"],
      },
      verify: (_ctx, r) => assert.equal(r.counts['ecs:UpdateService'] ?? 0, 0),
    },
  ] as Scenario[]
).map((s) => ({ ...s, inputs: { ...FAST, ...s.inputs } }));

/** The appspec of the last CreateDeployment the job sent. */
const captured = { appspec: '' };
const appspecCapture: FaultRule = {
  name: 'capture:appspec',
  action: 'CreateDeployment',
  respond: (call) => {
    captured.appspec = (
      JSON.parse(call.body.toString('utf8')) as { revision: { appSpecContent: { content: string } } }
    ).revision.appSpecContent.content;
    return undefined;
  },
};
