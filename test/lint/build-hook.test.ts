import { describe, expect, it } from 'vitest';
import { lintGenerated } from '../../src/validate/lint/index.js';

const header =
  'spec:\n  inputs:\n    stage:\n      default: deploy\n    bucket:\n      regex: ^[a-z0-9.-]{3,63}$\n---\n';

describe('the build hook lints generated templates before they are written', () => {
  it('accepts a sound template, giving required inputs a stand-in value', () => {
    const files = new Map([
      [
        'templates/site/template.yml',
        `${header}deploy-site:\n  stage: $[[ inputs.stage ]]\n  variables:\n    BUCKET: $[[ inputs.bucket ]]\n  ` +
          `script: ['aws s3 sync public "s3://$BUCKET"']\n`,
      ],
      ['README.md', '# not a template'],
    ]);
    expect(lintGenerated(files, { projectPath: 'platform/aws-delivery' })).toEqual([]);
  });

  it('reports what GitLab would reject, naming the template and component', () => {
    const files = new Map([
      [
        'templates/site/template.yml',
        `${header}deploy-site:\n  stage: $[[ inputs.stage | upcase ]]\n  script: [echo]\n`,
      ],
      ['templates/other.yml', 'other:\n  stage: nope\n  script: [echo]\n'],
    ]);
    const problems = lintGenerated(files, { projectPath: 'platform/aws-delivery' });
    expect(problems.map((p) => [p.file, p.component, p.message])).toEqual([
      [
        'templates/site/template.yml',
        'site',
        'no function matching `upcase`: check that the function name, arguments, and types are correct',
      ],
      [
        'templates/other.yml',
        'other',
        'other job: chosen stage nope does not exist; available stages are .pre, build, test, deploy, .post',
      ],
    ]);
    expect(problems[0]!.line).toBe(9);
  });
});
