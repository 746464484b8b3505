// The publish preflight reports each rule GitLab applies at publish time with GitLab's own text
// (app/services/ci/catalog/resources/*.rb, app/models/ci/catalog/*.rb in gitlab-org/gitlab).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GITLAB_TEXT, preflight } from '../../src/catalog/preflight.js';
import { publishPreflight } from '../../src/catalog/release.js';
import { GITLAB_SEMVER } from '../../src/catalog/semver.js';
import { RELEASE_PIPELINE } from './fixture.js';

let dir: string;
const write = (path: string, text: string) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
};
const template = (inputs: string) =>
  `spec:\n  description: A tool.\n  component: [name, version]\n  inputs:\n${inputs}---\ntool:\n  stage: $[[ ` +
  `inputs.stage ]]\n  script: [echo hi]\n`;
const check = (tag?: string, description = 'Tools.') =>
  preflight(dir, { tag, description, descriptionSource: 'catalog.config.ts' });
const errors = (tag?: string, description?: string) =>
  check(tag, description)
    .filter((p) => p.severity === 'error')
    .map((p) => p.message);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'catalog-preflight-'));
  write('README.md', '# Tools\n');
  write('.gitlab-ci.yml', RELEASE_PIPELINE);
  write('templates/tool/template.yml', template('    stage:\n      default: test\n'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('publish preflight', () => {
  it('passes a publishable catalog (spec:description and spec:component included)', () => {
    expect(check('1.2.3')).toEqual([]);
  });

  it('"Project must have a README": the exact name README.md at the root', () => {
    rmSync(join(dir, 'README.md'));
    write('readme.md', '# Tools\n');
    write('docs/README.md', '# Tools\n');
    expect(errors()).toEqual([GITLAB_TEXT.readme]);
    expect(GITLAB_TEXT.readme).toBe('Project must have a README');
  });

  it('"Project must have a description": from the config, or $CI_PROJECT_DESCRIPTION in a pipeline', () => {
    expect(errors(undefined, '  ')).toEqual(['Project must have a description']);
    const saved = { ci: process.env.GITLAB_CI, d: process.env.CI_PROJECT_DESCRIPTION };
    try {
      process.env.GITLAB_CI = 'true';
      process.env.CI_PROJECT_DESCRIPTION = '';
      const ps = publishPreflight(dir, { description: 'Tools.', project: 'acme/tools' });
      expect(ps.map((p) => p.message)).toEqual(['Project must have a description']);
      expect(ps[0]!.fix).toContain('$CI_PROJECT_DESCRIPTION');
    } finally {
      if (saved.ci === undefined) delete process.env.GITLAB_CI;
      else process.env.GITLAB_CI = saved.ci;
      if (saved.d === undefined) delete process.env.CI_PROJECT_DESCRIPTION;
      else process.env.CI_PROJECT_DESCRIPTION = saved.d;
    }
  });

  it('"Project must contain components…": only templates/<name>.yml or templates/<name>/template.yml count', () => {
    rmSync(join(dir, 'templates'), { recursive: true });
    write('templates/tool.yaml', template('    stage:\n      default: test\n'));
    write('templates/group/tool/template.yml', template('    stage:\n      default: test\n'));
    const ps = check();
    expect(ps.filter((p) => p.severity === 'error').map((p) => p.message)).toEqual([
      'Project must contain components. Ensure you are using the correct directory structure',
    ]);
    expect(ps.filter((p) => p.severity === 'warning').map((p) => p.file)).toEqual([
      'templates/group/tool/template.yml',
      'templates/tool.yaml',
    ]);
  });

  it('"Release cannot contain more than 100 components"', () => {
    for (let i = 0; i < 100; i++) write(`templates/tool-${i}.yml`, template('    stage:\n      default: test\n'));
    expect(errors()).toEqual(['Release cannot contain more than 100 components']);
    rmSync(join(dir, 'templates/tool-0.yml'));
    expect(errors()).toEqual([]);
  });

  it('"Build component error: Spec must be a valid json schema": an empty spec:inputs', () => {
    write('templates/tool/template.yml', 'spec:\n  inputs:\n---\ntool:\n  script: [echo hi]\n');
    const [p] = check();
    expect(p!.message).toBe('Build component error: Spec must be a valid json schema');
    expect(p!.component).toBe('tool');
    expect(p!.fix).toBe(
      '`spec:inputs` is empty or not a mapping: write `spec:` with nothing under it, or declare inputs',
    );
  });

  it(
    '"Build component error: Spec must be a valid json schema": a fractional default (GitLab\'s ' +
      'schema says integer)',
    () => {
      write(
        'templates/tool/template.yml',
        template('    stage:\n      default: test\n    ratio:\n      type: number\n      default: 1.5\n'),
      );
      const [p] = check();
      expect(p!.message).toBe(GITLAB_TEXT.spec);
      expect(p!.fix).toContain(
        "input `ratio`: GitLab's catalog accepts only an array, boolean, integer or string default",
      );
      write(
        'templates/tool/template.yml',
        template('    stage:\n      default: test\n    ratio:\n      type: number\n      default: 2\n'),
      );
      expect(errors()).toEqual([]);
    },
  );

  it('"Build component error: Spec must be a valid json schema": more than 500 inputs', () => {
    const many = Array.from({ length: 501 }, (_, i) => `    in-${i}:\n      default: x\n`).join('');
    write('templates/tool/template.yml', template(`    stage:\n      default: test\n${many}`));
    const [p] = check();
    expect(p!.message).toBe(GITLAB_TEXT.spec);
    expect(p!.fix).toBe('the component declares 502 inputs; GitLab publishes at most 500: split the component');
  });

  it('"Build component error: Spec must be a valid json schema": a spec key GitLab does not publish', () => {
    write('templates/tool/template.yml', 'spec:\n  interruptible: true\n---\ntool:\n  script: [echo hi]\n');
    expect(errors()).toEqual([GITLAB_TEXT.spec]);
  });

  it('"Semver must follow semantic version": the tag, as GitLab\'s SemVer.optional_prefixed reads it', () => {
    expect(errors('release-1')).toEqual(['Semver must follow semantic version']);
    expect(errors('1.2')).toEqual(['Semver must follow semantic version']);
    expect(errors('01.2.3')).toEqual(['Semver must follow semantic version']);
    expect(errors('v1.2.3')).toEqual([]);
    expect(errors('1.0.0-rc.1+build.5')).toEqual([]);
    expect(['1.2.3', 'v0.0.1', '1.0.0-alpha.1'].every((v) => GITLAB_SEMVER.test(v))).toBe(true);
  });

  it("a release created by a job's release: keyword (or glab --publish-to-catalog)", () => {
    write('.gitlab-ci.yml', 'unit:\n  script: [npm test]\n');
    const [p] = check('1.0.0');
    expect(p!.code).toBe('publish-release-job');
    expect(p!.message).toContain('GitLab publishes to the CI/CD Catalog only releases created that way');
    write(
      '.gitlab-ci.yml',
      'publish:\n  image: registry.gitlab.com/gitlab-org/cli:v1.105.0\n  rules:\n    - if: $CI_COMMIT_TAG\n  ' +
        'script:\n    - glab release create "$CI_COMMIT_TAG" --publish-to-catalog\n',
    );
    expect(errors('1.0.0')).toEqual([]);
  });
});
