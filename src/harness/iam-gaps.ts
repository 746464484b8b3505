// Where moto 5.2.5 cannot enforce IAM, the harness does. Its signature check rebuilds the
// request body from the parsed parameters (the query string, or the headers when there is none),
// so a REST call without a body (CloudFront GetInvalidation, Lambda GetAlias, ListAliases,
// DeleteFunction with a qualifier, ...) always fails with SignatureDoesNotMatch when enforcement
// is on. And it names some actions by their API operation where IAM uses another name (Lambda's
// Invoke is the IAM action lambda:InvokeFunction; moto asks for lambda:Invoke, which no policy
// grants). For those calls this rule checks, as moto would, that the caller's role allows the
// IAM action, then lets moto answer with enforcement paused. Likewise it prefixes actions with
// the signing name, which for CloudWatch is `monitoring` (IAM: cloudwatch:DescribeAlarms).
import { awsError, type AwsCall, type ProxyResponse } from './aws-call.js';
import type { FaultRule, IssuedCredentials } from './fault-proxy.js';
import { listOf as list, wildcardMatches, type PolicyDocument } from './iam-policy.js';

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
}

const matches = (pattern: string, action: string) => wildcardMatches(pattern, action, 'i');

/**
 * Allowed by some statement and denied by none. Resources aside (moto checks none for these
 * services) unless `resource` is given: then a statement counts only when its `Resource` matches
 * it (ARN wildcards, case-sensitive) or its `NotResource` does not, as AWS evaluates it.
 */
export function policyAllowsAction(policies: readonly PolicyDocument[], action: string, resource?: string): boolean {
  let allowed = false;
  for (const p of policies) {
    for (const s of list(p.Statement) as Statement[]) {
      const concerned =
        (s.NotAction !== undefined
          ? !list(s.NotAction).some((a) => matches(a, action))
          : list(s.Action).some((a) => matches(a, action))) &&
        (resource === undefined ||
          (s.NotResource !== undefined
            ? !list(s.NotResource).some((r) => wildcardMatches(r, resource, 's'))
            : list(s.Resource).some((r) => wildcardMatches(r, resource, 's'))));
      if (!concerned) continue;
      if (s.Effect === 'Deny') return false;
      if (s.Effect === 'Allow') allowed = true;
    }
  }
  return allowed;
}

export interface SignatureGapOptions {
  /** Credentials STS issued so far, with the role each was issued for. */
  readonly issued: () => readonly IssuedCredentials[];
  /** The identity policies of a role, by name, as the harness attached them. */
  readonly policiesOf: (roleName: string) => Promise<readonly PolicyDocument[]>;
  /** Sends the call to moto with its enforcement paused, and nothing else reaching moto meanwhile. */
  readonly unenforced: (call: AwsCall) => Promise<ProxyResponse>;
}

/** API operations whose IAM action has another name (the Service Authorization Reference). */
const IAM_ACTION: Readonly<Record<string, string>> = { 'lambda:Invoke': 'lambda:InvokeFunction' };
/** Signing names (what moto prefixes actions with) that differ from the service's IAM prefix. */
const IAM_PREFIX: Readonly<Record<string, string>> = { monitoring: 'cloudwatch' };

/** What moto asks a policy for: the signing name and the API operation. */
const motoAction = (call: Pick<AwsCall, 'service' | 'action'>): string => `${call.service}:${call.action}`;

/** The IAM action a call needs. */
export const iamAction = (call: Pick<AwsCall, 'service' | 'action'>): string =>
  IAM_ACTION[motoAction(call)] ?? `${IAM_PREFIX[call.service] ?? call.service}:${call.action}`;

/**
 * The calls moto cannot judge: a REST request without a body (S3 signs its payload hash in a
 * header, which moto reads, so S3 is not one), or one moto would check under the wrong action name.
 */
const GAP = (call: AwsCall) =>
  ((call.protocol === 'rest-json' || call.protocol === 'rest-xml') &&
    call.service !== 's3' &&
    call.body.length === 0) ||
  iamAction(call) !== motoAction(call);

/** AWS's refusal of the call, or undefined when its session may perform the call's IAM action. */
export async function refusal(
  call: AwsCall,
  opts: Pick<SignatureGapOptions, 'issued' | 'policiesOf'>,
): Promise<ProxyResponse | undefined> {
  const auth = String(call.headers.authorization ?? '');
  const keyId = /Credential=([^/]+)\//.exec(auth)?.[1];
  const creds = opts.issued().find((c) => c.accessKeyId === keyId);
  if (!creds || String(call.headers['x-amz-security-token'] ?? '') !== creds.sessionToken) {
    return awsError(call, 403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  }
  const action = iamAction(call);
  const role = creds.roleArn.split('/').pop() ?? '';
  if (!policyAllowsAction(await opts.policiesOf(role), action)) {
    return awsError(call, 403, 'AccessDenied', `User: ${creds.roleArn} is not authorized to perform: ${action}`);
  }
  return undefined;
}

export function motoSignatureGapRule(opts: SignatureGapOptions): FaultRule {
  return {
    name: 'iam-for-moto-signature-gap',
    action: '*',
    passesThrough: true,
    async respond(call) {
      if (!GAP(call)) return undefined;
      return (await refusal(call, opts)) ?? opts.unenforced(call);
    },
  };
}

/**
 * A scenario's rule that answers for AWS (a simulated state, an API moto lacks) answers only a
 * caller whose role may perform the action, as AWS would: its successful answers are replaced by
 * the refusal otherwise. Errors it injects (throttling, a 5xx) go out as they are.
 */
export function heldToIam(rule: FaultRule, opts: Pick<SignatureGapOptions, 'issued' | 'policiesOf'>): FaultRule {
  const respond = rule.respond;
  if (!respond || rule.passesThrough) return rule;
  return {
    ...rule,
    async respond(call, n) {
      const answer = await respond(call, n);
      if (!answer || answer.status >= 400) return answer;
      return (await refusal(call, opts)) ?? answer;
    },
  };
}

export interface AccountTrustOptions {
  readonly accountId: string;
  /** Credentials STS issued so far, with the role each was issued for. */
  readonly issued: () => readonly IssuedCredentials[];
  readonly policiesOf: (roleName: string) => Promise<readonly PolicyDocument[]>;
  /** The trust policy of a role, by name (undefined when there is no such role). */
  readonly trustOf: (roleName: string) => Promise<PolicyDocument | undefined>;
  /** Sends the call to moto with its enforcement paused (moto refuses the account trust for any caller). */
  readonly unenforced: (call: AwsCall) => Promise<ProxyResponse>;
}

interface TrustStatement extends Statement {
  Principal?: string | { AWS?: string | string[] };
}

/**
 * sts:AssumeRole from a job's role into a role whose trust policy names the account
 * (`arn:aws:iam::<account>:root`), as CDK's bootstrap roles do. In AWS that trusts every principal
 * of the account whose own policy allows the call; moto 5.2.5 compares the principal with the
 * caller's session ARN and refuses. The rule judges as AWS does (the caller's policy allows
 * sts:AssumeRole on this role's ARN, the trust policy names the account, the caller's role or
 * `*`), then lets moto issue the credentials with enforcement paused.
 */
export function accountTrustRule(opts: AccountTrustOptions): FaultRule {
  const root = [`arn:aws:iam::${opts.accountId}:root`, opts.accountId, '*'];
  return {
    name: 'iam-account-trust',
    action: 'AssumeRole',
    service: 'sts',
    passesThrough: true,
    async respond(call) {
      const auth = String(call.headers.authorization ?? '');
      const keyId = /Credential=([^/]+)\//.exec(auth)?.[1];
      const creds = opts.issued().find((c) => c.accessKeyId === keyId);
      if (!creds) return undefined;
      const target = call.params.get('RoleArn') ?? '';
      const trust = await opts.trustOf(target.split('/').pop() ?? '');
      if (!trust) return undefined;
      const denied = awsError(
        call,
        403,
        'AccessDenied',
        `User: ${creds.roleArn} is not authorized to perform: sts:AssumeRole on resource: ${target}`,
      );
      const callerPolicies = await opts.policiesOf(creds.roleArn.split('/').pop() ?? '');
      if (!policyAllowsAction(callerPolicies, 'sts:AssumeRole', target)) return denied;
      const trusted = (list(trust.Statement) as TrustStatement[]).some((s) => {
        if (s.Effect !== 'Allow' || !list(s.Action).some((a) => matches(a, 'sts:AssumeRole'))) return false;
        const principals = typeof s.Principal === 'string' ? [s.Principal] : list(s.Principal?.AWS);
        return principals.some((p) => root.includes(p) || p === creds.roleArn);
      });
      return trusted ? opts.unenforced(call) : denied;
    },
  };
}
