import { describe, expect, it } from 'vitest';
import { pipelineFindings } from '../../../../../test/security/lint-project.js';

const CODE = 'security-debug-trace';

describe('security: CI_DEBUG_TRACE', () => {
  it('flags debug tracing switched on globally or in a job', () => {
    const found = pipelineFindings(
      CODE,
      'variables:\n  CI_DEBUG_TRACE: "true"\ndeploy:\n  script: echo\n  variables:\n    CI_DEBUG_SERVICES: { ' +
        'value: "true", description: debug }\n',
    );
    expect(found).toEqual([
      'variables: the global variables set CI_DEBUG_TRACE: the job log then shows secrets, ID tokens and ' +
        'credentials in clear',
      'deploy: deploy sets CI_DEBUG_SERVICES: the job log then shows secrets, ID tokens and credentials in clear',
    ]);
  });

  it('accepts it switched off', () => {
    expect(pipelineFindings(CODE, 'variables:\n  CI_DEBUG_TRACE: "false"\ntest:\n  script: echo\n')).toEqual([]);
  });
});
