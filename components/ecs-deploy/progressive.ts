// The inputs and gate jobs of ecs-deploy's progressive delivery (progressive.sh, gate.sh):
// native BLUE_GREEN / LINEAR / CANARY through UpdateService, or CodeDeploy for CODE_DEPLOY
// services, with a pause for testing and manual promote and rollback jobs.
import { input } from '../../src/define/index.js';
import type { JobVariable } from '../../src/define/variables.js';
import type { Job } from '../../src/model/index.js';
import { awsJob, type AuthRefs } from '../oidc-auth/auth.js';

export const progressiveInputs = {
  'deployment-strategy': input.string({
    default: '',
    options: ['', 'ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'],
    description:
      "ECS's native deployment strategy, set on the service with this update. Empty: the service's own. BLUE_GREEN, " +
      'LINEAR and CANARY need a load balancer with an alternate target group and listener rules ' +
      '(`advancedConfiguration`). A CODE_DEPLOY service is always deployed through CodeDeploy.',
  }),
  'bake-time': input.string({
    default: '',
    regex: '^([0-9]+)?$',
    description:
      'Minutes both revisions keep running after production traffic moved, so a rollback is instant (0-1440). Empty: ' +
      "the service's.",
  }),
  'canary-percent': input.number({
    default: 10,
    description: 'CANARY: the share of production traffic the new revision gets first (3-100).',
  }),
  'linear-percent': input.number({
    default: 10,
    description: 'LINEAR: the share of production traffic moved at each step (3-100).',
  }),
  'step-bake-time': input.number({ default: 5, description: 'CANARY and LINEAR: minutes between two traffic steps.' }),
  'lifecycle-hooks': input.string({
    default: '',
    description:
      "Lambda lifecycle hooks as ECS's API takes them (a JSON array of `{hookTargetArn, roleArn, lifecycleStages, " +
      "hookDetails}`), added to the service's.",
  }),
  'pause-for-testing': input.boolean({
    default: false,
    description:
      'Stop when the new revision serves the test listener: the job ends with the deployment id and `test-url` in ' +
      'its dotenv report, your test jobs run, then the promote job shifts production traffic or the rollback job ' +
      "rolls back. Native: a PAUSE hook at POST_TEST_TRAFFIC_SHIFT; CodeDeploy: the `Ready` wait (the group's " +
      'deploymentReadyOption must be STOP_DEPLOYMENT).',
  }),
  'pause-timeout': input.number({
    default: 1440,
    description: 'Native pause: minutes ECS waits for the promote job before it rolls back by itself (1-1440).',
  }),
  'test-url': input.string({
    default: '',
    description: "The test listener's URL, written to the dotenv report as ECS_TEST_URL for the test jobs.",
  }),
  'codedeploy-application': input.string({
    default: '',
    description: "CODE_DEPLOY services: the application. Empty: `AppECS-<cluster>-<service>`, the console's name.",
  }),
  'codedeploy-deployment-group': input.string({
    default: '',
    description: 'CODE_DEPLOY services: the deployment group. Empty: `DgpECS-<cluster>-<service>`.',
  }),
  'codedeploy-deployment-config': input.string({
    default: '',
    description: "CODE_DEPLOY services: e.g. `CodeDeployDefault.ECSCanary10Percent5Minutes`. Empty: the group's.",
  }),
  'codedeploy-container-name': input.string({
    default: '',
    description: 'CODE_DEPLOY services: the container behind the load balancer. Empty: the first with a port mapping.',
  }),
  'codedeploy-container-port': input.string({
    default: '',
    regex: '^([0-9]+)?$',
    description: 'CODE_DEPLOY services: its port. Empty: its first port mapping.',
  }),
  'codedeploy-hooks': input.string({
    default: '',
    description:
      'CODE_DEPLOY services: appspec hooks, one `Event=function` per line (BeforeInstall, AfterInstall, ' +
      'AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic).',
  }),
};

/** The progressive inputs, for `inputVariables('ECS', ...)`: each reaches the scripts as ECS_<NAME>. */
export const PROGRESSIVE_INPUTS = Object.keys(progressiveInputs) as (keyof typeof progressiveInputs)[];

/**
 * `<job-name>-promote` and `<job-name>-rollback`: manual, after the deploy job, with its dotenv
 * report and the deploy job's variables (progressive.sh is embedded in both).
 */
export function progressiveGates(
  inputs: AuthRefs & {
    readonly stage: string;
    readonly image: string;
    readonly 'job-name': string;
    readonly environment: string;
  },
  script: (file: string) => string,
  variables: Readonly<Record<string, JobVariable>>,
): Record<string, Job> {
  const gate = (action: 'promote' | 'rollback'): Job =>
    awsJob(inputs, {
      resource_group: 'ecs-deploy/$[[ inputs.cluster ]]/$[[ inputs.service ]]',
      environment: { name: inputs.environment },
      needs: [{ job: inputs['job-name'], artifacts: true }],
      when: 'manual',
      // A manual gate does not hold the pipeline: later jobs that must wait list it in `needs`.
      allow_failure: true,
      variables: { ...variables, ECS_GATE_ACTION: action },
      script: [script('progressive.sh'), script('gate.sh')],
      artifacts: { reports: { dotenv: `ecs-${action}.env` } },
    });
  return { [`${inputs['job-name']}-promote`]: gate('promote'), [`${inputs['job-name']}-rollback`]: gate('rollback') };
}

/** Variables the gate jobs read from the deploy job's dotenv report. */
export const GATE_READS = [
  'ECS_DEPLOY_STATE',
  'ECS_DEPLOYMENT_CONTROLLER',
  'ECS_CODEDEPLOY_DEPLOYMENT_ID',
  'ECS_SERVICE_DEPLOYMENT_ARN',
  'ECS_PAUSE_HOOK_ID',
  'ECS_TASK_DEFINITION_ARN',
  'ECS_PREVIOUS_TASK_DEFINITION_ARN',
];
