// End-to-end scenarios for aws-secrets: run by `npm run catalog -- test aws-secrets` and `npm test`
// against moto (Secrets Manager, SSM, STS) with GitLab id tokens minted by the harness. The
// harness reads every stored value back after setup and fails a scenario whose traces or left
// files contain one, so each scenario also proves that nothing was printed.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { defineScenarios, type ScenarioContext } from '../../src/harness/scenario.js';

const DB = { username: 'app_user', password: 'pa$$w0rd "quoted" \\ back\nnewline', host: 'db.internal.example.com' };
const STRIPE = 'sk_live_51Hs3cr3tStr1peKey';
const TLS_KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';
const APP = {
  '/shop/prod/app/api-token': 'tok_9f8e7d6c5b4a3210',
  '/shop/prod/app/smtp/password': 'smtp-s3cret-passw0rd',
};

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

async function seed(ctx: ScenarioContext): Promise<Record<string, string>> {
  const sm = ctx.aws.client(SecretsManagerClient);
  const ssm = ctx.aws.client(SSMClient);
  await sm.send(new CreateSecretCommand({ Name: 'prod/db', SecretString: JSON.stringify(DB) }));
  await sm.send(new CreateSecretCommand({ Name: 'prod/tls', SecretString: JSON.stringify({ key: TLS_KEY }) }));
  await ssm.send(new PutParameterCommand({ Name: '/shop/prod/stripe-key', Value: STRIPE, Type: 'SecureString' }));
  for (const [name, value] of Object.entries(APP))
    await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString' }));
  return { 'role-arn': await ctx.oidcRole() };
}

// A consumer's job that uses the secrets the way a test or deploy would, printing only digests.
const USE = `
use-secrets:
  stage: test
  extends: .aws-secrets
  script:
    - |
      for v in DB_PASSWORD DB_HOST STRIPE_KEY APP_API_TOKEN APP_SMTP_PASSWORD PG_USERNAME PG_PASSWORD PG_HOST; do
        printf '%s sha256=%s\\n' "$v" "$(printf '%s' "\${!v}" | sha256sum | cut -c1-64)"
      done
      printf 'TLS_KEY mode=%s sha256=%s\\n' "$(stat -c %a "$TLS_KEY")" "$(sha256sum < "$TLS_KEY" | cut -c1-64)"
      case "$TLS_KEY" in "$CATALOG_JOB_DIR"/*) echo "TLS_KEY is under the job directory" ;; esac
`;

const ALL = [
  'DB_PASSWORD=sm:prod/db#password',
  'DB_HOST=sm:prod/db#/host',
  'STRIPE_KEY=ssm:/shop/prod/stripe-key',
  'APP_*=ssm-path:/shop/prod/app/',
  'file:TLS_KEY=sm:prod/tls#key',
  'PG_*=sm:prod/db',
].join('\n');

export default defineScenarios('aws-secrets', [
  // First: the security property builds on the first scenario that succeeds, so it is the cheapest one.
  {
    name: "every key of a JSON secret as PREFIX_KEY, in the component's own job",
    inputs: { secrets: 'DB_*=sm:prod/db' },
    setup: seed,
    expect: {
      status: 'success',
      trace: [
        "loaded 3 secret(s) as variables for this job's script: DB_USERNAME DB_PASSWORD DB_HOST",
        'aws-secrets: every listed secret is readable by arn:aws:iam::123456789012:role/gitlab-deploy',
      ],
    },
  },
  {
    name: 'loads Secrets Manager keys, a parameter, a parameter path and a file into the job, printing no value',
    inputs: { secrets: ALL },
    setup: seed,
    ci: USE,
    expect: {
      status: 'success',
      trace: [
        "aws-secrets: loaded 9 secret(s) as variables for this job's script: DB_PASSWORD DB_HOST STRIPE_KEY " +
          'APP_API_TOKEN APP_SMTP_PASSWORD TLS_KEY PG_USERNAME PG_PASSWORD PG_HOST (TLS_KEY hold the path of a ' +
          'mode-600 file, removed when the job ends)',
        `DB_PASSWORD sha256=${sha(DB.password)}`,
        `DB_HOST sha256=${sha(DB.host)}`,
        `STRIPE_KEY sha256=${sha(STRIPE)}`,
        `APP_API_TOKEN sha256=${sha(APP['/shop/prod/app/api-token'])}`,
        `APP_SMTP_PASSWORD sha256=${sha(APP['/shop/prod/app/smtp/password'])}`,
        `PG_USERNAME sha256=${sha(DB.username)}`,
        `PG_PASSWORD sha256=${sha(DB.password)}`,
        `PG_HOST sha256=${sha(DB.host)}`,
        `TLS_KEY mode=600 sha256=${sha(TLS_KEY)}`,
        'TLS_KEY is under the job directory',
        'aws-secrets: every listed secret is readable by arn:aws:iam::123456789012:role/gitlab-deploy',
      ],
    },
    verify: (_ctx, r) => {
      // Two jobs, each reading: 2 GetSecretValue (prod/db once for both keys), 1 GetParameter, 1 GetParametersByPath.
      assert.equal(r.counts['secretsmanager:GetSecretValue'], 4);
      assert.equal(r.counts['ssm:GetParameter'], 2);
      assert.equal(r.counts['ssm:GetParametersByPath'], 2);
    },
  },
  {
    name: 'shell tracing (set -x) before the loader does not print the values',
    inputs: { secrets: ALL },
    setup: seed,
    // The loader pauses tracing; the job's own commands would trace the values, so this script
    // turns it off itself, as the warning tells it to.
    ci: `
use-secrets:
  stage: test
  extends: .aws-secrets
  before_script:
    - set -x
    - echo xtrace-is-on
    - !reference [.aws-secrets, before_script]
  script:
    - '{ set +x; } 2> /dev/null'
    - test -n "$DB_PASSWORD" && test -s "$TLS_KEY" && echo traced-job-has-the-secrets
`,
    expect: {
      status: 'success',
      trace: [/\+ echo xtrace-is-on/, 'aws-secrets: warning: shell tracing is on', 'traced-job-has-the-secrets'],
    },
  },
  {
    name: 'a missing secret fails the job naming it and the variable it was for',
    inputs: { secrets: 'DB_PASSWORD=sm:prod/db#password\nAPI_KEY=sm:prod/api-key' },
    setup: seed,
    expect: {
      status: 'failed',
      trace: ["aws-secrets: error: secret 'prod/api-key' in Secrets Manager (for API_KEY) does not exist in us-east-1"],
    },
  },
  {
    name: 'a missing parameter fails naming it',
    inputs: { secrets: 'STRIPE_KEY=ssm:/shop/prod/stripe-key-typo' },
    setup: seed,
    expect: {
      status: 'failed',
      trace: [
        "aws-secrets: error: parameter '/shop/prod/stripe-key-typo' in Parameter Store (for STRIPE_KEY) does not " +
          'exist in us-east-1',
      ],
    },
  },
  {
    name: 'a role without secretsmanager:GetSecretValue fails naming the secret and the IAM action',
    inputs: { secrets: 'STRIPE_KEY=ssm:/shop/prod/stripe-key\nDB_PASSWORD=sm:prod/db#password' },
    setup: async (ctx) => {
      await seed(ctx);
      const policy = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: '*' }],
      };
      return { 'role-arn': await ctx.oidcRole({ name: 'gitlab-ssm-only', policy }) };
    },
    expect: {
      status: 'failed',
      trace: [
        "aws-secrets: error: reading secret 'prod/db' in Secrets Manager (for DB_PASSWORD) failed",
        'allow secretsmanager:GetSecretValue on arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-* ' +
          "in the role's policy",
      ],
    },
    verify: (_ctx, r) =>
      assert.equal(r.counts['ssm:GetParameter'], 1, 'the parameter before the denied secret should have been read'),
  },
  {
    name: 'a key the JSON secret lacks fails listing the keys it has',
    inputs: { secrets: 'DB_PASSWORD=sm:prod/db#passwd' },
    setup: seed,
    expect: {
      status: 'failed',
      trace: [
        "aws-secrets: error: secret 'prod/db' in Secrets Manager has no key 'passwd' (its top-level keys: " +
          'username, password, host)',
      ],
    },
  },
  {
    name: 'two entries giving the same variable fail before the job script runs',
    inputs: { secrets: 'DB_PASSWORD=sm:prod/db#password\nDB_*=sm:prod/db' },
    setup: seed,
    expect: {
      status: 'failed',
      trace: [
        "aws-secrets: error: two entries give the variable DB_PASSWORD: key 'password' of secret 'prod/db' in " +
          "Secrets Manager and key 'password' of secret 'prod/db' in Secrets Manager",
      ],
    },
  },
  {
    name: 'a name that would replace PATH or an AWS variable is refused',
    inputs: { secrets: 'AWS_SECRET_ACCESS_KEY=ssm:/shop/prod/stripe-key' },
    setup: seed,
    expect: {
      status: 'failed',
      trace: [
        "aws-secrets: error: 'AWS_SECRET_ACCESS_KEY' (from parameter '/shop/prod/stripe-key' in Parameter Store) " +
          'would replace a variable',
      ],
    },
    verify: (_ctx, r) => assert.equal(r.counts['ssm:GetParameter'], 1),
  },
]);
