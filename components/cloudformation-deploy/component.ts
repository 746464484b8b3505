import { defineComponent, input, inputVariables } from '../../src/define/index.js';
import { IAM_ROLE_ARN, orEmpty, orVariable, S3_BUCKET } from '../../src/define/patterns.js';
import { awsRetry, ENVIRONMENT_NAME, imageInput, whenInput } from '../../src/define/shared-inputs.js';
import { MR_NOTE_READS, planArtifacts } from '../_shared/mr-note.js';
import { authInputs, awsJob } from '../oidc-auth/auth.js';

/** CloudFormation's stack name rule; 120 keeps the resource_group key within GitLab's 255. */
const STACK_NAME = '^[A-Za-z][A-Za-z0-9-]{0,119}$';

export default defineComponent({
  name: 'cloudformation-deploy',
  source: import.meta.url,
  description:
    'Deploy a CloudFormation stack through a reviewed change set: a plan job summarizes it (artifact and merge ' +
    'request note), an apply job executes exactly that change set, with recovery of stuck stacks and ' +
    'outputs in dotenv.',
  inputs: {
    stage: input.string({
      default: 'deploy',
      description: 'The stage of both jobs: the apply job `needs` the plan job, so it starts only after the plan.',
    }),
    'job-name': input.string({
      default: 'cloudformation',
      regex: '^[A-Za-z0-9_.:/-]{1,190}$',
      description:
        'Prefix of the two job names, `<job-name>-plan` and `<job-name>-apply`. Give each include its own to ' +
        'deploy several stacks.',
    }),
    ...authInputs,
    image: imageInput(),
    'stack-name': input.string({
      example: 'web-app',
      regex: orVariable(STACK_NAME),
      description:
        'The stack to create or update (letters, digits and `-`, starting with a letter), or a CI/CD ' +
        'variable holding it.',
    }),
    'template-file': input.string({
      default: 'template.yaml',
      description: 'The template (YAML or JSON), relative to the project root.',
    }),
    'parameters-file': input.string({
      default: '',
      description:
        "A file of `Key=Value` lines (`#` comments allowed), checked against the template's parameters. A value " +
        'of exactly `$NAME` is read from the CI/CD variable NAME (for secrets). Parameters not in the file keep ' +
        'their previous value on an update. Empty: none.',
    }),
    capabilities: input.string({
      default: 'auto',
      regex:
        '^(auto|none|(CAPABILITY_IAM|CAPABILITY_NAMED_IAM|CAPABILITY_AUTO_EXPAND)([ ' +
        ',]+(CAPABILITY_IAM|CAPABILITY_NAMED_IAM|CAPABILITY_AUTO_EXPAND))*)$',
      description:
        '`auto` infers them from the template (IAM resources: `CAPABILITY_IAM` and `CAPABILITY_NAMED_IAM`; a ' +
        '`Transform`: `CAPABILITY_AUTO_EXPAND`); or a comma-separated list; or `none`.',
    }),
    tags: input.string({
      default: '',
      description:
        'Stack tags (CloudFormation propagates them to the resources): `key=value` pairs separated by ' +
        'commas or newlines.',
    }),
    'termination-protection': input.boolean({
      default: true,
      description: 'Termination protection, set to this value on every apply (not only when the stack is created).',
    }),
    'cloudformation-role-arn': input.string({
      default: '',
      regex: orVariable(orEmpty(IAM_ROLE_ARN)),
      description:
        "The service role CloudFormation uses to change the resources (`--role-arn`); empty uses the job's role. " +
        "With it, the job's role needs `iam:PassRole` on it.",
    }),
    'template-bucket': input.string({
      default: '',
      regex: orVariable(orEmpty(S3_BUCKET)),
      description:
        "S3 bucket for templates over 51,200 bytes (CloudFormation's limit for an inline template); they are " +
        'uploaded there first. Empty: a large template is an error that says so.',
    }),
    'template-prefix': input.string({
      default: 'cloudformation-templates/',
      description: "Key prefix for uploaded templates; the key ends in the stack name and the template's SHA-256.",
    }),
    'recreate-rolled-back-stack': input.boolean({
      default: false,
      description:
        'A stack in ROLLBACK_COMPLETE (its creation failed; it holds no resources and cannot be updated) is ' +
        'deleted and created again. Off: the plan fails and says how.',
    }),
    'continue-update-rollback': input.boolean({
      default: true,
      description:
        'A stack in UPDATE_ROLLBACK_FAILED is rolled back again (`continue-update-rollback`) before planning.',
    }),
    'resources-to-skip': input.string({
      default: '',
      description:
        'Logical ids (comma-separated) that continue-update-rollback skips, for resources that cannot be rolled back.',
    }),
    'mr-note': input.boolean({
      default: true,
      description:
        'In merge request pipelines, post the plan summary as a merge request note, updated on every run instead ' +
        'of added again. Needs a CI/CD variable `CATALOG_MR_NOTE_TOKEN` (a project access token with `api` scope).',
    }),
    environment: input.string({
      default: 'production',
      regex: ENVIRONMENT_NAME,
      description:
        'The GitLab environment of the apply job (protect it to require approval). The plan job prepares it.',
    }),
    when: whenInput(
      'manual',
      '`manual`: the apply job waits for someone to start it after reviewing the plan. `on_success`: it runs ' +
        'as soon as the plan succeeds.',
    ),
    'wait-timeout': input.number({
      default: 3600,
      description: 'Seconds to wait for the change set, the stack update and any recovery before failing.',
    }),
    'poll-interval': input.number({ default: 10, description: 'Seconds between two status checks.' }),
    ...awsRetry.inputs,
  },
  jobs: ({ inputs, script }) => {
    const common = {
      ...awsRetry.variables(inputs),
      ...inputVariables('CFN', inputs, ['stack-name', 'wait-timeout', 'poll-interval']),
    };
    const plan = `${inputs['job-name']}-plan`;
    return {
      [plan]: awsJob(inputs, {
        // Plans and applies of one stack never overlap: a plan deletes stale change sets.
        resource_group: 'cloudformation/$[[ inputs.stack-name ]]',
        environment: { name: inputs.environment, action: 'prepare' },
        variables: {
          ...common,
          ...inputVariables('CFN', inputs, [
            'template-file',
            'parameters-file',
            'capabilities',
            'tags',
            'cloudformation-role-arn',
            'template-bucket',
            'template-prefix',
            'recreate-rolled-back-stack',
            'continue-update-rollback',
            'resources-to-skip',
            'mr-note',
            'job-name',
          ]),
        },
        script: [script('../_shared/mr-note.sh'), script('stack.sh'), script('plan.sh')],
        artifacts: planArtifacts('cloudformation-plan.md', 'CloudFormation plan', 'cloudformation-plan.env'),
      }),
      [`${inputs['job-name']}-apply`]: awsJob(inputs, {
        resource_group: 'cloudformation/$[[ inputs.stack-name ]]',
        environment: { name: inputs.environment, action: 'start' },
        needs: [{ job: plan, artifacts: true }],
        when: inputs.when,
        // A manual job may fail by default in GitLab ("passed with warnings"); a failed apply must fail the pipeline.
        allow_failure: false,
        variables: { ...common, ...inputVariables('CFN', inputs, ['termination-protection']) },
        script: [script('stack.sh'), script('apply.sh')],
        artifacts: { reports: { dotenv: 'cloudformation.env' } },
      }),
    };
  },
  readsVariables: [...MR_NOTE_READS, 'CFN_CHANGE_SET_ID', 'CFN_PLAN_RESULT', 'CFN_PLANNED_STACK'],
});
