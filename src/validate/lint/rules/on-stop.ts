import { jobsOf } from '../../../gitlab/jobs.js';
import { finding } from './finding.js';
import type { Problem } from '../../../internal/problem.js';
import type { Rule } from './rule.js';

type Hash = Record<string, unknown>;
const environmentOf = (job: Hash | undefined): Hash | undefined => {
  const e = job?.environment;
  if (typeof e === 'string') return { name: e, action: 'start' };
  return e && typeof e === 'object' && !Array.isArray(e) ? (e as Hash) : undefined;
};

/**
 * GitLab's YamlProcessor#validate_on_stop_job!: the job `environment:on_stop` names must exist,
 * have an environment of the same name, and stop it (`action: stop`). GitLab reports the first
 * condition that fails.
 */
export const onStop: Rule = (config) => {
  const jobs = new Map(jobsOf(config));
  const out: Problem[] = [];
  for (const [name, job] of jobs) {
    const env = environmentOf(job);
    const stop = env?.on_stop;
    if (typeof stop !== 'string' || !stop) continue;
    const target = jobs.get(stop);
    const theirs = environmentOf(target);
    const at = (message: string, fix: string) =>
      out.push(finding('on-stop', name, `${name} job: on_stop job ${stop} ${message}`, fix));
    if (!target)
      at(
        'is not defined',
        `define a job \`${stop}\` with \`environment: { name: ${String(env!.name)}, action: stop }\`, ` +
          'or fix `on_stop`',
      );
    else if (!theirs)
      at(
        'does not have environment defined',
        `give \`${stop}\` \`environment: { name: ${String(env!.name)}, action: stop }\``,
      );
    else if (theirs.name !== env!.name)
      at('have different environment name', `name the same environment in \`${stop}\` (\`${String(env!.name)}\`)`);
    else if (theirs.action !== 'stop')
      at('needs to have action stop defined', `add \`action: stop\` to the environment of \`${stop}\``);
  }
  return out;
};
