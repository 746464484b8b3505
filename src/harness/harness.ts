// Runs one scenario: reset the emulator, seed it, build the consumer project, run the jobs
// through the chosen executor with minted id tokens, then check the outcome and AWS state.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { componentArguments } from '../gitlab/component.js';
import { ParseError } from '../gitlab/yaml.js';
import { awsClients, ACCOUNT_ID, createOidcRole, REGION } from './aws-fixtures.js';
import type { Executor, JobInfo } from './executors/executor.js';
import { GitlabCiLocalExecutor } from './executors/gitlab-ci-local.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from './fault-proxy.js';
import { TokenIssuer } from './id-token.js';
import { startMoto, type MotoServer } from './moto.js';
import { createProject } from './project.js';
import type { Scenario, ScenarioContext, ScenarioResult } from './scenario.js';
import { webIdentityTrustRule } from './trust-policy.js';

export interface HarnessOptions {
  /** The catalog's generated templates; default `<repo>/templates`. */
  readonly templatesDir: string;
  readonly executor?: Executor;
  /** Keep a failed scenario's consumer project for re-running by hand (default true). */
  readonly keepFailedProjects?: boolean;
}

export interface ScenarioOutcome {
  readonly passed: boolean;
  /** Why it failed, in words that name the scenario, component and what to check. */
  readonly failure?: string;
  readonly result?: ScenarioResult;
  readonly durationMs: number;
  /** The consumer project, kept when the scenario failed so it can be re-run by hand. */
  readonly projectDir?: string;
}

let pipelineSeq = 1000;

export class Harness {
  private constructor(
    private readonly moto: MotoServer,
    readonly proxy: FaultProxy,
    private readonly issuer: TokenIssuer,
    private readonly opts: HarnessOptions,
    readonly executor: Executor,
  ) {}

  static async start(opts: HarnessOptions): Promise<Harness> {
    const executor = opts.executor ?? new GitlabCiLocalExecutor();
    const why = await executor.unavailable();
    if (why) throw new Error(`executor ${executor.name} cannot run here: ${why}`);
    const moto = await startMoto();
    try {
      const proxy = await startFaultProxy(moto.endpoint);
      return new Harness(moto, proxy, await TokenIssuer.create(), opts, executor);
    } catch (e) {
      await moto.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    await this.proxy.stop();
    await this.moto.stop();
  }

  async run(component: string, scenario: Scenario): Promise<ScenarioOutcome> {
    const started = Date.now();
    const label = `scenario "${scenario.name}" of component "${component}"`;
    await this.moto.reset();
    this.proxy.reset();
    const who = this.executor.identity;
    const issuer = who?.issuer ?? this.issuer.issuer;
    const projectPath = who?.projectPath ?? 'acme/platform/site';
    const branch = who?.ref ?? 'main';
    const ref = scenario.token?.ref ?? branch;
    const aws = awsClients(this.moto.endpoint);
    const ctx: ScenarioContext = {
      scenario: scenario.name,
      component,
      region: REGION,
      accountId: ACCOUNT_ID,
      aws,
      issuer,
      projectPath,
      ref: branch,
      oidcRole: (o) => createOidcRole(aws.iam, { issuer, projectPath, ref: branch }, o),
    };
    let seeded: Record<string, unknown> = {};
    try {
      seeded = { ...((await scenario.setup?.(ctx)) ?? {}) };
    } catch (e) {
      return { passed: false, failure: `${label}: setup failed: ${(e as Error).message}`, durationMs: Date.now() - started };
    }
    // gitlab-ci-local accepts inputs a component does not declare; GitLab rejects them.
    const unknown = unknownInputs(this.opts.templatesDir, component, Object.keys({ ...scenario.inputs, ...seeded }));
    if (unknown.problem) return { passed: false, failure: `${label}: ${unknown.problem}`, durationMs: Date.now() - started };
    let project: ReturnType<typeof createProject>;
    let faults: readonly FaultRule[];
    try {
      project = createProject({
        templatesDir: this.opts.templatesDir,
        component,
        inputs: { ...scenario.inputs, ...seeded },
        files: scenario.files ?? {},
        group: projectPath.split('/').slice(0, -1).join('/') || 'acme',
        project: projectPath.split('/').pop() ?? 'site',
        ref: branch,
      });
      faults = typeof scenario.faults === 'function' ? scenario.faults(ctx) : (scenario.faults ?? []);
    } catch (e) {
      return { passed: false, failure: `${label}: could not prepare the consumer project: ${(e as Error).message}`, durationMs: Date.now() - started };
    }
    const rules = [webIdentityTrustRule({ motoEndpoint: this.moto.endpoint, accountId: ACCOUNT_ID, jwks: { [this.issuer.issuer]: this.issuer.jwks() } }), ...faults];
    const pipelineId = ++pipelineSeq;
    const idToken = (job: JobInfo, aud: string | readonly string[]) =>
      this.issuer.mint({
        aud: Array.isArray(aud) ? [...aud] : (aud as string),
        projectPath,
        ref,
        pipelineId,
        jobId: pipelineId * 100 + job.index,
        sha: project.sha,
        ...(job.environment ? { environment: job.environment } : {}),
        ...(scenario.token?.ttlSeconds !== undefined ? { ttlSeconds: scenario.token.ttlSeconds } : {}),
        ...(scenario.token?.override ? { override: scenario.token.override } : {}),
      });
    const runs: Array<ScenarioResult['runs'][number]> = [];
    let last: ScenarioResult | undefined;
    try {
      const total = scenario.runs ?? 1;
      for (let i = 0; i < total; i++) {
        this.proxy.reset(rules);
        const exec = await this.executor.run({
          project,
          ...(scenario.jobs ? { jobs: scenario.jobs } : {}),
          variables: { AWS_ENDPOINT_URL: this.proxy.endpoint, ...scenario.variables },
          idToken,
        });
        const trace = exec.jobs.map((j) => `### job ${j.name}: ${j.status}\n${j.trace}`).join('\n');
        const counts = this.proxy.counts();
        runs.push({ status: exec.status, counts, trace });
        last = { status: exec.status, jobs: exec.jobs, trace, calls: [...this.proxy.calls], counts, runs };
        if (i < total - 1 && exec.status !== 'success') {
          return this.fail(started, `${label}: run ${i + 1} of ${total} failed before the run under test (fix the component or the scenario's setup)`, last, project.dir);
        }
      }
      const result = last!;
      if (result.status !== scenario.expect.status) {
        const failedJob = result.jobs.find((j) => j.status === 'failed');
        return this.fail(
          started,
          `${label}: expected the pipeline to ${scenario.expect.status === 'success' ? 'succeed' : 'fail'}, but it ${result.status === 'success' ? 'succeeded' : `failed${failedJob ? ` in job "${failedJob.name}"` : ''}`}; last trace lines:\n${tail(result.trace, 15)}`,
          result,
          project.dir,
        );
      }
      for (const want of scenario.expect.trace ?? []) {
        if (!matches(result.trace, want)) return this.fail(started, `${label}: the job trace does not contain ${String(want)}; last trace lines:\n${tail(result.trace, 15)}`, result, project.dir);
      }
      for (const unwanted of scenario.expect.notInTrace ?? []) {
        if (matches(result.trace, unwanted)) return this.fail(started, `${label}: the job trace contains ${String(unwanted)}, which it must not`, result, project.dir);
      }
      try {
        await scenario.verify?.(ctx, result);
      } catch (e) {
        return this.fail(started, `${label}: AWS state check failed: ${(e as Error).message}`, result, project.dir);
      }
      project.remove();
      return { passed: true, result, durationMs: Date.now() - started };
    } catch (e) {
      return this.fail(started, `${label}: ${(e as Error).message}`, last, project.dir);
    }
  }

  private fail(started: number, failure: string, result: ScenarioResult | undefined, projectDir: string): ScenarioOutcome {
    if (this.opts.keepFailedProjects === false) {
      rmSync(projectDir, { recursive: true, force: true });
      return { passed: false, failure, ...(result ? { result } : {}), durationMs: Date.now() - started };
    }
    return { passed: false, failure, ...(result ? { result } : {}), durationMs: Date.now() - started, projectDir };
  }
}

function unknownInputs(templatesDir: string, component: string, names: readonly string[]): { problem?: string } {
  const file = [join(templatesDir, component, 'template.yml'), join(templatesDir, `${component}.yml`)].find((f) => existsSync(f));
  if (!file) return { problem: `the component has no template in ${templatesDir} (fix: run \`npm run catalog -- build\`)` };
  let checked: ReturnType<typeof componentArguments>;
  try {
    checked = componentArguments(file, readFileSync(file, 'utf8'), Object.fromEntries(names.map((n) => [n, true])));
  } catch (e) {
    if (e instanceof ParseError) return { problem: `${file}: ${e.message} (fix: run \`npm run catalog -- build\`)` };
    throw e;
  }
  if (!checked.unknown.length) return {};
  const bad = checked.unknown.map((b) => `"${b}"`).join(', ');
  return { problem: `input(s) ${bad} not declared by the component, which GitLab would reject (fix: use one of ${checked.declared.join(', ')})` };
}

const matches = (text: string, want: string | RegExp) => (typeof want === 'string' ? text.includes(want) : want.test(text));
const tail = (text: string, n: number) =>
  text
    .trimEnd()
    .split('\n')
    .slice(-n)
    .map((l) => `    ${l}`)
    .join('\n');
