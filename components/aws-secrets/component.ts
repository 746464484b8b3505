import { defineComponent } from '../../src/define/index.js';
import { imageInput, placementInputs } from '../../src/define/shared-inputs.js';
import { authInputs, awsJob } from '../oidc-auth/auth.js';
import { requiredSecretsInput, withSecrets } from './secrets.js';

export default defineComponent({
  name: 'aws-secrets',
  source: import.meta.url,
  description:
    'Read secrets from Secrets Manager and Parameter Store (by name, by path, JSON keys) with the OIDC role into ' +
    'the job as variables or mode-600 files; never printed, never in artifacts.',
  inputs: {
    ...placementInputs({ stage: 'test', jobName: 'aws-secrets' }),
    ...authInputs,
    image: imageInput(),
    ...requiredSecretsInput,
  },
  jobs: ({ inputs, script }) => ({
    // `extends: .<job-name>` in a job of your own gives it the role and the secrets; the name
    // follows job-name so that two includes (two roles, two sets of secrets) do not collide.
    [`.${inputs['job-name']}`]: withSecrets(inputs, awsJob(inputs, {})),
    [inputs['job-name']]: {
      extends: `.${inputs['job-name']}`,
      stage: inputs.stage,
      script: [script('check.sh')],
    },
  }),
});
