import { jobsOf } from '../../../gitlab/jobs.js';
import { finding } from './finding.js';
import type { Problem } from '../../../internal/problem.js';
import type { Rule } from './rule.js';
import { stageIndexer } from './stage-index.js';

/**
 * GitLab's YamlProcessor#validate_job_dependencies! and #validate_dynamic_child_pipeline_dependencies!:
 * "<job> job: undefined dependency: <name>", and a dependency (or the job a child pipeline's
 * `trigger:include:artifact` comes from) must run in the same or a prior stage, with `needs:` or without.
 */
export const missingDependency: Rule = (config) => {
  const jobs = new Map(jobsOf(config));
  const stageIndex = stageIndexer(config, jobs);
  const out: Problem[] = [];
  for (const [name, job] of jobs) {
    const trigger = job.trigger as Record<string, unknown> | undefined;
    const includes = trigger && typeof trigger === 'object' ? trigger.include : undefined;
    const fromArtifacts = (Array.isArray(includes) ? includes : [includes]).flatMap((i) =>
      i && typeof i === 'object' && typeof (i as Record<string, unknown>).job === 'string'
        ? [(i as Record<string, string>).job!]
        : [],
    );
    const deps = [...(Array.isArray(job.dependencies) ? job.dependencies.map(String) : []), ...fromArtifacts];
    for (const dep of deps) {
      if (!jobs.has(dep)) {
        out.push(
          finding(
            'undefined-dependency',
            name,
            `${name} job: undefined dependency: ${dep}`,
            `define a job \`${dep}\` or remove it from \`dependencies:\``,
          ),
        );
        continue;
      }
      const mine = stageIndex(name);
      const theirs = stageIndex(dep);
      if (theirs === undefined || mine === undefined || theirs > mine) {
        out.push(
          finding(
            'dependency-stage',
            name,
            `${name} job: dependency ${dep} is not defined in current or prior stages`,
            `move \`${dep}\` to an earlier stage`,
          ),
        );
      }
    }
  }
  return out;
};
