import { jobType } from '../../../gitlab/entries/index.js';
import { isGlobalKeyword } from '../../../gitlab/jobs.js';
import { problem } from '../../../internal/problem.js';
import type { Rule } from './rule.js';

/**
 * GitLab's Jobs entry: every top-level key that is not a keyword must be a job GitLab knows (a
 * mapping with `script:`, `run:`, `trigger:` or `needs:`, or a hidden `.name`), and a pipeline
 * needs at least one visible job.
 */
export const jobWithoutScript: Rule = (config) => {
  const unmatched = Object.entries(config)
    .filter(([name, value]) => !isGlobalKeyword(name) && !jobType(name, value))
    .map(([name]) => {
      // Validator#messages downcases, and joins the words of a lowercase name with `_`.
      const shown = /^[a-z\s]+$/.test(name.toLowerCase()) ? name.toLowerCase().replace(/\s/g, '_') : name.toLowerCase();
      return problem(
        'job-without-script',
        `jobs ${shown} config should implement the script:, run:, or trigger: keyword`,
        {
          path: name,
          fix: 'add `script:`, or `trigger:` for a downstream pipeline, or hide the job with a leading dot',
        },
      );
    });
  const visible = Object.entries(config).some(
    ([name, value]) => !isGlobalKeyword(name) && (jobType(name, value) === 'job' || jobType(name, value) === 'bridge'),
  );
  if (!visible) {
    return [
      ...unmatched,
      problem('no-jobs', 'jobs config should contain at least one visible job', {
        fix: 'add a job whose name does not start with a dot',
      }),
    ];
  }
  return unmatched;
};
