import { describe, expect, it } from 'vitest';
import { actionsInScript } from './policy-checks.js';

describe('actionsInScript', () => {
  it('reads AWS CLI calls, the wrapper aws_call and implied permissions', () => {
    const text =
      'aws_call cloudformation get-template-summary --template-url="$url" \\\n  --query x\naws cloudformation ' +
      'describe-stacks --stack-name="$s"';
    expect([...actionsInScript(text)].sort()).toEqual([
      'cloudformation:DescribeStacks',
      'cloudformation:GetTemplateSummary',
      's3:GetObject',
    ]);
  });

  it('knows that get-login-password is GetAuthorizationToken (an AWS CLI customization, not an API name)', () => {
    const text = 'password="$(aws_call ecr get-login-password)" || aws_failed x';
    expect([...actionsInScript(text)]).toEqual(['ecr:GetAuthorizationToken']);
  });
});
