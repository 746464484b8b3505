import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobEnvironment, jobRunArgs, pipelineJobs, runGcl } from './gitlab-ci-local.js';

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

describe('running one job with the real gitlab-ci-local', () => {
  it('runs only the named job, even one named like an option', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcl-one-job-'));
    try {
      writeFileSync(
        join(dir, '.gitlab-ci.yml'),
        "'--debug':\n  script: [echo ran-dash-debug]\nother:\n  script: [echo ran-other]\n",
      );
      const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
      git('init', '-q');
      git('add', '-A');
      git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'pipeline');
      const r = await runGcl(dir, jobRunArgs('--debug'), jobEnvironment({}), 60_000);
      expect(r.output).toContain('ran-dash-debug');
      expect(r.output).not.toContain('ran-other');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
