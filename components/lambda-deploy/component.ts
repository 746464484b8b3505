import { defineComponent, input } from '../../src/define/index.js';
import { imageInput, placementInputs } from '../../src/define/shared-inputs.js';
import type { Job } from '../../src/model/index.js';
import { authInputs, authJob } from '../oidc-auth/auth.js';

export default defineComponent({
  name: 'lambda-deploy',
  source: import.meta.url,
  description:
    'Deploy a Lambda function through a version and an alias: reproducible zip or image, merged environment, smoke test, then all-at-once, canary or linear traffic watched by alarms, with promote and rollback gates.',
  inputs: {
    ...placementInputs({ stage: 'deploy', jobName: 'deploy-lambda' }),
    ...authInputs,
    image: imageInput(),
    'function-name': input.string({ example: 'orders-api', description: 'The function to deploy (name or unqualified ARN). It must exist: create it with your infrastructure code.' }),
    alias: input.string({ default: 'live', description: 'The alias callers invoke (API Gateway, event sources point at `function:alias`). Created on the first deploy.' }),
    code: input.string({
      default: '',
      description: 'A directory to zip (reproducibly: sorted entries, fixed timestamps and modes, so unchanged code publishes nothing) or a `.zip` file an earlier job built. Empty: the code is not changed.',
    }),
    'image-ref': input.string({
      default: '',
      description: 'For container image functions: the ECR image, best by digest. `$IMAGE_REF` from the image-build component\'s dotenv report works. Empty: the image is not changed.',
    }),
    'function-environment': input.string({
      default: '',
      description: 'Environment variables to set, one `NAME=value` per line (the value runs to the end of the line). Merged into the function\'s variables: the others are kept. ',
    }),
    'memory-size': input.string({ default: '', regex: '^([0-9]+)?$', description: 'Memory in MB (128-10240). Empty keeps it.' }),
    timeout: input.string({ default: '', regex: '^([0-9]+)?$', description: 'Timeout in seconds (1-900). Empty keeps it.' }),
    handler: input.string({ default: '', description: 'The handler, e.g. `app.handler` (zip functions). Empty keeps it.' }),
    runtime: input.string({ default: '', description: 'The runtime, e.g. `python3.12` (zip functions). Empty keeps it.' }),
    strategy: input.string({
      default: 'all-at-once',
      options: ['all-at-once', 'canary', 'linear'],
      description: '`canary`: `canary-percent` of the traffic for `step-interval` seconds, then all of it. `linear`: `linear-percent` more every `step-interval` seconds. Alarms are checked throughout; an alarm rolls the alias back and fails the job.',
    }),
    'canary-percent': input.number({ default: 10, description: 'The canary\'s share of the traffic, 1-99.' }),
    'linear-percent': input.number({ default: 10, description: 'The share added at each linear step, 1-99.' }),
    'step-interval': input.number({ default: 300, description: 'Seconds each canary or linear step lasts, watching the alarms, before the next.' }),
    'bake-time': input.number({ default: 0, description: 'Seconds to keep watching the alarms once all traffic is on the new version (also for all-at-once); an alarm then still rolls back.' }),
    alarms: input.string({
      default: '',
      example: 'orders-api-errors, orders-api-p99-latency',
      description: 'CloudWatch alarm names (metric or composite), separated by commas or newlines. Any in ALARM stops the release: before the first shift nothing moves; during it the alias goes back. A name that does not exist fails the job.',
    }),
    'alarm-poll-interval': input.number({ default: 15, description: 'Seconds between two alarm checks while a step lasts.' }),
    promotion: input.string({
      default: 'auto',
      options: ['auto', 'manual'],
      description: '`manual`: the deploy job stops after the first canary or linear step (and its `step-interval` of alarm watching); the promote job then sends all traffic to the new version at once, the rollback job returns it.',
    }),
    'smoke-invoke': input.boolean({ default: true, description: 'Invoke the new version (by its number, so no caller sees it) before any traffic moves; a function error, or a reply without `smoke-expect`, fails the job with the alias untouched.' }),
    'smoke-payload': input.string({ default: '{}', description: 'The JSON event for the smoke invocation.' }),
    'smoke-expect': input.string({ default: '', description: 'Text the smoke invocation\'s reply must contain. Empty: any reply without a function error passes.' }),
    'keep-versions': input.number({ default: 0, description: 'After a deploy, delete versions no alias references beyond the newest N of them. 0 keeps all.' }),
    'codedeploy-application': input.string({ default: '', description: 'CodeDeploy mode, for teams that use deployment groups: the application. With a deployment group, CodeDeploy moves the alias (its configuration decides canary or linear, its alarms and hooks apply) and the job follows the deployment.' }),
    'codedeploy-deployment-group': input.string({ default: '', description: 'CodeDeploy mode: the deployment group.' }),
    'codedeploy-deployment-config': input.string({ default: '', description: 'CodeDeploy mode: a deployment configuration such as `CodeDeployDefault.LambdaCanary10Percent5Minutes`. Empty: the group\'s.' }),
    'before-allow-traffic-hook': input.string({ default: '', description: 'CodeDeploy mode: the function CodeDeploy runs before shifting traffic (appspec `BeforeAllowTraffic`).' }),
    'after-allow-traffic-hook': input.string({ default: '', description: 'CodeDeploy mode: the function CodeDeploy runs after shifting traffic (appspec `AfterAllowTraffic`).' }),
    'codedeploy-timeout': input.number({ default: 3600, description: 'CodeDeploy mode: seconds to follow the deployment before the job fails (the deployment keeps running).' }),
    'update-timeout': input.number({ default: 600, description: 'Seconds to wait for Lambda to apply a code or configuration update.' }),
    'poll-interval': input.number({ default: 5, description: 'Seconds between two checks of an update or a CodeDeploy deployment.' }),
    environment: input.string({ default: 'production', description: 'The GitLab environment the jobs deploy to.' }),
    when: input.string({ default: 'on_success', options: ['on_success', 'manual'], description: '`manual` makes the deploy job a gate someone starts.' }),
    'aws-max-attempts': input.number({ default: 10, description: 'AWS CLI attempts per call (standard retry mode: backs off on throttling).' }),
  },
  jobs: ({ inputs, script }) => {
    const auth = authJob(inputs);
    const name = inputs['job-name'];
    const common = (action: 'deploy' | 'promote' | 'rollback'): Job => ({
      stage: inputs.stage,
      image: { name: inputs.image, entrypoint: [''] },
      // One change to the alias at a time: a second pipeline's deploy waits for this one's jobs.
      resource_group: 'lambda-deploy/$[[ inputs.function-name ]]/$[[ inputs.alias ]]',
      environment: { name: inputs.environment },
      id_tokens: auth.id_tokens,
      variables: {
        ...auth.variables,
        AWS_RETRY_MODE: 'standard',
        AWS_MAX_ATTEMPTS: inputs['aws-max-attempts'],
        LAMBDA_ACTION: action,
        LAMBDA_FUNCTION_NAME: inputs['function-name'],
        LAMBDA_ALIAS: inputs.alias,
        LAMBDA_ALARMS: inputs.alarms,
        LAMBDA_ALARM_POLL_INTERVAL: inputs['alarm-poll-interval'],
        LAMBDA_POLL_INTERVAL: inputs['poll-interval'],
      },
      before_script: auth.before_script,
      script: [script('zip.sh'), script('lambda.sh')],
      artifacts: { reports: { dotenv: `lambda-${action}.env` } },
    });
    const deploy = common('deploy');
    const gate = (action: 'promote' | 'rollback'): Job => ({
      ...common(action),
      needs: [{ job: name, artifacts: true }],
      when: 'manual',
      // A manual gate does not hold the pipeline: later jobs that must wait list it in `needs`.
      allow_failure: true,
    });
    return {
      [name]: {
        ...deploy,
        when: inputs.when,
        allow_failure: false,
        variables: {
          ...deploy.variables,
          LAMBDA_CODE: inputs.code,
          LAMBDA_IMAGE_REF: inputs['image-ref'],
          LAMBDA_FUNCTION_ENVIRONMENT: inputs['function-environment'],
          LAMBDA_MEMORY_SIZE: inputs['memory-size'],
          LAMBDA_TIMEOUT: inputs.timeout,
          LAMBDA_HANDLER: inputs.handler,
          LAMBDA_RUNTIME: inputs.runtime,
          LAMBDA_STRATEGY: inputs.strategy,
          LAMBDA_CANARY_PERCENT: inputs['canary-percent'],
          LAMBDA_LINEAR_PERCENT: inputs['linear-percent'],
          LAMBDA_STEP_INTERVAL: inputs['step-interval'],
          LAMBDA_BAKE_TIME: inputs['bake-time'],
          LAMBDA_PROMOTION: inputs.promotion,
          LAMBDA_SMOKE_INVOKE: inputs['smoke-invoke'],
          LAMBDA_SMOKE_PAYLOAD: inputs['smoke-payload'],
          LAMBDA_SMOKE_EXPECT: inputs['smoke-expect'],
          LAMBDA_KEEP_VERSIONS: inputs['keep-versions'],
          LAMBDA_CODEDEPLOY_APPLICATION: inputs['codedeploy-application'],
          LAMBDA_CODEDEPLOY_DEPLOYMENT_GROUP: inputs['codedeploy-deployment-group'],
          LAMBDA_CODEDEPLOY_DEPLOYMENT_CONFIG: inputs['codedeploy-deployment-config'],
          LAMBDA_BEFORE_ALLOW_TRAFFIC_HOOK: inputs['before-allow-traffic-hook'],
          LAMBDA_AFTER_ALLOW_TRAFFIC_HOOK: inputs['after-allow-traffic-hook'],
          LAMBDA_CODEDEPLOY_TIMEOUT: inputs['codedeploy-timeout'],
          LAMBDA_UPDATE_TIMEOUT: inputs['update-timeout'],
        },
      },
      [`${name}-promote`]: gate('promote'),
      [`${name}-rollback`]: gate('rollback'),
    };
  },
  examples: [
    {
      title: 'A canary in production with promote and rollback gates, after staging',
      yaml: `stages: [build, staging, production, verify]

include:
  - component: $CI_SERVER_FQDN/platform/aws-delivery/lambda-deploy@VERSION
    inputs:
      job-name: deploy-staging
      stage: staging
      role-arn: $STAGING_DEPLOY_ROLE_ARN
      region: eu-west-1
      function-name: orders-api-staging
      code: dist/orders-api          # zipped reproducibly: unchanged code publishes nothing
      environment: staging
  - component: $CI_SERVER_FQDN/platform/aws-delivery/lambda-deploy@VERSION
    inputs:
      job-name: deploy-production
      stage: production
      role-arn: $PRODUCTION_DEPLOY_ROLE_ARN
      region: eu-west-1
      function-name: orders-api
      code: dist/orders-api
      function-environment: |
        LOG_LEVEL=info
      smoke-payload: '{"path": "/health", "httpMethod": "GET"}'
      smoke-expect: '"statusCode": 200'
      strategy: canary
      canary-percent: 10             # 10% of the traffic ...
      step-interval: 600             # ... for 10 minutes, watched by the alarms
      alarms: orders-api-errors, orders-api-p99-latency
      promotion: manual              # then stop: a person promotes or rolls back
      keep-versions: 5
      environment: production

build:
  stage: build
  image: python:3.12-slim
  script:
    - pip install --target dist/orders-api -r requirements.txt
    - cp -r src/* dist/orders-api/
  artifacts:
    paths: [dist/orders-api]

# Production from the default branch only; the component's gates, deploy-production-promote
# (send 100% now) and deploy-production-rollback (back to the previous version; the job then
# fails on purpose), need the deploy job, so they get the same rule. Protect the production
# environment so only maintainers can run them.
.production-only:
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
deploy-production: { extends: .production-only }
deploy-production-promote: { extends: .production-only }
deploy-production-rollback: { extends: .production-only }

# Runs only once the canary has been promoted.
announce-release:
  extends: .production-only
  stage: verify
  needs: [deploy-production-promote]
  script:
    - echo "orders-api version $LAMBDA_NEW_VERSION is live"`,
    },
    {
      title: 'Linear steps with automatic promotion, for a container image built earlier in the pipeline',
      yaml: `include:
  - component: $CI_SERVER_FQDN/platform/aws-delivery/lambda-deploy@VERSION
    inputs:
      role-arn: arn:aws:iam::123456789012:role/gitlab-lambda-deploy
      function-name: thumbnailer
      image-ref: $IMAGE_REF          # from the image build's dotenv report: repo@sha256:...
      strategy: linear
      linear-percent: 25             # 25%, 50%, 75%, 100% ...
      step-interval: 120             # ... two minutes apart
      bake-time: 300                 # then five more minutes of alarm watching
      alarms: thumbnailer-errors
      smoke-invoke: false            # the function has side effects`,
    },
    {
      title: 'Teams with a CodeDeploy deployment group',
      yaml: `include:
  - component: $CI_SERVER_FQDN/platform/aws-delivery/lambda-deploy@VERSION
    inputs:
      role-arn: arn:aws:iam::123456789012:role/gitlab-lambda-deploy
      function-name: orders-api
      code: dist/orders-api
      codedeploy-application: orders-api
      codedeploy-deployment-group: live
      codedeploy-deployment-config: CodeDeployDefault.LambdaCanary10Percent5Minutes
      before-allow-traffic-hook: orders-api-pretraffic`,
    },
  ],
});
