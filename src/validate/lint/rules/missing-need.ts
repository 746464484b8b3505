import { jobsOf } from '../../../gitlab/jobs.js';
import { finding } from './finding.js';
import type { Problem } from '../../../internal/problem.js';
import type { Rule } from './rule.js';
import { stageIndexer } from './stage-index.js';

type Hash = Record<string, unknown>;
const isHash = (v: unknown): v is Hash => !!v && typeof v === 'object' && !Array.isArray(v);

/** The same-pipeline entries of a `needs:` list (Needs#value[:job]): names and whether each is optional. */
function jobNeeds(needs: unknown): Array<{ name: string; optional: boolean }> {
  const items = Array.isArray(needs) ? needs : isHash(needs) ? [needs] : [];
  return items.flatMap((n) => {
    if (typeof n === 'string') return [{ name: n, optional: false }];
    if (isHash(n) && typeof n.job === 'string' && !('project' in n || 'pipeline' in n || 'ref' in n))
      return [{ name: n.job, optional: n.optional === true }];
    return [];
  });
}

/** The job's `needs:` and each rule's `needs:`, those that are set. */
function needsLists(job: Hash): unknown[] {
  const lists = job.needs != null ? [job.needs] : [];
  if (!Array.isArray(job.rules)) return lists;
  for (const rule of job.rules.flat(10)) if (isHash(rule) && rule.needs != null) lists.push(rule.needs);
  return lists;
}

/**
 * GitLab's YamlProcessor#validate_job_needs!, for the job's `needs:` and each rule's `needs:`:
 * "<job> job: undefined need: <name>" (optional needs may be missing), "<job> job: need <name> is
 * not defined in current or prior stages", "<job> has the following needs duplicated: <names>.".
 */
export const missingNeed: Rule = (config) => {
  const jobs = new Map(jobsOf(config));
  const stageIndex = stageIndexer(config, jobs);
  const out: Problem[] = [];
  for (const [name, job] of jobs) {
    for (const list of needsLists(job)) {
      const needs = jobNeeds(list);
      for (const need of needs) {
        if (!jobs.has(need.name)) {
          if (!need.optional)
            out.push(
              finding(
                'undefined-need',
                name,
                `${name} job: undefined need: ${need.name}`,
                `define a job \`${need.name}\`, fix the name, or mark the need \`optional: true\``,
              ),
            );
          continue;
        }
        const mine = stageIndex(name);
        const theirs = stageIndex(need.name);
        if (theirs === undefined || mine === undefined || theirs > mine) {
          out.push(
            finding(
              'need-stage',
              name,
              `${name} job: need ${need.name} is not defined in current or prior stages`,
              `move \`${need.name}\` to the stage of \`${name}\` or an earlier one, or \`${name}\` to a later stage`,
            ),
          );
        }
      }
      const seen = new Set<string>();
      const duplicated = [...new Set(needs.map((n) => n.name).filter((n) => seen.has(n) || !seen.add(n)))];
      if (duplicated.length)
        out.push(
          finding(
            'duplicate-needs',
            name,
            `${name} has the following needs duplicated: ${duplicated.join(', ')}.`,
            'list each needed job once',
          ),
        );
    }
  }
  return out;
};
