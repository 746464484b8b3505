// Secrets loading that other components embed into their own jobs, as they embed oidc-auth:
// the same input, the same variable, the same script after the authentication's before_script.
import { input, inputVariables, readScript } from '../../src/define/index.js';
import type { InputRef } from '../../src/define/index.js';
import type { Job } from '../../src/model/index.js';

const SYNTAX =
  'One entry per line (or separated by commas): `NAME=sm:<secret id>[#key]` (Secrets Manager), ' +
  '`NAME=ssm:<parameter>[#key]` (Parameter Store, decrypted), `PREFIX_*=ssm-path:<path>/` (every parameter under ' +
  'the path, recursively, as PREFIX_<NAME>), `PREFIX_*=sm:<secret id>` (every key of a JSON secret). `#key` ' +
  'reads a top-level JSON key; `#/a/b` is a JSON Pointer. `file:NAME=...` writes the value to a mode-600 file ' +
  'and sets NAME to its path. CI/CD variables in the list are expanded (`ssm:/shop/$CI_ENVIRONMENT_NAME/db-url`).';

/** The `secrets` input, optional: a component that embeds secrets loading loads nothing by default. */
export const secretsInput = {
  secrets: input.string({ default: '', description: `Secrets to load into the job before its script runs. ${SYNTAX}` }),
};

/** The same input, required: for the aws-secrets component itself. */
export const requiredSecretsInput = {
  secrets: input.string({
    example: 'DB_PASSWORD=sm:prod/db#password\nAPI_KEY=ssm:/shop/prod/api-key',
    description: `Secrets to load. ${SYNTAX}`,
  }),
};

/**
 * Adds secrets loading to an AWS job (one made by `awsJob`, whose before_script authenticates):
 * the list goes through a job variable, the loader runs after the authentication, in the same
 * shell as the job's script, which therefore sees the secrets.
 */
export function withSecrets(inputs: { readonly secrets: InputRef<'secrets'> }, job: Job): Job {
  return {
    ...job,
    variables: { ...job.variables, ...inputVariables('LOAD', inputs, ['secrets']) },
    before_script: [...[job.before_script ?? []].flat(), readScript(import.meta.url, 'secrets.sh')],
  };
}
