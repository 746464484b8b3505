// End-to-end scenarios for cloudformation-deploy: run by `npm run catalog -- test cloudformation-deploy`
// and `npm test` against moto (CloudFormation, S3, STS) through the harness's fault proxy.
// moto creates and updates stacks through change sets and reports empty change sets as AWS does.
// What it lacks (anchors-wave2.md §0) is answered by the proxy in AWS's shape, in scenarios whose
// names say "simulated": outputs after a change set, termination protection, failures and
// rollbacks, continue-update-rollback, and `Replacement` on changes.
import assert from 'node:assert/strict';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DescribeStacksCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import {
  defineScenarios,
  type Scenario,
  type ScenarioContext,
  type ScenarioResult,
} from '../../src/harness/scenario.js';
import * as sim from '../../src/harness/cloudformation-faults.js';
import { startNotesStub, type NotesStub } from '../../src/harness/gitlab-notes-stub.js';

const STACK = 'web-app';
const PLAN = 'cloudformation-plan';
const APPLY = 'cloudformation-apply';
const BOTH = [PLAN, APPLY];

const TEMPLATE_V1 = `AWSTemplateFormatVersion: '2010-09-09'
Description: web app
Parameters:
  Env:
    Type: String
  DbPassword:
    Type: String
    NoEcho: true
    Default: ''
Resources:
  Assets:
    Type: AWS::S3::Bucket
Outputs:
  AssetsBucket:
    Value: !Ref Assets
`;

const TEMPLATE_V2 = TEMPLATE_V1.replace(
  'Outputs:',
  `  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: web-app-jobs
Outputs:`,
);

const WITH_ROLE = TEMPLATE_V1.replace(
  'Outputs:',
  `  TaskRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: web-app-task
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: ecs-tasks.amazonaws.com }
            Action: sts:AssumeRole
Outputs:`,
);

const PARAMS = 'Env=production\n# the password comes from a masked CI/CD variable\nDbPassword=$DB_PASSWORD\n';
const SECRET = 'pa55-w0rd-never-printed';

/** Every scenario polls fast and leaves termination protection off unless it is about it. */
const FAST = { 'poll-interval': 1, 'wait-timeout': 60, 'termination-protection': false };

const cfn = (ctx: ScenarioContext) => ctx.aws.client(CloudFormationClient);

async function role(ctx: ScenarioContext): Promise<Record<string, unknown>> {
  return { 'role-arn': await ctx.oidcRole(), 'stack-name': STACK };
}

async function stack(ctx: ScenarioContext) {
  const out = await cfn(ctx).send(new DescribeStacksCommand({ StackName: STACK }));
  return out.Stacks![0]!;
}

async function resources(ctx: ScenarioContext): Promise<string[]> {
  const out = await cfn(ctx).send(new ListStackResourcesCommand({ StackName: STACK }));
  return (out.StackResourceSummaries ?? []).map((r) => r.LogicalResourceId!).sort();
}

async function changeSets(ctx: ScenarioContext): Promise<string[]> {
  const out = await cfn(ctx).send(new ListChangeSetsCommand({ StackName: STACK }));
  return (out.Summaries ?? [])
    .filter((s) => s.StackName === STACK)
    .map((s) => s.ChangeSetName!)
    .sort();
}

/** A deployed stack, created as a user would have (not by this component). */
async function deployed(ctx: ScenarioContext, template = TEMPLATE_V1): Promise<Record<string, unknown>> {
  await cfn(ctx).send(
    new CreateStackCommand({
      StackName: STACK,
      TemplateBody: template,
      Parameters: [{ ParameterKey: 'Env', ParameterValue: 'production' }],
    }),
  );
  return role(ctx);
}

/** A pipeline that plans and applies TEMPLATE_V2 (Env=production) over the deployed stack. */
const UPDATE_DEPLOYED = {
  files: { 'template.yaml': TEMPLATE_V2, 'production.params': 'Env=production\n' },
  inputs: { 'parameters-file': 'production.params' },
  jobs: BOTH,
  setup: (ctx: ScenarioContext) => deployed(ctx),
};

/** The stack's creation failed on its bucket and was rolled back: ROLLBACK_COMPLETE (simulated). */
const assetsCreationRolledBack = () =>
  sim.rolledBackStack({
    logicalId: 'Assets',
    type: 'AWS::S3::Bucket',
    status: 'CREATE_FAILED',
    reason: 'web-app-assets already exists',
  });

/**
 * The setup of a stack left REVIEW_IN_PROGRESS: a change set `name` created it (CREATE, for
 * Env=staging) and was never executed, so the stack holds no resources.
 */
const reviewInProgress = (name: string) => async (ctx: ScenarioContext) => {
  const inputs = await role(ctx);
  await cfn(ctx).send(
    new CreateChangeSetCommand({
      StackName: STACK,
      ChangeSetName: name,
      ChangeSetType: 'CREATE',
      TemplateBody: TEMPLATE_V1,
      Parameters: [{ ParameterKey: 'Env', ParameterValue: 'staging' }],
    }),
  );
  return inputs;
};

const calls = (r: ScenarioResult, action: string) => r.counts[`cloudformation:${action}`] ?? 0;

/** The parameters of a query-protocol request the jobs sent (`Action=CreateChangeSet&...`). */
function requestsOf(r: ScenarioResult, action: string): URLSearchParams[] {
  return r.requests
    .filter((t) => t.includes(`Action=${action}&`))
    .map((t) => new URLSearchParams(t.slice(t.indexOf('\n\n') + 2)));
}

/** The plan job's change set ARN, as printed. */
const plannedId = (r: ScenarioResult) =>
  /change set ci-\d+-\d+ \((?:CREATE|UPDATE)\) created: (arn:\S+)/.exec(r.trace)?.[1];

/** A file the job left in the consumer project (its artifacts and reports), or '' when absent. */
function projectFile(r: ScenarioResult, name: string): string {
  for (const p of [
    join(r.projectDir, name),
    join(r.projectDir, '.gitlab-ci-local', 'artifacts', APPLY, name),
    join(r.projectDir, '.gitlab-ci-local', 'artifacts', PLAN, name),
  ]) {
    if (existsSync(p)) return readFileSync(p, 'utf8');
  }
  return '';
}

/** Over CloudFormation's 51,200-byte limit for an inline template. */
const LARGE_TEMPLATE = TEMPLATE_V1.replace('Resources:', `Metadata:\n  Padding: '${'x'.repeat(52_000)}'\nResources:`);

/** ResourcesToSkip of the simulated ContinueUpdateRollback call. */
const skipped: string[] = [];

const stub: { notes?: NotesStub } = {};
const stubVariables: Record<string, string> = {};

const scenarios: Scenario[] = (
  [
    {
      name: 'a new stack is planned, then the apply job executes exactly the planned change set',
      files: { 'template.yaml': TEMPLATE_V1, 'production.params': PARAMS },
      inputs: { 'parameters-file': 'production.params', tags: 'team=web, cost-center=1234' },
      variables: { DB_PASSWORD: SECRET },
      jobs: BOTH,
      setup: role,
      expect: {
        status: 'success',
        trace: [
          'cloudformation-deploy: stack web-app does not exist in us-east-1: planning its creation',
          new RegExp(
            String.raw`cloudformation-deploy: change set ci-\d+-\d+ \(CREATE\) created: ` +
              String.raw`arn:aws:cloudformation:us-east-1:123456789012:changeSet\/ci-`,
          ),
          'cloudformation-deploy: plan for stack web-app: 1 to add, 0 to modify (0 replacements), 0 to remove',
          'cloudformation-deploy: parameter DbPassword = ****',
          /executing change set ci-\d+-\d+ \(arn:aws:cloudformation:[^)]+\) on stack web-app, exactly as planned/,
          'cloudformation-deploy: stack web-app is CREATE_COMPLETE',
        ],
        notInTrace: [SECRET],
      },
      verify: async (ctx, r) => {
        const executed = requestsOf(r, 'ExecuteChangeSet');
        assert.equal(executed.length, 1, 'the apply job executed one change set');
        assert.equal(
          executed[0]!.get('ChangeSetName'),
          plannedId(r),
          'the apply job executed another change set than the one planned',
        );
        const s = await stack(ctx);
        assert.equal(s.StackStatus, 'CREATE_COMPLETE');
        assert.deepEqual(Object.fromEntries((s.Tags ?? []).map((t) => [t.Key, t.Value])), {
          team: 'web',
          'cost-center': '1234',
        });
        assert.deepEqual(await resources(ctx), ['Assets']);
        assert.ok(
          [...requestsOf(r, 'CreateChangeSet')[0]!.values()].includes(SECRET),
          'the NoEcho value from the CI/CD variable did not reach CloudFormation',
        );
        assert.equal(calls(r, 'UpdateTerminationProtection'), 0, 'protection was already as required');
      },
      inspect: (_ctx, r) => {
        const plan = projectFile(r, 'cloudformation-plan.md');
        return [
          ...(plan.includes('| Add | `Assets` | AWS::S3::Bucket |')
            ? []
            : [`the plan artifact lacks the Assets row:\n${plan}`]),
          ...(plan.includes('| DbPassword | `****` |') ? [] : ['the plan artifact does not mask the NoEcho parameter']),
          ...(plan.includes(SECRET) ? ['the plan artifact contains the NoEcho value'] : []),
        ];
      },
    },
    {
      name:
        "an update's stack outputs reach the dotenv report (outputs simulated: moto fills them only " +
        'on CreateStack)',
      ...UPDATE_DEPLOYED,
      faults: () =>
        sim.outputsAfterChangeSet({
          AssetsBucket: 'web-app-assets-1x2y3z',
          JobsQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/web-app-jobs',
        }),
      expect: {
        status: 'success',
        trace: [
          'cloudformation-deploy: stack web-app is UPDATE_COMPLETE',
          'parameters keeping their previous value: DbPassword',
          '2 stack output(s) written to cloudformation.env',
        ],
      },
      verify: async (ctx, r) => {
        assert.equal(requestsOf(r, 'ExecuteChangeSet')[0]!.get('ChangeSetName'), plannedId(r));
        assert.deepEqual(await resources(ctx), ['Assets', 'Jobs']);
      },
      inspect: (_ctx, r) => {
        const env = projectFile(r, 'cloudformation.env');
        const want = [
          'CFN_OUTPUT_AssetsBucket=web-app-assets-1x2y3z',
          'CFN_OUTPUT_JobsQueueUrl=https://sqs.us-east-1.amazonaws.com/123456789012/web-app-jobs',
          'CFN_STACK_STATUS=UPDATE_COMPLETE',
        ];
        return want
          .filter((w) => !env.split('\n').includes(w))
          .map((w) => `the dotenv report lacks ${w}; it has:\n${env}`);
      },
    },
    {
      name: 'an empty change set is "no changes": deleted, and the apply job executes nothing',
      files: { 'template.yaml': TEMPLATE_V1, 'production.params': 'Env=production\n' },
      inputs: { 'parameters-file': 'production.params' },
      jobs: BOTH,
      setup: (ctx) => deployed(ctx),
      expect: {
        status: 'success',
        trace: [
          'cloudformation-deploy: no changes: the template and parameters match stack web-app as deployed (the ' +
            'empty change set was deleted)',
          'cloudformation-deploy: the plan found no changes for stack web-app: nothing to execute',
        ],
      },
      verify: async (ctx, r) => {
        assert.equal(calls(r, 'ExecuteChangeSet'), 0);
        assert.deepEqual(await changeSets(ctx), [], 'the empty change set was left behind');
        assert.equal((await stack(ctx)).StackStatus, 'CREATE_COMPLETE');
      },
      inspect: (_ctx, r) =>
        projectFile(r, 'cloudformation-plan.md').includes('**No changes.**')
          ? []
          : ['the plan artifact does not say "No changes"'],
    },
    {
      name: "stale change sets of this component are deleted; other refs' plans and others' change sets stay",
      files: { 'template.yaml': TEMPLATE_V2 },
      jobs: [PLAN],
      setup: async (ctx) => {
        const inputs = await deployed(ctx);
        const make = (name: string, ref: string, template = TEMPLATE_V2) =>
          cfn(ctx).send(
            new CreateChangeSetCommand({
              StackName: STACK,
              ChangeSetName: name,
              ChangeSetType: 'UPDATE',
              TemplateBody: template,
              Parameters: [{ ParameterKey: 'Env', ParameterValue: 'production' }],
              Description: `GitLab acme/platform/site ref ${ref} pipeline 1 job 1`,
            }),
          );
        await make('ci-1-100', ctx.ref);
        await make('ci-2-200', 'feature/other');
        await make('ci-3-300', 'feature/old', TEMPLATE_V1); // empty, so FAILED
        await make('reviewed-by-hand', ctx.ref);
        return inputs;
      },
      expect: {
        status: 'success',
        trace: [
          'deleted stale change set ci-1-100 (CREATE_COMPLETE)',
          'deleted stale change set ci-3-300 (FAILED)',
          '2 stale change set(s) of this component deleted',
        ],
      },
      verify: async (ctx, r) => {
        const left = await changeSets(ctx);
        const planned = /change set (ci-\d+-\d+) \(UPDATE\) created/.exec(r.trace)?.[1];
        assert.deepEqual(left, [planned, 'ci-2-200', 'reviewed-by-hand'].sort());
      },
    },
    {
      name: 'recovery: a stack left REVIEW_IN_PROGRESS by an unexecuted change set is removed and created',
      files: { 'template.yaml': TEMPLATE_V1, 'production.params': 'Env=production\n' },
      inputs: { 'parameters-file': 'production.params' },
      jobs: BOTH,
      setup: reviewInProgress('ci-7-700'),
      expect: {
        status: 'success',
        trace: [
          'cloudformation-deploy: recovery: stack web-app is REVIEW_IN_PROGRESS: a change set created it and was ' +
            'never executed, so it holds no resources: deleting stack web-app',
          'cloudformation-deploy: recovery: stack web-app deleted; it is created again from the template',
          'cloudformation-deploy: stack web-app is CREATE_COMPLETE',
        ],
      },
      verify: async (ctx, r) => {
        assert.equal(calls(r, 'DeleteStack'), 1);
        const s = await stack(ctx);
        assert.equal(s.StackStatus, 'CREATE_COMPLETE');
        assert.deepEqual(s.Parameters?.find((p) => p.ParameterKey === 'Env')?.ParameterValue, 'production');
      },
    },
    {
      name: "recovery: a REVIEW_IN_PROGRESS stack holding someone else's change set is left alone",
      files: { 'template.yaml': TEMPLATE_V1, 'production.params': 'Env=production\n' },
      inputs: { 'parameters-file': 'production.params' },
      jobs: [PLAN],
      setup: reviewInProgress('migration-review'),
      expect: {
        status: 'failed',
        trace: [
          'stack web-app is REVIEW_IN_PROGRESS (never created) and holds change set(s) this component did not ' +
            'create: migration-review',
        ],
      },
      verify: async (ctx, r) => {
        assert.equal(calls(r, 'DeleteStack'), 0);
        assert.equal(calls(r, 'CreateChangeSet'), 0);
        assert.equal((await stack(ctx)).StackStatus, 'REVIEW_IN_PROGRESS');
      },
    },
    {
      name: 'recovery: ROLLBACK_COMPLETE is not deleted unless allowed (rollback simulated)',
      files: { 'template.yaml': TEMPLATE_V1, 'production.params': 'Env=production\n' },
      inputs: { 'parameters-file': 'production.params' },
      jobs: [PLAN],
      setup: (ctx) => deployed(ctx),
      faults: assetsCreationRolledBack,
      expect: {
        status: 'failed',
        trace: [
          'stack web-app is ROLLBACK_COMPLETE: its creation failed and was rolled back, so it holds no resources ' +
            "and CloudFormation cannot update it. Nothing was changed. Set 'recreate-rolled-back-stack: true'",
        ],
      },
      verify: (_ctx, r) => {
        assert.equal(calls(r, 'DeleteStack'), 0);
        assert.equal(calls(r, 'CreateChangeSet'), 0);
      },
    },
    {
      name: 'recovery: ROLLBACK_COMPLETE is deleted and created again when allowed (rollback simulated)',
      files: { 'template.yaml': TEMPLATE_V1, 'production.params': 'Env=production\n' },
      inputs: { 'parameters-file': 'production.params', 'recreate-rolled-back-stack': true },
      jobs: BOTH,
      setup: async (ctx) => {
        const inputs = await deployed(ctx);
        return { ...inputs, 'stack-name': STACK };
      },
      faults: assetsCreationRolledBack,
      expect: {
        status: 'success',
        trace: [
          'recovery: stack web-app is ROLLBACK_COMPLETE (its creation failed; it holds no resources) and ' +
            "'recreate-rolled-back-stack' is on: deleting stack web-app",
          'stack web-app deleted; it is created again from the template',
          /change set ci-\d+-\d+ \(CREATE\) created/,
          'cloudformation-deploy: stack web-app is CREATE_COMPLETE',
        ],
      },
      verify: async (ctx, r) => {
        assert.equal(calls(r, 'DeleteStack'), 1);
        assert.equal((await stack(ctx)).StackStatus, 'CREATE_COMPLETE');
      },
    },
    {
      name:
        'recovery: UPDATE_ROLLBACK_FAILED is continued, skipping the resources named ' +
        '(continue-update-rollback simulated)',
      files: { 'template.yaml': TEMPLATE_V2, 'production.params': 'Env=production\n' },
      inputs: { 'parameters-file': 'production.params', 'resources-to-skip': 'Jobs' },
      jobs: BOTH,
      setup: (ctx) => deployed(ctx),
      faults: () => sim.updateRollbackFailed(skipped),
      expect: {
        status: 'success',
        trace: [
          'cloudformation-deploy: recovery: stack web-app is UPDATE_ROLLBACK_FAILED: continuing the ' +
            'rollback, skipping Jobs',
          'UPDATE_ROLLBACK_COMPLETE',
          'cloudformation-deploy: recovery: stack web-app is UPDATE_ROLLBACK_COMPLETE again',
          /change set ci-\d+-\d+ \(UPDATE\) created/,
        ],
      },
      verify: (_ctx, r) => {
        assert.equal(calls(r, 'ContinueUpdateRollback'), 1);
        assert.deepEqual(skipped.splice(0), ['Jobs']);
        assert.equal(calls(r, 'ExecuteChangeSet'), 1);
      },
    },
    {
      name:
        "a failed update prints each failing resource with CloudFormation's reason (failure and " +
        'rollback simulated)',
      ...UPDATE_DEPLOYED,
      faults: () =>
        sim.failedExecution({
          final: 'UPDATE_ROLLBACK_COMPLETE',
          failures: [
            {
              logicalId: 'Jobs',
              type: 'AWS::SQS::Queue',
              status: 'CREATE_FAILED',
              reason: 'Resource handler returned message: "Queue web-app-jobs already exists"',
            },
          ],
        }),
      expect: {
        status: 'failed',
        trace: [
          "cloudformation-deploy: failing resources and CloudFormation's reasons:",
          '  - Jobs (AWS::SQS::Queue) CREATE_FAILED: Resource handler returned message: "Queue web-app-jobs ' +
            'already exists"',
          new RegExp(
            String.raw`executing change set ci-\d+-\d+ on stack web-app ended in UPDATE_ROLLBACK_COMPLETE: the ` +
              'update failed and was rolled back',
          ),
        ],
      },
      verify: (_ctx, r) =>
        assert.equal(calls(r, 'UpdateTerminationProtection'), 0, 'a failed apply went on after the failure'),
    },
    {
      name: 'termination protection is turned on even when there is nothing to execute (protection simulated)',
      files: { 'template.yaml': TEMPLATE_V1, 'production.params': 'Env=production\n' },
      inputs: { 'parameters-file': 'production.params', 'termination-protection': true },
      jobs: BOTH,
      setup: (ctx) => deployed(ctx),
      faults: () => sim.terminationProtection(false),
      expect: {
        status: 'success',
        trace: [
          'nothing to execute',
          'cloudformation-deploy: termination protection of stack web-app turned on (it was off)',
        ],
      },
      verify: (_ctx, r) => {
        const updates = requestsOf(r, 'UpdateTerminationProtection');
        assert.equal(updates.length, 1);
        assert.equal(updates[0]!.get('EnableTerminationProtection'), 'true');
      },
    },
    {
      name: 'a template over 51,200 bytes is uploaded to S3 and planned from there',
      files: { 'template.yaml': LARGE_TEMPLATE, 'production.params': 'Env=production\n' },
      inputs: { 'parameters-file': 'production.params', 'template-bucket': 'acme-cfn-templates' },
      jobs: BOTH,
      setup: async (ctx) => {
        await ctx.aws.s3.send(new CreateBucketCommand({ Bucket: 'acme-cfn-templates' }));
        return role(ctx);
      },
      expect: {
        status: 'success',
        trace: [
          new RegExp(
            String.raw`template is \d+ bytes \(over 51,200\): uploaded to ` +
              String.raw`s3:\/\/acme-cfn-templates\/cloudformation-templates\/web-app\/[0-9a-f]{64}\.template`,
          ),
          'stack web-app is CREATE_COMPLETE',
        ],
      },
      verify: async (ctx, r) => {
        const digest = createHash('sha256').update(LARGE_TEMPLATE).digest('hex');
        const key = `cloudformation-templates/web-app/${digest}.template`;
        await ctx.aws.s3.send(new HeadObjectCommand({ Bucket: 'acme-cfn-templates', Key: key }));
        const created = requestsOf(r, 'CreateChangeSet')[0]!;
        assert.equal(created.get('TemplateURL'), `https://s3.us-east-1.amazonaws.com/acme-cfn-templates/${key}`);
        assert.equal(created.get('TemplateBody'), null);
        assert.equal((await stack(ctx)).StackStatus, 'CREATE_COMPLETE');
      },
    },
    {
      name: 'a template over 51,200 bytes without template-bucket is refused before anything changes',
      files: { 'template.yaml': LARGE_TEMPLATE, 'production.params': 'Env=production\n' },
      inputs: { 'parameters-file': 'production.params' },
      jobs: [PLAN],
      setup: role,
      expect: {
        status: 'failed',
        trace: [
          "cloudformation-deploy: error: input 'template-bucket': is empty, but 'template.yaml' is",
          "over CloudFormation's 51,200-byte limit",
        ],
      },
      verify: (_ctx, r) => assert.equal(calls(r, 'CreateChangeSet'), 0),
    },
    {
      name:
        'a parameters file naming a parameter the template lacks is refused, naming the file and the ' +
        "template's parameters",
      files: { 'template.yaml': TEMPLATE_V1, 'production.params': 'Env=production\nDbPasword=typo\n' },
      inputs: { 'parameters-file': 'production.params' },
      jobs: [PLAN],
      setup: role,
      expect: {
        status: 'failed',
        trace: [
          'cloudformation-deploy: error: production.params: DbPasword is not a parameter of template.yaml (it ' +
            'has: Env DbPassword). Nothing was changed.',
        ],
      },
      verify: (_ctx, r) => assert.equal(calls(r, 'CreateChangeSet'), 0),
    },
    {
      name: 'a required parameter without a value is refused on create',
      files: { 'template.yaml': TEMPLATE_V1 },
      jobs: [PLAN],
      setup: role,
      expect: {
        status: 'failed',
        trace: ['template.yaml needs a value for Env (no Default), and no parameters file gives none'],
      },
      verify: (_ctx, r) => assert.equal(calls(r, 'CreateChangeSet'), 0),
    },
    {
      name: 'capabilities are inferred from IAM resources in the template',
      files: { 'template.yaml': WITH_ROLE, 'production.params': 'Env=production\n' },
      inputs: { 'parameters-file': 'production.params' },
      // No \`jobs\`: the visible jobs run, and the apply job is manual. The security property builds on this one.
      setup: role,
      expect: {
        status: 'success',
        trace: [
          'capabilities: CAPABILITY_IAM CAPABILITY_NAMED_IAM (the template has IAM resources)',
          'IAM and security changes, review them: Add TaskRole (AWS::IAM::Role)',
        ],
      },
      verify: (_ctx, r) => {
        const created = requestsOf(r, 'CreateChangeSet')[0]!;
        assert.deepEqual(
          [created.get('Capabilities.member.1'), created.get('Capabilities.member.2')],
          ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
        );
      },
      inspect: (_ctx, r) =>
        projectFile(r, 'cloudformation-plan.md').includes('> - Add TaskRole (AWS::IAM::Role)')
          ? []
          : ['the plan artifact does not call out the IAM change'],
    },
    {
      name: 'the summary counts replacements and calls out IAM changes (Replacement simulated: moto omits it)',
      files: { 'template.yaml': WITH_ROLE, 'production.params': 'Env=production\n' },
      inputs: { 'parameters-file': 'production.params' },
      jobs: [PLAN],
      setup: (ctx) => deployed(ctx),
      faults: () =>
        sim.changeSetChanges([
          { action: 'Modify', logicalId: 'Assets', type: 'AWS::S3::Bucket', replacement: 'True' },
          { action: 'Add', logicalId: 'TaskRole', type: 'AWS::IAM::Role' },
          { action: 'Remove', logicalId: 'OldTopic', type: 'AWS::SNS::Topic' },
        ]),
      expect: {
        status: 'success',
        trace: [
          'plan for stack web-app: 1 to add, 1 to modify (1 replacement), 1 to remove',
          /Modify +Assets \(AWS::S3::Bucket\) +REPLACED/,
          'IAM and security changes, review them: Add TaskRole (AWS::IAM::Role)',
        ],
      },
      inspect: (_ctx, r) => {
        const plan = projectFile(r, 'cloudformation-plan.md');
        return plan.includes('| Modify | `Assets` | AWS::S3::Bucket | REPLACED |')
          ? []
          : [`the plan artifact lacks the replacement row:\n${plan}`];
      },
    },
    {
      name: 'the apply job refuses a change set that is no longer current (OBSOLETE simulated)',
      ...UPDATE_DEPLOYED,
      // The plan job reads the change set twice (its status, then its changes); the apply job's read sees it OBSOLETE.
      faults: [
        {
          name: 'simulated:obsolete',
          action: 'DescribeChangeSet',
          skip: 2,
          rewrite: (res) => ({
            ...res,
            body: Buffer.from(
              res.body.toString('utf8').replace(/<ExecutionStatus>[^<]*</, '<ExecutionStatus>OBSOLETE<'),
            ),
          }),
        },
      ],
      expect: {
        status: 'failed',
        trace: [
          /change set ci-\d+-\d+ is CREATE_COMPLETE\/OBSOLETE, not CREATE_COMPLETE\/AVAILABLE: it is no longer current/,
          'Nothing was changed. Re-run the plan job',
        ],
      },
      verify: (_ctx, r) => assert.equal(calls(r, 'ExecuteChangeSet'), 0),
    },
    {
      name: 'in a merge request the plan is one note, updated by the next plan (GitLab notes API stub: contract test)',
      files: { 'template.yaml': TEMPLATE_V1, 'production.params': 'Env=production\n' },
      inputs: { 'parameters-file': 'production.params' },
      jobs: [PLAN],
      runs: 2,
      variables: stubVariables,
      setup: async (ctx) => {
        stub.notes = await startNotesStub({ token: 'glpat-scenario-token-0001', mergeRequest: '7' });
        stub.notes.add('A reviewer: looks good, but check the bucket policy.');
        Object.assign(stubVariables, {
          CATALOG_GITLAB_API_URL: stub.notes.url,
          CI_MERGE_REQUEST_IID: '7',
          CATALOG_MR_NOTE_TOKEN: 'glpat-scenario-token-0001',
        });
        return role(ctx);
      },
      expect: {
        status: 'success',
        trace: [/merge request !7: note \d+ updated with cloudformation-plan\.md/],
        notInTrace: ['glpat-scenario-token-0001'],
      },
      verify: async (_ctx, r) => {
        const notes = stub.notes!;
        await notes.stop();
        assert.match(r.runs[0]!.trace, /merge request !7: cloudformation-plan\.md posted as a note/);
        assert.equal(notes.list().length, 2, 'the second plan added a note instead of updating its own');
        const plan = notes.list().find((n) => n.body.includes('CloudFormation plan'))!;
        assert.match(plan.body, /^<!-- cloudformation-deploy plan: stack=web-app region=us-east-1 -->/);
        assert.equal(plan.updates, 1);
        assert.deepEqual(
          notes.requests.map((q) => q.method),
          ['GET', 'POST', 'GET', 'PUT'],
        );
        assert.ok(notes.requests.every((q) => q.token === 'glpat-scenario-token-0001'));
      },
    },
  ] as Scenario[]
).map((s) => ({ ...s, inputs: { ...FAST, ...s.inputs } }));

export default defineScenarios('cloudformation-deploy', scenarios);
