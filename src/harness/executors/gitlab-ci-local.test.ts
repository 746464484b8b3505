import { describe, expect, it } from 'vitest';
import { pipelineJobs } from './gitlab-ci-local.js';

describe('the jobs gitlab-ci-local runs', () => {
  it('runs a job named `pages` (a job name, not a keyword), in stage order', () => {
    const expanded = 'stages: [build, deploy]\npages:\n  stage: deploy\n  script: [x]\nb:\n  stage: build\n  script: [y]\n';
    expect(pipelineJobs(expanded).map((j) => [j.index, j.name, j.stage])).toEqual([
      [1, 'b', 'build'],
      [2, 'pages', 'deploy'],
    ]);
  });
});
