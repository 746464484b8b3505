// Inputs every component declares the same way, so consumers meet one vocabulary.
import type { Job, Jobs } from '../model/job.js';
import { input } from './input.js';

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

/** The `image` input: the job image, pinned by default; `description` says what the image needs. */
export function imageInput(
  defaultImage = AWS_CLI_IMAGE,
  description = 'The job image: it needs bash, coreutils and the AWS CLI v2. Pin a tag or a digest.',
) {
  return input.string({ default: defaultImage, description });
}

/**
 * A component's one job that runs a tool in an image the consumer may choose: named and staged by
 * the placement inputs, in the `image` input, and interruptible (a newer pipeline may cancel it).
 */
export function toolJob(
  inputs: { readonly stage: string; readonly 'job-name': string; readonly image: string },
  job: Omit<Job, 'stage' | 'image' | 'interruptible'>,
): Jobs {
  return { [inputs['job-name']]: { stage: inputs.stage, image: inputs.image, interruptible: true, ...job } };
}

/**
 * Widens a value pattern to also accept a CI/CD variable reference such as `$AWS_ROLE_ARN`.
 * GitLab checks `regex` against the raw input before variables are expanded, so a strict
 * pattern would reject the most common way teams pass account-specific values; the job
 * script validates the expanded value instead.
 */
export function orVariable(valuePattern: string): string {
  const body = valuePattern.replace(/^\^/, '').replace(/\$$/, '');
  return `^(${body}|\\$[A-Za-z_][A-Za-z0-9_]*|\\$\\{[A-Za-z_][A-Za-z0-9_]*\\})$`;
}

/** GitLab's environment name rule (Gitlab::Regex.environment_name_regex), for `environment` inputs. */
export const ENVIRONMENT_NAME = '^[A-Za-z0-9_${}. -]([A-Za-z0-9_/${}. -]{0,253}[A-Za-z0-9_${}. -])?$';
