// One interface for every way of running a scenario's jobs: gitlab-ci-local (default),
// `gitlab-runner exec` (runner <= 16), or a real GitLab pipeline.
import type { EventVariables } from '../../gitlab/pipeline-event.js';
import type { JobStatus, Need, PipelineStatus } from '../../gitlab/pipeline-run.js';

export interface ScenarioProject {
  /** A git work tree whose origin looks like a GitLab project. */
  readonly dir: string;
  readonly group: string;
  readonly project: string;
  readonly ref: string;
  readonly sha: string;
  /** Files to push to a remote GitLab, relative to `dir`. */
  readonly files: readonly string[];
}

export interface JobInfo {
  readonly name: string;
  readonly stage: string;
  /** `id_tokens` as the job declares them: variable name -> aud. */
  readonly idTokens: Readonly<Record<string, string | readonly string[]>>;
  readonly environment?: string;
  /** `when` after rules: `never` means excluded from this pipeline. */
  readonly when?: string;
  readonly allowFailure?: boolean;
  /** `needs:` (undefined: the job follows stage order). */
  readonly needs?: readonly Need[];
  /** 1-based position in the pipeline: becomes the token's job_id. */
  readonly index: number;
}

export interface ExecRequest {
  readonly project: ScenarioProject;
  readonly jobs?: readonly string[];
  /** Variables every job gets (AWS_ENDPOINT_URL...). */
  readonly variables: Readonly<Record<string, string>>;
  /** Mints the token for one `id_tokens` entry of one job. */
  readonly idToken: (job: JobInfo, aud: string | readonly string[]) => Promise<string>;
  /**
   * The job's own HOME and TMPDIR, created empty by the harness, which looks through them for
   * credentials after the job. Executors that run jobs on this machine must use them.
   */
  readonly jobDirs?: (job: JobInfo) => { readonly home: string; readonly tmp: string };
  /**
   * Run the whole pipeline as GitLab would for an event (rules evaluated with its variables,
   * stage by stage, manual jobs only when started, blocked at a waiting gate), rather than every
   * visible job. Executors that cannot say so in `unavailable`.
   */
  readonly pipeline?: PipelineRequest;
}

export interface PipelineRequest {
  readonly event: EventVariables;
  /** Manual jobs to start when the pipeline reaches them. */
  readonly start: readonly string[];
  /** Called after each stage that ran a job, with the jobs that ran so far. */
  readonly afterStage?: (stage: string, jobs: readonly JobResult[]) => Promise<void>;
  /** Called after each job that ran. */
  readonly afterJob?: (job: JobResult) => Promise<void>;
}

export interface JobResult {
  readonly name: string;
  /** A job of a whole-pipeline run that did not run says why: `skipped`, `manual`, `created`. */
  readonly status: JobStatus;
  readonly trace: string;
  readonly durationMs: number;
  /** How many of the job's ID tokens appeared in its output (masked in `trace`): each one a leak. */
  readonly maskedTokens?: number;
}

export interface ExecResult {
  /** `blocked`: a whole-pipeline run waits at a manual job that may not fail. */
  readonly status: PipelineStatus;
  readonly jobs: readonly JobResult[];
}

export interface Executor {
  readonly name: string;
  /** Who mints the id tokens and for which project and ref, when not the harness (a real GitLab). */
  readonly identity?: { readonly issuer: string; readonly projectPath?: string; readonly ref?: string };
  /** Whether it runs `pipeline` requests (a whole pipeline for an event); others refuse those scenarios. */
  readonly runsWholePipelines?: boolean;
  /** undefined when it can run here; otherwise what is missing and how to get it. */
  unavailable(): Promise<string | undefined>;
  run(req: ExecRequest): Promise<ExecResult>;
}

/** Replaces every secret in a trace with `[MASKED]`, as GitLab masks variables. */
export function mask(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('[MASKED]');
  return out;
}
