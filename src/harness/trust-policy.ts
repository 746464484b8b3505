// moto's STS hands out credentials for any web identity token and ignores the role's trust
// policy. AWS does not: this rule makes AssumeRoleWithWebIdentity behave as AWS documents it,
// judging the presented token against the OIDC provider and the trust policy stored in moto.
import { GetOpenIDConnectProviderCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { awsError } from './aws-call.js';
import type { FaultRule } from './fault-proxy.js';
import { listOf as list, wildcardMatches } from './iam-policy.js';
import { decodeClaims } from './id-token.js';
import { forwardSigned, type Credentials } from './signed-forward.js';

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Principal?: { Federated?: string | string[] } | string;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** IAM's StringLike: `*` and `?` wildcards, case-sensitive, whole value. */
const like = (pattern: string, value: string) => wildcardMatches(pattern, value, 's');

function conditionHolds(
  op: string,
  key: string,
  expected: string[],
  claims: Record<string, string | undefined>,
): boolean {
  const base = op.replace(/^(ForAnyValue|ForAllValues):/, '').replace(/IfExists$/, '');
  const actual = claims[key];
  if (actual === undefined) return op.endsWith('IfExists') || base.includes('Not');
  const match = (e: string) => (base.includes('Like') ? like(e, actual) : e === actual);
  switch (base) {
    case 'StringEquals':
    case 'StringLike':
      return expected.some(match);
    case 'StringNotEquals':
    case 'StringNotLike':
      return !expected.some(match);
    default:
      // An operator we do not model fails closed, as an unmatched condition does in IAM.
      return false;
  }
}

/** Whether `statement` lets the holder of `claims` from `providerArn` assume the role. */
export function statementAllows(
  statement: Statement,
  providerArn: string,
  host: string,
  claims: Record<string, unknown>,
): boolean {
  if (statement.Effect !== 'Allow') return false;
  if (!list(statement.Action).some((a) => a === 'sts:AssumeRoleWithWebIdentity' || a === 'sts:*' || a === '*'))
    return false;
  const principal = typeof statement.Principal === 'object' ? list(statement.Principal.Federated) : [];
  if (!principal.includes(providerArn)) return false;
  const aud = list(claims.aud as string | string[] | undefined);
  const ctx = (audValue: string | undefined): Record<string, string | undefined> => ({
    [`${host}:aud`]: audValue,
    [`${host}:sub`]: typeof claims.sub === 'string' ? claims.sub : undefined,
  });
  for (const [op, block] of Object.entries(statement.Condition ?? {})) {
    for (const [key, value] of Object.entries(block)) {
      const expected = list(value).map(String);
      // IAM compares the aud key against each audience the token carries.
      const ok =
        key === `${host}:aud`
          ? aud.some((a) => conditionHolds(op, key, expected, ctx(a)))
          : conditionHolds(op, key, expected, ctx(aud[0]));
      if (!ok) return false;
    }
  }
  return true;
}

export interface TrustPolicyOptions {
  /** moto's endpoint, read directly (not through the proxy). */
  readonly motoEndpoint: string;
  readonly accountId?: string;
  /** JWKS per issuer URL; a token from a known issuer must carry a valid signature. */
  readonly jwks?: Readonly<Record<string, { keys: JWK[] }>>;
  /**
   * Credentials moto knows, for reading the role and the provider while IAM is enforced; the
   * allowed exchange is then sent to moto signed with them (moto refuses unsigned requests).
   */
  readonly credentials?: Credentials;
}

export function webIdentityTrustRule(opts: TrustPolicyOptions): FaultRule {
  const iam = new IAMClient({
    endpoint: opts.motoEndpoint,
    region: 'us-east-1',
    credentials: opts.credentials ?? { accessKeyId: 'harness', secretAccessKey: 'harness' },
  });
  const account = opts.accountId ?? '123456789012';
  return {
    name: 'sts-trust-policy',
    action: 'AssumeRoleWithWebIdentity',
    passesThrough: true,
    async respond(call) {
      const token = call.params.get('WebIdentityToken') ?? call.query.get('WebIdentityToken') ?? '';
      const roleArn = call.params.get('RoleArn') ?? call.query.get('RoleArn') ?? '';
      const invalid = (m: string) => awsError(call, 400, 'InvalidIdentityToken', m);
      const claims = decodeClaims(token);
      if (!claims || typeof claims.iss !== 'string') return invalid('The ID Token provided is not a valid JWT.');
      const iss = claims.iss;
      const host = iss.replace(/^https:\/\//, '').replace(/\/$/, '');
      const keys = opts.jwks?.[iss];
      if (keys) {
        try {
          await jwtVerify(token, createLocalJWKSet(keys), { issuer: iss, clockTolerance: 5 });
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (code === 'ERR_JWT_EXPIRED') {
            return awsError(
              call,
              400,
              'ExpiredTokenException',
              'Token expired: current date/time must be before the expiration date/time.',
            );
          }
          return invalid(`Couldn't verify the token's signature with the issuer's keys: ${(e as Error).message}`);
        }
      }
      const providerArn = `arn:aws:iam::${account}:oidc-provider/${host}`;
      let clientIds: string[];
      try {
        const p = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }));
        clientIds = p.ClientIDList ?? [];
      } catch {
        return invalid(`No OpenIDConnect provider found in your account for ${iss}`);
      }
      if (!list(claims.aud as string | string[]).some((a) => clientIds.includes(a)))
        return invalid('Incorrect token audience');
      const roleName = roleArn.split('/').pop() ?? '';
      let statements: Statement[];
      try {
        const role = await iam.send(new GetRoleCommand({ RoleName: roleName }));
        const doc = decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '{}');
        statements = list((JSON.parse(doc) as { Statement?: Statement | Statement[] }).Statement);
      } catch {
        return awsError(call, 403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
      }
      if (statements.some((s) => statementAllows(s, providerArn, host, claims))) {
        return opts.credentials ? forwardSigned(call, opts.motoEndpoint, opts.credentials) : undefined;
      }
      return awsError(call, 403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    },
  };
}
