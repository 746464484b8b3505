// End-to-end scenarios for lambda-deploy, against moto's real Lambda (functions, versions,
// aliases with routing weights, invoke), CloudWatch (alarms and their states) and IAM.
// What moto lacks is named: moto runs no code (its "simple" Lambda backend echoes the event) and
// does not progress CodeDeploy deployments, so the CodeDeploy scenarios say "simulated": the
// fault proxy answers GetDeployment with the states AWS documents.
// Things that happen "during" a job (an alarm going off, another deploy moving the alias) are
// real changes to moto's state, made by a proxy rule at the moment the job polls.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, CreateApplicationCommand, CreateDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { faults, simulated } from '../../src/harness/fault-proxy.js';
import type { FaultRule } from '../../src/harness/fault-proxy.js';
import { defineScenarios, type ClientConfig, type Scenario, type ScenarioContext } from '../../src/harness/scenario.js';

const FN = 'orders-api';
const ALIAS = 'live';
const ALARM = 'orders-api-errors';
const JOB = 'deploy-lambda';

/** Every scenario moves quickly: steps of a few seconds, alarms checked every second. */
const FAST = { 'step-interval': 2, 'alarm-poll-interval': 1, 'poll-interval': 1 };

/** A zip archive of stored (uncompressed) entries: enough to seed a function with code. */
function storedZip(files: Record<string, string>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const fname = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fname.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fname.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fname, data);
    centrals.push(central, fname);
    offset += local.length + fname.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** The emulator's endpoint, read from the clients the harness configured. */
function endpointOf(ctx: ScenarioContext): string {
  return ctx.aws.client(
    class {
      constructor(readonly config: ClientConfig) {}
    },
  ).config.endpoint;
}

interface World {
  readonly lambda: LambdaClient;
  readonly cloudwatch: CloudWatchClient;
  readonly inputs: Record<string, unknown>;
}

/**
 * A zip function with `versions` published versions (each with different code), alias `live` on
 * the last, and the alarm `orders-api-errors` in OK.
 */
async function world(
  ctx: ScenarioContext,
  o: { versions?: number; alias?: boolean; env?: Record<string, string> } = {},
): Promise<World> {
  // moto's "simple" Lambda backend answers Invoke without Docker: it returns the event.
  const r = await fetch(`${endpointOf(ctx)}/moto-api/config`, {
    method: 'POST',
    body: JSON.stringify({ lambda: { use_docker: false } }),
  });
  assert.ok(r.ok, `moto refused its Lambda configuration: HTTP ${r.status}`);
  const lambda = ctx.aws.client(LambdaClient);
  const cloudwatch = ctx.aws.client(CloudWatchClient);
  const role = await ctx.aws.iam.send(
    new CreateRoleCommand({
      RoleName: 'orders-api-exec',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: FN,
      Runtime: 'python3.12',
      Handler: 'app.handler',
      Role: role.Role!.Arn!,
      Code: { ZipFile: storedZip({ 'app.py': 'def handler(event, context):\n    return "v1"\n' }) },
      Environment: { Variables: o.env ?? { TABLE: 'orders', LOG_LEVEL: 'info' } },
    }),
  );
  const versions = o.versions ?? 1;
  for (let v = 1; v <= versions; v++) {
    if (v > 1)
      await lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: FN,
          ZipFile: storedZip({ 'app.py': `def handler(event, context):\n    return "v${v}"\n` }),
        }),
      );
    await lambda.send(new PublishVersionCommand({ FunctionName: FN }));
  }
  if (o.alias !== false)
    await lambda.send(new CreateAliasCommand({ FunctionName: FN, Name: ALIAS, FunctionVersion: String(versions) }));
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: ALARM,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [
        { Name: 'FunctionName', Value: FN },
        { Name: 'Resource', Value: `${FN}:${ALIAS}` },
      ],
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    }),
  );
  await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: 'OK', StateReason: 'no errors' }));
  return { lambda, cloudwatch, inputs: { 'role-arn': await ctx.oidcRole(), 'function-name': FN } };
}

async function alias(ctx: ScenarioContext, name = ALIAS) {
  const a = await ctx.aws.client(LambdaClient).send(new GetAliasCommand({ FunctionName: FN, Name: name }));
  return { version: a.FunctionVersion, weights: a.RoutingConfig?.AdditionalVersionWeights ?? {} };
}

async function versions(ctx: ScenarioContext): Promise<string[]> {
  const out = await ctx.aws.client(LambdaClient).send(new ListVersionsByFunctionCommand({ FunctionName: FN }));
  return (out.Versions ?? [])
    .map((v) => v.Version!)
    .filter((v) => v !== '$LATEST')
    .sort((a, b) => Number(a) - Number(b));
}

const lambdaCalls = (r: { calls: readonly { service: string; action: string }[] }, pattern: RegExp) =>
  r.calls.filter((c) => c.service === 'lambda' && pattern.test(c.action)).length;
const PUBLISH = /^PublishVersion$/;
const UPDATE_CODE = /^UpdateFunctionCode$/;
const UPDATE_ALIAS = /^UpdateAlias$/;

/** Records the alias as moto holds it each time the job reads the alarms (i.e. while a step lasts). */
function aliasProbe(
  ctx: () => ScenarioContext,
  seen: Array<{ version?: string; weights: Record<string, number> }>,
): FaultRule {
  return {
    name: 'probe:alias-during-step',
    action: 'DescribeAlarms',
    respond: async () => {
      seen.push(await ctx().meanwhile(() => alias(ctx())));
      return undefined;
    },
  };
}

const SOURCE = {
  'src/app.py': 'def handler(event, context):\n    return {"ok": True, "event": event}\n',
  'src/lib/util.py': 'X = 1\n',
};

let current: ScenarioContext;
const remember = (ctx: ScenarioContext) => {
  current = ctx;
};

/** The setup most scenarios share: the function with its alias and alarm (world); the job's inputs. */
const worldInputs = async (ctx: ScenarioContext) => (await world(ctx)).inputs;

/** worldInputs, for a scenario whose faults act on this run's emulator (`current`). */
const rememberedWorldInputs = async (ctx: ScenarioContext) => {
  remember(ctx);
  return worldInputs(ctx);
};

/** The verify of a release that stopped before any traffic moved: no UpdateAlias, alias live all on version 1. */
const aliasUntouched = async (ctx: ScenarioContext, r: { calls: readonly { service: string; action: string }[] }) => {
  assert.equal(lambdaCalls(r, UPDATE_ALIAS), 0);
  assert.deepEqual(await alias(ctx), { version: '1', weights: {} });
};

/**
 * A fault that lets the second `action` call through once the alarm is in ALARM for `reason`, as
 * CloudWatch would when the new version's errors cross the threshold.
 */
const alarmFires = (name: string, action: string, reason: string): FaultRule => ({
  name,
  action,
  skip: 1,
  times: 1,
  respond: async () => {
    await current.meanwhile(() =>
      current.aws
        .client(CloudWatchClient)
        .send(new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: 'ALARM', StateReason: reason })),
    );
    return undefined;
  },
});
const probed: Array<{ version?: string; weights: Record<string, number> }> = [];

const scenarios: Scenario[] = (
  [
    {
      name: 'canary completes: 10% for a step while the alarm stays OK, then 100%; environment merged',
      files: SOURCE,
      inputs: {
        code: 'src',
        strategy: 'canary',
        'canary-percent': 10,
        alarms: ALARM,
        'function-environment': 'LOG_LEVEL=debug\nFEATURES=a,b=c',
        'memory-size': '256',
      },
      setup: async (ctx) => {
        remember(ctx);
        probed.length = 0;
        return (await world(ctx)).inputs;
      },
      faults: () => [aliasProbe(() => current, probed)],
      expect: {
        status: 'success',
        trace: [
          'lambda-deploy: alias live of orders-api sends all traffic to version 1',
          /zipped 2 file\(s\) from src/,
          'updating the configuration: environment (LOG_LEVEL FEATURES); memory 128 -> 256 MB',
          'published version 2 (code and configuration)',
          'smoke test passed',
          'alias live: 10% on version 2, 90% on version 1',
          'alias live: 100% on version 2',
          'deployed: alias live of orders-api sends all traffic to version 2 (was 1)',
        ],
        notInTrace: ['a,b=c'],
      },
      verify: async (ctx, r) => {
        assert.deepEqual(await alias(ctx), { version: '2', weights: {} });
        // While the canary step lasted, moto's alias really routed 10% to version 2.
        assert.ok(
          probed.some((a) => a.version === '1' && a.weights['2'] === 0.1),
          `the alias never held a 10% canary: ${JSON.stringify(probed)}`,
        );
        const cfg = await ctx.aws
          .client(LambdaClient)
          .send(new GetFunctionConfigurationCommand({ FunctionName: FN, Qualifier: '2' }));
        assert.deepEqual(cfg.Environment?.Variables, { TABLE: 'orders', LOG_LEVEL: 'debug', FEATURES: 'a,b=c' });
        assert.equal(cfg.MemorySize, 256);
        assert.equal(lambdaCalls(r, PUBLISH), 1);
        assert.equal(lambdaCalls(r, UPDATE_ALIAS), 2);
      },
    },
    {
      name: 'an alarm during the canary rolls the alias back and fails the job',
      files: SOURCE,
      inputs: { code: 'src', strategy: 'canary', 'canary-percent': 20, 'step-interval': 5, alarms: ALARM },
      setup: rememberedWorldInputs,
      // The check before any shift sees OK; at the first check during the step the alarm really goes
      // to ALARM in moto, as CloudWatch would when the canary's errors cross the threshold.
      faults: () => [
        alarmFires(
          'alarm-fires-mid-canary',
          'DescribeAlarms',
          'Threshold Crossed: 1 datapoint [4.0] was greater than or equal to the threshold (1.0).',
        ),
      ],
      expect: {
        status: 'failed',
        trace: [
          'alias live: 20% on version 2, 80% on version 1',
          'ALARM while version 2 had 20% of the traffic',
          'orders-api-errors (Threshold Crossed: 1 datapoint [4.0] was greater than or equal to the threshold (1.0).)',
          'rolled back: alias live sends all traffic to version 1 again',
        ],
        notInTrace: ['100% on version 2'],
      },
      verify: async (ctx, r) => {
        assert.deepEqual(await alias(ctx), { version: '1', weights: {} });
        assert.deepEqual(await versions(ctx), ['1', '2'], 'version 2 should stay published for investigation');
        assert.equal(lambdaCalls(r, UPDATE_ALIAS), 2);
      },
    },
    {
      name: 'unchanged code publishes nothing on the second run',
      files: SOURCE,
      inputs: { code: 'src', alarms: ALARM },
      runs: 2,
      setup: worldInputs,
      expect: {
        status: 'success',
        trace: [
          'code unchanged',
          'configuration unchanged',
          'nothing changed since version 2: no version is published',
          'alias live already sends all traffic to version 2: nothing to deploy',
        ],
      },
      verify: async (ctx, r) => {
        assert.match(r.runs[0]!.trace, /published version 2/);
        assert.equal(lambdaCalls(r, PUBLISH), 0, 'the second run published a version');
        assert.equal(lambdaCalls(r, UPDATE_CODE), 0, 'the second run uploaded the code');
        assert.equal(lambdaCalls(r, UPDATE_ALIAS), 0, 'the second run changed the alias');
        assert.deepEqual(await versions(ctx), ['1', '2']);
        assert.deepEqual(await alias(ctx), { version: '2', weights: {} });
      },
    },
    {
      name: 'a concurrent change to the alias during the canary is detected and left alone',
      files: SOURCE,
      inputs: { code: 'src', strategy: 'canary', 'step-interval': 4, alarms: ALARM },
      setup: async (ctx) => {
        remember(ctx);
        return (await world(ctx, { versions: 2 })).inputs;
      },
      // While the canary step lasts, someone else (another pipeline, a person) points the alias at version 1.
      faults: () => [
        {
          name: 'another-deploy-moves-the-alias',
          action: 'DescribeAlarms',
          skip: 1,
          times: 1,
          respond: async () => {
            await current.meanwhile(() =>
              current.aws.client(LambdaClient).send(
                new UpdateAliasCommand({
                  FunctionName: FN,
                  Name: ALIAS,
                  FunctionVersion: '1',
                  RoutingConfig: { AdditionalVersionWeights: {} },
                }),
              ),
            );
            return undefined;
          },
        },
      ],
      expect: {
        status: 'failed',
        trace: [
          'alias live: 10% on version 3, 90% on version 2',
          "alias 'live' of 'orders-api' was changed by someone else while this job ran: this job left it on version " +
            '2 with routing {"3":0.1}, it is now on version 1 with routing {}',
          'This job does not touch it again',
        ],
        notInTrace: ['rolled back', '100% on version 3'],
      },
      verify: async (ctx, r) => {
        assert.deepEqual(await alias(ctx), { version: '1', weights: {} }, "the job overwrote the other party's change");
        assert.equal(lambdaCalls(r, UPDATE_ALIAS), 1);
      },
    },
    {
      name: 'an AWS error in the middle of the canary rolls the alias back instead of leaving it split',
      files: SOURCE,
      // One attempt per call, so the 500 below is final, as it is once the CLI's retries run out.
      inputs: { code: 'src', strategy: 'canary', 'canary-percent': 20, alarms: ALARM, 'aws-max-attempts': 1 },
      setup: worldInputs,
      // The canary's UpdateAlias passes; the move to 100% fails with Lambda's internal error.
      faults: [
        faults.error('UpdateAlias', 500, 'ServiceException', 'An internal error occurred.', { skip: 1, times: 1 }),
      ],
      expect: {
        status: 'failed',
        trace: [
          'alias live: 20% on version 2, 80% on version 1',
          'the job stopped while version 2 had traffic',
          'rolled back: alias live sends all traffic to version 1 again',
        ],
        notInTrace: ['100% on version 2'],
      },
      verify: async (ctx, r) => {
        assert.deepEqual(await alias(ctx), { version: '1', weights: {} }, 'the alias was left split');
        assert.equal(lambdaCalls(r, UPDATE_ALIAS), 3, 'the canary, the failed move to 100%, the rollback');
      },
    },
    {
      name: "a shift that cannot finish within the job's timeout is refused before anything changes",
      files: SOURCE,
      inputs: { code: 'src', strategy: 'linear', 'linear-percent': 25, 'step-interval': 1200, 'bake-time': 300 },
      // GitLab sets CI_JOB_TIMEOUT from the job's `timeout:` (here the default hour); gitlab-ci-local does not.
      variables: { CI_JOB_TIMEOUT: '3600' },
      setup: worldInputs,
      expect: {
        status: 'failed',
        trace: [
          "input 'step-interval': the traffic shift (linear: 3 step(s) of 1200s and 300s of bake time) lasts 3900s",
          'timeout of 3600s: GitLab would stop the job while the alias is split',
          'deploy-lambda: { timeout: 71m }',
        ],
      },
      verify: async (ctx, r) => {
        assert.equal(lambdaCalls(r, PUBLISH), 0);
        assert.equal(lambdaCalls(r, UPDATE_CODE), 0);
        assert.deepEqual(await alias(ctx), { version: '1', weights: {} });
      },
    },
    {
      name: 'manual promotion: the deploy job pauses at the canary, the promote job finishes it now',
      files: SOURCE,
      inputs: {
        code: 'src',
        strategy: 'canary',
        'canary-percent': 25,
        promotion: 'manual',
        'step-interval': 1,
        'bake-time': 2,
        alarms: ALARM,
      },
      jobs: [JOB, `${JOB}-promote`],
      setup: worldInputs,
      expect: {
        status: 'success',
        trace: [
          'alias live: 25% on version 2, 75% on version 1',
          'paused with 25% on version 2: run the promote job',
          'promoting: alias live moves all traffic to version 2 now (was: the alias stays on version 1 and routes ' +
            '{"2":0.25})',
          'baking: watching alarms for 2s with all traffic on version 2',
          'promoted: alias live of orders-api sends all traffic to version 2',
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
        assert.deepEqual(await alias(ctx), { version: '2', weights: {} });
        // A job that needs only the promote job (a release note) gets the versions from its report.
        const report = readFileSync(join(r.projectDir, 'lambda-promote.env'), 'utf8');
        for (const line of [
          'LAMBDA_FUNCTION=orders-api',
          'LAMBDA_PREVIOUS_VERSION=1',
          'LAMBDA_NEW_VERSION=2',
          'LAMBDA_DEPLOY_STATE=COMPLETED',
        ]) {
          assert.ok(report.split('\n').includes(line), `the promote job's dotenv report lacks ${line}:\n${report}`);
        }
      },
    },
    {
      name: 'an alarm while the promoted version bakes rolls the alias back and fails the promote job',
      files: SOURCE,
      inputs: {
        code: 'src',
        strategy: 'canary',
        'canary-percent': 25,
        promotion: 'manual',
        'step-interval': 1,
        'bake-time': 3,
        alarms: ALARM,
      },
      jobs: [JOB, `${JOB}-promote`],
      setup: rememberedWorldInputs,
      // The promote job's move to 100% (the second UpdateAlias) goes through; the errors start with it.
      faults: () => [alarmFires('alarm-fires-after-promotion', 'UpdateAlias', 'errors at 100%')],
      // The gate may fail without failing the pipeline; a job that needs it sees ROLLED_BACK.
      expect: {
        status: 'success',
        jobs: { [JOB]: 'success', [`${JOB}-promote`]: 'failed' },
        trace: [
          'baking: watching alarms for 3s with all traffic on version 2',
          'ALARM after the promotion: orders-api-errors (errors at 100%)',
          'rolled back after the promotion: alias live sends all traffic to version 1 again',
        ],
        notInTrace: ['promoted: alias live'],
      },
      verify: async (ctx, r) => {
        assert.deepEqual(await alias(ctx), { version: '1', weights: {} });
        const report = readFileSync(join(r.projectDir, 'lambda-promote.env'), 'utf8');
        assert.ok(report.split('\n').includes('LAMBDA_DEPLOY_STATE=ROLLED_BACK'), report);
      },
    },
    {
      name: 'manual rollback after a completed deploy returns the alias and fails the job',
      files: SOURCE,
      inputs: { code: 'src' },
      jobs: [JOB, `${JOB}-rollback`],
      setup: worldInputs,
      // The rollback job may fail without failing the pipeline (a manual gate), so the pipeline passes.
      expect: {
        status: 'success',
        trace: [
          'alias live: 100% on version 2',
          'rolling back: alias live moves all traffic to version 1 (was: the alias sends all traffic to version 2)',
          "rolled back: alias 'live' of 'orders-api' sends all traffic to version 1 again (version 2 stays " +
            'published). The job fails on purpose',
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
        assert.deepEqual(await alias(ctx), { version: '1', weights: {} });
      },
    },
    {
      name: 'manual rollback of a paused canary',
      files: SOURCE,
      inputs: { code: 'src', strategy: 'linear', 'linear-percent': 30, promotion: 'manual', 'step-interval': 1 },
      jobs: [JOB, `${JOB}-rollback`],
      setup: worldInputs,
      expect: {
        status: 'success',
        trace: [
          'waiting 1s (no alarms to watch)',
          'paused with 30% on version 2',
          'rolling back: alias live moves all traffic to version 1 (was: the alias stays on version 1 and routes ' +
            '{"2":0.3})',
        ],
      },
      verify: async (ctx, r) => {
        assert.equal(r.jobs[1]!.status, 'failed');
        assert.deepEqual(await alias(ctx), { version: '1', weights: {} });
      },
    },
    {
      name: 'linear steps of 40% reach 100% in three shifts',
      files: SOURCE,
      inputs: {
        code: 'src',
        strategy: 'linear',
        'linear-percent': 40,
        'step-interval': 1,
        alarms: ALARM,
        'bake-time': 1,
      },
      setup: worldInputs,
      expect: {
        status: 'success',
        trace: [
          'alias live: 40% on version 2',
          'alias live: 80% on version 2',
          'alias live: 100% on version 2',
          'baking: watching alarms for 1s',
        ],
      },
      verify: async (ctx, r) => {
        assert.equal(lambdaCalls(r, UPDATE_ALIAS), 3);
        assert.deepEqual(await alias(ctx), { version: '2', weights: {} });
      },
    },
    {
      name: 'a failing smoke invocation moves no traffic',
      files: SOURCE,
      inputs: {
        code: 'src',
        strategy: 'canary',
        'smoke-payload': '{"check": "health"}',
        'smoke-expect': '"status": "healthy"',
      },
      setup: worldInputs,
      expect: {
        status: 'failed',
        trace: [
          'smoke test: invoking version 2 (no traffic on it yet)',
          'smoke test of version 2 failed: the response does not contain \'"status": "healthy"\': {"check": "health"}',
          'No traffic was moved: alias live still sends all traffic to version 1',
        ],
      },
      verify: aliasUntouched,
    },
    {
      name: 'a function error in the smoke invocation moves no traffic',
      files: SOURCE,
      inputs: { code: 'src' },
      setup: worldInputs,
      faults: [simulated.lambdaFunctionError({ errorMessage: 'KeyError: TABLE', errorType: 'KeyError' })],
      expect: {
        status: 'failed',
        trace: [
          'smoke test of version 2 failed: the function failed (Unhandled): {"errorMessage": "KeyError: TABLE"',
          'No traffic was moved',
        ],
      },
      verify: async (ctx) => assert.deepEqual(await alias(ctx), { version: '1', weights: {} }),
    },
    {
      name: 'an alarm already in ALARM stops the release before any traffic moves',
      files: SOURCE,
      inputs: { code: 'src', strategy: 'canary', alarms: ALARM },
      setup: async (ctx) => {
        const w = await world(ctx);
        await w.cloudwatch.send(
          new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: 'ALARM', StateReason: 'errors before the deploy' }),
        );
        return w.inputs;
      },
      expect: {
        status: 'failed',
        trace: ['alarm(s) already in ALARM before any traffic moved: orders-api-errors (errors before the deploy)'],
      },
      verify: aliasUntouched,
    },
    {
      name: 'a mistyped alarm name fails before any traffic moves',
      files: SOURCE,
      inputs: { code: 'src', strategy: 'canary', alarms: `${ALARM}, orders-api-erors` },
      setup: worldInputs,
      expect: { status: 'failed', trace: ["input 'alarms': there is no CloudWatch alarm named 'orders-api-erors'"] },
      verify: aliasUntouched,
    },
    {
      name: 'a deploy refuses to start while another canary splits the alias',
      files: SOURCE,
      inputs: { code: 'src' },
      setup: async (ctx) => {
        const w = await world(ctx, { versions: 2 });
        await w.lambda.send(
          new UpdateAliasCommand({
            FunctionName: FN,
            Name: ALIAS,
            FunctionVersion: '1',
            RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } },
          }),
        );
        return w.inputs;
      },
      expect: {
        status: 'failed',
        trace: [
          "alias 'live' of 'orders-api' splits traffic (version 1 plus {\"2\":0.1}): another deploy's canary is in " +
            'progress',
        ],
      },
      verify: async (ctx, r) => {
        assert.equal(lambdaCalls(r, UPDATE_CODE), 0);
        assert.deepEqual(await alias(ctx), { version: '1', weights: { '2': 0.1 } });
      },
    },
    {
      name: 'the first deploy creates the alias; old unreferenced versions are pruned',
      files: SOURCE,
      inputs: { code: 'src', 'keep-versions': 1 },
      setup: async (ctx) => {
        const w = await world(ctx, { versions: 4, alias: false });
        await w.lambda.send(new CreateAliasCommand({ FunctionName: FN, Name: 'beta', FunctionVersion: '2' }));
        return w.inputs;
      },
      expect: {
        status: 'success',
        trace: [
          'alias live of orders-api does not exist yet',
          'created alias live on version 5',
          'pruned 2 version(s) no alias references; kept the newest 1 of those',
        ],
      },
      verify: async (ctx) => {
        // 2 is beta's, 5 is live's; 4 is the newest unreferenced one (kept); 1 and 3 went.
        assert.deepEqual(await versions(ctx), ['2', '4', '5']);
        assert.deepEqual(await alias(ctx), { version: '5', weights: {} });
      },
    },
    {
      name: 'an image function gets the new image by digest',
      inputs: {
        'image-ref': `123456789012.dkr.ecr.us-east-1.amazonaws.com/orders@sha256:${'b'.repeat(64)}`,
        'smoke-invoke': false,
      },
      setup: async (ctx) => {
        const w = await world(ctx, { alias: false });
        const role = `arn:aws:iam::${ctx.accountId}:role/orders-api-exec`;
        await w.lambda.send(
          new CreateFunctionCommand({
            FunctionName: 'orders-worker',
            PackageType: 'Image',
            Role: role,
            Code: { ImageUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/orders@sha256:${'a'.repeat(64)}` },
          }),
        );
        await w.lambda.send(new PublishVersionCommand({ FunctionName: 'orders-worker' }));
        await w.lambda.send(
          new CreateAliasCommand({ FunctionName: 'orders-worker', Name: ALIAS, FunctionVersion: '1' }),
        );
        return { ...w.inputs, 'function-name': 'orders-worker' };
      },
      expect: {
        status: 'success',
        trace: [
          'updating the image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/orders@sha256:aaaa',
          'published version 2',
          'alias live: 100% on version 2',
        ],
      },
      verify: async (ctx) => {
        const fn = await ctx.aws
          .client(LambdaClient)
          .send(new GetFunctionCommand({ FunctionName: 'orders-worker', Qualifier: '2' }));
        assert.equal(fn.Code?.ImageUri, `123456789012.dkr.ecr.us-east-1.amazonaws.com/orders@sha256:${'b'.repeat(64)}`);
      },
    },
    {
      name:
        'CodeDeploy mode (simulated progress): the appspec shifts live from 1 to 2 and the job follows it to ' +
        'Succeeded',
      files: SOURCE,
      inputs: {
        code: 'src',
        'codedeploy-application': FN,
        'codedeploy-deployment-group': ALIAS,
        'codedeploy-deployment-config': 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        'before-allow-traffic-hook': 'orders-api-pretraffic',
      },
      setup: async (ctx) => {
        remember(ctx);
        const w = await world(ctx);
        await codedeployGroup(ctx);
        return w.inputs;
      },
      // CodeDeploy moves the alias itself; the simulation does so when it reports Succeeded.
      faults: () => [
        ...simulated.codedeployDeployment({
          states: ['Created', 'InProgress', 'InProgress', 'Succeeded'],
          onState: async (state) => {
            if (state === 'Succeeded')
              await current.meanwhile(() =>
                current.aws
                  .client(LambdaClient)
                  .send(new UpdateAliasCommand({ FunctionName: FN, Name: ALIAS, FunctionVersion: '2' })),
              );
          },
        }),
        appspecCapture,
      ],
      expect: {
        status: 'success',
        trace: [
          'CodeDeploy: orders-api/live shifts alias live from version 1 to 2 ' +
            '(CodeDeployDefault.LambdaCanary10Percent5Minutes)',
          /CodeDeploy deployment [A-Za-z0-9-]+: https:/,
          ': InProgress',
          'Succeeded: alias live sends all traffic to version 2',
        ],
      },
      verify: async (ctx) => {
        assert.deepEqual(await alias(ctx), { version: '2', weights: {} });
        const appspec = JSON.parse(captured.appspec) as {
          Resources: Array<Record<string, { Properties: Record<string, string> }>>;
          Hooks: unknown[];
        };
        assert.deepEqual(appspec.Resources[0]![FN]!.Properties, {
          Name: FN,
          Alias: ALIAS,
          CurrentVersion: '1',
          TargetVersion: '2',
        });
        assert.deepEqual(appspec.Hooks, [{ BeforeAllowTraffic: 'orders-api-pretraffic' }]);
        assert.equal(captured.group, ALIAS);
      },
    },
    {
      name: "CodeDeploy mode (simulated progress): a Failed deployment fails the job with CodeDeploy's reason",
      files: SOURCE,
      inputs: { code: 'src', 'codedeploy-application': FN, 'codedeploy-deployment-group': ALIAS },
      setup: async (ctx) => {
        const w = await world(ctx);
        await codedeployGroup(ctx);
        return w.inputs;
      },
      faults: [
        ...simulated.codedeployDeployment({
          states: ['InProgress', 'Failed'],
          error: {
            code: 'ALARM_ACTIVE',
            message: 'One or more alarms have been activated according to the Amazon CloudWatch metrics you selected.',
          },
          rollbackMessage: 'Automatic rollback triggered by alarm.',
        }),
      ],
      expect: {
        status: 'failed',
        trace: [
          'CodeDeploy rollback: Automatic rollback triggered by alarm.',
          'Failed (ALARM_ACTIVE: One or more alarms have been activated',
        ],
      },
    },
    {
      name: 'hostile-looking values are refused before anything changes',
      inputs: { code: '--help', alarms: 'file:///etc/passwd' },
      setup: worldInputs,
      expect: { status: 'failed', trace: ["input 'alarms': 'file:///etc/passwd' starts with 'file://'"] },
      verify: (_ctx, r) => assert.equal(r.calls.filter((c) => c.service === 'lambda').length, 0),
    },
  ] as Scenario[]
).map((s) => ({ ...s, inputs: { ...FAST, ...s.inputs } }));

/** The appspec and group of the last CreateDeployment the job sent. */
const captured = { appspec: '', group: '' };
const appspecCapture: FaultRule = {
  name: 'capture:appspec',
  action: 'CreateDeployment',
  respond: (call) => {
    const body = JSON.parse(call.body.toString('utf8')) as {
      deploymentGroupName: string;
      revision: { appSpecContent: { content: string } };
    };
    captured.appspec = body.revision.appSpecContent.content;
    captured.group = body.deploymentGroupName;
    return undefined;
  },
};

async function codedeployGroup(ctx: ScenarioContext): Promise<void> {
  const cd = ctx.aws.client(CodeDeployClient);
  await cd.send(new CreateApplicationCommand({ applicationName: FN, computePlatform: 'Lambda' }));
  await cd.send(
    new CreateDeploymentGroupCommand({
      applicationName: FN,
      deploymentGroupName: ALIAS,
      serviceRoleArn: `arn:aws:iam::${ctx.accountId}:role/codedeploy`,
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    }),
  );
}

export default defineScenarios('lambda-deploy', scenarios);
