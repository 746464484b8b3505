import { describe, expect, it } from 'vitest';
import { GLOBAL_KEYWORDS, jobsInStageOrder, jobsOf } from './jobs.js';

describe('jobs of a pipeline', () => {
  const config = {
    stages: ['build', 'deploy'],
    variables: { A: '1' },
    pages: { stage: 'deploy', script: ['publish'] },
    '.hidden': { script: ['x'] },
    compile: { stage: 'build', script: ['make'] },
    spec: { inputs: {} },
  };

  it('`pages` is a job, not a keyword; global keywords and hidden jobs are not jobs', () => {
    expect(GLOBAL_KEYWORDS).not.toContain('pages');
    expect(jobsOf(config).map(([n]) => n)).toEqual(['pages', 'compile']);
    expect(jobsOf(config, true).map(([n]) => n)).toEqual(['pages', '.hidden', 'compile']);
  });

  it('orders jobs by stage, then as written', () => {
    expect(jobsInStageOrder(config).map(([n]) => n)).toEqual(['compile', 'pages']);
  });
});
