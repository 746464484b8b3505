import { defineComponent, input, inputVariables, readScript } from '../../src/define/index.js';
import { orVariable } from '../../src/define/patterns.js';
import type { JobVariable } from '../../src/define/variables.js';
import { checkJobs, environmentJobs, pipelineInputs } from '../_pipeline/pipeline.js';
import ecsDeploy, { ECS_NAME as ECS_NAME_PATTERN } from '../ecs-deploy/component.js';

const ECS_NAME = orVariable(ECS_NAME_PATTERN);
const cluster = (env: string) =>
  input.string({
    regex: ECS_NAME,
    example: env,
    description:
      `The ${env} ECS cluster's name` +
      `${env === 'review' ? ': each merge request gets its own service in it, review-<branch slug>' : ''}.`,
  });

/**
 * ecs-deploy's job variables with this pipeline's values: its own job is the template, so a new
 * ecs-deploy input reaches this pipeline with its default, and only what differs is written here.
 */
function ecsVariables(values: Record<string, string>): Record<string, JobVariable> {
  const job = Object.values(ecsDeploy.jobs)[0]!;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(job.variables ?? {})) {
    if (name.startsWith('OIDC_')) continue;
    const ref = /^\$\[\[ inputs\.([A-Za-z0-9_-]+) \]\]$/.exec(
      typeof value === 'string' ? value : (value as { value: string }).value,
    )?.[1];
    const given =
      ref && ref in values
        ? values[ref]!
        : ref
          ? String((ecsDeploy.inputs[ref as keyof typeof ecsDeploy.inputs] as { default?: unknown }).default ?? '')
          : value;
    out[name] = typeof value === 'object' && value !== null ? { ...(value as object), value: given } : given;
  }
  return out as Record<string, JobVariable>;
}

export default defineComponent({
  name: 'ecs-service-pipeline',
  source: import.meta.url,
  description:
    'A whole pipeline for a containerized service on ECS: validate, build, test, a review service per merge ' +
    'request (deleted with the MR), staging on the default branch, production behind a manual gate.',
  componentFields: ['sha'],
  inputs: {
    ...pipelineInputs,
    'image-ref': input.string({
      example: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:$CI_COMMIT_SHA',
      description:
        'The image every environment runs (built and pushed before this pipeline, or by a job of yours in the ' +
        'build stage); CI/CD variables are expanded. A digest (`@sha256:...`) makes staging and production run ' +
        'exactly the same bytes.',
    }),
    container: input.string({
      default: 'app',
      regex: '^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$',
      description: 'The container in the task definitions that runs the image.',
    }),
    service: input.string({
      example: 'web',
      regex: ECS_NAME,
      description: 'The ECS service in the staging and production clusters.',
    }),
    'review-cluster': cluster('review'),
    'staging-cluster': cluster('staging'),
    'production-cluster': cluster('production'),
    'review-task-definition': input.string({
      example: 'web-review',
      regex: ECS_NAME,
      description:
        'The task definition family a new review service starts from (its latest revision, with the image replaced).',
    }),
    'review-network-configuration': input.string({
      default: '',
      description:
        'create-service network configuration for review services as JSON ' +
        '(`{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"]}}`); empty: none (bridge or ' +
        'host networking).',
    }),
    'review-url': input.string({
      default: '',
      description:
        "The review app's URL, shown on the environment; CI/CD variables are expanded " +
        '(`https://$CI_COMMIT_REF_SLUG.review.example.com`).',
    }),
    'staging-url': input.string({ default: '', description: 'The staging URL, shown on the environment.' }),
    'production-url': input.string({ default: '', description: 'The production URL, shown on the environment.' }),
    'wait-timeout': input.number({
      default: 1800,
      description: 'Seconds each deploy waits for its rollout to complete.',
    }),
  },
  jobs: ({ inputs, script }) => {
    const ecsDeployScript = (file: string) =>
      readScript(new URL('../ecs-deploy/component.ts', import.meta.url).href, file);
    // deploy.sh calls progressive.sh's functions: a blue/green, canary, linear or CodeDeploy service
    // is deployed that way (without a pause for testing), a rolling one as before.
    const deploy = [ecsDeployScript('progressive.sh'), ecsDeployScript('deploy.sh')];
    const ecs = (clusterName: string, service: string, url: string) =>
      ecsVariables({
        cluster: clusterName,
        service,
        images: `${inputs.container}=$PIPELINE_IMAGE`,
        'environment-url': url,
        'wait-timeout': inputs['wait-timeout'],
      });
    const review = 'review-$CI_COMMIT_REF_SLUG';
    return {
      ...checkJobs(inputs, script, {
        variables: inputVariables('PIPELINE', inputs, ['build-command', 'image-ref'], { literal: ['build-command'] }),
        artifacts: { reports: { dotenv: 'build.env' } },
      }),
      ...environmentJobs(inputs, {
        lock: 'ecs-service',
        url: '$ECS_ENVIRONMENT_URL',
        // A review service is created from its task definition family before the first deploy.
        script: (env) => [script('announce.sh'), ...(env === 'review' ? [script('review.sh')] : []), ...deploy],
        variables: {
          review: {
            ...ecs(inputs['review-cluster'], review, inputs['review-url']),
            REVIEW_TASK_FAMILY: inputs['review-task-definition'],
            REVIEW_NETWORK_CONFIGURATION: inputs['review-network-configuration'],
          },
          staging: ecs(inputs['staging-cluster'], inputs.service, inputs['staging-url']),
          production: ecs(inputs['production-cluster'], inputs.service, inputs['production-url']),
        },
        dotenv: 'ecs-deploy.env',
        stop: {
          variables: { ECS_CLUSTER: inputs['review-cluster'], ECS_SERVICE: review },
          script: [script('stop.sh')],
        },
      }),
    };
  },
  readsVariables: [
    'PIPELINE_BUILD_REF',
    'PIPELINE_BUILD_FILES',
    'PIPELINE_IMAGE',
    'CI_ENVIRONMENT_NAME',
    'CI_AWS_ECS_WAIT_FOR_ROLLOUT_COMPLETE_DISABLED',
    // progressive.sh names it in a rollback gate's message; this pipeline has no gates, so it is unset.
    'ECS_PREVIOUS_TASK_DEFINITION_ARN',
  ],
});
