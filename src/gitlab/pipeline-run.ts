// How a pipeline proceeds once its jobs are known (rules evaluated). A job without `needs` waits
// for every job of the earlier stages: after a failure there (of a job that may not fail) it is
// skipped unless it runs `on_failure` or `always`, and a manual job that may not fail (allow_failure:
// false, the default for `when: manual` in `rules:`) keeps the later stages waiting: the pipeline is
// blocked. A job with `needs` (even `needs: []`) ignores stages: it waits only for the jobs it needs,
// and their outcome alone decides whether it runs; it is skipped when one of them does not run (a
// skipped job, or a manual job that may fail and nobody started), and waits while one is a manual job
// that may not fail. Jobs run one at a time, in stage order among those ready, which is one of the orders
// GitLab's runners could take. Source: doc/ci/yaml/index.md (`when`, `allow_failure`, `needs`),
// doc/ci/jobs/job_control.md, lib/gitlab/ci/status/composite.rb and
// app/services/ci/process_build_service.rb.

export interface Need {
  readonly job: string;
  /** `needs:optional`: the job may be absent from this pipeline. */
  readonly optional?: boolean;
}

export interface PlannedJob {
  readonly name: string;
  readonly stage: string;
  /** After rules: on_success, on_failure, always, manual, delayed or never. */
  readonly when?: string;
  readonly allowFailure?: boolean;
  /** `needs:` as written (undefined: the job follows stage order). */
  readonly needs?: readonly Need[];
}

/** `created`: never reached (the pipeline was blocked or stopped before its stage). */
export type JobStatus = 'success' | 'failed' | 'skipped' | 'manual' | 'created';
export type PipelineStatus = 'success' | 'failed' | 'blocked';

export interface StageHooks<J extends PlannedJob> {
  /** Runs one job; resolves to whether it passed. */
  readonly run: (job: J) => Promise<'success' | 'failed'>;
  /** Manual jobs someone starts when the pipeline reaches them. */
  readonly start?: ReadonlySet<string>;
  /** Called once every job of a stage is done, for each stage that ran at least one job. */
  readonly afterStage?: (stage: string) => Promise<void>;
}

type Decision = 'wait' | 'run' | 'skip';

/** `stages` in order (`.pre` ... `.post`); jobs whose `when` is `never` are not in the pipeline. */
export async function runStages<J extends PlannedJob>(
  stages: readonly string[],
  jobs: readonly J[],
  hooks: StageHooks<J>,
): Promise<{ status: PipelineStatus; jobs: Map<string, JobStatus> }> {
  const status = new Map<string, JobStatus>();
  const inPipeline = jobs.filter((j) => j.when !== 'never');
  const byName = new Map(inPipeline.map((j) => [j.name, j]));
  const order = [...stages, ...new Set(inPipeline.map((j) => j.stage).filter((s) => !stages.includes(s)))];
  const rank = (j: J) => order.indexOf(j.stage);
  const pending = [...inPipeline].sort((a, b) => rank(a) - rank(b));
  const ranIn = new Set<string>();
  const reported = new Set<string>();

  const failedHard = (j: J) => status.get(j.name) === 'failed' && !j.allowFailure;
  const waitsForSomeone = (j: J) => status.get(j.name) === 'manual' && j.allowFailure === false;
  // What a job may see of the jobs before it (GitLab's Composite status), then whether its `when`
  // accepts that (ProcessBuildService): a job with needs runs `on_success` only after success,
  // a stage-ordered one also after jobs that were skipped.
  const decide = (job: J): Decision => {
    const when = job.when ?? 'on_success';
    let seen: 'success' | 'failed' | 'skipped';
    if (job.needs) {
      const needed = job.needs.map((n) => byName.get(n.job)).filter((j): j is J => !!j);
      // A need that does not run (skipped, or manual and allowed to fail) skips the job.
      if (
        needed.some((n) => status.get(n.name) === 'skipped' || (status.get(n.name) === 'manual' && !waitsForSomeone(n)))
      )
        seen = 'skipped';
      else if (needed.some((n) => !status.has(n.name) || waitsForSomeone(n))) return 'wait';
      else seen = needed.some(failedHard) ? 'failed' : 'success';
    } else {
      const earlier = inPipeline.filter((j) => rank(j) < rank(job));
      if (earlier.some((j) => !status.has(j.name) || waitsForSomeone(j))) return 'wait';
      seen = earlier.some(failedHard) ? 'failed' : 'success';
    }
    const accepted =
      when === 'always'
        ? true
        : when === 'on_failure'
          ? seen === 'failed'
          : seen === 'success' || (seen === 'skipped' && !job.needs);
    return accepted ? 'run' : 'skip';
  };

  const stageFinished = async (stage: string) => {
    if (reported.has(stage) || !ranIn.has(stage)) return;
    if (pending.some((j) => j.stage === stage)) return;
    if (inPipeline.some((j) => j.stage === stage && status.get(j.name) === undefined)) return;
    reported.add(stage);
    await hooks.afterStage?.(stage);
  };

  for (;;) {
    const i = pending.findIndex((j) => decide(j) !== 'wait');
    if (i < 0) break;
    const job = pending.splice(i, 1)[0]!;
    if (decide(job) === 'skip') status.set(job.name, 'skipped');
    else if ((job.when ?? 'on_success') === 'manual' && !hooks.start?.has(job.name)) status.set(job.name, 'manual');
    else {
      status.set(job.name, await hooks.run(job));
      ranIn.add(job.stage);
    }
    await stageFinished(job.stage);
  }
  for (const j of pending) status.set(j.name, 'created');
  const failed = inPipeline.some(failedHard);
  const blocked = inPipeline.some(waitsForSomeone);
  return { status: failed ? 'failed' : blocked ? 'blocked' : 'success', jobs: status };
}

/**
 * Whether a job may fail without failing the pipeline, with GitLab's defaults: `allow_failure` as
 * written (a hash of exit codes counts as yes); otherwise a job-level `when: manual` may fail (it
 * does not block), and a `when: manual` that comes from `rules:` may not (it blocks) unless that
 * rule says `allow_failure: true`. `when` is the job's `when` after its rules were evaluated.
 */
export function allowsFailure(job: Record<string, unknown>, when: string | undefined): boolean {
  if (job.allow_failure !== undefined && job.allow_failure !== null) return job.allow_failure !== false;
  if (when !== 'manual') return false;
  if (Array.isArray(job.rules)) {
    const manual = job.rules.find(
      (r) => !!r && typeof r === 'object' && (r as Record<string, unknown>).when === 'manual',
    ) as Record<string, unknown> | undefined;
    if (manual) return manual.allow_failure === true;
  }
  return job.when === 'manual';
}
