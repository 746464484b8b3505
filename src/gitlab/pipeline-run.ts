// How a pipeline proceeds once its jobs are known (rules evaluated): stage after stage; a failed
// job skips the later stages' on_success jobs (unless it may fail); a manual job runs only when
// someone starts it, and while a manual job that may not fail (allow_failure: false, the default
// for `when: manual` in `rules:`) waits, later stages do not start and the pipeline is blocked.
// `needs:` is not modelled (jobs run in stage order, which a pipeline with needs also allows).
// Source: doc/ci/yaml/index.md (`when`, `allow_failure`), doc/ci/jobs/job_control.md.

export interface PlannedJob {
  readonly name: string;
  readonly stage: string;
  /** After rules: on_success, on_failure, always, manual, delayed or never. */
  readonly when?: string;
  readonly allowFailure?: boolean;
}

/** `created`: never reached (the pipeline was blocked or stopped before its stage). */
export type JobStatus = 'success' | 'failed' | 'skipped' | 'manual' | 'created';
export type PipelineStatus = 'success' | 'failed' | 'blocked';

export interface StageHooks<J extends PlannedJob> {
  /** Runs one job; resolves to whether it passed. */
  readonly run: (job: J) => Promise<'success' | 'failed'>;
  /** Manual jobs someone starts when the pipeline reaches them. */
  readonly start?: ReadonlySet<string>;
  /** Called after each stage that ran at least one job. */
  readonly afterStage?: (stage: string) => Promise<void>;
}

/** `stages` in order (`.pre` ... `.post`); jobs whose `when` is `never` are not in the pipeline. */
export async function runStages<J extends PlannedJob>(
  stages: readonly string[],
  jobs: readonly J[],
  hooks: StageHooks<J>,
): Promise<{ status: PipelineStatus; jobs: Map<string, JobStatus> }> {
  const status = new Map<string, JobStatus>();
  const inPipeline = jobs.filter((j) => j.when !== 'never');
  const order = [...stages, ...new Set(inPipeline.map((j) => j.stage).filter((s) => !stages.includes(s)))];
  let failed = false;
  let blocked = false;
  for (const stage of order) {
    const here = inPipeline.filter((j) => j.stage === stage);
    if (!here.length) continue;
    if (blocked) {
      for (const j of here) status.set(j.name, 'created');
      continue;
    }
    let ran = false;
    let waiting = false;
    for (const job of here) {
      const when = job.when ?? 'on_success';
      const runs = when === 'always' || (when === 'on_failure' ? failed : !failed);
      if (!runs) {
        status.set(job.name, 'skipped');
        continue;
      }
      if (when === 'manual' && !hooks.start?.has(job.name)) {
        status.set(job.name, 'manual');
        // A manual job that may not fail blocks the stages after it until it is started.
        if (job.allowFailure === false) waiting = true;
        continue;
      }
      const result = await hooks.run(job);
      ran = true;
      status.set(job.name, result);
      if (result === 'failed' && !job.allowFailure) failed = true;
    }
    if (ran) await hooks.afterStage?.(stage);
    if (waiting && !failed) blocked = true;
  }
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
