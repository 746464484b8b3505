// The IAM policy a scenario's role gets: the component's own policy.json, with the example
// names in its resource ARNs replaced by the scenario's, as a user scoping it to their account
// would; then adapted to what moto 5.2.5 can check (see README "IAM enforcement").
import { GetRoleCommand, GetRolePolicyCommand, ListRolePoliciesCommand, type IAMClient } from '@aws-sdk/client-iam';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { modulePath } from '../internal/paths.js';

/** A policy statement, loosely typed: policy.json is user-authored JSON. */
interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
  [key: string]: unknown;
}

/** A policy field that holds one value or a list of them, as a list. */
export const listOf = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * IAM's wildcards: `*` any run of characters, `?` one, matching the whole value. Actions ignore
 * case (flags `i`); StringLike conditions do not (`s`: `*` also spans line breaks).
 */
export function wildcardMatches(pattern: string, value: string, flags: 'i' | 's'): boolean {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    flags,
  ).test(value);
}

export interface PolicyDocument {
  Version?: string;
  Statement: Statement | Statement[];
}

export interface FillValues {
  readonly accountId: string;
  readonly region: string;
  /** The scenario's input values (seeded ones included). */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Input name -> the example value the policy was written for (the component's `example`s). */
  readonly examples: Readonly<Record<string, string>>;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The last segment of a name-or-ARN input (`arn:aws:ecs:...:cluster/production` -> `production`). */
const resourceName = (v: string) => (v.startsWith('arn:') ? (v.split(/[:/]/).pop() ?? v) : v);

/**
 * Scopes the policy's resources to the scenario: `${AWS::AccountId}`, `${AWS::Region}` and
 * `${<input>}` placeholders, the account and region fields of every ARN, and the example value
 * of each input (a bucket, a cluster, a distribution id) wherever it names a resource.
 */
export function fillPolicy(policy: PolicyDocument, v: FillValues): PolicyDocument {
  const swaps: Array<[string, string]> = [];
  for (const [input, example] of Object.entries(v.examples)) {
    const actual = v.inputs[input];
    if (typeof actual !== 'string' || !actual || !example || actual.startsWith('$')) continue;
    swaps.push([resourceName(example), resourceName(actual)]);
  }
  // Longer examples first, so `web-task` is not half-replaced by the example `web`.
  swaps.sort((a, b) => b[0].length - a[0].length);
  const fillArn = (text: string): string => {
    let out = text
      .replace(/\$\{AWS::AccountId\}/g, v.accountId)
      .replace(/\$\{AWS::Region\}/g, v.region)
      .replace(/\$\{([A-Za-z0-9_-]+)\}/g, (whole, name: string) =>
        typeof v.inputs[name] === 'string' ? resourceName(v.inputs[name] as string) : whole,
      );
    if (!out.startsWith('arn:')) return out;
    const parts = out.split(':');
    if (parts.length < 6) return out;
    if (parts[3] && parts[3] !== '*') parts[3] = v.region;
    if (/^\d{12}$/.test(parts[4] ?? '')) parts[4] = v.accountId;
    const head = parts.slice(0, 5).join(':');
    let resource = parts.slice(5).join(':');
    // Only whole path segments: the example `web` must not rewrite `web-task`.
    for (const [from, to] of swaps) {
      resource = resource
        .split(/([/:])/)
        .map((seg) => (seg === from ? to : seg))
        .join('');
    }
    out = `${head}:${resource}`;
    return out;
  };
  const fillValue = (x: string | string[] | undefined) =>
    x === undefined ? undefined : Array.isArray(x) ? x.map(fillArn) : fillArn(x);
  const statements = list(policy.Statement).map((s) => {
    const next: Statement = { ...s };
    if (s.Resource !== undefined) next.Resource = fillValue(s.Resource)!;
    if (s.NotResource !== undefined) next.NotResource = fillValue(s.NotResource)!;
    if (s.Condition) {
      next.Condition = Object.fromEntries(
        Object.entries(s.Condition).map(([op, block]) => [
          op,
          Object.fromEntries(Object.entries(block).map(([k, val]) => [k, fillValue(val)!])),
        ]),
      );
    }
    return next;
  });
  return { ...policy, Statement: statements };
}

/**
 * Actions whose resources are checked although moto does not check them: S3 (moto authorizes the
 * bucket or object ARN) and sts:AssumeRole, which the harness judges itself with the role's ARN
 * (`accountTrustRule` in iam-gaps.ts).
 */
const scopedForMoto = (action: string) => action.startsWith('s3:') || action.toLowerCase() === 'sts:assumerole';

/**
 * What moto 5.2.5 can enforce, checked in its source (moto/core/responses.py, iam/access_control.py):
 * every action of every service; resources only for S3, which authorizes against the bucket or
 * object ARN. Every other service is authorized against the resource `*`, where a statement
 * scoped to an ARN never matches, so those statements get `Resource: "*"` here (their scoping
 * is not tested), except sts:AssumeRole, whose role ARN the harness checks itself. Conditions are
 * ignored by moto for identity policies and are kept as written.
 */
export function forMoto(policy: PolicyDocument): PolicyDocument {
  const out: Statement[] = [];
  for (const s of list(policy.Statement)) {
    if (s.Resource === undefined || s.NotAction !== undefined) {
      out.push(s);
      continue;
    }
    const actions = list(s.Action);
    const s3 = actions.filter(scopedForMoto);
    const others = actions.filter((a) => !scopedForMoto(a));
    if (!others.length) {
      out.push(s);
      continue;
    }
    if (s3.length) out.push({ ...s, Action: s3 });
    const { Sid, ...rest } = s;
    out.push({ ...rest, ...(Sid ? { Sid: s3.length ? `${Sid}NotS3` : Sid } : {}), Action: others, Resource: '*' });
  }
  return { ...policy, Statement: out };
}

export interface ComponentPolicy {
  /** The component's policy.json; undefined when it has none (its roles then get no permissions). */
  readonly document?: PolicyDocument;
  /** Input name -> `example` value, from the definition. */
  readonly examples?: Readonly<Record<string, string>>;
}

const loaded = new Map<string, Promise<ComponentPolicy>>();

/** The policy and input examples of components/<name>, from its definition (which reads policy.json). */
export function componentPolicy(componentsDir: string, name: string): Promise<ComponentPolicy> {
  const file = join(componentsDir, name, 'component.ts');
  if (!loaded.has(file)) loaded.set(file, load(file));
  return loaded.get(file)!;
}

async function load(file: string): Promise<ComponentPolicy> {
  if (!existsSync(file)) return {};
  const mod = (await import(pathToFileURL(modulePath(file)).href)) as {
    default?: { policy?: unknown; inputs?: Record<string, { example?: unknown }> };
  };
  const def = mod.default;
  const examples: Record<string, string> = {};
  for (const [name, spec] of Object.entries(def?.inputs ?? {}))
    if (typeof spec.example === 'string') examples[name] = spec.example;
  return { ...(def?.policy ? { document: def.policy as PolicyDocument } : {}), examples };
}

/** The inline policies of a role as stored in moto. */
export async function rolePolicies(iam: IAMClient, roleName: string): Promise<PolicyDocument[]> {
  const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? [];
  const out: PolicyDocument[] = [];
  for (const PolicyName of names) {
    const doc = (await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName }))).PolicyDocument ?? '{}';
    out.push(JSON.parse(decodeURIComponent(doc)) as PolicyDocument);
  }
  return out;
}

/** The trust policy of a role as stored in moto, or undefined when there is no such role. */
export async function roleTrust(iam: IAMClient, roleName: string): Promise<PolicyDocument | undefined> {
  try {
    const doc = (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role?.AssumeRolePolicyDocument;
    return doc ? (JSON.parse(decodeURIComponent(doc)) as PolicyDocument) : undefined;
  } catch (e) {
    if ((e as Error).name === 'NoSuchEntityException' || /cannot be found|not found/i.test((e as Error).message))
      return undefined;
    throw e;
  }
}
