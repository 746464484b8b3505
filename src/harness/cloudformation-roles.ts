// IAM roles that moto 5.2.5's CloudFormation creates are not the roles AWS would create, so its
// IAM enforcement judges their sessions by other policies than AWS would (moto/iam/models.py,
// Role.create_from_cloudformation_json):
// - the inline `Policies` are stored as a Python dict, which GetRolePolicy returns as a Python
//   literal (`{'Effect': 'Allow', ...}`) and enforcement cannot read (KeyError, HTTP 500 on every
//   call of such a session);
// - `ManagedPolicyArns` are ignored: the role gets none of them (CDK's deploy role reads stacks
//   only through AWSCloudFormationReadOnlyAccess).
// After a stack with roles is created (CDK's bootstrap, say), `restoreStackRoles` gives each role
// the statements AWS would evaluate: its inline policies, put again as JSON, and the documents of
// its AWS managed policies (the versions moto ships, taken from AWS's published policies), put as
// inline policies named `aws-managed.<name>` (moto does not load AWS managed policies unless every
// IAM backend pays for parsing all 1,500 of them). Then `forMoto`, as for every role the harness
// makes: moto authorizes services other than S3 against the resource `*` only.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  type CloudFormationClient,
  DescribeStackResourcesCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import {
  GetRolePolicyCommand,
  type IAMClient,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
// A CloudFormation template is not GitLab YAML: !Ref and !Sub are CloudFormation's tags, which GitLab's reader refuses.
// biome-ignore lint/style/noRestrictedImports: not a GitLab file (above)
import { parse } from 'yaml';
import { forMoto, type PolicyDocument } from './iam-policy.js';
import { VENV_BIN } from './tools.js';

/** A resource of the stack's template: only what this module reads. */
interface TemplateRole {
  Type?: string;
  Properties?: { ManagedPolicyArns?: unknown };
}

/** The AWS managed policy names a role's `ManagedPolicyArns` lists as plain or `Fn::Sub` strings. */
export function awsManagedPolicyNames(arns: unknown): string[] {
  if (!Array.isArray(arns)) return []; // a condition (Fn::If) picks them at deploy time: not followed
  const names: string[] = [];
  for (const a of arns) {
    const text = typeof a === 'string' ? a : typeof a?.['Fn::Sub'] === 'string' ? (a['Fn::Sub'] as string) : '';
    const m = /^arn:(?:\$\{AWS::Partition\}|aws):iam::aws:policy\/(?:.*\/)?([A-Za-z0-9+=,.@_-]+)$/.exec(text);
    if (m?.[1]) names.push(m[1]);
  }
  return names;
}

/** Python literals to JSON and AWS managed policy documents, in one run of the emulator's Python. */
function fromPython(
  literals: readonly string[],
  managed: readonly string[],
): { docs: PolicyDocument[]; managed: Record<string, PolicyDocument> } {
  const program = `
import ast, json, sys
from moto.iam.aws_managed_policies import aws_managed_policies_data
req = json.load(sys.stdin)
data = json.loads(aws_managed_policies_data)
docs = [json.loads(s) if s.lstrip().startswith('{"') else ast.literal_eval(s) for s in req["literals"]]
missing = [n for n in req["managed"] if n not in data]
if missing: sys.exit("AWS managed policies unknown to moto: " + ", ".join(missing))
json.dump({"docs": docs, "managed": {n: data[n]["Document"] for n in req["managed"]}}, sys.stdout)
`;
  const r = spawnSync(join(VENV_BIN, 'python'), ['-c', program], {
    input: JSON.stringify({ literals, managed }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`reading IAM policies for moto failed: ${r.stderr.trim() || r.error?.message}`);
  return JSON.parse(r.stdout) as { docs: PolicyDocument[]; managed: Record<string, PolicyDocument> };
}

/** Gives the roles of a stack moto's CloudFormation created the policies AWS would evaluate (see above). */
export async function restoreStackRoles(
  iam: IAMClient,
  cloudformation: CloudFormationClient,
  stackName: string,
): Promise<void> {
  const body = (await cloudformation.send(new GetTemplateCommand({ StackName: stackName }))).TemplateBody ?? '{}';
  const template = parse(body) as { Resources?: Record<string, TemplateRole> };
  const resources =
    (await cloudformation.send(new DescribeStackResourcesCommand({ StackName: stackName }))).StackResources ?? [];
  const roles: Array<{ name: string; inline: string[]; literals: string[]; managed: string[] }> = [];
  for (const r of resources) {
    if (r.ResourceType !== 'AWS::IAM::Role' || !r.PhysicalResourceId || !r.LogicalResourceId) continue;
    const name = r.PhysicalResourceId.split('/').pop() ?? r.PhysicalResourceId;
    const inline = (await iam.send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames ?? [];
    const literals: string[] = [];
    for (const PolicyName of inline) {
      const doc = (await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName }))).PolicyDocument ?? '{}';
      literals.push(decodeURIComponent(doc));
    }
    const managed = awsManagedPolicyNames(template.Resources?.[r.LogicalResourceId]?.Properties?.ManagedPolicyArns);
    roles.push({ name, inline, literals, managed });
  }
  const read = fromPython(
    roles.flatMap((r) => r.literals),
    [...new Set(roles.flatMap((r) => r.managed))],
  );
  let next = 0;
  for (const role of roles) {
    const put = (PolicyName: string, doc: PolicyDocument) =>
      iam.send(
        new PutRolePolicyCommand({ RoleName: role.name, PolicyName, PolicyDocument: JSON.stringify(forMoto(doc)) }),
      );
    for (const PolicyName of role.inline) await put(PolicyName, read.docs[next++]!);
    for (const m of role.managed) await put(`aws-managed.${m}`, read.managed[m]!);
  }
}
