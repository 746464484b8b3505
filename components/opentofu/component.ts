import { defineComponent, input, inputVariables } from '../../src/define/index.js';
import { orVariable, projectPath, S3_BUCKET } from '../../src/define/patterns.js';
import { ENVIRONMENT_NAME, imageInput, toolVersionInput } from '../../src/define/shared-inputs.js';
import type { Rule } from '../../src/model/index.js';
import { MR_NOTE_READS } from '../_shared/mr-note.js';
import { authInputs, awsJob } from '../oidc-auth/auth.js';

/**
 * GitLab's OpenTofu image (Debian: bash, jq, curl, git) for the release that `opentofu-version` pins.
 * The job checks the version it finds against `opentofu-version`, so a mismatched image fails loudly.
 */
export const TOFU_IMAGE = 'registry.gitlab.com/components/opentofu/gitlab-opentofu:3.16.0-opentofu1.10.10-debian';
export const TOFU_VERSION = '1.10.10';

/** A path inside the project: no leading `-` or `/`, no `:` (the script refuses `..`). */
const PATH = projectPath();

/**
 * Apply and destroy: a manual gate on protected branches only, never in merge request pipelines,
 * never in plan-only mode. Rules see the job's own variables, so the boolean input reaches them
 * as TOFU_PLAN_ONLY rather than as text in the expression.
 */
const GATED: readonly Rule[] = [
  { if: '$TOFU_PLAN_ONLY == "true"', when: 'never' },
  { if: '$CI_PIPELINE_SOURCE == "merge_request_event"', when: 'never' },
  { if: '$CI_COMMIT_REF_PROTECTED == "true"', when: 'manual' },
  { when: 'never' },
];
/**
 * Destroy is manual like apply, but may wait forever without holding anything up: a `when: manual`
 * from `rules:` blocks the pipeline (and every later stage) until started, unless it may fail.
 */
const STOP: readonly Rule[] = GATED.map((r) => (r.when === 'manual' ? { ...r, allow_failure: true } : r));

const STATE_INPUTS = [
  'opentofu-version',
  'root-dir',
  'backend',
  'state-name',
  'state-bucket',
  'state-key',
  'lock-table',
  'backend-config',
  'workspace',
  'var-files',
  'lock-timeout',
  'mr-note',
] as const;

export default defineComponent({
  name: 'opentofu',
  source: import.meta.url,
  description:
    'OpenTofu (Terraform-compatible) with OIDC: fmt/validate, a saved plan (MR widget + note), a manual apply of ' +
    'exactly that plan on protected branches, destroy as the stop action; state in S3 or GitLab.',
  inputs: {
    'job-prefix': input.string({
      default: 'tofu',
      regex: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$',
      description:
        'Jobs are named `<prefix>-validate`, `-plan`, `-apply` and `-destroy`. Give each include its own prefix ' +
        'to manage several root modules.',
    }),
    stage: input.string({
      default: 'deploy',
      description:
        'The stage of all four jobs; `needs` orders them: validate, then plan, then the manual apply, then destroy.',
    }),
    ...authInputs,
    image: imageInput(
      TOFU_IMAGE,
      'The job image: bash, jq, curl and OpenTofu at `opentofu-version`. Pin a tag or a digest.',
    ),
    'opentofu-version': toolVersionInput(
      TOFU_VERSION,
      'The OpenTofu release the jobs must run; a job whose image has another version fails before touching state.',
    ),
    'root-dir': input.string({
      default: '.',
      regex: PATH,
      description: 'The root module, relative to the project root.',
    }),
    backend: input.string({
      default: 's3',
      options: ['s3', 'gitlab'],
      description:
        'Where the state lives: `s3` (a bucket, with locking, through the OIDC role) or `gitlab` (GitLab-managed ' +
        'state over the HTTP backend, with the job token). The component sets the backend; the module needs no ' +
        '`backend` block.',
    }),
    'state-name': input.string({
      default: 'default',
      regex: '^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$',
      description:
        "The state's name: GitLab's state name, and the S3 key `tofu/<state-name>.tfstate` unless `state-key` is " +
        'set. It also names the deploy lock.',
    }),
    'state-bucket': input.string({
      default: '',
      example: 'acme-tofu-state',
      regex: `^$|${orVariable(S3_BUCKET)}`,
      description:
        'For `backend: s3`: the state bucket (versioning on, public access blocked), or a CI/CD variable holding it.',
    }),
    'state-key': input.string({
      default: '',
      regex: `^$|${PATH}`,
      description: "For `backend: s3`: the state object's key; empty is `tofu/<state-name>.tfstate`.",
    }),
    'lock-table': input.string({
      default: '',
      regex: '^([A-Za-z0-9_][A-Za-z0-9_.-]{2,254})?$',
      description:
        'For `backend: s3`: a DynamoDB table (partition key `LockID`) to lock the state with; empty locks with a ' +
        'lock file beside the state in S3 (`use_lockfile`).',
    }),
    'backend-config': input.string({
      default: '',
      regex: '^([a-z_]+=[^\\n]*(\\n[a-z_]+=[^\\n]*)*)?$',
      description:
        'More backend settings, one `key=value` per line (for example `encrypt=true` or `kms_key_id=...`); each ' +
        'becomes `-backend-config=key=value`.',
    }),
    workspace: input.string({
      default: 'default',
      regex: '^[A-Za-z0-9_][A-Za-z0-9_-]{0,89}$',
      description: 'The OpenTofu workspace, created when missing.',
    }),
    'var-files': input.string({
      default: '',
      regex: '^([A-Za-z0-9_.][A-Za-z0-9_./ ,-]*)?$',
      description: 'Variable files relative to `root-dir`, separated by commas or spaces; each becomes `-var-file=`.',
    }),
    'plan-only': input.boolean({
      default: false,
      description: 'Only validate and plan: no apply or destroy job (merge request pipelines never get them anyway).',
    }),
    environment: input.string({
      default: 'production',
      regex: ENVIRONMENT_NAME,
      description: 'The GitLab environment apply deploys to; destroy is its stop action.',
    }),
    'lock-timeout': input.number({
      default: 300,
      description: 'Seconds to wait for the state lock held by another run before failing.',
    }),
    'mr-note': input.boolean({
      default: true,
      description:
        'In merge request pipelines, post the plan summary as a merge request note, updated on every run. Needs ' +
        'a masked CI/CD variable `CATALOG_MR_NOTE_TOKEN` (a project access token with `api` scope); without it ' +
        'the job says so and goes on.',
    }),
  },
  jobs: ({ inputs, script }) => {
    const prefix = inputs['job-prefix'];
    const tofu = [script('tofu.sh')];
    const state = inputVariables('TOFU', inputs, [...STATE_INPUTS]);
    return {
      [`${prefix}-validate`]: {
        stage: inputs.stage,
        image: inputs.image,
        interruptible: true,
        // The same variables as the other jobs (one script serves all four); validate reads only two.
        variables: { TOFU_ACTION: 'validate', ...state },
        script: tofu,
      },
      [`${prefix}-plan`]: awsJob(inputs, {
        needs: [{ job: `${prefix}-validate`, artifacts: false }],
        environment: { name: inputs.environment, action: 'prepare' },
        variables: { TOFU_ACTION: 'plan', ...state },
        script: [script('../_shared/mr-note.sh'), ...tofu],
        artifacts: {
          // The plan file can hold secrets (variables, provider data): developers only, a week.
          access: 'developer',
          expire_in: '1 week',
          paths: [
            `${inputs['root-dir']}/tofu-plan.cache`,
            `${inputs['root-dir']}/tofu-plan.md`,
            `${inputs['root-dir']}/.terraform.lock.hcl`,
          ],
          reports: { terraform: `${inputs['root-dir']}/tofu-plan.json`, dotenv: 'tofu-plan.env' },
        },
      }),
      [`${prefix}-apply`]: awsJob(inputs, {
        needs: [{ job: `${prefix}-plan`, artifacts: true }],
        rules: GATED,
        environment: { name: inputs.environment, action: 'start', on_stop: `${prefix}-destroy` },
        resource_group: `opentofu/${inputs['state-name']}/${inputs.workspace}`,
        variables: { TOFU_ACTION: 'apply', TOFU_PLAN_ONLY: inputs['plan-only'], ...state },
        script: tofu,
        artifacts: { access: 'developer', reports: { dotenv: 'tofu.env' } },
      }),
      [`${prefix}-destroy`]: awsJob(inputs, {
        needs: [{ job: `${prefix}-apply`, artifacts: false }],
        rules: STOP,
        environment: { name: inputs.environment, action: 'stop' },
        resource_group: `opentofu/${inputs['state-name']}/${inputs.workspace}`,
        variables: { TOFU_ACTION: 'destroy', TOFU_PLAN_ONLY: inputs['plan-only'], ...state },
        script: tofu,
      }),
    };
  },
  toolActions: {
    // The S3 backend reads and writes the state and its lock file; the DynamoDB ones only with `lock-table`.
    "OpenTofu's S3 state backend": [
      's3:ListBucket',
      's3:GetObject',
      's3:PutObject',
      's3:DeleteObject',
      'dynamodb:DescribeTable',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
    ],
  },
  // TOFU_PLAN_SHA256 comes from the plan job's dotenv report, AWS_REGION from the OIDC before_script.
  readsVariables: [...MR_NOTE_READS, 'TOFU_PLAN_SHA256', 'AWS_REGION'],
});
