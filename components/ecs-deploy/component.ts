import { defineComponent, input, inputVariables } from '../../src/define/index.js';
import { orVariable } from '../../src/define/patterns.js';
import { awsRetry, ENVIRONMENT_NAME, imageInput, placementInputs, whenInput } from '../../src/define/shared-inputs.js';
import { authInputs, awsJob } from '../oidc-auth/auth.js';
import { GATE_READS, progressiveGates, progressiveInputs, PROGRESSIVE_INPUTS } from './progressive.js';

/** ECS cluster and service names (AWS allows 255; 120 keeps the resource_group key within GitLab's 255). */
export const ECS_NAME = '^[A-Za-z0-9][A-Za-z0-9_-]{0,119}$';

export default defineComponent({
  name: 'ecs-deploy',
  source: import.meta.url,
  description:
    'Deploy to an ECS service: new task-definition revision (or an existing one), optional migration task, ' +
    'service update, wait for rollout COMPLETED; fails loudly with diagnostics.',
  inputs: {
    ...placementInputs({ stage: 'deploy', jobName: 'deploy-ecs' }),
    ...authInputs,
    image: imageInput(),
    // Names, not ARNs: GitLab refuses ':' in the resource_group key built from them and would run
    // the deploy without its lock. A variable reference (`$CI_AWS_ECS_CLUSTER`) passes here and
    // the script checks the expanded value.
    cluster: input.string({
      example: 'production',
      regex: orVariable(ECS_NAME),
      description:
        "The ECS cluster's name (not its ARN: the deploy lock is built from it), or a CI/CD variable holding it: " +
        '`$CI_AWS_ECS_CLUSTER` is expanded when the job runs.',
    }),
    service: input.string({
      example: 'web',
      regex: orVariable(ECS_NAME),
      description: 'The name of the ECS service to update (not its ARN), or a CI/CD variable holding it.',
    }),
    'task-definition': input.string({
      default: '',
      description:
        'Where the task definition comes from: a family (edit its latest revision), or `family:revision` / an ' +
        "ARN (deployed as is when no edits are given, without registering). Empty: the service's current " +
        'task definition.',
    }),
    'task-definition-file': input.string({
      default: '',
      description:
        'A task definition file in the repository (JSON; YAML needs AWS CLI v2 and takes no image/environment ' +
        'edits), registered as a new revision. Read-only fields from `describe-task-definition` are dropped ' +
        'with a notice.',
    }),
    images: input.string({
      default: '',
      description:
        'New images by container name: `container=image` pairs separated by commas or newlines, e.g. ' +
        '`web=registry.example.com/app:1.4, worker=registry.example.com/worker:1.4`.',
    }),
    'container-environment': input.string({
      default: '',
      description:
        'Environment variables to set per container, one `container:NAME=value` per line (the value runs to the ' +
        'end of the line). Existing variables of that name are replaced; others are kept. Values are taken ' +
        'literally: GitLab does not expand `$` in them (`pa$word` stays `pa$word`).',
    }),
    'task-definition-tags': input.string({
      default: '',
      description:
        "Tags on the new revision: `key=value` pairs separated by commas or newlines. The base definition's tags " +
        'are kept unless replaced.',
    }),
    'desired-count': input.string({
      default: '',
      regex: '^([0-9]+)?$',
      description:
        "The service's desired count after the update. Empty keeps it, except that a stopped service (0) is " +
        'brought back to 1.',
    }),
    'force-new-deployment': input.boolean({
      default: false,
      description:
        'Start a new deployment even when the task definition did not change (pulls a moved image tag again).',
    }),
    'enable-circuit-breaker': input.boolean({
      default: false,
      description: 'Turn on the deployment circuit breaker with rollback on the service before the update.',
    }),
    wait: input.boolean({
      default: true,
      description:
        "Wait until the new deployment's rolloutState is COMPLETED. A non-empty " +
        '`CI_AWS_ECS_WAIT_FOR_ROLLOUT_COMPLETE_DISABLED` variable also turns waiting off.',
    }),
    'wait-timeout': input.number({ default: 1800, description: 'Seconds to wait for the rollout before failing.' }),
    'poll-interval': input.number({
      default: 15,
      description: 'Seconds between two checks of the rollout (and of the migration task).',
    }),
    'rollback-on-failure': input.boolean({
      default: false,
      description: 'When the rollout fails or times out, point the service back at the task definition it ran before.',
    }),
    'keep-revisions': input.number({
      default: 0,
      description:
        'After a successful deploy, deregister older ACTIVE revisions of the family, keeping this many (the ' +
        'deployed one always among them). 0 keeps all.',
    }),
    'migration-command': input.string({
      default: '',
      description:
        'Run a one-off task with this command before updating the service, e.g. `["bin/rails","db:migrate"]` (a ' +
        'JSON array) or `bin/migrate --yes` (run with sh -c). The update does not happen unless every container ' +
        'exits 0. Empty: no migration.',
    }),
    'migration-container': input.string({
      default: '',
      description:
        "The container whose command is overridden. Empty: the task definition's only container (an error when " +
        'it has several).',
    }),
    'migration-network-configuration': input.string({
      default: '',
      description:
        'run-task network configuration as JSON, e.g. ' +
        '`{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"]}}`. Empty: the service\'s own.',
    }),
    'migration-timeout': input.number({ default: 900, description: 'Seconds to wait for the migration task to stop.' }),
    environment: input.string({
      default: 'production',
      regex: ENVIRONMENT_NAME,
      description:
        'The GitLab environment the job deploys to: letters, digits, spaces and `-_/.${}`, not starting or ' +
        'ending with `/`.',
    }),
    'environment-url': input.string({
      default: '',
      description: "The environment's URL, shown in GitLab and written to the dotenv report as ECS_ENVIRONMENT_URL.",
    }),
    ...progressiveInputs,
    when: whenInput(
      'on_success',
      '`manual` makes the job a gate that someone starts (and that blocks later stages) - use it for production.',
    ),
    ...awsRetry.inputs,
  },
  jobs: ({ inputs, script }) => {
    const variables = {
      ...awsRetry.variables(inputs),
      ...inputVariables(
        'ECS',
        inputs,
        [
          'cluster',
          'service',
          'task-definition',
          'task-definition-file',
          'images',
          'container-environment',
          'task-definition-tags',
          'desired-count',
          'force-new-deployment',
          'enable-circuit-breaker',
          'wait',
          'wait-timeout',
          'poll-interval',
          'rollback-on-failure',
          'keep-revisions',
          'migration-command',
          'migration-container',
          'migration-network-configuration',
          'migration-timeout',
          'environment-url',
          ...PROGRESSIVE_INPUTS,
        ],
        { literal: ['container-environment'] },
      ),
    };
    return {
      [inputs['job-name']]: awsJob(inputs, {
        // One deploy at a time per service: a second pipeline waits instead of racing this one.
        // cluster and service are names (their regex), so the key is one GitLab accepts.
        resource_group: 'ecs-deploy/$[[ inputs.cluster ]]/$[[ inputs.service ]]',
        environment: { name: inputs.environment, url: '$ECS_ENVIRONMENT_URL' },
        when: inputs.when,
        allow_failure: false,
        variables,
        script: [script('progressive.sh'), script('deploy.sh')],
        artifacts: { reports: { dotenv: 'ecs-deploy.env' } },
      }),
      ...progressiveGates(inputs, script, variables),
    };
  },
  readsVariables: ['CI_AWS_ECS_WAIT_FOR_ROLLOUT_COMPLETE_DISABLED', ...GATE_READS],
});
