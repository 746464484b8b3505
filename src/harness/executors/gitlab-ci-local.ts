// Runs a scenario's jobs with gitlab-ci-local's shell executor. It resolves the component
// include from the work tree, applies inputs, extends and rules; the harness adds what it
// lacks: id_tokens (minted per job and passed as that job's variables) and a clean AWS env.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandVariables } from '../../gitlab/includes/resolve.js';
import { jobsInStageOrder, stageOf, stagesOf } from '../../gitlab/jobs.js';
import type { EventVariables } from '../../gitlab/pipeline-event.js';
import { allowsFailure, type Need, runStages } from '../../gitlab/pipeline-run.js';
import { loadYaml } from '../../gitlab/yaml.js';
import { gitlabCiLocalBin, jobPath } from '../tools.js';
import {
  mask,
  type ExecRequest,
  type ExecResult,
  type Executor,
  type JobInfo,
  type JobResult,
  type PipelineRequest,
} from './executor.js';

export interface Spawned {
  readonly code: number;
  /** stdout and stderr interleaved, as a job trace. */
  readonly output: string;
  readonly stdout: string;
  readonly durationMs: number;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matches the ANSI escape sequences to strip
const ANSI = /\u001b\[[0-9;]*m/g;

/** The environment a job sees: the host's, minus any AWS credentials or config that would bypass OIDC. */
export function jobEnvironment(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(AWS_|GCL_|CI_|GITLAB_)/.test(k)) continue;
    env[k] = v;
  }
  return {
    ...env,
    PATH: jobPath(),
    // No instance metadata here: without this the CLI spends seconds probing 169.254.169.254.
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    ...extra,
  };
}

export function runGcl(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 180_000,
): Promise<Spawned> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [gitlabCiLocalBin(), ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      output += `\n[harness] gitlab-ci-local ${args.join(' ')} did not finish within ${timeoutMs} ms; killed\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({
        code: code ?? 1,
        output: output.replace(ANSI, ''),
        stdout: stdout.replace(ANSI, ''),
        durationMs: Date.now() - started,
      });
    });
  });
}

/**
 * gitlab-ci-local's arguments to run one job alone. The name goes as `--job=<name>` in one word: a
 * job named `--debug` (job-name is an input) must not become an option, and after `--` gitlab-ci-local
 * ignores the name and runs every job of the pipeline.
 */
export function jobRunArgs(jobName: string): string[] {
  return ['--no-json-schema-validation', '--force-shell-executor', `--job=${jobName}`];
}

export interface ListedJob {
  readonly name: string;
  readonly when?: string;
  readonly allow_failure?: boolean | object;
}

/**
 * The job list of `gitlab-ci-local --list-json`: JSON over several lines (`JSON.stringify(jobs, null,
 * 2)`). Its stdout is not only JSON: warnings go there too (` WARN  The job: `x` will be no-op.
 * Multi-project pipeline is not supported`, a predefined variable overridden...), so the list is
 * the lines from one starting with `[` to one ending with `]` that parse as an array.
 */
export function parseJobListing(stdout: string): ListedJob[] {
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.trimStart().startsWith('[')) continue;
    for (let j = i; j < lines.length; j++) {
      if (!lines[j]!.trimEnd().endsWith(']')) continue;
      try {
        const parsed: unknown = JSON.parse(lines.slice(i, j + 1).join('\n'));
        if (Array.isArray(parsed)) return parsed as ListedJob[];
      } catch {
        // not the list yet (or a warning that starts with `[`): try a longer span
      }
    }
  }
  throw new Error(`gitlab-ci-local --list-json printed no job list (a JSON array); its output:\n${stdout}`);
}

/**
 * Visible jobs of an expanded pipeline, in stage order. `listing` (gitlab-ci-local --list-json)
 * carries `when` after rules were evaluated: a job whose rules exclude it says `never`.
 */
export function pipelineJobs(expanded: string | Record<string, unknown>, listing?: readonly ListedJob[]): JobInfo[] {
  const listed = new Map((listing ?? []).map((j) => [j.name, j]));
  const doc =
    typeof expanded === 'string'
      ? ((loadYaml('expanded-gitlab-ci.yml', expanded) ?? {}) as Record<string, unknown>)
      : expanded;
  return jobsInStageOrder(doc).map(([name, job], i) => {
    const idTokens: Record<string, string | string[]> = {};
    for (const [v, spec] of Object.entries(
      (job.id_tokens as Record<string, { aud?: string | string[] }> | undefined) ?? {},
    )) {
      idTokens[v] = spec?.aud ?? '';
    }
    const env = job.environment;
    const environment =
      typeof env === 'string' ? env : typeof env === 'object' && env ? (env as { name?: string }).name : undefined;
    const l = listed.get(name);
    const when = l?.when ?? (typeof job.when === 'string' ? job.when : 'on_success');
    // gitlab-ci-local reports allow_failure false for a job-level `when: manual`; GitLab's default is true.
    const allowFailure = allowsFailure(job, when);
    const needs = needsOf(job.needs);
    return {
      name,
      stage: stageOf(job),
      idTokens,
      when,
      allowFailure,
      ...(needs ? { needs } : {}),
      ...(environment ? { environment } : {}),
      index: i + 1,
    };
  });
}

/** `needs:` as the pipeline runner reads it: jobs of this pipeline (cross-project and parent entries dropped). */
function needsOf(needs: unknown): Need[] | undefined {
  if (!Array.isArray(needs)) return undefined;
  return needs.flatMap((n): Need[] => {
    if (typeof n === 'string') return [{ job: n }];
    if (!n || typeof n !== 'object') return [];
    const { job, optional, project, pipeline } = n as Record<string, unknown>;
    if (typeof job !== 'string' || project !== undefined || pipeline !== undefined) return [];
    return [{ job, ...(optional === true ? { optional: true } : {}) }];
  });
}

/**
 * The event's predefined variables for gitlab-ci-local (which derives a push pipeline from git):
 * set as GCL_VARIABLE_*, so rules in --list-json and every job see them; unset with --unset-variable.
 */
export function eventEnvironment(event: EventVariables | undefined): { env: Record<string, string>; args: string[] } {
  if (!event) return { env: {}, args: [] };
  const env: Record<string, string> = {
    GCL_IGNORE_PREDEFINED_VARS: [...Object.keys(event.set), ...event.unset].join(','),
  };
  for (const [k, v] of Object.entries(event.set)) env[`GCL_VARIABLE_${k}`] = v;
  return { env, args: event.unset.map((name) => `--unset-variable=${name}`) };
}

export class GitlabCiLocalExecutor implements Executor {
  readonly name = 'gitlab-ci-local';
  readonly runsWholePipelines = true;

  async unavailable(): Promise<string | undefined> {
    try {
      gitlabCiLocalBin();
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }

  async run(req: ExecRequest): Promise<ExecResult> {
    // Until the harness hands out per-job folders, job temp files stay inside the project and go with it.
    const tmp = join(req.project.dir, '.gitlab-ci-local', 'tmp');
    mkdirSync(tmp, { recursive: true });
    const event = eventEnvironment(req.pipeline?.event);
    const baseEnv = {
      ...jobEnvironment(req.variables),
      TMPDIR: tmp,
      // gitlab-ci-local gives a job with `image:` CI_PROJECT_DIR=/builds/<group>/<project> even when it
      // runs the job in a shell here: a job writing there would write outside the scenario, into a folder
      // every scenario shares. In a shell the project dir is the job's working directory, as a shell
      // runner's would be.
      GCL_VARIABLE_CI_PROJECT_DIR: req.project.dir,
      ...event.env,
      // A scenario that sets a predefined variable itself (CI_REGISTRY for a registry of its own) names it too.
      GCL_IGNORE_PREDEFINED_VARS: [
        'CI_PROJECT_DIR',
        ...(event.env.GCL_IGNORE_PREDEFINED_VARS ?? '').split(','),
        ...(req.variables.GCL_IGNORE_PREDEFINED_VARS ?? '').split(','),
      ]
        .filter(Boolean)
        .join(','),
    };
    // --list-json evaluates rules and writes the expanded pipeline (with id_tokens) to the state dir.
    const listing = await runGcl(req.project.dir, ['--list-json', ...event.args], baseEnv);
    if (listing.code !== 0) {
      return {
        status: 'failed',
        jobs: [{ name: '(pipeline)', status: 'failed', trace: listing.output, durationMs: listing.durationMs }],
      };
    }
    const expanded = readFileSync(join(req.project.dir, '.gitlab-ci-local', 'expanded-gitlab-ci.yml'), 'utf8');
    const all = pipelineJobs(expanded, parseJobListing(listing.stdout));
    const runJob = async (job: JobInfo): Promise<JobResult> => {
      const secrets: string[] = [];
      const tokenVars: Record<string, string> = {};
      for (const [variable, aud] of Object.entries(job.idTokens)) {
        const token = await req.idToken(job, aud);
        secrets.push(token);
        // gitlab-ci-local turns GCL_VARIABLE_<NAME> into --variable NAME=..., scoped to this one run
        // (one job), without putting the token on a command line.
        tokenVars[`GCL_VARIABLE_${variable}`] = token;
      }
      // The listing above already validated the pipeline against GitLab's schema. No Docker here:
      // jobs that name an image run in a shell that has the tools the image would (the venv's aws).
      // Its own HOME and TMPDIR: the AWS CLI caches assumed-role keys under $HOME/.aws/cli/cache.
      const dirs = req.jobDirs?.(job);
      const env = { ...baseEnv, ...(dirs ? { HOME: dirs.home, TMPDIR: dirs.tmp } : {}), ...tokenVars };
      const r = await runGcl(req.project.dir, [...jobRunArgs(job.name), ...event.args], env);
      const maskedTokens = secrets.filter((s) => r.output.includes(s)).length;
      // A job that may fail and did exits gitlab-ci-local with 0 and "WARN <code>"; GitLab shows it failed.
      const allowedFailure =
        job.allowFailure &&
        new RegExp(`^${job.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} finished in .* WARN \\d+`, 'm').test(r.output);
      return {
        name: job.name,
        status: r.code === 0 && !allowedFailure ? 'success' : 'failed',
        trace: mask(r.output, secrets),
        durationMs: r.durationMs,
        maskedTokens,
      };
    };
    if (req.pipeline) return runWholePipeline(req.pipeline, expanded, all, runJob);
    let jobs = all.filter((j) => j.when !== 'never' && j.when !== 'manual');
    if (req.jobs) {
      const byName = new Map(all.map((j) => [j.name, j]));
      const missing = req.jobs.filter((n) => !byName.has(n));
      if (missing.length) {
        const have = all.map((j) => j.name).join(', ') || 'none';
        throw new Error(
          `job(s) ${missing.join(', ')} are not in the pipeline (it has: ${have}); fix the scenario's \`jobs\` ` +
            `or the component's job-name input`,
        );
      }
      const excluded = req.jobs.filter((n) => byName.get(n)!.when === 'never');
      if (excluded.length)
        throw new Error(
          `job(s) ${excluded.join(', ')} are excluded by their rules in this pipeline (fix: change the ` +
            `scenario's inputs or \`jobs\`)`,
        );
      jobs = req.jobs.map((n) => byName.get(n)!);
    }
    const results: JobResult[] = [];
    for (const job of jobs) {
      const r = await runJob(job);
      results.push(r);
      // A failed job stops the pipeline, as GitLab skips later stages, unless it may fail.
      if (r.status !== 'success' && !job.allowFailure) break;
    }
    const blocking = results.filter((r, i) => r.status === 'failed' && !jobs[i]!.allowFailure);
    return { status: results.length > 0 && blocking.length === 0 ? 'success' : 'failed', jobs: results };
  }
}

/**
 * The pipeline GitLab would run for the event: src/gitlab/pipeline-run.ts decides what runs when;
 * each job runs alone under gitlab-ci-local (which keeps artifacts and dotenv reports in its state
 * folder and hands them to later jobs), with its own ID token, HOME and TMPDIR.
 */
async function runWholePipeline(
  pipeline: PipelineRequest,
  expanded: string,
  all: readonly JobInfo[],
  runJob: (job: JobInfo) => Promise<JobResult>,
): Promise<ExecResult> {
  const doc = (loadYaml('expanded-gitlab-ci.yml', expanded) ?? {}) as Record<string, unknown>;
  const ran = new Map<string, JobResult>();
  const vars = pipeline.event.set;
  const outcome = await runStages(stagesOf(doc), all, {
    start: new Set(pipeline.start),
    run: async (job) => {
      // The token's environment claim is the expanded name (`review/$CI_COMMIT_REF_SLUG`).
      const environment = job.environment ? expandVariables(job.environment, vars) : undefined;
      const r = await runJob({ ...job, ...(environment ? { environment } : {}) });
      ran.set(job.name, r);
      await pipeline.afterJob?.(r);
      return r.status === 'success' ? 'success' : 'failed';
    },
    afterStage: async (stage) => pipeline.afterStage?.(stage, [...ran.values()]),
  });
  const jobs = all
    .filter((j) => outcome.jobs.has(j.name))
    .map(
      (j): JobResult =>
        ran.get(j.name) ?? { name: j.name, status: outcome.jobs.get(j.name)!, trace: '', durationMs: 0 },
    );
  return { status: outcome.status, jobs };
}
