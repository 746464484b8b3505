import { describePipelineRule } from '../../../../../test/security/lint-project.js';

describePipelineRule('security: CI_DEBUG_TRACE', 'security-debug-trace', {
  'flags debug tracing switched on globally or in a job': {
    pipeline: `variables:
  CI_DEBUG_TRACE: "true"
deploy:
  script: echo
  variables:
    CI_DEBUG_SERVICES: { value: "true", description: debug }
`,
    findings: [
      'variables: the global variables set CI_DEBUG_TRACE: the job log then shows secrets, ID tokens and ' +
        'credentials in clear',
      'deploy: deploy sets CI_DEBUG_SERVICES: the job log then shows secrets, ID tokens and credentials in clear',
    ],
  },
  'accepts it switched off': {
    pipeline: `variables:
  CI_DEBUG_TRACE: "false"
test:
  script: echo
`,
    findings: [],
  },
});
