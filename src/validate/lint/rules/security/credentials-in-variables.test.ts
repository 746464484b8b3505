import { describe, expect, it } from 'vitest';
import { render } from '../../report/index.js';
import { findings, lintProject } from '../../../../../test/security/lint-project.js';

const run = (variables: string, where = 'global') => {
  const yml =
    where === 'global'
      ? `variables:\n${variables}\ntest:\n  script: echo\n`
      : `test:\n  script: echo\n  variables:\n${variables.replace(/^/gm, '  ')}\n`;
  const results = lintProject({ '.gitlab-ci.yml': yml });
  return {
    found: findings(results, 'security-credentials-in-variables'),
    output: (['human', 'json', 'codequality', 'junit'] as const).map((f) => render(f, results)).join('\n'),
  };
};

describe('security: credentials in variables', () => {
  it('flags AWS keys, tokens and literal secrets by name, and never prints the value', () => {
    const { found, output } = run(
      '  AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE\n  AWS_SECRET_ACCESS_KEY: ' +
        'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n  GITLAB_API: glpat-abcdefghij0123456789\n  DB_PASSWORD: ' +
        'hunter2hunter2',
    );
    expect(found).toEqual([
      'variables: global variable AWS_ACCESS_KEY_ID holds an AWS access key ID in the file (value not shown)',
      'variables: global variable AWS_SECRET_ACCESS_KEY holds a literal secret in the file (value not shown)',
      'variables: global variable GITLAB_API holds a GitLab personal access token in the file (value not shown)',
      'variables: global variable DB_PASSWORD holds a literal secret in the file (value not shown)',
    ]);
    for (const secret of ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI', 'glpat-abcdefghij', 'hunter2'])
      expect(output).not.toContain(secret);
  });

  it('checks job variables too', () => {
    expect(run('  NPM_TOKEN: npm_abcdefghijklmnopqrstuvwxyz0123456789', 'job').found).toEqual([
      'test: test job variable NPM_TOKEN holds an npm token in the file (value not shown)',
    ]);
  });

  it('accepts references to CI/CD variables, files and inputs', () => {
    expect(
      run(
        '  AWS_SECRET_ACCESS_KEY: $AWS_SECRET_FROM_SETTINGS\n  API_TOKEN: ${VAULT_TOKEN}\n  ' +
          'AWS_WEB_IDENTITY_TOKEN_FILE: /tmp/token\n  TOKEN: short',
      ).found,
    ).toEqual([]);
  });
});
