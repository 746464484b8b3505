import { describe, expect, it } from 'vitest';
import { actionsInScript, checkPolicy } from './policy-checks.js';

describe('actionsInScript', () => {
  it('reads AWS CLI calls, the wrapper aws_call and implied permissions', () => {
    const text = 'aws_call cloudformation get-template-summary --template-url="$url" \\\n  --query x\naws cloudformation describe-stacks --stack-name="$s"';
    expect([...actionsInScript(text)].sort()).toEqual(['cloudformation:DescribeStacks', 'cloudformation:GetTemplateSummary', 's3:GetObject']);
  });

  it('reads the CDK CLI, which acts through the bootstrap roles it assumes', () => {
    expect([...actionsInScript('"$cdk" deploy --app=cdk.out --all')]).toEqual(['sts:AssumeRole']);
    expect([...actionsInScript('"$cdk" synth --no-lookups')]).toEqual([]);
  });

  it('reads AWS SDK for JavaScript v3 commands of the one client a script loads', () => {
    const text = "node - <<'JS'\nconst { SSMClient, GetParameterCommand } = require('@aws-sdk/client-ssm');\nnew SSMClient({}).send(new GetParameterCommand({ Name }));\nJS";
    expect([...actionsInScript(text)]).toEqual(['ssm:GetParameter']);
  });

  it('makes a policy that lacks an action the CDK CLI needs an error', () => {
    const problems = checkPolicy('cdk-deploy', ['"$cdk" diff --app=cdk.out'], { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: '*' }] }, 'policy.json');
    expect(problems.map((p) => p.code).sort()).toEqual(['policy-extra-action', 'policy-missing-action']);
  });
});
