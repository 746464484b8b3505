// Secret values the scenario stored in the emulator (Secrets Manager secrets, Parameter Store
// parameters), read back after setup so the harness can check that no job printed one or left
// one behind. GitLab masks only CI/CD variables it knows before a job starts: a value a job
// fetches at run time is shown in clear to everyone who can read the log, so printing it is a leak.
import {
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
  type ListSecretsCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import {
  DescribeParametersCommand,
  GetParametersCommand,
  SSMClient,
  type DescribeParametersCommandOutput,
} from '@aws-sdk/client-ssm';
import type { Secret } from './leftovers.js';
import type { AwsClients } from './scenario.js';

/** Values shorter than this are not looked for (GitLab's own masking needs 8 characters). */
const MIN_LENGTH = 8;

/** Each stored value, and each string in a JSON value (a job may print one key of a JSON secret). */
function valuesOf(label: string, value: string | undefined): Secret[] {
  if (!value) return [];
  const out: Secret[] = [{ label, value }];
  // A trace prefixes every line it shows (gitlab-ci-local with the job name), so a value of
  // several lines is never found whole: look for each line too.
  const lines = (v: string, l: string) =>
    v.includes('\n') ? v.split(/\r?\n/).map((line) => ({ label: `${l} (a line of it)`, value: line.trim() })) : [];
  out.push(...lines(value, label));
  try {
    const doc = JSON.parse(value) as unknown;
    const walk = (v: unknown, path: string): void => {
      if (typeof v === 'string')
        out.push({ label: `${label} (JSON ${path})`, value: v }, ...lines(v, `${label} (JSON ${path})`));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}/${k}`);
    };
    if (doc && typeof doc === 'object') walk(doc, '');
  } catch {
    // Not JSON: the whole value is the secret.
  }
  return out.filter((s) => s.value.length >= MIN_LENGTH);
}

export async function storedSecrets(aws: AwsClients): Promise<Secret[]> {
  const sm = aws.client(SecretsManagerClient);
  const ssm = aws.client(SSMClient);
  const out: Secret[] = [];
  let token: string | undefined;
  do {
    const page: ListSecretsCommandOutput = await sm.send(new ListSecretsCommand({ NextToken: token, MaxResults: 100 }));
    for (const s of page.SecretList ?? []) {
      const v = await sm.send(new GetSecretValueCommand({ SecretId: s.ARN! }));
      out.push(...valuesOf(`the value of Secrets Manager secret '${s.Name}'`, v.SecretString));
      if (v.SecretBinary)
        out.push(
          ...valuesOf(
            `the binary value of Secrets Manager secret '${s.Name}'`,
            Buffer.from(v.SecretBinary).toString('latin1'),
          ),
        );
    }
    token = page.NextToken;
  } while (token);
  const names: string[] = [];
  token = undefined;
  do {
    const page: DescribeParametersCommandOutput = await ssm.send(
      new DescribeParametersCommand({ NextToken: token, MaxResults: 50 }),
    );
    names.push(...(page.Parameters ?? []).map((p) => p.Name!));
    token = page.NextToken;
  } while (token);
  for (let i = 0; i < names.length; i += 10) {
    const got = await ssm.send(new GetParametersCommand({ Names: names.slice(i, i + 10), WithDecryption: true }));
    for (const p of got.Parameters ?? [])
      out.push(...valuesOf(`the value of Parameter Store parameter '${p.Name}'`, p.Value));
  }
  return out;
}
