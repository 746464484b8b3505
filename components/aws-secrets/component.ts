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
  examples: [
    {
      title: 'Secrets in a job of your own',
      yaml: `include:
  - component: $CI_SERVER_FQDN/platform/aws-delivery/aws-secrets@VERSION
    inputs:
      role-arn: arn:aws:iam::123456789012:role/gitlab-app-secrets
      job-name: app-secrets            # also defines the hidden job .app-secrets
      stage: test
      secrets: |
        DB_PASSWORD=sm:prod/db#password
        STRIPE_KEY=ssm:/shop/prod/stripe-key
        APP_*=ssm-path:/shop/prod/app/
        file:TLS_KEY=sm:prod/tls#key

integration-tests:
  stage: test
  extends: .app-secrets                # the role, the ID token and the loader in before_script
  script:
    - ./run-integration-tests.sh       # sees DB_PASSWORD, STRIPE_KEY, APP_*, and TLS_KEY (a file path)`,
    },
    {
      title: "Run a command with the secrets in the component's own job",
      yaml: `include:
  - component: $CI_SERVER_FQDN/platform/aws-delivery/aws-secrets@VERSION
    inputs:
      role-arn: arn:aws:iam::123456789012:role/gitlab-migrate
      job-name: migrate
      stage: deploy
      secrets: DATABASE_URL=ssm:/shop/$CI_ENVIRONMENT_NAME/database-url

migrate:                               # keys given here are merged into the component's job
  environment: production
  script:
    - ./bin/migrate`,
    },
  ],
});
