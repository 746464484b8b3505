// The catalog's own release pipeline, read by our linter as GitLab would build it for a tag.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkReleaseJob } from '../../src/catalog/preflight.js';
import { GITLAB_SEMVER } from '../../src/catalog/semver.js';
import { lint } from '../../src/validate/lint/index.js';

const root = join(import.meta.dirname, '..', '..');
type Job = {
  stage?: string;
  script?: string[];
  rules?: Array<{ if?: string }>;
  release?: Record<string, string>;
  dependencies?: string[];
  artifacts?: { paths?: string[] };
};

describe('.gitlab-ci.yml release pipeline', () => {
  const [result] = lint(['.gitlab-ci.yml'], {
    cwd: root,
    variables: { CI_COMMIT_TAG: '0.1.0', CI_COMMIT_REF_NAME: '0.1.0' },
  });
  const jobs = (result!.merged ?? {}) as Record<string, Job>;
  const stages = (jobs as unknown as { stages: string[] }).stages;

  it('is valid for GitLab on a tag pipeline', () => {
    expect(result!.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(checkReleaseJob(root, '0.1.0')).toEqual([]);
  });

  it('runs the preflight on every pipeline (build check) and on a tag with the release notes', () => {
    expect(jobs['build-check']!.script).toContain('npm run catalog -- release --check');
    expect(jobs['release-preflight']!.script).toContain(
      'npm run catalog -- release "$CI_COMMIT_TAG" --check --notes-out release-notes.md',
    );
    expect(jobs['release-preflight']!.artifacts!.paths).toEqual(['release-notes.md']);
  });

  it('releases after every check and test job, with the changelog section as the description', () => {
    const release = jobs.release!;
    for (const name of ['unit', 'scenarios', 'harness', 'release-preflight', 'build-check'])
      expect(stages.indexOf(jobs[name]!.stage!)).toBeLessThan(stages.indexOf(release.stage!));
    expect(release.release).toMatchObject({ tag_name: '$CI_COMMIT_TAG', description: './release-notes.md' });
    expect(release.dependencies).toEqual(['release-preflight']);
  });

  it('runs the preflight and the release only for tags GitLab takes as semantic versions', () => {
    for (const name of ['release', 'release-preflight']) {
      const rule = jobs[name]!.rules![0]!.if!;
      const m = /^\$CI_COMMIT_TAG =~ \/(.*)\/$/.exec(rule);
      expect(m, rule).not.toBeNull();
      const re = new RegExp(m![1]!);
      for (const tag of ['0.1.0', 'v1.2.3', '2.0.0-rc.1']) expect([tag, re.test(tag)]).toEqual([tag, true]);
      for (const tag of ['1.2', 'release-1', 'latest']) expect([tag, re.test(tag)]).toEqual([tag, false]);
      for (const tag of ['0.1.0', 'v1.2.3', '2.0.0-rc.1', '1.2', 'release-1'])
        if (re.test(tag)) expect(GITLAB_SEMVER.test(tag)).toBe(true);
    }
  });
});
