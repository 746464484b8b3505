import { defineComponent, input, inputVariables } from '../../src/define/index.js';
import { imageInput, placementInputs } from '../../src/define/shared-inputs.js';
import { authInputs, authJob } from './auth.js';

export default defineComponent({
  name: 'oidc-auth',
  source: import.meta.url,
  description:
    'Authenticate jobs to AWS with a GitLab ID token and STS AssumeRoleWithWebIdentity: no long-lived keys, ' +
    'credentials refreshed by the SDKs.',
  inputs: {
    ...placementInputs({ stage: 'deploy', jobName: 'aws-identity' }),
    ...authInputs,
    'session-duration': input.number({
      default: 3600,
      description: "Seconds the identity check asks STS for (900-43200, at most the role's MaxSessionDuration).",
    }),
    image: imageInput(),
  },
  jobs: ({ inputs, script }) => {
    const auth = authJob(inputs);
    return {
      // Consumers `extends: .aws-oidc-auth` in their own jobs to get AWS credentials.
      '.aws-oidc-auth': {
        image: { name: inputs.image, entrypoint: [''] },
        ...auth,
      },
      [inputs['job-name']]: {
        extends: '.aws-oidc-auth',
        stage: inputs.stage,
        variables: inputVariables('OIDC', inputs, ['session-duration']),
        script: [script('verify.sh')],
      },
    };
  },
});
