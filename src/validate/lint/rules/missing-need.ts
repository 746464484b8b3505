import { jobsOf } from '../../../gitlab/jobs.js';
import type { Problem } from '../../../internal/problem.js';
import type { Rule } from './rule.js';

/** GitLab's YamlProcessor: "<job> job: undefined need: <name>". Optional and cross-pipeline needs are skipped. */
export const missingNeed: Rule = (config) => {
  const names = new Set(jobsOf(config).map(([n]) => n));
  const out: Problem[] = [];
  for (const [name, job] of jobsOf(config)) {
    if (!Array.isArray(job.needs)) continue;
    for (const need of job.needs) {
      let target: string | undefined;
      if (typeof need === 'string') target = need;
      else if (need && typeof need === 'object') {
        const n = need as Record<string, unknown>;
        if (n.optional === true || 'pipeline' in n || 'project' in n || typeof n.job !== 'string') continue;
        target = n.job;
      }
      if (target !== undefined && !names.has(target)) {
        out.push({
          severity: 'error',
          code: 'undefined-need',
          path: name,
          message: `${name} job: undefined need: ${target}`,
          fix: `define a job \`${target}\`, fix the name, or mark the need \`optional: true\``,
        });
      }
    }
  }
  return out;
};
