import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lint } from '../../src/validate/lint/index.js';
import { render } from '../../src/validate/lint/report/index.js';

const dir = mkdtempSync(join(tmpdir(), 'lint-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'good.yml'), 'test:\n  script: echo\n');
writeFileSync(join(dir, 'bad.yml'), 'test:\n  script: echo\n  needs: [build]\n');
const results = lint(['good.yml', 'bad.yml'], { cwd: dir });

describe('lint output formats', () => {
  it('human: one line per file and each problem with location and fix', () => {
    const out = render('human', results);
    expect(out).toContain('✔ good.yml: valid (1 job)');
    expect(out).toContain('✖ bad.yml: invalid (1 error)');
    expect(out).toContain('error bad.yml:1:1 › test: test job: undefined need: build (fix: define a job `build`');
  });

  it('json: the verdict and problems as data', () => {
    const out = JSON.parse(render('json', results));
    expect(out.valid).toBe(false);
    expect(out.files.map((f: { file: string; valid: boolean }) => [f.file, f.valid])).toEqual([
      ['good.yml', true],
      ['bad.yml', false],
    ]);
    expect(out.files[1].problems[0]).toMatchObject({ code: 'undefined-need', line: 1 });
  });

  it('codequality: GitLab Code Quality issues', () => {
    const issues = JSON.parse(render('codequality', results));
    expect(issues).toEqual([
      expect.objectContaining({
        check_name: 'undefined-need',
        severity: 'major',
        location: { path: 'bad.yml', lines: { begin: 1 } },
        fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
      }),
    ]);
  });

  it('junit: one test case per file, failures for invalid ones', () => {
    const xml = render('junit', results);
    expect(xml).toContain('<testsuites tests="2" failures="1">');
    expect(xml).toContain('<testcase classname="gitlab-ci-lint" name="good.yml"/>');
    expect(xml).toMatch(
      /<testcase classname="gitlab-ci-lint" name="bad.yml">\s*<failure message="test job: undefined need: build">/,
    );
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml).toContain('define a job `build`, fix the name, or mark the need `optional: true`');
  });
});
