import { jobsOf, stagesOf } from '../../../gitlab/jobs.js';
import type { Problem } from '../../../internal/problem.js';
import type { Rule } from './rule.js';

/** GitLab: "<job> job: undefined dependency: <name>", and a dependency must run in a prior stage. */
export const missingDependency: Rule = (config) => {
  const jobs = new Map(jobsOf(config));
  const stages = stagesOf(config);
  const stageIndex = (j: Record<string, unknown>) => stages.indexOf(String(j.stage ?? 'test'));
  const out: Problem[] = [];
  for (const [name, job] of jobs) {
    if (!Array.isArray(job.dependencies)) continue;
    const hasNeeds = Array.isArray(job.needs);
    for (const dep of job.dependencies.map(String)) {
      const target = jobs.get(dep);
      if (!target)
        out.push({
          severity: 'error',
          code: 'undefined-dependency',
          path: name,
          message: `${name} job: undefined dependency: ${dep}`,
          fix: `define a job \`${dep}\` or remove it from \`dependencies:\``,
        });
      else if (!hasNeeds && stageIndex(target) > stageIndex(job)) {
        out.push({
          severity: 'error',
          code: 'dependency-stage',
          path: name,
          message: `${name} job: dependency ${dep} is not defined in current or prior stages`,
          fix: `move \`${dep}\` to an earlier stage or use \`needs:\``,
        });
      }
    }
  }
  return out;
};
