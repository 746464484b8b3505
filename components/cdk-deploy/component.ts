import { defineComponent, input, inputVariables } from '../../src/define/index.js';
import { projectPath } from '../../src/define/patterns.js';
import {
  ENVIRONMENT_NAME,
  imageInput,
  NODE_IMAGE,
  placementInputs,
  whenInput,
} from '../../src/define/shared-inputs.js';
import { MR_NOTE_READS, planArtifacts } from '../_shared/mr-note.js';
import { authInputs, awsJob } from '../oidc-auth/auth.js';

/** Stack names or patterns (`WebApp`, `Prod/*`) separated by commas; empty for all. */
const STACKS = '^([A-Za-z0-9*][A-Za-z0-9*/_.-]*( *, *[A-Za-z0-9*][A-Za-z0-9*/_.-]*)*)?$';

export default defineComponent({
  name: 'cdk-deploy',
  source: import.meta.url,
  description:
    'Deploy a CDK app over OIDC: synthesize once (no credentials, no lookups) into an artifact, diff it as a ' +
    'merge request note, check the bootstrap version, deploy that same assembly without a prompt, outputs in dotenv.',
  inputs: {
    ...placementInputs({ stage: 'deploy', jobName: 'cdk' }),
    ...authInputs,
    // The CDK CLI itself is pinned by `cdk-version`.
    image: imageInput(
      NODE_IMAGE,
      'The job image: Node 18+ with npm and bash (the CDK CLI and the SSM client for the bootstrap check are ' +
        'installed when the image lacks them). Pin a tag or a digest.',
    ),
    'app-dir': input.string({
      default: '.',
      regex: projectPath(255),
      description:
        "The CDK app's folder (where cdk.json is), relative to the project root (letters, digits, `.`, `_`, `-`, " +
        '`/`). With a package-lock.json and no node_modules, the synth job runs `npm ci` first.',
    }),
    stacks: input.string({
      default: '',
      regex: STACKS,
      description:
        'Stacks to diff and deploy: names or patterns separated by commas (e.g. `WebApp, Prod/*`). Empty: every ' +
        'stack of the app.',
    }),
    context: input.string({
      default: '',
      description:
        'Context values for the synth, one `key=value` per line (passed as `--context`). Lookups are off in CI: ' +
        'commit cdk.context.json for `fromLookup` values.',
    }),
    'cdk-version': input.string({
      default: '2.1148.1',
      regex: '^2\\.[0-9]+\\.[0-9]+$',
      description:
        "The CDK CLI release (npm `aws-cdk`, 2.x): the image's or the app's own `cdk` when it is that release, " +
        "otherwise installed into the job's `.cdk-cli/`. It must read the assembly of the app's aws-cdk-lib; npm's " +
        'newest major (3.0) refuses current aws-cdk-lib assemblies.',
    }),
    method: input.string({
      default: 'change-set',
      options: ['change-set', 'direct'],
      description:
        'How `cdk deploy` changes the stacks: through a change set (the default), or `direct` (update-stack).',
    }),
    'bootstrap-check': input.boolean({
      default: true,
      description:
        "Before diffing and deploying, read each environment's bootstrap version (SSM " +
        '`/cdk-bootstrap/<qualifier>/version`) and fail with the exact `cdk bootstrap` command when it is missing ' +
        'or too old.',
    }),
    'mr-note': input.boolean({
      default: true,
      description:
        'In merge request pipelines, post the diff as a note (edited on every pipeline, not added again). Needs a ' +
        'CI/CD variable `CATALOG_MR_NOTE_TOKEN` (a project access token with `api` scope).',
    }),
    environment: input.string({
      default: 'production',
      regex: ENVIRONMENT_NAME,
      description: 'The GitLab environment of the deploy job (protect it to require approval).',
    }),
    when: whenInput(
      'manual',
      '`manual`: the deploy job waits for someone to start it after reading the diff (the approval; there is ' +
        'never a terminal prompt). `on_success`: it deploys right after the diff.',
    ),
  },
  jobs: ({ inputs, script }) => {
    const synth = `${inputs['job-name']}-synth`;
    const diff = `${inputs['job-name']}-diff`;
    const common = {
      // No update notices or telemetry from the CLI in CI.
      CDK_DISABLE_VERSION_CHECK: 'true',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      ...inputVariables('CDK', inputs, ['app-dir', 'stacks', 'cdk-version']),
    };
    const assembly = `$[[ inputs.app-dir ]]/cdk.out/`;
    return {
      // The app's code runs here, with no AWS credentials at all.
      [synth]: {
        stage: inputs.stage,
        image: inputs.image,
        variables: { ...common, ...inputVariables('CDK', inputs, ['context']) },
        script: [script('cli.sh'), script('synth.sh')],
        artifacts: { paths: [assembly], expire_in: '30 days' },
      },
      [diff]: awsJob(inputs, {
        needs: [{ job: synth, artifacts: true }],
        variables: { ...common, ...inputVariables('CDK', inputs, ['bootstrap-check', 'mr-note']) },
        script: [script('../_shared/mr-note.sh'), script('cli.sh'), script('bootstrap.sh'), script('diff.sh')],
        artifacts: planArtifacts('cdk-diff.md', 'CDK diff', 'cdk-diff.env'),
      }),
      [`${inputs['job-name']}-deploy`]: awsJob(inputs, {
        needs: [
          { job: synth, artifacts: true },
          { job: diff, artifacts: false },
        ],
        when: inputs.when,
        // A manual job may fail by default in GitLab ("passed with warnings"); a failed deploy must fail the pipeline.
        allow_failure: false,
        environment: { name: inputs.environment, action: 'start' },
        resource_group: 'cdk-deploy/$[[ inputs.environment ]]',
        variables: { ...common, ...inputVariables('CDK', inputs, ['bootstrap-check', 'method']) },
        script: [script('cli.sh'), script('bootstrap.sh'), script('deploy.sh')],
        artifacts: { reports: { dotenv: 'cdk.env' } },
      }),
    };
  },
  readsVariables: [...MR_NOTE_READS, 'NODE_PATH'],
  toolActions: {
    // The CLI acts through the bootstrap roles it assumes (deploy, file publishing, lookup).
    'the CDK CLI (cdk diff, cdk deploy)': ['sts:AssumeRole'],
    'the bootstrap check (@aws-sdk/client-ssm in bootstrap.sh)': ['ssm:GetParameter'],
  },
});
