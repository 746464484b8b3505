// What the pipeline components (static-site-pipeline, ecs-service-pipeline) share: when each kind
// of job runs, the validate jobs (this catalog's linter, as catalog-lint runs it, and iac-scan's
// checkov and cfn-lint, as iac-scan runs them), the build and
// test jobs that run the project's own commands, and the per-environment AWS identity.
import catalog from '../../catalog.config.js';
import { input, type InputRef, inputVariables, readScript } from '../../src/define/index.js';
import { IAM_ROLE_ARN, orVariable } from '../../src/define/patterns.js';
import { AWS_CLI_IMAGE, imageInput, NODE_IMAGE, PYTHON_IMAGE } from '../../src/define/shared-inputs.js';
import type { JobVariable } from '../../src/define/variables.js';
import type { Artifacts, Job, Jobs, Rule } from '../../src/model/index.js';
import iacScan, { FAIL_ON, PATHS } from '../iac-scan/component.js';
import { authInputs, awsJob } from '../oidc-auth/auth.js';
import { secretsInput, withSecrets } from '../aws-secrets/secrets.js';

/**
 * Where each part goes. The defaults are GitLab's own stages, so the include needs no `stages:`:
 * validate first (`.pre`), the production gate last (`.post`); a project with named stages sets them.
 */
const stageInput = (part: string, stage: string) =>
  input.string({ default: stage, description: `The stage of the ${part}.` });
export const stageInputs = {
  'validate-stage': stageInput('validate job', '.pre'),
  'build-stage': stageInput('build job', 'build'),
  'test-stage': stageInput('test job', 'test'),
  'review-stage': stageInput('review deploy and its stop job', 'deploy'),
  'staging-stage': stageInput('staging deploy', 'deploy'),
  'production-stage': stageInput('production gate and deploy', '.post'),
};

export const MERGE_REQUEST: Rule = { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' };
export const DEFAULT_BRANCH: Rule = { if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' };
export const TAG: Rule = { if: '$CI_COMMIT_TAG' };
/**
 * Validate, build and test run for merge requests, the default branch and tags; other branch pushes make no pipeline.
 */
export const CHECKED: readonly Rule[] = [MERGE_REQUEST, DEFAULT_BRANCH, TAG];

const ROLE_SCOPE: Record<string, string> = {
  review: 'any branch of this project',
  staging: 'the protected default branch',
};
const ROLE = (env: string) =>
  input.string({
    regex: orVariable(IAM_ROLE_ARN),
    example: `arn:aws:iam::123456789012:role/gitlab-site-${env}`,
    description:
      `The IAM role the ${env} jobs assume with their ID token. Its trust policy should allow only ` +
      `what ${env} needs (see the docs: ` +
      `${ROLE_SCOPE[env] ?? 'the protected default branch, in the production environment'}).`,
  });

/** Inputs every pipeline component has. */
export const pipelineInputs = {
  'job-prefix': input.string({
    default: '',
    regex: '^([A-Za-z0-9_-]{1,40}[:/-])?$',
    description:
      'Put before every job name (`site-` makes `site-build`, `site-deploy-production`...), to include the ' +
      'pipeline twice (two sites in one project).',
  }),
  ...stageInputs,
  'review-role-arn': ROLE('review'),
  'staging-role-arn': ROLE('staging'),
  'production-role-arn': ROLE('production'),
  region: authInputs.region,
  audience: authInputs.audience,
  'session-name': authInputs['session-name'],
  image: imageInput(
    AWS_CLI_IMAGE,
    'The image of the jobs that call AWS: bash, coreutils and the AWS CLI v2. Pin a tag or a digest.',
  ),
  'build-image': imageInput(
    NODE_IMAGE,
    'The image of the build and test jobs. With `secrets`, it needs the AWS CLI too. Pin a tag or a digest.',
  ),
  'build-command': input.string({
    default: 'npm ci && npm run build',
    description:
      "The build, run with `bash -eo pipefail -c` in the build job. The project's own code: GitLab does not " +
      'expand `$` in it, the shell does.',
  }),
  'test-command': input.string({
    default: 'npm test',
    description:
      'The tests, run the same way in the test job after the build. A failure stops the pipeline before any deploy.',
  }),
  ...secretsInput,
  lint: input.boolean({
    default: true,
    description:
      "Run the validate job: this catalog's linter on the pipeline (GitLab's rules and the security checks), " +
      'with a Code Quality report in merge requests.',
  }),
  'iac-scan': input.boolean({
    default: true,
    description:
      "Run iac-scan in the validate stage: checkov and cfn-lint over the project's infrastructure code " +
      "(Terraform/OpenTofu, CloudFormation, CDK's `cdk.out`, Kubernetes manifests, Dockerfiles), with a SAST " +
      'report and Code Quality in merge requests. A finding at `iac-scan-fail-on` or above stops the pipeline.',
  }),
  'iac-scan-paths': input.string({
    default: '.',
    regex: PATHS,
    description: 'What iac-scan scans: folders or files relative to the project root, separated by commas.',
  }),
  'iac-scan-fail-on': input.string({
    default: 'high',
    options: [...FAIL_ON],
    description: "iac-scan's threshold: an unsuppressed finding of this severity or higher fails the validate stage.",
  }),
  'lint-toolkit': input.string({
    default: '',
    description:
      "The linter's npm package spec; empty means this catalog at the included component's commit (as catalog-lint).",
  }),
  'review-auto-stop-in': input.string({
    default: '1 week',
    description:
      "A review environment stops itself (its stop job runs) after this long without a new deploy: GitLab's " +
      '`auto_stop_in`.',
  }),
};

type Refs = { readonly [K in keyof typeof pipelineInputs]: InputRef<K> };
export type Environment = 'review' | 'staging' | 'production';

/** A job's name: the `job-prefix` input, then the part's name. */
export const jobName = (inputs: Refs, name: string) => `${inputs['job-prefix']}${name}`;

/** An AWS job of one environment: its own role, the shared region, audience and image. */
export function environmentJob(inputs: Refs, env: Environment, stage: InputRef<string>, job: Job): Job {
  return awsJob(
    {
      'role-arn': inputs[`${env}-role-arn`] as InputRef<'role-arn'>,
      region: inputs.region,
      audience: inputs.audience,
      'session-name': inputs['session-name'],
      stage,
      image: inputs.image,
    },
    job,
  );
}

/** A job of the validate stage, in every checked pipeline while the boolean input `on` is true. */
function validateStageJob(inputs: Refs, on: 'lint' | 'iac-scan', image: string, job: Job): Job {
  return {
    stage: inputs['validate-stage'],
    image,
    interruptible: true,
    rules: [{ if: `"${inputs[on]}" != "true"`, when: 'never' }, ...CHECKED],
    ...job,
  };
}

/** The validate job: catalog-lint's job (its script, variables and cache) in the validate stage, when `lint` is on. */
export function validateJob(inputs: Refs): Job {
  return validateStageJob(inputs, 'lint', NODE_IMAGE, {
    variables: {
      LINT_FILES: '',
      LINT_SECURITY: 'true',
      LINT_REPORT: 'gl-code-quality-report.json',
      LINT_TOOLKIT: inputs['lint-toolkit'],
      CATALOG_LINT_PROJECT: catalog.project,
      CATALOG_LINT_SHA: '$[[ component.sha ]]',
    },
    // As catalog-lint: the toolkit is installed once per component commit and reused from the cache.
    cache: { key: 'catalog-lint-$[[ component.sha ]]', paths: ['.catalog-lint/'] },
    script: [readScript(new URL('../catalog-lint/component.ts', import.meta.url).href, 'lint.sh')],
    artifacts: {
      when: 'always',
      paths: ['gl-code-quality-report.json'],
      reports: { codequality: 'gl-code-quality-report.json' },
    },
  });
}

/**
 * The iac-scan job in the validate stage, when `iac-scan` is on: iac-scan's script and image, its
 * pinned checkov and cfn-lint (the component's defaults), every framework it knows, cfn-lint on.
 */
export function iacScanJob(inputs: Refs): Job {
  const iacDefault = (name: 'checkov-version' | 'cfn-lint-version' | 'frameworks' | 'suppressions') =>
    String(iacScan.inputs[name].default ?? '');
  return validateStageJob(inputs, 'iac-scan', PYTHON_IMAGE, {
    variables: {
      IAC_PATHS: inputs['iac-scan-paths'],
      IAC_FRAMEWORKS: iacDefault('frameworks'),
      IAC_CFN_LINT: 'true',
      IAC_FAIL_ON: inputs['iac-scan-fail-on'],
      IAC_SUPPRESSIONS: iacDefault('suppressions'),
      IAC_CHECKOV_VERSION: iacDefault('checkov-version'),
      IAC_CFN_LINT_VERSION: iacDefault('cfn-lint-version'),
    },
    // As iac-scan: the tools are installed once per pair of versions and reused from the cache.
    ...({
      cache: {
        key: `iac-scan-${iacDefault('checkov-version')}-${iacDefault('cfn-lint-version')}`,
        paths: ['.iac-scan/'],
      },
    } as Job),
    script: [readScript(new URL('../iac-scan/component.ts', import.meta.url).href, 'scan.sh')],
    artifacts: {
      when: 'always',
      paths: ['gl-sast-report.json', 'gl-code-quality-report.json'],
      reports: { sast: 'gl-sast-report.json', codequality: 'gl-code-quality-report.json' },
    },
  });
}

/**
 * The jobs before any deploy, in order: validate, iac-scan, the build (the project's build command in
 * the build image; `build.artifacts` is what later jobs need from it) and the test. `script` reads a
 * script of the pipeline component (its build.sh and test.sh).
 */
export function checkJobs(
  inputs: Refs,
  script: (file: string) => string,
  build: { readonly variables: Readonly<Record<string, JobVariable>>; readonly artifacts: Artifacts },
): Jobs {
  return {
    [jobName(inputs, 'validate')]: validateJob(inputs),
    [jobName(inputs, 'iac-scan')]: iacScanJob(inputs),
    [jobName(inputs, 'build')]: {
      stage: inputs['build-stage'],
      image: inputs['build-image'],
      interruptible: true,
      rules: [...CHECKED],
      variables: build.variables,
      script: [script('build.sh')],
      artifacts: build.artifacts,
    },
    [jobName(inputs, 'test')]: testJob(inputs, script('test.sh')),
  };
}

/** A deploy job of one environment, in that environment's stage, with the dotenv report later jobs read. */
function deployJob(inputs: Refs, env: Environment, job: Job, script: readonly string[], dotenv: string): Job {
  return environmentJob(inputs, env, inputs[`${env}-stage`], {
    ...job,
    script: [...script],
    artifacts: { reports: { dotenv } },
  });
}

/** What a pipeline component deploys with, per environment (see environmentJobs). */
export interface Deploys {
  /** Starts each job's resource_group: `<lock>/review/<branch slug>`, `<lock>/staging`, `<lock>/production`. */
  readonly lock: string;
  /** The variable the deploy script writes the environment's URL to (through its dotenv report), e.g. `$SITE_URL`. */
  readonly url: string;
  /** The deploy script of an environment. */
  readonly script: (env: Environment) => readonly string[];
  /** The deploy job's variables in each environment. */
  readonly variables: Readonly<Record<Environment, Readonly<Record<string, JobVariable>>>>;
  /** The deploy jobs' dotenv report. */
  readonly dotenv: string;
  /** The review stop job's variables and script; it runs without a checkout or artifacts. */
  readonly stop: { readonly variables: Readonly<Record<string, JobVariable>>; readonly script: readonly string[] };
}

/**
 * The environments every pipeline component deploys to: a review deploy per merge request, stopped by
 * its stop job (when the merge request closes, or after `review-auto-stop-in`); staging from the
 * default branch; production from the default branch behind a manual gate.
 */
export function environmentJobs(inputs: Refs, o: Deploys): Jobs {
  const review = 'review/$CI_COMMIT_REF_SLUG';
  const deploy = (env: Environment, job: Job) =>
    deployJob(inputs, env, { ...job, variables: o.variables[env] }, o.script(env), o.dotenv);
  return {
    [jobName(inputs, 'deploy-review')]: deploy('review', {
      rules: [MERGE_REQUEST],
      resource_group: `${o.lock}/${review}`,
      environment: {
        name: review,
        url: o.url,
        on_stop: jobName(inputs, 'stop-review'),
        auto_stop_in: inputs['review-auto-stop-in'],
        deployment_tier: 'development',
      },
    }),
    [jobName(inputs, 'stop-review')]: environmentJob(inputs, 'review', inputs['review-stage'], {
      rules: [{ ...MERGE_REQUEST, when: 'manual', allow_failure: true }],
      resource_group: `${o.lock}/${review}`,
      environment: { name: review, action: 'stop' },
      // The branch may be gone when the environment stops: nothing to check out, nothing to download.
      variables: { GIT_STRATEGY: 'none', ...o.stop.variables },
      dependencies: [],
      script: [...o.stop.script],
    }),
    [jobName(inputs, 'deploy-staging')]: deploy('staging', {
      rules: [DEFAULT_BRANCH],
      resource_group: `${o.lock}/staging`,
      environment: { name: 'staging', url: o.url, deployment_tier: 'staging' },
    }),
    [jobName(inputs, 'deploy-production')]: deploy('production', {
      // The gate: someone with permission on the protected environment starts it; until then
      // the pipeline is blocked (allow_failure: false), and nothing after it runs.
      rules: [{ ...DEFAULT_BRANCH, when: 'manual', allow_failure: false }],
      resource_group: `${o.lock}/production`,
      environment: { name: 'production', url: o.url, deployment_tier: 'production' },
    }),
  };
}

/** The test job: the project's tests in the build image, with `secrets` loaded (read with the review role). */
export function testJob(inputs: Refs, script: string): Job {
  return withSecrets(
    inputs,
    environmentJob(inputs, 'review', inputs['test-stage'], {
      image: inputs['build-image'],
      interruptible: true,
      rules: [...CHECKED],
      variables: inputVariables('PIPELINE', inputs, ['test-command'], { literal: ['test-command'] }),
      script: [script],
    }),
  );
}
