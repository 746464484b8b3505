import { jobsOf } from '../../../gitlab/jobs.js';
import { problem } from '../../../internal/problem.js';
import type { Rule } from './rule.js';

/** Every visible job needs something to run; a pipeline needs at least one visible job. */
export const jobWithoutScript: Rule = (config) => {
  const jobs = jobsOf(config);
  if (jobs.length === 0) {
    return [
      problem('no-jobs', 'jobs config should contain at least one visible job', {
        fix: 'add a job whose name does not start with a dot',
      }),
    ];
  }
  return jobs
    .filter(([, job]) => !('script' in job) && !('trigger' in job) && !('run' in job))
    .map(([name]) =>
      problem('job-without-script', `jobs ${name} config should implement the script:, run:, or trigger: keyword`, {
        path: name,
        fix: 'add `script:`, or `trigger:` for a downstream pipeline, or hide the job with a leading dot',
      }),
    );
};
