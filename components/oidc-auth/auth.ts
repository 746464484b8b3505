// The OIDC authentication other components reuse: the same inputs, the same
// id_tokens entry, the same before_script. Components embed it into their own jobs
// (a component's inputs are not visible to another component's hidden jobs).
import { input, inputVariables, readScript } from '../../src/define/index.js';
import { AWS_REGION, IAM_ROLE_ARN, orVariable } from '../../src/define/patterns.js';
import type { InputRef } from '../../src/define/index.js';
import type { Job } from '../../src/model/index.js';

// The role ARN and the region are checked again by auth.sh after variables are expanded.
export const authInputs = {
  'role-arn': input.string({
    regex: orVariable(IAM_ROLE_ARN),
    example: 'arn:aws:iam::123456789012:role/gitlab-deploy',
    description:
      "The IAM role to assume with the job's GitLab ID token, or a CI/CD variable holding it (`$AWS_ROLE_ARN`). " +
      'Its trust policy must allow this project and ref (see the docs).',
  }),
  region: input.string({
    default: 'us-east-1',
    regex: orVariable(AWS_REGION),
    description: 'AWS region, exported as AWS_REGION and AWS_DEFAULT_REGION.',
  }),
  audience: input.string({
    default: 'https://gitlab.com',
    description:
      'The `aud` claim of the ID token: the audience of the IAM OIDC provider (your GitLab URL, no trailing slash).',
  }),
  'session-name': input.string({
    default: '',
    description:
      'Role session name shown in CloudTrail. Empty means gitlab-<project>-<job id>. Sanitized to 64 characters ' +
      'of [A-Za-z0-9_+=,.@-].',
  }),
};

export type AuthRefs = { readonly [K in keyof typeof authInputs]: InputRef<K> };

/**
 * A component's AWS job, the one shape every deploy job has: placed by the `stage` input, run in
 * the `image` input (whose entrypoint is `aws`, hence `['']`), authenticated by OIDC. `job` adds
 * the rest; its `variables` are merged after the authentication's.
 */
export function awsJob(inputs: AuthRefs & { readonly stage: string; readonly image: string }, job: Job): Job {
  const auth = authJob(inputs);
  return {
    stage: inputs.stage,
    image: { name: inputs.image, entrypoint: [''] },
    ...job,
    id_tokens: auth.id_tokens,
    variables: { ...auth.variables, ...job.variables },
    before_script: auth.before_script,
  };
}

/** Job keys that authenticate the job: spread them into a job and prepend `before_script`. */
export function authJob(inputs: AuthRefs): Pick<Job, 'id_tokens' | 'variables' | 'before_script'> {
  return {
    id_tokens: { AWS_ID_TOKEN: { aud: inputs.audience } },
    variables: inputVariables('OIDC', inputs, ['role-arn', 'region', 'session-name']),
    before_script: [readScript(import.meta.url, 'auth.sh')],
  };
}
