import { describe, expect, it } from 'vitest';
import { pipelineFindings } from '../../../../../test/security/lint-project.js';

const CODE = 'security-broad-id-token-aud';

describe('security: id_tokens aud', () => {
  it('flags a token with several audiences or a wildcard', () => {
    const found = pipelineFindings(
      CODE,
      'deploy:\n  id_tokens:\n    AWS_TOKEN: { aud: [https://gitlab.com, https://vault.example.com] }\n    ' +
        'ANY: { aud: "*" }\n  script: echo\n',
    );
    expect(found).toEqual([
      'deploy: deploy id_tokens AWS_TOKEN has 2 audiences (https://gitlab.com, https://vault.example.com): every ' +
        'one of them accepts the token',
      'deploy: deploy id_tokens ANY has the wildcard audience `*`',
    ]);
  });

  it('accepts one audience per token', () => {
    expect(
      pipelineFindings(CODE, 'deploy:\n  id_tokens:\n    AWS_TOKEN: { aud: https://gitlab.com }\n  script: echo\n'),
    ).toEqual([]);
  });
});
