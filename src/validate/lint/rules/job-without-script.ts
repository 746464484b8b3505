import { jobsOf } from '../../../gitlab/jobs.js';
import type { Rule } from './rule.js';

/** Every visible job needs something to run; a pipeline needs at least one visible job. */
export const jobWithoutScript: Rule = (config) => {
  const jobs = jobsOf(config);
  if (jobs.length === 0) return [{ code: 'no-jobs', message: 'jobs config should contain at least one visible job', fix: 'add a job whose name does not start with a dot' }];
  return jobs
    .filter(([, job]) => !('script' in job) && !('trigger' in job) && !('run' in job))
    .map(([name]) => ({ code: 'job-without-script', job: name, message: `jobs ${name} config should implement the script:, run:, or trigger: keyword`, fix: 'add `script:`, or `trigger:` for a downstream pipeline, or hide the job with a leading dot' }));
};
