// The IAM policy beside a component must list exactly the actions its scripts call:
// a missing action fails the deploy with AccessDenied, an extra one is privilege nobody needs.
import type { Problem } from '../internal/problem.js';

/** High-level CLI commands that call several API actions (from the AWS CLI's own implementation). */
const HIGH_LEVEL: Record<string, readonly string[]> = {
  's3 sync': ['s3:ListBucket', 's3:PutObject'],
  's3 cp': ['s3:PutObject'],
  's3 ls': ['s3:ListBucket'],
  's3 rm': ['s3:DeleteObject'],
  // Low-level commands whose IAM action has another name.
  's3api list-objects-v2': ['s3:ListBucket'],
  's3api list-objects': ['s3:ListBucket'],
  's3api head-object': ['s3:GetObject'],
  's3api head-bucket': ['s3:ListBucket'],
  'cloudfront wait invalidation-completed': ['cloudfront:GetInvalidation'],
  'ecs wait services-stable': ['ecs:DescribeServices'],
  'ecs wait tasks-stopped': ['ecs:DescribeTasks'],
  // A customization of the AWS CLI: it calls GetAuthorizationToken and prints the password.
  'ecr get-login-password': ['ecr:GetAuthorizationToken'],
  'lambda invoke': ['lambda:InvokeFunction'],
};

/** CLI service names whose IAM prefix differs. */
const PREFIX: Record<string, string> = { s3api: 's3', deploy: 'codedeploy' };

/** Calls that need no permission at all. */
const UNAUTHORIZED_OK = new Set(['sts:GetCallerIdentity', 'sts:AssumeRoleWithWebIdentity']);

/** Actions some CLI commands need beyond their own name (the action an API implies). */
const IMPLIED: Record<string, readonly string[]> = {
  's3 sync --delete': ['s3:DeleteObject'],
  // Tagging on create is authorized separately (ecs:CreateAction condition).
  'ecs register-task-definition --tags': ['ecs:TagResource'],
  // CloudFormation reads a template from S3 with the caller's permissions.
  'cloudformation get-template-summary --template-url': ['s3:GetObject'],
  // CreateDeployment reads the deployment configuration and registers the appspec as a revision.
  'deploy create-deployment --': ['codedeploy:GetDeploymentConfig', 'codedeploy:RegisterApplicationRevision'],
};

function pascal(kebab: string): string {
  return kebab
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** Actions an `aws ...` invocation in shell text needs. Lines may be continued with `\`. */
export function actionsInScript(text: string): Set<string> {
  const actions = new Set<string>();
  const joined = text.replace(/\\\n/g, ' ');
  // `aws [options] <service> <command> [<sub>] [rest]`, also through the library's `aws_call`.
  const AWS_COMMAND = new RegExp(
    String.raw`(?:^|[\s;&|(\`$"])aws(?:_call)?\s+((?:--?[\w-]+(?:[ =]\S+)?\s+)*)` +
      String.raw`([a-z0-9-]+)\s+([a-z0-9-]+)(?:\s+([a-z0-9-]+))?([^\n;|&]*)`,
    'g',
  );
  for (const line of joined.split('\n')) {
    const code = line.replace(/(^|\s)#.*$/, '');
    // `aws_call` is the shell library's wrapper that keeps the error text for the failure message.
    for (const m of code.matchAll(AWS_COMMAND)) {
      const [, , service, command, sub, rest] = m as unknown as [
        string,
        string,
        string,
        string,
        string | undefined,
        string,
      ];
      if (service === 'configure') continue;
      const key2 = `${service} ${command}`;
      const key3 = sub ? `${key2} ${sub}` : key2;
      const highLevel = HIGH_LEVEL[key3] ?? HIGH_LEVEL[key2];
      if (highLevel) {
        for (const a of highLevel) actions.add(a);
      } else if (command === 'wait') continue;
      else actions.add(`${PREFIX[service] ?? service}:${pascal(command)}`);
      for (const [k, v] of Object.entries(IMPLIED)) {
        const [svc, cmd, flag] = k.split(' ');
        if (service === svc && command === cmd && ` ${sub ?? ''}${rest}`.includes(flag!))
          for (const a of v) actions.add(a);
      }
    }
  }
  return actions;
}

interface Statement {
  Effect?: string;
  Action?: string | string[];
}

export function policyActions(policy: unknown): Set<string> {
  const statements = ((policy as { Statement?: Statement | Statement[] })?.Statement ?? []) as Statement | Statement[];
  const out = new Set<string>();
  for (const s of Array.isArray(statements) ? statements : [statements]) {
    if (s.Effect !== 'Allow') continue;
    for (const a of Array.isArray(s.Action) ? s.Action : s.Action ? [s.Action] : []) out.add(a);
  }
  return out;
}

/** `toolActions`: what programs other than the AWS CLI call with the role (the definition declares them). */
export function checkPolicy(
  component: string,
  scripts: readonly string[],
  policy: unknown,
  file: string,
  toolActions: readonly string[] = [],
): Problem[] {
  const used = new Set<string>(toolActions);
  for (const s of scripts) for (const a of actionsInScript(s)) used.add(a);
  const needed = [...used].filter((a) => !UNAUTHORIZED_OK.has(a)).sort();
  if (policy === undefined) {
    if (needed.length === 0) return [];
    return [
      {
        code: 'policy-missing',
        severity: 'error',
        component,
        file,
        message: `its scripts call ${needed.join(', ')} but it has no policy.json`,
        fix: 'add policy.json beside component.ts listing exactly those actions',
      },
    ];
  }
  const granted = policyActions(policy);
  const problems: Problem[] = [];
  for (const a of granted) {
    if (a.includes('*'))
      problems.push({
        code: 'policy-wildcard',
        severity: 'error',
        component,
        file,
        path: a,
        message: `grants the wildcard action "${a}"`,
        fix: 'list the exact actions the scripts call',
      });
  }
  const missing = needed.filter((a) => !granted.has(a));
  const extra = [...granted].filter((a) => !a.includes('*') && !used.has(a) && !a.startsWith('iam:PassRole'));
  if (missing.length)
    problems.push({
      code: 'policy-missing-action',
      severity: 'error',
      component,
      file,
      message: `does not grant ${missing.join(', ')}, which the scripts call`,
      fix: 'add the actions to policy.json',
    });
  if (extra.length)
    problems.push({
      code: 'policy-extra-action',
      severity: 'error',
      component,
      file,
      message: `grants ${extra.join(', ')}, which no script calls`,
      fix: 'remove them from policy.json (least privilege)',
    });
  return problems;
}
