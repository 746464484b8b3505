// Inputs every component declares the same way, so consumers meet one vocabulary.
import type { Job, Jobs } from '../model/job.js';
import { input, type InputDefs, type InputRefs } from './input.js';
import { RELEASE_VERSION } from './patterns.js';
import { inputVariablesExcept } from './variables.js';

/** `stage` and `job-name`: together they let a consumer include a component twice. */
export function placementInputs(o: { stage: string; jobName: string }) {
  return {
    stage: input.string({ default: o.stage, description: 'The stage the job runs in.' }),
    'job-name': input.string({
      default: o.jobName,
      regex: '^[A-Za-z0-9_. :/-]{1,200}$',
      description: 'The job name. Give each include its own name to include the component more than once.',
    }),
  };
}

/** A pinned AWS CLI image; `entrypoint: [""]` because the image's entrypoint is `aws`. */
export const AWS_CLI_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.27.50';
/**
 * Node with git and bash, for the tools written in JavaScript: the CDK CLI and its app, and this
 * catalog's toolkit (npm fetches it from git; it is tested on this Node).
 */
export const NODE_IMAGE = 'node:20.19.0-bookworm';
/** Debian's Python with bash: jobs install their pinned Python tools (checkov, cfn-lint) into it, cached. */
export const PYTHON_IMAGE = 'python:3.12.8-slim-bookworm';

/** The `image` input: the job image, pinned by default; `description` says what the image needs. */
export function imageInput(
  defaultImage = AWS_CLI_IMAGE,
  description = 'The job image: it needs bash, coreutils and the AWS CLI v2. Pin a tag or a digest.',
) {
  return input.string({ default: defaultImage, description });
}

/** The `image` input of a job that installs its pinned Python tools into a virtualenv (cached per version). */
export function pythonToolImageInput() {
  return imageInput(PYTHON_IMAGE, 'The job image: Python 3.9+ with venv and pip, and bash. Pin a tag or a digest.');
}

/**
 * A component's one job that runs a tool in an image the consumer may choose: named and staged by
 * the placement inputs, in the `image` input, and interruptible (a newer pipeline may cancel it).
 * Its script reads every other input, as `<prefix>_<INPUT_NAME>` (inputVariables); `job.variables`
 * adds what is not an input.
 */
export function toolJob(
  prefix: string,
  inputs: { readonly stage: string; readonly 'job-name': string; readonly image: string } & InputRefs<InputDefs>,
  job: Omit<Job, 'stage' | 'image' | 'interruptible'>,
): Jobs {
  return {
    [inputs['job-name']]: {
      stage: inputs.stage,
      image: inputs.image,
      interruptible: true,
      ...job,
      variables: { ...inputVariablesExcept(prefix, inputs, ['stage', 'job-name', 'image']), ...job.variables },
    },
  };
}

/**
 * `when`: whether the deploy job waits for someone to start it (`manual`, a gate: protect the
 * environment to choose who may) or runs as soon as the jobs it needs succeed (`on_success`).
 */
export function whenInput(initial: 'manual' | 'on_success', description: string) {
  const other = initial === 'manual' ? 'on_success' : 'manual';
  return input.string({ default: initial, options: [initial, other], description });
}

/** GitLab's environment name rule (Gitlab::Regex.environment_name_regex), for `environment` inputs. */
export const ENVIRONMENT_NAME = '^[A-Za-z0-9_${}. -]([A-Za-z0-9_/${}. -]{0,253}[A-Za-z0-9_${}. -])?$';

/** `report`: where a tool writes its Code Quality report, which GitLab shows in merge requests. */
export function codeQualityReportInput() {
  return input.string({
    default: 'gl-code-quality-report.json',
    regex: '^[A-Za-z0-9_.][A-Za-z0-9_./-]*\\.json$',
    description:
      'Where the Code Quality report is written (a `.json` path in the project); GitLab shows it in merge requests.',
  });
}

/** A `<tool>-version` input: the pinned release of a tool the job installs unless the image has it. */
export function toolVersionInput(version: string, description: string) {
  return input.string({ default: version, regex: RELEASE_VERSION, description });
}

/**
 * `aws-max-attempts` and the job variables that go with it: the AWS CLI retries each call in its
 * standard mode, which backs off on throttling and transient errors, up to that many attempts.
 */
export const awsRetry = {
  inputs: {
    'aws-max-attempts': input.number({
      default: 10,
      description: 'AWS CLI attempts per call (standard retry mode: backs off on throttling and transient errors).',
    }),
  },
  variables: (inputs: { readonly 'aws-max-attempts': string }) => ({
    AWS_RETRY_MODE: 'standard',
    AWS_MAX_ATTEMPTS: inputs['aws-max-attempts'],
  }),
};
