import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobEnvironment, jobRunArgs, parseJobListing, pipelineJobs, runGcl } from './gitlab-ci-local.js';

describe('the jobs gitlab-ci-local runs', () => {
  it('runs a job named `pages` (a job name, not a keyword), in stage order', () => {
    const expanded =
      'stages: [build, deploy]\npages:\n  stage: deploy\n  script: [x]\nb:\n  stage: build\n  script: [y]\n';
    expect(pipelineJobs(expanded).map((j) => [j.index, j.name, j.stage])).toEqual([
      [1, 'b', 'build'],
      [2, 'pages', 'deploy'],
    ]);
  });
});

/** A committed project with this `.gitlab-ci.yml`; removed by the caller. */
function project(ci: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gcl-project-'));
  writeFileSync(join(dir, '.gitlab-ci.yml'), ci);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'pipeline');
  return dir;
}

describe("gitlab-ci-local's job list (--list-json)", () => {
  it('is read past the warnings gitlab-ci-local prints on the same stdout', async () => {
    // A multi-project trigger and a predefined variable set by the pipeline: both warn on stdout.
    const dir = project(
      'variables:\n  CI_COMMIT_BRANCH: other\nbuild:\n  script: [echo hi]\n' +
        'downstream:\n  trigger:\n    project: acme/other\n',
    );
    try {
      const r = await runGcl(dir, ['--list-json'], jobEnvironment({}), 60_000);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/WARN .*Multi-project pipeline is not supported/);
      expect(r.stdout).toMatch(/WARN .*CI_COMMIT_BRANCH/);
      expect(() => JSON.parse(r.stdout)).toThrow();
      expect(parseJobListing(r.stdout).map((j) => [j.name, j.when])).toEqual([
        ['build', 'on_success'],
        ['downstream', 'on_success'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what gitlab-ci-local printed when there is no list', () => {
    expect(() => parseJobListing(' WARN  something\n[not json]\n')).toThrow(
      /--list-json printed no job list \(a JSON array\); its output:\n WARN {2}something/,
    );
  });
});

describe('running one job with the real gitlab-ci-local', () => {
  it('runs only the named job, even one named like an option', async () => {
    const dir = project("'--debug':\n  script: [echo ran-dash-debug]\nother:\n  script: [echo ran-other]\n");
    try {
      const r = await runGcl(dir, jobRunArgs('--debug'), jobEnvironment({}), 60_000);
      expect(r.output).toContain('ran-dash-debug');
      expect(r.output).not.toContain('ran-other');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
