import { jobsOf, stagesOf } from '../../../gitlab/jobs.js';
import type { Rule } from './rule.js';

/** GitLab: "<job> job: chosen stage <stage> does not exist; available stages are ...". */
export const unknownStage: Rule = (config) => {
  const stages = stagesOf(config);
  return jobsOf(config)
    .filter(([, job]) => !stages.includes(String(job.stage ?? 'test')))
    .map(([name, job]) => ({
      code: 'unknown-stage',
      job: name,
      message: `${name} job: chosen stage ${String(job.stage ?? 'test')} does not exist; available stages are ${stages.join(', ')}`,
      fix: `add \`${String(job.stage ?? 'test')}\` to \`stages:\` or use one of ${stages.join(', ')}`,
    }));
};
