// One interface for every way of running a scenario's jobs: gitlab-ci-local (default),
// `gitlab-runner exec` (runner <= 16), or a real GitLab pipeline.

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
}

export interface JobResult {
  readonly name: string;
  readonly status: 'success' | 'failed';
  readonly trace: string;
  readonly durationMs: number;
  /** How many of the job's ID tokens appeared in its output (masked in `trace`): each one a leak. */
  readonly maskedTokens?: number;
}

export interface ExecResult {
  readonly status: 'success' | 'failed';
  readonly jobs: readonly JobResult[];
}

export interface Executor {
  readonly name: string;
  /** Who mints the id tokens and for which project and ref, when not the harness (a real GitLab). */
  readonly identity?: { readonly issuer: string; readonly projectPath?: string; readonly ref?: string };
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
