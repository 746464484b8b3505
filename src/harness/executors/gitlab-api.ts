// Runs a scenario on a real GitLab: push the consumer project (templates/ and the including
// .gitlab-ci.yml) to a branch of GITLAB_TEST_PROJECT, create the pipeline, follow it and fetch
// the job traces. GitLab mints the id tokens itself; its runners must reach AWS_ENDPOINT_URL.
import { Gitlab } from '@gitbeaker/rest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecRequest, ExecResult, Executor, JobResult } from './executor.js';

export interface GitlabApiConfig {
  readonly url: string;
  readonly token: string;
  /** Numeric id or `group/project`. */
  readonly project: string;
  /** Branch the scenario is pushed to; removed afterwards. */
  readonly branch?: string;
  readonly pollMs?: number;
  readonly timeoutMs?: number;
  /** The endpoint jobs use for AWS, as the runners see it (GitLab's runners cannot reach 127.0.0.1). */
  readonly awsEndpoint?: string;
}

export function gitlabApiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): GitlabApiConfig | undefined {
  const { GITLAB_URL: url, GITLAB_TOKEN: token, GITLAB_TEST_PROJECT: project } = env;
  if (!url || !token || !project) return undefined;
  return { url, token, project, ...(env.GITLAB_AWS_ENDPOINT_URL ? { awsEndpoint: env.GITLAB_AWS_ENDPOINT_URL } : {}) };
}

const FINISHED = new Set(['success', 'failed', 'canceled', 'skipped', 'manual']);

export class GitlabApiExecutor implements Executor {
  readonly name = 'gitlab-api';
  private readonly api: InstanceType<typeof Gitlab>;
  readonly branch: string;

  constructor(private readonly cfg: GitlabApiConfig | undefined = gitlabApiConfigFromEnv()) {
    this.api = new Gitlab({ host: cfg?.url ?? 'http://unset.invalid', token: cfg?.token ?? 'unset' });
    this.branch = cfg?.branch ?? `catalog-scenario/${process.pid}-${Date.now().toString(36)}`;
  }

  get identity(): Executor['identity'] {
    if (!this.cfg) return undefined;
    return {
      issuer: this.cfg.url.replace(/\/+$/, ''),
      ...(this.cfg.project.includes('/') ? { projectPath: this.cfg.project } : {}),
      ref: this.branch,
    };
  }

  async unavailable(): Promise<string | undefined> {
    if (!this.cfg)
      return (
        'set GITLAB_URL, GITLAB_TOKEN (api scope) and GITLAB_TEST_PROJECT (a scratch project the token may ' +
        'push to) to run scenarios on a real GitLab'
      );
    return undefined;
  }

  async run(req: ExecRequest): Promise<ExecResult> {
    if (!this.cfg) throw new Error((await this.unavailable())!);
    const project = this.cfg.project;
    const { default_branch: base } = (await this.api.Projects.show(project)) as { default_branch?: string };
    const existing = new Set(
      (
        (await this.api.Repositories.allRepositoryTrees(project, {
          ref: base ?? 'main',
          recursive: true,
          perPage: 100,
        })) as Array<{ path: string; type: string }>
      )
        .filter((e) => e.type === 'blob')
        .map((e) => e.path),
    );
    await this.api.Branches.remove(project, this.branch).catch(() => undefined);
    const actions = req.project.files.map((filePath) => ({
      action: (existing.has(filePath) ? 'update' : 'create') as 'update' | 'create',
      filePath,
      content: readFileSync(join(req.project.dir, filePath), 'utf8'),
    }));
    await this.api.Commits.create(project, this.branch, `catalog scenario ${req.project.sha.slice(0, 8)}`, actions, {
      startBranch: base ?? 'main',
    });
    // The runners' way to the emulator replaces the local one, per service too (AWS_ENDPOINT_URL_STS...).
    const endpoint = this.cfg.awsEndpoint;
    const variables = Object.entries(req.variables)
      .map(([key, value]) => ({
        key,
        value: endpoint && /^AWS_ENDPOINT_URL(_[A-Z0-9]+)?$/.test(key) ? endpoint : value,
      }))
      .concat(endpoint && !('AWS_ENDPOINT_URL' in req.variables) ? [{ key: 'AWS_ENDPOINT_URL', value: endpoint }] : []);
    try {
      const pipeline = (await this.api.Pipelines.create(project, this.branch, { variables })) as {
        id: number;
        status: string;
      };
      const deadline = Date.now() + (this.cfg.timeoutMs ?? 15 * 60_000);
      let status = pipeline.status;
      while (!FINISHED.has(status)) {
        if (Date.now() > deadline)
          throw new Error(`pipeline ${pipeline.id} still ${status} after ${(this.cfg.timeoutMs ?? 900_000) / 1000}s`);
        await new Promise((r) => setTimeout(r, this.cfg!.pollMs ?? 3000));
        status = ((await this.api.Pipelines.show(project, pipeline.id)) as { status: string }).status;
      }
      const jobs = (await this.api.Jobs.all(project, { pipelineId: pipeline.id })) as Array<{
        id: number;
        name: string;
        status: string;
        duration?: number | null;
      }>;
      const results: JobResult[] = [];
      for (const job of jobs.sort((a, b) => a.id - b.id)) {
        if (req.jobs && !req.jobs.includes(job.name)) continue;
        const trace = String(await this.api.Jobs.showLog(project, job.id));
        results.push({
          name: job.name,
          status: job.status === 'success' ? 'success' : 'failed',
          trace,
          durationMs: Math.round((job.duration ?? 0) * 1000),
        });
      }
      return { status: status === 'success' ? 'success' : 'failed', jobs: results };
    } finally {
      await this.api.Branches.remove(project, this.branch).catch(() => undefined);
    }
  }
}
