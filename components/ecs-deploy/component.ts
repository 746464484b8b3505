import { defineComponent, input } from '../../src/define/index.js';
import { imageInput, placementInputs } from '../../src/define/shared-inputs.js';
import { authInputs, authJob } from '../oidc-auth/auth.js';

export default defineComponent({
  name: 'ecs-deploy',
  source: import.meta.url,
  description: 'Deploy to an ECS service: new task-definition revision (or an existing one), optional migration task, service update, wait for rollout COMPLETED; fails loudly with diagnostics.',
  inputs: {
    ...placementInputs({ stage: 'deploy', jobName: 'deploy-ecs' }),
    ...authInputs,
    image: imageInput(),
    // No regex on cluster and service: migrating users pass `$CI_AWS_ECS_CLUSTER`, which the
    // runner expands in `variables:`; the script checks the expanded value.
    cluster: input.string({ example: 'production', description: 'The ECS cluster (name or ARN). `$CI_AWS_ECS_CLUSTER` works: it is expanded when the job runs.' }),
    service: input.string({ example: 'web', description: 'The ECS service to update (name or ARN).' }),
    'task-definition': input.string({
      default: '',
      description: 'Where the task definition comes from: a family (edit its latest revision), or `family:revision` / an ARN (deployed as is when no edits are given, without registering). Empty: the service\'s current task definition.',
    }),
    'task-definition-file': input.string({
      default: '',
      description: 'A task definition file in the repository (JSON; YAML needs AWS CLI v2 and takes no image/environment edits), registered as a new revision. Read-only fields from `describe-task-definition` are dropped with a notice.',
    }),
    images: input.string({
      default: '',
      description: 'New images by container name: `container=image` pairs separated by commas or newlines, e.g. `web=registry.example.com/app:1.4, worker=registry.example.com/worker:1.4`.',
    }),
    'container-environment': input.string({
      default: '',
      description: 'Environment variables to set per container, one `container:NAME=value` per line (the value runs to the end of the line). Existing variables of that name are replaced; others are kept.',
    }),
    'task-definition-tags': input.string({
      default: '',
      description: 'Tags on the new revision: `key=value` pairs separated by commas or newlines. The base definition\'s tags are kept unless replaced.',
    }),
    'desired-count': input.string({
      default: '',
      regex: '^([0-9]+)?$',
      description: 'The service\'s desired count after the update. Empty keeps it, except that a stopped service (0) is brought back to 1.',
    }),
    'force-new-deployment': input.boolean({ default: false, description: 'Start a new deployment even when the task definition did not change (pulls a moved image tag again).' }),
    'enable-circuit-breaker': input.boolean({ default: false, description: 'Turn on the deployment circuit breaker with rollback on the service before the update.' }),
    wait: input.boolean({ default: true, description: 'Wait until the new deployment\'s rolloutState is COMPLETED. A non-empty `CI_AWS_ECS_WAIT_FOR_ROLLOUT_COMPLETE_DISABLED` variable also turns waiting off.' }),
    'wait-timeout': input.number({ default: 1800, description: 'Seconds to wait for the rollout before failing.' }),
    'poll-interval': input.number({ default: 15, description: 'Seconds between two checks of the rollout (and of the migration task).' }),
    'rollback-on-failure': input.boolean({ default: false, description: 'When the rollout fails or times out, point the service back at the task definition it ran before.' }),
    'keep-revisions': input.number({ default: 0, description: 'After a successful deploy, deregister older ACTIVE revisions of the family, keeping this many (the deployed one always among them). 0 keeps all.' }),
    'migration-command': input.string({
      default: '',
      description: 'Run a one-off task with this command before updating the service, e.g. `["bin/rails","db:migrate"]` (a JSON array) or `bin/migrate --yes` (run with sh -c). The update does not happen unless every container exits 0. Empty: no migration.',
    }),
    'migration-container': input.string({ default: '', description: 'The container whose command is overridden. Empty: the task definition\'s only container (an error when it has several).' }),
    'migration-network-configuration': input.string({
      default: '',
      description: 'run-task network configuration as JSON, e.g. `{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"]}}`. Empty: the service\'s own.',
    }),
    'migration-timeout': input.number({ default: 900, description: 'Seconds to wait for the migration task to stop.' }),
    environment: input.string({ default: 'production', description: 'The GitLab environment the job deploys to.' }),
    'environment-url': input.string({ default: '', description: 'The environment\'s URL, shown in GitLab and written to the dotenv report as ECS_ENVIRONMENT_URL.' }),
    when: input.string({
      default: 'on_success',
      options: ['on_success', 'manual'],
      description: '`manual` makes the job a gate that someone starts (and that blocks later stages) - use it for production.',
    }),
    'aws-max-attempts': input.number({ default: 10, description: 'AWS CLI attempts per call (standard retry mode: backs off on throttling and transient errors).' }),
  },
  jobs: ({ inputs, script }) => {
    const auth = authJob(inputs);
    return {
      [inputs['job-name']]: {
        stage: inputs.stage,
        image: { name: inputs.image, entrypoint: [''] },
        // One deploy at a time per service: a second pipeline waits instead of racing this one.
        resource_group: 'ecs-deploy/$[[ inputs.cluster ]]/$[[ inputs.service ]]',
        environment: { name: inputs.environment, url: '$ECS_ENVIRONMENT_URL' },
        when: inputs.when,
        allow_failure: false,
        id_tokens: auth.id_tokens,
        variables: {
          ...auth.variables,
          AWS_RETRY_MODE: 'standard',
          AWS_MAX_ATTEMPTS: inputs['aws-max-attempts'],
          ECS_CLUSTER: inputs.cluster,
          ECS_SERVICE: inputs.service,
          ECS_TASK_DEFINITION: inputs['task-definition'],
          ECS_TASK_DEFINITION_FILE: inputs['task-definition-file'],
          ECS_IMAGES: inputs.images,
          ECS_CONTAINER_ENVIRONMENT: inputs['container-environment'],
          ECS_TASK_DEFINITION_TAGS: inputs['task-definition-tags'],
          ECS_DESIRED_COUNT: inputs['desired-count'],
          ECS_FORCE_NEW_DEPLOYMENT: inputs['force-new-deployment'],
          ECS_ENABLE_CIRCUIT_BREAKER: inputs['enable-circuit-breaker'],
          ECS_WAIT: inputs.wait,
          ECS_WAIT_TIMEOUT: inputs['wait-timeout'],
          ECS_POLL_INTERVAL: inputs['poll-interval'],
          ECS_ROLLBACK_ON_FAILURE: inputs['rollback-on-failure'],
          ECS_KEEP_REVISIONS: inputs['keep-revisions'],
          ECS_MIGRATION_COMMAND: inputs['migration-command'],
          ECS_MIGRATION_CONTAINER: inputs['migration-container'],
          ECS_MIGRATION_NETWORK_CONFIGURATION: inputs['migration-network-configuration'],
          ECS_MIGRATION_TIMEOUT: inputs['migration-timeout'],
          ECS_ENVIRONMENT_URL: inputs['environment-url'],
        },
        before_script: auth.before_script,
        script: [script('deploy.sh')],
        artifacts: { reports: { dotenv: 'ecs-deploy.env' } },
      },
    };
  },
  examples: [
    {
      title: 'Migrating from GitLab\'s AWS/Deploy-ECS template',
      yaml: `# Replaces: include: [template: AWS/Deploy-ECS.gitlab-ci.yml]
include:
  - component: $CI_SERVER_FQDN/platform/aws-delivery/ecs-deploy@VERSION
    inputs:
      role-arn: arn:aws:iam::123456789012:role/gitlab-ecs-deploy  # replaces AWS_ACCESS_KEY_ID/SECRET
      region: eu-west-1                     # a literal: GitLab checks it against a regex
      cluster: $CI_AWS_ECS_CLUSTER          # the template's variables keep working:
      service: $CI_AWS_ECS_SERVICE          # the runner expands them in the job
      task-definition-file: $CI_AWS_ECS_TASK_DEFINITION_FILE
      images: app=$CI_REGISTRY_IMAGE/$CI_COMMIT_REF_SLUG:$CI_COMMIT_SHA  # Auto Build's image
      environment: production
      when: manual                          # the template deployed production automatically`,
    },
    {
      title: 'Build with Kaniko, then deploy the new image to two containers, production behind a manual gate',
      yaml: `include:
  - component: $CI_SERVER_FQDN/platform/aws-delivery/ecs-deploy@VERSION
    inputs:
      job-name: deploy-staging
      role-arn: arn:aws:iam::123456789012:role/gitlab-ecs-deploy
      cluster: staging
      service: web
      images: |
        web=123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:$CI_COMMIT_SHA
        worker=123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:$CI_COMMIT_SHA
      environment: staging
      environment-url: https://staging.example.com
  - component: $CI_SERVER_FQDN/platform/aws-delivery/ecs-deploy@VERSION
    inputs:
      job-name: deploy-production
      role-arn: arn:aws:iam::123456789012:role/gitlab-ecs-deploy
      cluster: production
      service: web
      images: |
        web=123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:$CI_COMMIT_SHA
        worker=123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:$CI_COMMIT_SHA
      migration-command: '["bin/rails", "db:migrate"]'
      migration-container: web
      enable-circuit-breaker: true
      rollback-on-failure: true
      keep-revisions: 10
      environment: production
      environment-url: https://www.example.com
      when: manual

deploy-production:
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH`,
    },
    {
      title: 'Deploy a revision that Terraform or CDK registered, without registering a new one',
      yaml: `include:
  - component: $CI_SERVER_FQDN/platform/aws-delivery/ecs-deploy@VERSION
    inputs:
      role-arn: arn:aws:iam::123456789012:role/gitlab-ecs-deploy
      cluster: production
      service: web
      task-definition: web:42`,
    },
  ],
});
