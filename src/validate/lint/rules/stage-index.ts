// YamlProcessor#stage_index: the position of a job's stage, undefined for a job or stage that does not exist.
import { jobsOf, stageOf, stagesOf } from '../../../gitlab/jobs.js';

export function stageIndexer(
  config: Record<string, unknown>,
  jobs: ReadonlyMap<string, Record<string, unknown>> = new Map(jobsOf(config)),
): (job: string) => number | undefined {
  const stages = stagesOf(config);
  return (name) => {
    const job = jobs.get(name);
    const i = job ? stages.indexOf(stageOf(job)) : -1;
    return i < 0 ? undefined : i;
  };
}
