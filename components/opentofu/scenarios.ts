// End-to-end scenarios for opentofu: the real OpenTofu (built from the Go module proxy into
// .tools/bin by scripts/setup-tools.sh) under gitlab-ci-local. Providers cannot be downloaded
// here, so the module uses OpenTofu's built-in `terraform_data`. State lives in moto's S3 (through
// the OIDC role, IAM enforced) or in a local server shaped like GitLab's Terraform state API
// (a contract stub: src/harness/gitlab-state-stub.ts, checked by its contract test).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { jobEnvironment, runGcl, type ListedJob } from '../../src/harness/executors/gitlab-ci-local.js';
import { startNotesStub, type NotesStub } from '../../src/harness/gitlab-notes-stub.js';
import { startStateStub, type StateStub } from '../../src/harness/gitlab-state-stub.js';
import { defineScenarios, type ScenarioContext, type ScenarioResult } from '../../src/harness/scenario.js';

const BUCKET = 'acme-tofu-state';
const KEY = 'tofu/network.tfstate';
/** gitlab-ci-local's CI_PROJECT_ID. */
const PROJECT_ID = '1217';
const JOB_TOKEN = 'glcbt-scenario-job-token';

const MODULE = {
  'infra/main.tf': `variable "release" {
  type = string
}

resource "terraform_data" "release" {
  input = var.release
}

output "release" {
  value = terraform_data.release.output
}
`,
  'infra/production.tfvars': 'release = "v1"\n',
};

const S3_INPUTS = {
  'root-dir': 'infra',
  'state-bucket': BUCKET,
  'state-name': 'network',
  'var-files': 'production.tfvars',
  'backend-config': 'use_path_style=true',
};
const ALL_JOBS = ['tofu-validate', 'tofu-plan', 'tofu-apply'];
/**
 * A protected branch: the only place apply and destroy exist, as manual jobs. gitlab-ci-local warns
 * on stdout (breaking its JSON listing) when a predefined variable is overridden, unless told not to.
 */
const OVERRIDDEN = 'CI_COMMIT_REF_PROTECTED,CI_PIPELINE_SOURCE,CI_API_V4_URL,CI_JOB_TOKEN';
const PROTECTED = { GCL_VARIABLE_CI_COMMIT_REF_PROTECTED: 'true', GCL_IGNORE_PREDEFINED_VARS: OVERRIDDEN };

async function bucketAndRole(ctx: ScenarioContext): Promise<Record<string, string>> {
  await ctx.aws.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  return { 'role-arn': await ctx.oidcRole() };
}

async function s3State(s3: S3Client): Promise<{
  serial: number;
  resources: { type: string; name: string; instances: { attributes: { input: { value: unknown } } }[] }[];
}> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
  return JSON.parse(await out.Body!.transformToString());
}

async function keys(s3: S3Client): Promise<string[]> {
  return ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key!).sort();
}

/** S3 requests of the last run on one key, as `METHOD key`. */
const s3Requests = (r: ScenarioResult, key: string) =>
  r.requests
    .map((q) => q.split('\n')[0] ?? '')
    .filter((l) => l.includes(`/${BUCKET}/${key}`) && !l.includes(`${key}.`))
    .map((l) => l.split(' ')[0]);

/** A file a job left: in its artifacts, else in the project (gitlab-ci-local keeps no terraform report). */
function artifact(r: ScenarioResult, job: string, file: string): string {
  const places = [join(r.projectDir, '.gitlab-ci-local', 'artifacts', job, file), join(r.projectDir, file)];
  const path = places.find((p) => existsSync(p));
  assert.ok(path, `job ${job} left no ${file}`);
  return readFileSync(path, 'utf8');
}

// One stub per process, like the emulator, started by the first scenario that needs it.
let stub: StateStub | undefined;
async function gitlab(): Promise<StateStub> {
  if (!stub) {
    stub = await startStateStub();
    stub.tokens.add(JOB_TOKEN);
  }
  return stub;
}
/**
 * The jobs reach the stub as CI_API_V4_URL, with the job token GitLab would give them. The URL is
 * a getter: the harness reads a scenario's variables after its setup, which starts the stub.
 */
const GITLAB_VARIABLES = {
  ...PROTECTED,
  get GCL_VARIABLE_CI_API_V4_URL(): string {
    if (!stub) throw new Error("the GitLab state stub is not started (the scenario's setup starts it)");
    return stub.url;
  },
  GCL_VARIABLE_CI_JOB_TOKEN: JOB_TOKEN,
};

/** The merge request notes API stub of the note scenario, reached as CATALOG_GITLAB_API_URL (set in its setup). */
const NOTE_TOKEN = 'glpat-scenario-note-token';
const noteVariables: Record<string, string> = {};
let notes: NotesStub | undefined;

/** The jobs gitlab-ci-local would create in a pipeline with these variables, and how (`manual`, `never`). */
async function listed(r: ScenarioResult, variables: Record<string, string>): Promise<Record<string, string>> {
  const env = jobEnvironment({
    ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [`GCL_VARIABLE_${k}`, v])),
    GCL_IGNORE_PREDEFINED_VARS: OVERRIDDEN,
  });
  const out = await runGcl(r.projectDir, ['--list-json'], env);
  assert.equal(out.code, 0, out.output);
  return Object.fromEntries((JSON.parse(out.stdout) as ListedJob[]).map((j) => [j.name, j.when ?? 'on_success']));
}

export default defineScenarios('opentofu', [
  {
    name: 'validates and plans against state in S3: the plan is saved with its summary for the widget',
    files: MODULE,
    inputs: S3_INPUTS,
    setup: bucketAndRole,
    expect: {
      status: 'success',
      trace: [
        'opentofu: formatted and valid',
        'opentofu: state: s3://acme-tofu-state/tofu/network.tfstate (locked with tofu/network.tfstate.tflock), ' +
          'workspace default',
        'opentofu: plan: 1 to add, 0 to change, 0 to destroy',
        '+ create   terraform_data.release',
      ],
    },
    verify: async (ctx, r) => {
      // GitLab's widget reads exactly these three counts.
      assert.deepEqual(JSON.parse(artifact(r, 'tofu-plan', 'infra/tofu-plan.json')), {
        create: 1,
        update: 0,
        delete: 0,
      });
      const md = artifact(r, 'tofu-plan', 'infra/tofu-plan.md');
      assert.match(md, /### OpenTofu plan: `network` \(default\): 1 to add, 0 to change, 0 to destroy/);
      assert.match(md, /\+ create {3}terraform_data\.release/);
      const env = artifact(r, 'tofu-plan', '.gitlab-ci-reports/dotenv/tofu-plan.env');
      assert.match(env, /^TOFU_PLAN_SHA256=[0-9a-f]{64}$/m);
      // A plan writes no state, and its lock is gone.
      assert.deepEqual(await keys(ctx.aws.s3), []);
      assert.ok(
        (r.counts['s3:PutObject'] ?? 0) >= 1 && (r.counts['s3:DeleteObject'] ?? 0) >= 1,
        'the plan should take and release the S3 lock file',
      );
    },
  },
  {
    name:
      'applies exactly the saved plan on a protected branch: state written to S3, lock taken and released, ' +
      'outputs in dotenv',
    files: MODULE,
    inputs: S3_INPUTS,
    jobs: ALL_JOBS,
    variables: PROTECTED,
    setup: bucketAndRole,
    expect: {
      status: 'success',
      trace: [
        /opentofu: applying the reviewed plan \(SHA-256 [0-9a-f]{64}\):/,
        'Apply complete! Resources: 1 added, 0 changed, 0 destroyed.',
        'opentofu: applied to s3://acme-tofu-state/tofu/network.tfstate',
      ],
    },
    verify: async (ctx, r) => {
      const state = await s3State(ctx.aws.s3);
      assert.deepEqual(
        state.resources.map((x) => `${x.type}.${x.name}=${String(x.instances[0]?.attributes.input.value)}`),
        ['terraform_data.release=v1'],
      );
      // Only the state is left: every lock file was deleted again.
      assert.deepEqual(await keys(ctx.aws.s3), [KEY]);
      const lockPuts = r.requests.filter((q) => /^PUT \S*\/tofu\/network\.tfstate\.tflock/.test(q)).length;
      const lockDeletes = r.requests.filter((q) => /^DELETE \S*\/tofu\/network\.tfstate\.tflock/.test(q)).length;
      assert.ok(
        lockPuts >= 2 && lockDeletes === lockPuts,
        `each of plan and apply should take and release the lock (puts ${lockPuts}, deletes ${lockDeletes})`,
      );
      assert.match(artifact(r, 'tofu-apply', '.gitlab-ci-reports/dotenv/tofu.env'), /^TOFU_OUTPUT_RELEASE=v1$/m);
    },
  },
  {
    name: 'a second pipeline with the same configuration plans no changes and leaves the state alone',
    files: MODULE,
    inputs: S3_INPUTS,
    jobs: ALL_JOBS,
    variables: PROTECTED,
    runs: 2,
    setup: bucketAndRole,
    expect: {
      status: 'success',
      trace: [
        'opentofu: plan: 0 to add, 0 to change, 0 to destroy',
        'Apply complete! Resources: 0 added, 0 changed, 0 destroyed.',
      ],
    },
    verify: async (ctx, r) => {
      assert.ok(s3Requests(r, KEY).includes('GET'), 'the second pipeline should read the state');
      assert.deepEqual(
        s3Requests(r, KEY).filter((m) => m === 'PUT'),
        [],
        'the second pipeline must not write the state',
      );
      assert.equal((await s3State(ctx.aws.s3)).resources.length, 1);
    },
  },
  {
    name: "destroy, the environment's stop action, removes what apply created",
    files: MODULE,
    inputs: S3_INPUTS,
    jobs: [...ALL_JOBS, 'tofu-destroy'],
    variables: PROTECTED,
    setup: bucketAndRole,
    expect: {
      status: 'success',
      trace: [
        'opentofu: destroying:',
        '- destroy  terraform_data.release',
        'opentofu: destroyed everything in s3://acme-tofu-state/tofu/network.tfstate',
      ],
    },
    verify: async (ctx) => assert.deepEqual((await s3State(ctx.aws.s3)).resources, []),
  },
  {
    name: "apply without this pipeline's plan refuses to run and changes nothing",
    files: MODULE,
    inputs: S3_INPUTS,
    jobs: ['tofu-validate', 'tofu-apply'],
    variables: PROTECTED,
    setup: bucketAndRole,
    expect: {
      status: 'failed',
      trace: [
        "opentofu: error: there is no tofu-plan.cache in infra: apply runs only the plan of this pipeline's plan job",
      ],
    },
    verify: async (ctx) => assert.deepEqual(await keys(ctx.aws.s3), []),
  },
  {
    name:
      'apply and destroy are a manual gate on protected branches, and absent from merge requests and ' +
      'plan-only pipelines',
    files: MODULE,
    inputs: S3_INPUTS,
    setup: bucketAndRole,
    expect: { status: 'success' },
    inspect: async (_ctx, r) => {
      const found: string[] = [];
      const expectWhen = async (what: string, variables: Record<string, string>, want: Record<string, string>) => {
        const got = await listed(r, variables);
        for (const [job, when] of Object.entries(want))
          if (got[job] !== when) found.push(`${what}: ${job} is "${got[job]}", expected "${when}"`);
      };
      await expectWhen(
        'protected branch',
        { CI_COMMIT_REF_PROTECTED: 'true' },
        { 'tofu-plan': 'on_success', 'tofu-apply': 'manual', 'tofu-destroy': 'manual' },
      );
      await expectWhen(
        'unprotected branch',
        {},
        { 'tofu-plan': 'on_success', 'tofu-apply': 'never', 'tofu-destroy': 'never' },
      );
      await expectWhen(
        'merge request',
        { CI_COMMIT_REF_PROTECTED: 'true', CI_PIPELINE_SOURCE: 'merge_request_event' },
        { 'tofu-plan': 'on_success', 'tofu-apply': 'never' },
      );
      await expectWhen(
        'plan-only',
        { CI_COMMIT_REF_PROTECTED: 'true', TOFU_PLAN_ONLY: 'true' },
        { 'tofu-apply': 'never', 'tofu-destroy': 'never' },
      );
      return found;
    },
  },
  {
    name:
      "GitLab-managed state (contract stub of GitLab's state API): plan and apply with the job token, lock " +
      'taken and released',
    files: MODULE,
    inputs: { 'root-dir': 'infra', backend: 'gitlab', 'state-name': 'review', 'var-files': 'production.tfvars' },
    jobs: ALL_JOBS,
    variables: GITLAB_VARIABLES,
    setup: async (ctx) => {
      const s = await gitlab();
      s.requests.length = 0;
      return { 'role-arn': await ctx.oidcRole() };
    },
    expect: {
      status: 'success',
      trace: [
        "opentofu: state: GitLab-managed state 'review' of project 1217",
        'Apply complete! Resources: 1 added, 0 changed, 0 destroyed.',
      ],
    },
    verify: async () => {
      const s = await gitlab();
      const state = s.state(PROJECT_ID, 'review');
      assert.ok(state, 'no state was saved in GitLab');
      assert.deepEqual(state.outputs.release?.value, 'v1');
      assert.equal(s.lock(PROJECT_ID, 'review'), undefined, 'the lock is still held');
      const calls = s.requests.map((q) => `${q.method} ${q.path.replace(/\?.*/, '')} ${q.status}`);
      const lock = `/projects/${PROJECT_ID}/terraform/state/review/lock`;
      assert.ok(
        calls.filter((c) => c === `POST ${lock} 200`).length >= 2,
        `plan and apply should each take the lock: ${calls.join(', ')}`,
      );
      assert.equal(
        calls.filter((c) => c === `DELETE ${lock} 200`).length,
        calls.filter((c) => c === `POST ${lock} 200`).length,
        'every lock taken is released',
      );
      assert.ok(
        s.requests.every((q) => q.user === 'gitlab-ci-token'),
        'every call authenticates with the job token',
      );
    },
  },
  {
    name: 'a state lock held by another pipeline fails the plan after lock-timeout, and the lock is left alone',
    files: MODULE,
    inputs: {
      'root-dir': 'infra',
      backend: 'gitlab',
      'state-name': 'busy',
      'var-files': 'production.tfvars',
      'lock-timeout': 1,
    },
    variables: GITLAB_VARIABLES,
    setup: async (ctx) => {
      const s = await gitlab();
      s.holdLock(PROJECT_ID, 'busy', {
        ID: 'other-pipeline-lock',
        Operation: 'OperationTypeApply',
        Who: 'deployer@runner-7',
      });
      return { 'role-arn': await ctx.oidcRole() };
    },
    expect: {
      status: 'failed',
      trace: [
        'Error acquiring the state lock',
        'other-pipeline-lock',
        'opentofu: error: tofu plan failed (see above); nothing was changed.',
      ],
    },
    verify: async () => {
      const s = await gitlab();
      assert.equal(s.lock(PROJECT_ID, 'busy')?.ID, 'other-pipeline-lock', "the other pipeline's lock was broken");
      assert.equal(s.state(PROJECT_ID, 'busy'), undefined);
    },
  },
  {
    name: 'in a merge request the plan is one note, updated by the next plan (GitLab notes API stub: contract test)',
    files: MODULE,
    inputs: S3_INPUTS,
    jobs: ['tofu-validate', 'tofu-plan'],
    runs: 2,
    variables: noteVariables,
    setup: async (ctx) => {
      notes = await startNotesStub({ token: NOTE_TOKEN, mergeRequest: '7' });
      notes.add('A reviewer: please keep the release in the tfvars.');
      Object.assign(noteVariables, {
        CATALOG_GITLAB_API_URL: notes.url,
        CI_MERGE_REQUEST_IID: '7',
        CATALOG_MR_NOTE_TOKEN: NOTE_TOKEN,
      });
      return bucketAndRole(ctx);
    },
    expect: {
      status: 'success',
      trace: [/merge request !7: note \d+ updated with tofu-plan\.md/],
      notInTrace: [NOTE_TOKEN],
    },
    verify: async (_ctx, r) => {
      const stub = notes!;
      await stub.stop();
      assert.match(r.runs[0]!.trace, /merge request !7: tofu-plan\.md posted as a note/);
      assert.equal(stub.list().length, 2, 'the second plan added a note instead of updating its own');
      const plan = stub.list().find((n) => n.body.includes('OpenTofu plan'))!;
      assert.match(plan.body, /^<!-- opentofu plan: state=network workspace=default root=infra -->/);
      assert.match(plan.body, /\+ create {3}terraform_data\.release/);
      assert.match(plan.body, /SHA-256 `[0-9a-f]{64}`/);
      assert.equal(plan.updates, 1);
      assert.deepEqual(
        stub.requests.map((q) => q.method),
        ['GET', 'POST', 'GET', 'PUT'],
      );
    },
  },
  {
    name: 'an image with another OpenTofu version fails before touching state',
    files: MODULE,
    inputs: { ...S3_INPUTS, 'opentofu-version': '1.9.0' },
    setup: bucketAndRole,
    expect: {
      status: 'failed',
      trace: ["opentofu: error: the image has OpenTofu '1.10.10', but 'opentofu-version' pins 1.9.0"],
    },
    verify: (_ctx, r) => assert.equal(r.calls.length, 0),
  },
]);
