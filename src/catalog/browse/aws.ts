// What a person filters by: the AWS services a component calls (from its IAM actions, or named
// in its description) and a broad category, when catalog.yml does not give one.

const SERVICES: Readonly<Record<string, string>> = {
  s3: 'S3',
  cloudfront: 'CloudFront',
  ecs: 'ECS',
  ecr: 'ECR',
  sts: 'STS',
  iam: 'IAM',
  lambda: 'Lambda',
  cloudformation: 'CloudFormation',
  codedeploy: 'CodeDeploy',
  logs: 'CloudWatch Logs',
  cloudwatch: 'CloudWatch',
  elasticloadbalancing: 'ELB',
  ssm: 'SSM',
  secretsmanager: 'Secrets Manager',
  dynamodb: 'DynamoDB',
};

export function servicesOf(iamActions: readonly string[], description: string): string[] {
  const out = new Set<string>();
  for (const a of iamActions) {
    const prefix = a.split(':')[0]!.toLowerCase();
    if (SERVICES[prefix]) out.add(SERVICES[prefix]);
  }
  for (const name of Object.values(SERVICES)) if (new RegExp(`\\b${name}\\b`).test(description)) out.add(name);
  return [...out].sort();
}

const CATEGORIES: ReadonlyArray<[string, RegExp]> = [
  ['Authentication', /\b(auth|oidc|credentials?|sts)\b/i],
  ['Security', /\b(scan|lint|security|sast)\b/i],
  ['Infrastructure', /\b(terraform|cloudformation|cdk|stack|infrastructure)\b/i],
  ['Deployment', /\b(deploy|release|rollout|publish)/i],
];

export function categoryOf(name: string, description: string): string {
  const text = `${name.replaceAll('-', ' ')} ${description}`;
  return (
    CATEGORIES.find(([, re]) => re.test(name.replaceAll('-', ' ')))?.[0] ??
    CATEGORIES.find(([, re]) => re.test(text))?.[0] ??
    'Other'
  );
}
