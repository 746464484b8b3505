// End-to-end scenarios for cdk-deploy: the real CDK CLI (pinned, .tools/cdk, installed by
// scripts/setup-tools.sh) and aws-cdk-lib against moto. The jobs find `cdk` on PATH and the
// library through NODE_PATH, as in an image with both installed globally. moto runs CDK's
// bootstrap and a first deploy; it leaves stack outputs empty after a change set, so the scenario
// that checks the dotenv report has them answered by the proxy and says "simulated".
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import * as sim from '../../src/harness/cloudformation-faults.js';
import { startNotesStub, type NotesStub } from '../../src/harness/gitlab-notes-stub.js';
import {
  defineScenarios,
  type ClientConfig,
  type ScenarioContext,
  type ScenarioResult,
} from '../../src/harness/scenario.js';
import { restoreStackRoles } from '../../src/harness/cloudformation-roles.js';
import { REPO_ROOT, VENV_BIN } from '../../src/harness/tools.js';

const CDK = join(REPO_ROOT, '.tools', 'cdk');
const SYNTH = 'cdk-synth';
const DIFF = 'cdk-diff';
const DEPLOY = 'cdk-deploy';

/** Each synth of the app appends a line here: the deploy must not synthesize again. */
const synthLog = join(tmpdir(), `cdk-deploy-synth-${randomUUID()}.log`);

/** Where the jobs find the CLI and the library, as an image with `npm i -g aws-cdk aws-cdk-lib` has them. */
const TOOLS = {
  PATH: `${join(CDK, 'node_modules', '.bin')}:${VENV_BIN}:${process.env.PATH ?? ''}`,
  NODE_PATH: join(CDK, 'node_modules'),
  SYNTH_LOG: synthLog,
  // aws-cdk-lib's built-in template validation (a WebAssembly engine, ~4 s of CPU per synth) is the
  // app's choice, not the component's: off here, as CI time is scarce.
  CDK_VALIDATION: 'false',
  // The template URL the CLI hands CloudFormation: in AWS, CloudFormation reads it from S3 itself,
  // not through the job's endpoint; moto's CloudFormation reads path-style AWS URLs from its own S3.
  AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION: 'https://s3.us-east-1.amazonaws.com',
};

const APP = `const fs = require('node:fs');
const cdk = require('aws-cdk-lib');
if (process.env.SYNTH_LOG) fs.appendFileSync(process.env.SYNTH_LOG, 'synth\\n');
const app = new cdk.App();
const stack = new cdk.Stack(app, 'WebApp', { env: { account: '123456789012', region: 'us-east-1' } });
const bucket = new cdk.aws_s3.Bucket(stack, 'Assets');
const role = new cdk.aws_iam.Role(stack, 'Reader', {
  assumedBy: new cdk.aws_iam.ServicePrincipal('lambda.amazonaws.com'),
});
bucket.grantRead(role);
new cdk.CfnOutput(stack, 'AssetsBucket', { value: bucket.bucketName });
`;

const LOOKUP_APP = `const cdk = require('aws-cdk-lib');
const app = new cdk.App();
const stack = new cdk.Stack(app, 'WebApp', { env: { account: '123456789012', region: 'us-east-1' } });
const vpc = cdk.aws_ec2.Vpc.fromLookup(stack, 'Vpc', { vpcName: 'shared' });
new cdk.CfnOutput(stack, 'VpcId', { value: vpc.vpcId });
`;

const FILES = { 'infra/cdk.json': '{ "app": "node app.js" }\n', 'infra/app.js': APP };

const endpointOf = (ctx: ScenarioContext) =>
  ctx.aws.client(
    class {
      constructor(readonly config: ClientConfig) {}
    },
  ).config.endpoint;

const cdkCli = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(join(CDK, 'node_modules', '.bin', 'cdk'), [...args, '--ci', '--no-notices'], {
    encoding: 'utf8',
    cwd: tmpdir(),
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true', ...env },
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`cdk ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  return r.stdout;
};

/** The template `cdk bootstrap` deploys (`--show-template`), read once per process. */
let bootstrapTemplate: string | undefined;

/**
 * Bootstraps the emulator's account as an administrator does once per account and region: with
 * `cdk bootstrap` itself (`cli`), or, where the scenario is about something else, by creating
 * the stack `cdk bootstrap` creates from the template it deploys (the CLI costs seconds of CPU per
 * run, and the security property runs the first scenario once per hostile value).
 */
async function bootstrap(ctx: ScenarioContext, how: 'cli' | 'template' = 'template'): Promise<void> {
  const cloudformation = ctx.aws.client(CloudFormationClient);
  if (how === 'cli') {
    cdkCli(['bootstrap', 'aws://123456789012/us-east-1'], {
      AWS_ENDPOINT_URL: endpointOf(ctx),
      AWS_ACCESS_KEY_ID: 'harness',
      AWS_SECRET_ACCESS_KEY: 'harness',
      AWS_REGION: ctx.region,
    });
  } else {
    bootstrapTemplate ??= cdkCli(['bootstrap', '--show-template']);
    await cloudformation.send(
      new CreateStackCommand({
        StackName: 'CDKToolkit',
        TemplateBody: bootstrapTemplate,
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
  }
  // moto's CloudFormation leaves the bootstrap roles with other policies than AWS would give them.
  await restoreStackRoles(ctx.aws.iam, cloudformation, 'CDKToolkit');
}

/**
 * The stack as an earlier pipeline deployed it: the app with a bucket name of its own, synthesized
 * here and created through CloudFormation (moto's CloudFormation cannot update a stack CDK's CLI
 * made, so the merge request's diff is against this one). Dropping the name replaces the bucket.
 */
async function deployedEarlier(ctx: ScenarioContext): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cdk-v1-'));
  try {
    writeFileSync(join(dir, 'app.js'), APP.replace("'Assets');", "'Assets', { bucketName: 'webapp-assets-v1' });"));
    const r = spawnSync(process.execPath, ['app.js'], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        ...TOOLS,
        SYNTH_LOG: '',
        CDK_OUTDIR: join(dir, 'cdk.out'),
        // What `cdk synth` gives every app, so that only the bucket differs.
        CDK_CONTEXT_JSON: JSON.stringify({
          'aws:cdk:enable-path-metadata': true,
          'aws:cdk:enable-asset-metadata': true,
        }),
      },
    });
    if (r.status !== 0) throw new Error(`synthesizing the earlier app failed: ${r.stderr.slice(-2000)}`);
    await ctx.aws.client(CloudFormationClient).send(
      new CreateStackCommand({
        StackName: 'WebApp',
        TemplateBody: readFileSync(join(dir, 'cdk.out', 'WebApp.template.json'), 'utf8'),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An SSM parameter, put straight into the emulator. */
async function putParameter(ctx: ScenarioContext, name: string, value: string): Promise<void> {
  await ctx.aws.client(SSMClient).send(new PutParameterCommand({ Name: name, Value: value, Type: 'String' }));
}

const role = async (ctx: ScenarioContext) => ({ 'role-arn': await ctx.oidcRole(), 'app-dir': 'infra' });

function projectFile(r: ScenarioResult, job: string, name: string): string {
  for (const p of [join(r.projectDir, '.gitlab-ci-local', 'artifacts', job, name), join(r.projectDir, name)])
    if (existsSync(p)) return readFileSync(p, 'utf8');
  return '';
}

const stub: { notes?: NotesStub } = {};
const stubVariables: Record<string, string> = { ...TOOLS };
const NOTE_TOKEN = 'glpat-scenario-token-0002';

export default defineScenarios('cdk-deploy', [
  {
    name: 'a branch pipeline synthesizes without credentials and diffs, counting additions and security changes',
    files: FILES,
    variables: TOOLS,
    setup: async (ctx) => {
      await bootstrap(ctx);
      return role(ctx);
    },
    expect: {
      status: 'success',
      trace: [
        'cdk-deploy: CDK CLI 2.1148.1',
        'cdk-deploy: synthesized once into infra/cdk.out',
        'WebApp (aws://123456789012/us-east-1)',
        /cdk-deploy: bootstrap: aws:\/\/123456789012\/us-east-1 has version \d+ \(this app needs 6 or newer\)/,
        /cdk-deploy: diff: [1-9]\d* to add, 0 to modify \(0 replacements\), 0 to remove; [1-9]\d* security changes?/,
      ],
    },
    inspect: (_ctx, r) => {
      const problems: string[] = [];
      const synth = r.jobs.find((j) => j.name === SYNTH);
      if (!synth || synth.trace.includes('oidc-auth:'))
        problems.push('the synth job did not run, or authenticated to AWS: the app code must run without credentials');
      const md = projectFile(r, DIFF, 'cdk-diff.md');
      if (!md.startsWith('<!-- cdk-deploy diff: app=infra job=cdk-diff -->'))
        problems.push(`the diff artifact lacks its marker:\n${md.slice(0, 300)}`);
      if (!projectFile(r, DIFF, 'cdk-diff.env').includes('CDK_DIFF=changes'))
        problems.push('the diff report does not say CDK_DIFF=changes');
      return problems;
    },
  },
  {
    name:
      'a CDK app deployed over OIDC after bootstrap: the deploy job deploys the assembly the synth job made, ' +
      'with no prompt (outputs simulated)',
    files: FILES,
    variables: TOOLS,
    jobs: [SYNTH, DIFF, DEPLOY],
    setup: async (ctx) => {
      rmSync(synthLog, { force: true });
      await bootstrap(ctx, 'cli');
      return role(ctx);
    },
    faults: () => sim.outputsAfterChangeSet({ AssetsBucket: 'webapp-assets9a31d427-1x2y3z' }),
    expect: {
      status: 'success',
      trace: [
        'cdk-deploy: bootstrap: aws://123456789012/us-east-1 has version',
        'WebApp',
        'cdk-deploy: deployed the assembly synthesized by the synth job; 1 stack output(s) written to cdk.env',
      ],
    },
    verify: async (ctx, r) => {
      const stacks = await ctx.aws
        .client(CloudFormationClient)
        .send(new DescribeStacksCommand({ StackName: 'WebApp' }));
      assert.equal(stacks.Stacks?.[0]?.StackStatus, 'CREATE_COMPLETE');
      assert.equal(
        readFileSync(synthLog, 'utf8'),
        'synth\n',
        "the app was synthesized more than once: the deploy did not use the synth job's assembly",
      );
      assert.ok(
        (r.counts['sts:AssumeRoleWithWebIdentity'] ?? 0) >= 2,
        'the diff and deploy jobs did not authenticate with their ID tokens',
      );
    },
    inspect: (_ctx, r) =>
      projectFile(r, DEPLOY, 'cdk.env')
        .split('\n')
        .includes('CDK_OUTPUT_WebApp_AssetsBucket=webapp-assets9a31d427-1x2y3z')
        ? []
        : [`the dotenv report lacks the output:\n${projectFile(r, DEPLOY, 'cdk.env')}`],
  },
  {
    name: 'an environment that is not bootstrapped: the diff job says exactly what to run',
    files: FILES,
    variables: TOOLS,
    jobs: [SYNTH, DIFF],
    setup: role,
    expect: {
      status: 'failed',
      trace: [
        'cdk-deploy: error: aws://123456789012/us-east-1 is not bootstrapped for this app (SSM parameter ' +
          '/cdk-bootstrap/hnb659fds/version does not exist; it needs bootstrap version 6 or newer). Run once, with ' +
          'administrator credentials for that account: npx aws-cdk@2.1148.1 bootstrap aws://123456789012/us-east-1',
      ],
    },
  },
  {
    name: 'an outdated bootstrap version is named with the upgrade command',
    files: FILES,
    variables: TOOLS,
    jobs: [SYNTH, DIFF],
    setup: async (ctx) => {
      await putParameter(ctx, '/cdk-bootstrap/hnb659fds/version', '5');
      return role(ctx);
    },
    expect: {
      status: 'failed',
      trace: [
        'aws://123456789012/us-east-1 has bootstrap version 5, older than the 6 this app needs. Upgrade it, with ' +
          'administrator credentials for that account: npx aws-cdk@2.1148.1 bootstrap aws://123456789012/us-east-1',
      ],
    },
  },
  {
    name: 'context lookups are off in CI: the missing context keys are listed with what to do',
    files: { 'infra/cdk.json': '{ "app": "node app.js" }\n', 'infra/app.js': LOOKUP_APP },
    variables: TOOLS,
    jobs: [SYNTH],
    setup: role,
    expect: {
      status: 'failed',
      trace: [
        'cdk-deploy: the app needs context lookups, which are off in CI. Missing context keys:',
        '  - vpc-provider:account=123456789012:filter.tag:Name=shared:region=us-east-1:' +
          'returnAsymmetricSubnets=true (vpc-provider)',
        'commit the cdk.context.json it writes',
      ],
    },
  },
  {
    name:
      'in a merge request the diff of a change that replaces the bucket, with its counts, updates the note of an ' +
      'earlier pipeline (GitLab notes API stub: contract test)',
    files: FILES,
    variables: stubVariables,
    jobs: [SYNTH, DIFF],
    setup: async (ctx) => {
      await bootstrap(ctx);
      await deployedEarlier(ctx);
      stub.notes = await startNotesStub({ token: NOTE_TOKEN, mergeRequest: '12' });
      stub.notes.add('<!-- cdk-deploy diff: app=infra job=cdk-diff -->\n### CDK diff: `infra` (an earlier pipeline)');
      stub.notes.add('Please also check the bucket policy.');
      Object.assign(stubVariables, {
        CATALOG_GITLAB_API_URL: stub.notes.url,
        CI_MERGE_REQUEST_IID: '12',
        CATALOG_MR_NOTE_TOKEN: NOTE_TOKEN,
      });
      return role(ctx);
    },
    expect: {
      status: 'success',
      trace: [/merge request !12: note \d+ updated with .*cdk-diff\.md/],
      notInTrace: [NOTE_TOKEN],
    },
    verify: async () => {
      const notes = stub.notes!;
      await notes.stop();
      assert.equal(notes.list().length, 2, 'the diff added a note instead of updating the earlier one');
      const diff = notes.list()[0]!;
      assert.equal(diff.updates, 1);
      // What a reviewer reads first: the counts, then CDK's own diff.
      assert.match(diff.body, /\*\*0 to add, 1 to modify \(1 replacement\), 0 to remove; 0 security changes /);
      assert.match(diff.body, /\[~\] AWS::S3::Bucket Assets Assets9A31D427 replace/);
      assert.doesNotMatch(diff.body, /an earlier pipeline/);
      assert.equal(notes.list()[1]!.updates, 0, "someone else's note was changed");
    },
  },
]);
