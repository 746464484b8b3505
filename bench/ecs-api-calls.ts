// Benchmark: the AWS API calls one standard ecs-deploy makes (edit the registered definition's
// image, register, update the service, wait for COMPLETED), counted per action from the fault
// proxy's request log. Its peer, measured in the same run against the same emulator and the same
// rollout: the command sequence of GitLab's AWS/Deploy-ECS (`ecs update-task-definition` in the
// cloud-deploy image: describe-task-definition, register, describe-services, update-service,
// then `aws ecs wait services-stable`), issued with the same AWS CLI.
// The total is checked against BUDGET so that a change can only lower it.
//   npm run bench -- ecs-api-calls
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { discoverScenarios } from '../src/harness/discover.js';
import { faults } from '../src/harness/fault-proxy.js';
import { Harness } from '../src/harness/harness.js';
import { REPO_ROOT, requireVenvTool } from '../src/harness/tools.js';

/** ECS calls of the standard deploy today. Lower it when you lower the calls; never raise it. */
const BUDGET = 6;
const SCENARIO = 'updates the registered definition with a new image, keeping every field';

const ecsOnly = (counts: Readonly<Record<string, number>>) =>
  Object.fromEntries(Object.entries(counts).filter(([k]) => k.startsWith('ecs:')));
const total = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0);
const line = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k.replace(/^ecs:/, '')}=${v}`)
    .join(' ');

const ref = (await discoverScenarios(REPO_ROOT, ['ecs-deploy'])).find((r) => r.scenario.name === SCENARIO);
if (!ref)
  throw new Error(
    `components/ecs-deploy/scenarios.ts has no scenario "${SCENARIO}" (fix: update SCENARIO in bench/ecs-api-calls.ts)`,
  );

const harness = await Harness.start({ templatesDir: join(REPO_ROOT, 'templates') });
try {
  const ours = await harness.run('ecs-deploy', ref.scenario);
  if (!ours.passed || !ours.result) throw new Error(`the standard deploy failed: ${ours.failure}`);
  const oursEcs = ecsOnly(ours.result.counts);

  // The peer deploys the next image to the service the scenario left behind, through the same
  // proxy with the same rollout (IN_PROGRESS on the first poll, then COMPLETED).
  harness.proxy.reset([faults.ecsRollout({ state: 'COMPLETED', inProgressPolls: 2 })]);
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL: harness.proxy.endpoint,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
  // Asynchronous on purpose: the proxy answering the CLI runs in this process's event loop.
  const aws = async (...args: string[]) => {
    try {
      return (await promisify(execFile)(requireVenvTool('aws'), args, { env, encoding: 'utf8' })).stdout.trim();
    } catch (e) {
      throw new Error(
        `peer: aws ${args.slice(0, 2).join(' ')} failed: ${(e as { stderr?: string }).stderr ?? (e as Error).message}`,
      );
    }
  };
  const started = performance.now();
  const containers = (
    await aws(
      'ecs',
      'describe-task-definition',
      '--task-definition',
      'web',
      '--query',
      'taskDefinition.containerDefinitions',
      '--output',
      'json',
    )
  ).replace(/"image": "[^"]*web:[^"]*"/, '"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:3.0"');
  await aws(
    'ecs',
    'register-task-definition',
    '--family',
    'web',
    '--container-definitions',
    containers,
    '--requires-compatibilities',
    'FARGATE',
    '--network-mode',
    'awsvpc',
    '--cpu',
    '256',
    '--memory',
    '512',
  );
  await aws('ecs', 'describe-services', '--cluster', 'production', '--services', 'web');
  await aws('ecs', 'update-service', '--cluster', 'production', '--service', 'web', '--task-definition', 'web');
  await aws('ecs', 'wait', 'services-stable', '--cluster', 'production', '--services', 'web');
  const peerMs = performance.now() - started;
  const peerEcs = ecsOnly(harness.proxy.counts());

  console.log('AWS API calls of one ECS deploy (request log of the fault proxy; ECS only, STS login excluded)');
  console.log(
    `  ecs-deploy (this catalog)           ${String(total(oursEcs)).padStart(3)} calls  ${line(oursEcs)}   [job ` +
      `${(ours.durationMs / 1000).toFixed(1)} s, poll-interval 1 s]`,
  );
  console.log(
    `  GitLab AWS/Deploy-ECS sequence      ${String(total(peerEcs)).padStart(3)} calls  ${line(peerEcs)}   [` +
      `${(peerMs / 1000).toFixed(1)} s, waiter delay 15 s]`,
  );
  console.log(`  budget                              ${String(BUDGET).padStart(3)} calls`);
  console.log(
    '  (both wait through one IN_PROGRESS poll; ecs-deploy also checks the service before touching it and waits ' +
      'for rolloutState COMPLETED, not "stable")',
  );
  if (total(oursEcs) > BUDGET) {
    console.error(
      `ecs-api-calls: the standard deploy made ${total(oursEcs)} ECS calls, more than the budget of ${BUDGET} ` +
        `(fix: remove the extra calls, or justify raising BUDGET in bench/ecs-api-calls.ts)`,
    );
    process.exitCode = 1;
  }
} finally {
  await harness.stop();
}
