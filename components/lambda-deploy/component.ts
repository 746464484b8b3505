import { defineComponent, input, inputVariables } from '../../src/define/index.js';
import { orVariable } from '../../src/define/patterns.js';
import { awsRetry, ENVIRONMENT_NAME, imageInput, placementInputs, whenInput } from '../../src/define/shared-inputs.js';
import type { Job } from '../../src/model/index.js';
import { authInputs, awsJob } from '../oidc-auth/auth.js';

export default defineComponent({
  name: 'lambda-deploy',
  source: import.meta.url,
  description:
    'Deploy a Lambda function through a version and an alias: reproducible zip or image, merged environment, smoke ' +
    'test, then all-at-once, canary or linear traffic watched by alarms, with promote and rollback gates.',
  inputs: {
    ...placementInputs({ stage: 'deploy', jobName: 'deploy-lambda' }),
    ...authInputs,
    image: imageInput(),
    // Names, not ARNs: GitLab refuses ':' in the resource_group key built from them.
    'function-name': input.string({
      regex: orVariable('^[A-Za-z0-9_-]{1,64}$'),
      example: 'orders-api',
      description:
        'The function to deploy (its name, or a CI/CD variable holding it). It must exist: create it with your ' +
        'infrastructure code.',
    }),
    alias: input.string({
      default: 'live',
      regex: orVariable('^[A-Za-z0-9_-]{1,128}$'),
      description:
        'The alias callers invoke (API Gateway, event sources point at `function:alias`). Created on the first deploy.',
    }),
    code: input.string({
      default: '',
      description:
        'A directory to zip (reproducibly: sorted entries, fixed timestamps and modes, so unchanged code publishes ' +
        'nothing) or a `.zip` file an earlier job built. Empty: the code is not changed.',
    }),
    'image-ref': input.string({
      default: '',
      description:
        "For container image functions: the ECR image, best by digest. `$IMAGE_REF` from the image-build component's " +
        'dotenv report works. Empty: the image is not changed.',
    }),
    'function-environment': input.string({
      default: '',
      description:
        'Environment variables to set, one `NAME=value` per line (the value runs to the end of the line). Merged ' +
        "into the function's variables: the others are kept. Values are passed literally (`$` is not expanded).",
    }),
    'memory-size': input.string({
      default: '',
      regex: '^([0-9]+)?$',
      description: 'Memory in MB (128-10240). Empty keeps it.',
    }),
    timeout: input.string({
      default: '',
      regex: '^([0-9]+)?$',
      description: 'Timeout in seconds (1-900). Empty keeps it.',
    }),
    handler: input.string({
      default: '',
      description: 'The handler, e.g. `app.handler` (zip functions). Empty keeps it.',
    }),
    runtime: input.string({
      default: '',
      description: 'The runtime, e.g. `python3.12` (zip functions). Empty keeps it.',
    }),
    strategy: input.string({
      default: 'all-at-once',
      options: ['all-at-once', 'canary', 'linear'],
      description:
        '`canary`: `canary-percent` of the traffic for `step-interval` seconds, then all of it. `linear`: ' +
        '`linear-percent` more every `step-interval` seconds. Alarms are checked throughout; an alarm rolls the ' +
        'alias back and fails the job.',
    }),
    'canary-percent': input.number({ default: 10, description: "The canary's share of the traffic, 1-99." }),
    'linear-percent': input.number({ default: 10, description: 'The share added at each linear step, 1-99.' }),
    'step-interval': input.number({
      default: 300,
      description: 'Seconds each canary or linear step lasts, watching the alarms, before the next.',
    }),
    'bake-time': input.number({
      default: 0,
      description:
        'Seconds to keep watching the alarms once all traffic is on the new version (also for all-at-once, and in ' +
        'the promote job); an alarm then still rolls back.',
    }),
    alarms: input.string({
      default: '',
      example: 'orders-api-errors, orders-api-p99-latency',
      description:
        'CloudWatch alarm names (metric or composite), separated by commas or newlines. Any in ALARM stops the ' +
        'release: before the first shift nothing moves; during it the alias goes back. A name that does not ' +
        'exist fails the job.',
    }),
    'alarm-poll-interval': input.number({
      default: 15,
      description: 'Seconds between two alarm checks while a step lasts.',
    }),
    promotion: input.string({
      default: 'auto',
      options: ['auto', 'manual'],
      description:
        '`manual`: the deploy job stops after the first canary or linear step (and its `step-interval` of alarm ' +
        'watching); the promote job then sends all traffic to the new version at once, the rollback job returns ' +
        'it.',
    }),
    'smoke-invoke': input.boolean({
      default: true,
      description:
        'Invoke the new version (by its number, so no caller sees it) before any traffic moves; a function error, or ' +
        'a reply without `smoke-expect`, fails the job with the alias untouched.',
    }),
    'smoke-payload': input.string({
      default: '{}',
      description: 'The JSON event for the smoke invocation, passed literally.',
    }),
    'smoke-expect': input.string({
      default: '',
      description: "Text the smoke invocation's reply must contain. Empty: any reply without a function error passes.",
    }),
    'keep-versions': input.number({
      default: 0,
      description: 'After a deploy, delete versions no alias references beyond the newest N of them. 0 keeps all.',
    }),
    'codedeploy-application': input.string({
      default: '',
      description:
        'CodeDeploy mode, for teams that use deployment groups: the application. With a deployment group, CodeDeploy ' +
        'moves the alias (its configuration decides canary or linear, its alarms and hooks apply) and the job ' +
        'follows the deployment.',
    }),
    'codedeploy-deployment-group': input.string({ default: '', description: 'CodeDeploy mode: the deployment group.' }),
    'codedeploy-deployment-config': input.string({
      default: '',
      description:
        'CodeDeploy mode: a deployment configuration such as `CodeDeployDefault.LambdaCanary10Percent5Minutes`. ' +
        "Empty: the group's.",
    }),
    'before-allow-traffic-hook': input.string({
      default: '',
      description:
        'CodeDeploy mode: the function CodeDeploy runs before shifting traffic (appspec `BeforeAllowTraffic`).',
    }),
    'after-allow-traffic-hook': input.string({
      default: '',
      description:
        'CodeDeploy mode: the function CodeDeploy runs after shifting traffic (appspec `AfterAllowTraffic`).',
    }),
    'codedeploy-timeout': input.number({
      default: 3600,
      description:
        'CodeDeploy mode: seconds to follow the deployment before the job fails (the deployment keeps running).',
    }),
    'update-timeout': input.number({
      default: 600,
      description: 'Seconds to wait for Lambda to apply a code or configuration update.',
    }),
    'poll-interval': input.number({
      default: 5,
      description: 'Seconds between two checks of an update or a CodeDeploy deployment.',
    }),
    environment: input.string({
      default: 'production',
      regex: ENVIRONMENT_NAME,
      description:
        'The GitLab environment the jobs deploy to: letters, digits, spaces and `-_/.${}`, not starting or ending ' +
        'with `/`.',
    }),
    when: whenInput('on_success', '`manual` makes the deploy job a gate someone starts.'),
    ...awsRetry.inputs,
  },
  jobs: ({ inputs, script }) => {
    const name = inputs['job-name'];
    // The three jobs run the same script (LAMBDA_ACTION picks the part), so they get the same variables.
    const job = (action: 'deploy' | 'promote' | 'rollback', keys: Job): Job =>
      awsJob(inputs, {
        // One change to the alias at a time: a second pipeline's deploy waits for this one's jobs.
        resource_group: 'lambda-deploy/$[[ inputs.function-name ]]/$[[ inputs.alias ]]',
        environment: { name: inputs.environment },
        ...keys,
        variables: {
          ...awsRetry.variables(inputs),
          LAMBDA_ACTION: action,
          ...inputVariables(
            'LAMBDA',
            inputs,
            [
              'function-name',
              'alias',
              'code',
              'image-ref',
              'function-environment',
              'memory-size',
              'timeout',
              'handler',
              'runtime',
              'strategy',
              'canary-percent',
              'linear-percent',
              'step-interval',
              'bake-time',
              'alarms',
              'alarm-poll-interval',
              'promotion',
              'smoke-invoke',
              'smoke-payload',
              'smoke-expect',
              'keep-versions',
              'codedeploy-application',
              'codedeploy-deployment-group',
              'codedeploy-deployment-config',
              'before-allow-traffic-hook',
              'after-allow-traffic-hook',
              'codedeploy-timeout',
              'update-timeout',
              'poll-interval',
            ],
            { literal: ['function-environment', 'smoke-payload', 'smoke-expect'] },
          ),
        },
        script: [script('zip.sh'), script('lambda.sh')],
        artifacts: { reports: { dotenv: `lambda-${action}.env` } },
      });
    const gate = (action: 'promote' | 'rollback'): Job =>
      job(action, {
        needs: [{ job: name, artifacts: true }],
        when: 'manual',
        // A manual gate does not hold the pipeline: later jobs that must wait list it in `needs`.
        allow_failure: true,
      });
    return {
      [name]: job('deploy', { when: inputs.when, allow_failure: false }),
      [`${name}-promote`]: gate('promote'),
      [`${name}-rollback`]: gate('rollback'),
    };
  },
  // The gate jobs read the versions from the deploy job's dotenv report.
  readsVariables: ['LAMBDA_PREVIOUS_VERSION', 'LAMBDA_NEW_VERSION'],
});
