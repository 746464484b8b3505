import { jobsOf, stageOf, stagesOf } from '../../../gitlab/jobs.js';
import { problem } from '../../../internal/problem.js';
import type { Rule } from './rule.js';

/** GitLab: "<job> job: chosen stage <stage> does not exist; available stages are ...". */
export const unknownStage: Rule = (config) => {
  const stages = stagesOf(config);
  return jobsOf(config)
    .filter(([, job]) => !stages.includes(stageOf(job)))
    .map(([name, job]) =>
      problem(
        'unknown-stage',
        `${name} job: chosen stage ${stageOf(job)} does not exist; available stages are ${stages.join(', ')}`,
        {
          path: name,
          fix: `add \`${stageOf(job)}\` to \`stages:\` or use one of ${stages.join(', ')}`,
        },
      ),
    );
};
