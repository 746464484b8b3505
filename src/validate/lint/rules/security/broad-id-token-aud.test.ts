import { describePipelineRule } from '../../../../../test/security/lint-project.js';

describePipelineRule('security: id_tokens aud', 'security-broad-id-token-aud', {
  'flags a token with several audiences or a wildcard': {
    pipeline: `deploy:
  id_tokens:
    AWS_TOKEN: { aud: [https://gitlab.com, https://vault.example.com] }
    ANY: { aud: "*" }
  script: echo
`,
    findings: [
      'deploy: deploy id_tokens AWS_TOKEN has 2 audiences (https://gitlab.com, https://vault.example.com): every ' +
        'one of them accepts the token',
      'deploy: deploy id_tokens ANY has the wildcard audience `*`',
    ],
  },
  'accepts one audience per token': {
    pipeline: `deploy:
  id_tokens:
    AWS_TOKEN: { aud: https://gitlab.com }
  script: echo
`,
    findings: [],
  },
});
