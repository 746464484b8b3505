import { describe, expect, it } from 'vitest';
import { findings, lintProject } from '../../../../../test/security/lint-project.js';

describe('security: id_tokens aud', () => {
  it('flags a token with several audiences or a wildcard', () => {
    const r = lintProject({
      '.gitlab-ci.yml':
        'deploy:\n  id_tokens:\n    AWS_TOKEN: { aud: [https://gitlab.com, https://vault.example.com] }\n    ' +
        'ANY: { aud: "*" }\n  script: echo\n',
    });
    expect(findings(r, 'security-broad-id-token-aud')).toEqual([
      'deploy: deploy id_tokens AWS_TOKEN has 2 audiences (https://gitlab.com, https://vault.example.com): every ' +
        'one of them accepts the token',
      'deploy: deploy id_tokens ANY has the wildcard audience `*`',
    ]);
  });

  it('accepts one audience per token', () => {
    expect(
      findings(
        lintProject({
          '.gitlab-ci.yml': 'deploy:\n  id_tokens:\n    AWS_TOKEN: { aud: https://gitlab.com }\n  script: echo\n',
        }),
        'security-broad-id-token-aud',
      ),
    ).toEqual([]);
  });
});
