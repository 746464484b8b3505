import { describe, expect, it } from 'vitest';
import { findings, lintProject } from '../../../../../test/security/lint-project.js';

const template = (script: string) => `spec:
  inputs:
    target: {}
    count: { type: number, default: 1 }
    mode: { options: [fast, safe], default: safe }
---
deploy:
  variables:
    TARGET: $[[ inputs.target ]]
  script:
    - ${script}
`;
const check = (script: string) =>
  findings(
    lintProject({ 'templates/deploy/template.yml': template(script) }, ['templates/deploy/template.yml']),
    'security-input-in-script',
  );

describe('security: inputs interpolated into scripts', () => {
  it('flags a string input pasted into shell text, and says how to pass it instead', () => {
    expect(check('./deploy.sh $[[ inputs.target ]]')).toEqual([
      'deploy: deploy:script interpolates input `target` into shell text: a value such as `x; curl … | sh` ' +
        'runs as a command',
    ]);
  });

  it('flags expand_vars and a quoting function wrapped in quotes', () => {
    expect(check('echo $[[ inputs.count | expand_vars ]]')).toHaveLength(1);
    expect(check('./x "$[[ inputs.target | posix_escape ]]"')).toEqual([
      'deploy: deploy:script wraps `posix_escape` of input `target` in quotes, which undoes its quoting',
    ]);
  });

  it('accepts a quoted variable, a quoting function used bare, numbers and fixed options', () => {
    expect(
      check('./deploy.sh "$TARGET" $[[ inputs.target | posix_escape ]] $[[ inputs.count ]] $[[ inputs.mode ]]'),
    ).toEqual([]);
  });

  it('checks local includes of a consumer pipeline as written', () => {
    const r = lintProject({
      '.gitlab-ci.yml': 'include:\n  - local: ci/deploy.yml\n    inputs: { target: prod }\n',
      'ci/deploy.yml': template('./deploy.sh $[[ inputs.target ]]'),
    });
    expect(findings(r, 'security-input-in-script')).toHaveLength(1);
    expect(r[0]!.problems.find((p) => p.code === 'security-input-in-script')!.file).toBe('ci/deploy.yml');
  });
});
