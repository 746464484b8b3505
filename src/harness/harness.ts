// Runs one scenario: reset the emulator, seed it, build the consumer project, run the jobs
// through the chosen executor with minted id tokens, then check the outcome and AWS state.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { componentArguments } from '../gitlab/component.js';
import { eventVariables } from '../gitlab/pipeline-event.js';
import { awsClients, ACCOUNT_ID, createHarnessAdmin, createOidcRole, putRolePolicy, REGION } from './aws-fixtures.js';
import type { Executor, JobInfo } from './executors/executor.js';
import { GitlabCiLocalExecutor } from './executors/gitlab-ci-local.js';
import { startFaultProxy, type FaultProxy, type FaultRule, type IssuedCredentials } from './fault-proxy.js';
import { accountTrustRule, heldToIam, motoSignatureGapRule } from './iam-gaps.js';
import { componentPolicy, fillPolicy, forMoto, rolePolicies, roleTrust, type PolicyDocument } from './iam-policy.js';
import { forwardAsIs } from './signed-forward.js';
import { findLeftCredentials, secretsIn, type Secret } from './leftovers.js';
import { storedSecrets } from './stored-secrets.js';
import { TokenIssuer } from './id-token.js';
import { startMoto, type MotoServer } from './moto.js';
import { createProject } from './project.js';
import type { Scenario, ScenarioContext, ScenarioResult } from './scenario.js';
import { REPO_ROOT } from './tools.js';
import { webIdentityTrustRule } from './trust-policy.js';

export interface HarnessOptions {
  /** The catalog's generated templates; default `<repo>/templates`. */
  readonly templatesDir: string;
  readonly executor?: Executor;
  /** Keep a failed scenario's consumer project for re-running by hand (default true). */
  readonly keepFailedProjects?: boolean;
  /** Where components/<name>/component.ts and policy.json are; default the checkout's components/. */
  readonly componentsDir?: string;
}

export interface RunOptions {
  /** The policy the scenario's roles get instead of the component's policy.json (to prove a missing action fails). */
  readonly policy?: PolicyDocument;
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

  async run(component: string, scenario: Scenario, options: RunOptions = {}): Promise<ScenarioOutcome> {
    const started = Date.now();
    const label = `scenario "${scenario.name}" of component "${component}"`;
    await this.moto.reset();
    this.proxy.reset();
    const who = this.executor.identity;
    const issuer = who?.issuer ?? this.issuer.issuer;
    const projectPath = who?.projectPath ?? 'acme/platform/site';
    const branch = who?.ref ?? 'main';
    // A whole pipeline runs for an event (a push, a tag, a merge request), which sets the token's ref.
    const event = scenario.pipeline
      ? eventVariables(scenario.pipeline.event ?? { kind: 'push', branch }, { defaultBranch: branch })
      : undefined;
    if (scenario.pipeline && !this.executor.runsWholePipelines) {
      return {
        passed: false,
        failure:
          `${label}: the ${this.executor.name} executor cannot run a whole pipeline (fix: use --executor ` +
          `gitlab-ci-local)`,
        durationMs: Date.now() - started,
      };
    }
    const ref = scenario.token?.ref ?? event?.ref ?? branch;
    // Seeding and checking talk to moto as an unchecked administrator; only the jobs are held to IAM.
    await this.moto.enforceIam(false);
    const aws = awsClients(this.moto.endpoint);
    const roles: string[] = [];
    let jobsRunning = false;
    const ctx: ScenarioContext = {
      scenario: scenario.name,
      component,
      region: REGION,
      accountId: ACCOUNT_ID,
      aws,
      issuer,
      projectPath,
      ref: branch,
      oidcRole: async (o) => {
        const arn = await createOidcRole(aws.iam, { issuer, projectPath, ref: branch }, o);
        if (!o?.policy) roles.push(arn.split('/').pop()!);
        return arn;
      },
      meanwhile: (fn) => (jobsRunning ? this.unenforced(fn) : fn()),
    };
    let seeded: Record<string, unknown> = {};
    // What the scenario stored in Secrets Manager and Parameter Store: no job may print it or leave it behind.
    let stored: Secret[];
    try {
      seeded = { ...((await scenario.setup?.(ctx)) ?? {}) };
      stored = await storedSecrets(aws);
    } catch (e) {
      return {
        passed: false,
        failure: `${label}: setup failed: ${(e as Error).message}`,
        durationMs: Date.now() - started,
      };
    }
    // gitlab-ci-local accepts inputs a component does not declare; GitLab rejects them.
    const unknown = unknownInputs(this.opts.templatesDir, component, Object.keys({ ...scenario.inputs, ...seeded }));
    if (unknown.problem)
      return { passed: false, failure: `${label}: ${unknown.problem}`, durationMs: Date.now() - started };
    let project: ReturnType<typeof createProject>;
    let faults: readonly FaultRule[];
    try {
      project = createProject({
        templatesDir: this.opts.templatesDir,
        component,
        inputs: { ...scenario.inputs, ...seeded },
        files: scenario.files ?? {},
        ...(scenario.ci ? { ci: scenario.ci } : {}),
        ...(scenario.include ? { include: scenario.include } : {}),
        group: projectPath.split('/').slice(0, -1).join('/') || 'acme',
        project: projectPath.split('/').pop() ?? 'site',
        ref: branch,
      });
      faults = typeof scenario.faults === 'function' ? scenario.faults(ctx) : (scenario.faults ?? []);
    } catch (e) {
      return {
        passed: false,
        failure: `${label}: could not prepare the consumer project: ${(e as Error).message}`,
        durationMs: Date.now() - started,
      };
    }
    let admin: Awaited<ReturnType<typeof createHarnessAdmin>>;
    try {
      const inputs = { ...scenario.inputs, ...seeded };
      const own = await componentPolicy(this.opts.componentsDir ?? join(REPO_ROOT, 'components'), component);
      const policy = options.policy ? { ...own, document: options.policy } : own;
      if (policy.document) {
        const region =
          typeof inputs.region === 'string' && /^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(inputs.region)
            ? inputs.region
            : REGION;
        const scoped = forMoto(
          fillPolicy(policy.document, { accountId: ACCOUNT_ID, region, inputs, examples: policy.examples ?? {} }),
        );
        for (const role of roles) await putRolePolicy(aws.iam, role, scoped);
      }
      admin = await createHarnessAdmin(aws.iam);
    } catch (e) {
      project.remove();
      return {
        passed: false,
        failure: `${label}: could not give the role the component's IAM policy: ${(e as Error).message}`,
        durationMs: Date.now() - started,
      };
    }
    const issued: IssuedCredentials[] = [];
    const adminIam = awsClients(this.moto.endpoint, REGION, admin).iam;
    // The scenario's faults first: a throttled AssumeRoleWithWebIdentity never reaches the trust check.
    const iam = {
      issued: () => [...issued, ...this.proxy.issued],
      policiesOf: (role: string) => rolePolicies(adminIam, role),
    };
    const rules = [
      ...faults.map((f) => heldToIam(f, iam)),
      webIdentityTrustRule({
        motoEndpoint: this.moto.endpoint,
        accountId: ACCOUNT_ID,
        jwks: { [this.issuer.issuer]: this.issuer.jwks() },
        credentials: admin,
      }),
      accountTrustRule({
        accountId: ACCOUNT_ID,
        ...iam,
        trustOf: (role) => roleTrust(adminIam, role),
        unenforced: (call) => this.unenforced(() => forwardAsIs(call, this.moto.endpoint)),
      }),
      motoSignatureGapRule({
        ...iam,
        unenforced: (call) => this.unenforced(() => forwardAsIs(call, this.moto.endpoint)),
      }),
    ];
    const pipelineId = ++pipelineSeq;
    const tokens: Secret[] = [];
    const places = new Map<string, { home: string; tmp: string }>();
    let runNo = 0;
    const jobDirs = (job: JobInfo) => {
      // Outside anything the job is given otherwise, kept with the project when the scenario fails.
      const base = join(project.dir, '.gitlab-ci-local', 'job-dirs', `run${runNo}-${job.index}`);
      const dirs = { home: join(base, 'home'), tmp: join(base, 'tmp') };
      mkdirSync(dirs.home, { recursive: true });
      mkdirSync(dirs.tmp, { recursive: true });
      places.set(`${job.name} (run ${runNo})`, dirs);
      return dirs;
    };
    const idToken = async (job: JobInfo, aud: string | readonly string[]) => {
      const token = await this.issuer.mint({
        aud: Array.isArray(aud) ? [...aud] : (aud as string),
        projectPath,
        ref,
        ...(event ? { refType: event.refType, refProtected: event.refProtected } : {}),
        pipelineId,
        jobId: pipelineId * 100 + job.index,
        sha: project.sha,
        ...(job.environment ? { environment: job.environment } : {}),
        ...(scenario.token?.ttlSeconds !== undefined ? { ttlSeconds: scenario.token.ttlSeconds } : {}),
        ...(scenario.token?.override ? { override: scenario.token.override } : {}),
      });
      tokens.push({ label: `the ID token minted for job "${job.name}"`, value: token });
      return token;
    };
    const runs: Array<ScenarioResult['runs'][number]> = [];
    let last: ScenarioResult | undefined;
    // Leaked credentials fail the scenario whatever else happened, and are reported with it.
    const leaks: string[] = [];
    const fail = (failure: string, result: ScenarioResult | undefined) =>
      this.fail(
        started,
        [failure, ...leaks.map((l) => `${label}: ${l}`)].filter(Boolean).join('\n'),
        result,
        project.dir,
      );
    try {
      const total = scenario.runs ?? 1;
      for (let i = 0; i < total; i++) {
        runNo = i + 1;
        this.proxy.reset(rules);
        let exec: Awaited<ReturnType<Executor['run']>>;
        await this.moto.enforceIam(true);
        jobsRunning = true;
        try {
          exec = await this.executor.run({
            project,
            ...(scenario.jobs ? { jobs: scenario.jobs } : {}),
            ...(event && scenario.pipeline
              ? {
                  pipeline: {
                    event,
                    start: scenario.pipeline.start ?? [],
                    afterStage: async (stage, jobs) =>
                      this.checkBetween(`stage "${stage}"`, () => scenario.pipeline?.afterStage?.[stage]?.(ctx, jobs)),
                    afterJob: async (job) =>
                      this.checkBetween(`job "${job.name}"`, () => scenario.pipeline?.afterJob?.[job.name]?.(ctx, job)),
                  },
                }
              : {}),
            // Every AWS SDK goes through the proxy: the global endpoint, and the per-service ones that
            // OpenTofu's S3 backend reads instead (its web identity exchange ignores the global one).
            variables: {
              AWS_ENDPOINT_URL: this.proxy.endpoint,
              AWS_ENDPOINT_URL_STS: this.proxy.endpoint,
              AWS_ENDPOINT_URL_S3: this.proxy.endpoint,
              AWS_ENDPOINT_URL_DYNAMODB: this.proxy.endpoint,
              ...scenario.variables,
            },
            idToken,
            jobDirs,
          });
        } finally {
          jobsRunning = false;
          await this.moto.enforceIam(false);
        }
        issued.push(...this.proxy.issued);
        const secrets = [...tokens, ...sessionSecrets(issued), ...stored];
        // Session keys are not masked by GitLab: a job that prints them has leaked them.
        const jobs = exec.jobs.map((j) => ({ ...j, trace: maskAll(j.trace, secrets) }));
        const trace = jobs.map((j) => `### job ${j.name}: ${j.status}\n${j.trace}`).join('\n');
        const counts = this.proxy.counts();
        runs.push({ status: exec.status, counts, trace });
        last = {
          status: exec.status,
          jobs,
          trace,
          calls: [...this.proxy.calls],
          counts,
          runs,
          requests: [...this.proxy.requests],
          projectDir: project.dir,
        };
        const printed = exec.jobs.flatMap((j) => [
          ...(j.maskedTokens ? [`job "${j.name}" printed its ID token`] : []),
          ...secretsIn(j.trace, sessionSecrets(issued)).map((what) => `job "${j.name}" printed ${what}`),
        ]);
        if (printed.length) {
          leaks.push(
            `credentials in the job trace (anyone who can read the job log can use them): ${printed.join('; ')} ` +
              `(fix: never print credentials; do not turn on the AWS CLI's --debug)`,
          );
        }
        const revealed = exec.jobs.flatMap((j) =>
          secretsIn(j.trace, stored).map((what) => `job "${j.name}" printed ${what}`),
        );
        if (revealed.length) {
          leaks.push(
            `secret values in the job trace (GitLab cannot mask a value fetched while the job runs, so anyone ` +
              `who can read the log sees it): ${revealed.join('; ')} (fix: never echo a secret or run its ` +
              `command under set -x)`,
          );
        }
        const left = findLeftCredentials(
          [
            ...[...places].flatMap(([job, d]) => [
              { label: `job ${job}, its HOME`, dir: d.home },
              { label: `job ${job}, its TMPDIR`, dir: d.tmp },
            ]),
            {
              label: 'the project directory',
              dir: project.dir,
              skip: ['.git', '.gitlab-ci-local/job-dirs', '.gitlab-ci-local/output'],
            },
          ],
          secrets,
        );
        if (left.length) {
          leaks.push(
            `credentials left behind after the job ended (the next job on a shell runner can read them):\n    ` +
              `${left.join('\n    ')}\n  (fix: keep token files and the AWS CLI cache in a job-private directory ` +
              `and remove it on exit)`,
          );
        }
        if (i < total - 1 && exec.status === 'failed') {
          return fail(
            `${label}: run ${i + 1} of ${total} failed before the run under test (fix the component or the ` +
              `scenario's setup)`,
            last,
          );
        }
      }
      const result = last!;
      if (scenario.expect.status !== 'any' && result.status !== scenario.expect.status) {
        const failedJob = result.jobs.find((j) => j.status === 'failed');
        const expected = { success: 'succeed', failed: 'fail', blocked: 'wait at a manual job' }[
          scenario.expect.status
        ];
        const got =
          result.status === 'success'
            ? 'succeeded'
            : result.status === 'blocked'
              ? 'is waiting at a manual job'
              : `failed${failedJob ? ` in job "${failedJob.name}"` : ''}`;
        return fail(
          `${label}: expected the pipeline to ${expected}, but it ${got}; last trace lines:\n${tail(result.trace, 15)}`,
          result,
        );
      }
      for (const [job, want] of Object.entries(scenario.expect.jobs ?? {})) {
        const got = result.jobs.find((j) => j.name === job)?.status ?? 'absent';
        if (got !== want) {
          const all = result.jobs.map((j) => `${j.name}: ${j.status}`).join(', ');
          return fail(
            `${label}: expected job "${job}" to be ${want}, but it is ${got} (the pipeline's jobs: ` +
              `${all || 'none'}); last trace lines:\n${tail(result.trace, 15)}`,
            result,
          );
        }
      }
      for (const want of scenario.expect.trace ?? []) {
        if (!matches(result.trace, want))
          return fail(
            `${label}: the job trace does not contain ${String(want)}; last trace lines:\n${tail(result.trace, 15)}`,
            result,
          );
      }
      for (const unwanted of scenario.expect.notInTrace ?? []) {
        if (matches(result.trace, unwanted))
          return fail(`${label}: the job trace contains ${String(unwanted)}, which it must not`, result);
      }
      try {
        await scenario.verify?.(ctx, result);
      } catch (e) {
        return fail(`${label}: AWS state check failed: ${(e as Error).message}`, result);
      }
      const found = (await scenario.inspect?.(ctx, result)) ?? [];
      if (found.length) return fail(`${label}:\n    ${found.join('\n    ')}`, result);
      if (leaks.length) return fail('', result);
      project.remove();
      return { passed: true, result, durationMs: Date.now() - started };
    } catch (e) {
      return fail(`${label}: ${(e as Error).message}`, last);
    }
  }

  /** AWS state checks between jobs read AWS as an administrator, like verify; the next jobs are held to IAM again. */
  private async checkBetween(after: string, check: () => Promise<void> | void | undefined): Promise<void> {
    await this.moto.enforceIam(false);
    try {
      await check();
    } catch (e) {
      throw new Error(`AWS state check after ${after} failed: ${(e as Error).message}`);
    } finally {
      await this.moto.enforceIam(true);
    }
  }

  /**
   * Runs `fn` (from a fault rule, for its own request) with IAM enforcement paused and every other
   * request held back.
   */
  private unenforced<T>(fn: () => Promise<T>): Promise<T> {
    return this.proxy.exclusive(async () => {
      await this.moto.enforceIam(false);
      try {
        return await fn();
      } finally {
        await this.moto.enforceIam(true);
      }
    });
  }

  private fail(
    started: number,
    failure: string,
    result: ScenarioResult | undefined,
    projectDir: string,
  ): ScenarioOutcome {
    if (this.opts.keepFailedProjects === false) {
      rmSync(projectDir, { recursive: true, force: true });
      return { passed: false, failure, ...(result ? { result } : {}), durationMs: Date.now() - started };
    }
    return { passed: false, failure, ...(result ? { result } : {}), durationMs: Date.now() - started, projectDir };
  }
}

function unknownInputs(templatesDir: string, component: string, names: readonly string[]): { problem?: string } {
  const file = [join(templatesDir, component, 'template.yml'), join(templatesDir, `${component}.yml`)].find((f) =>
    existsSync(f),
  );
  if (!file)
    return { problem: `the component has no template in ${templatesDir} (fix: run \`npm run catalog -- build\`)` };
  const outcome = componentArguments(file, readFileSync(file, 'utf8'), Object.fromEntries(names.map((n) => [n, true])));
  if (!outcome.ok)
    return { problem: `${file}: ${outcome.problems[0]!.message} (fix: run \`npm run catalog -- build\`)` };
  const checked = outcome.value;
  if (!checked.unknown.length) return {};
  const bad = checked.unknown.map((b) => `"${b}"`).join(', ');
  return {
    problem:
      `input(s) ${bad} not declared by the component, which GitLab would reject (fix: use one of ` +
      `${checked.declared.join(', ')})`,
  };
}

const sessionSecrets = (issued: readonly IssuedCredentials[]): Secret[] =>
  issued.flatMap((c) => [
    { label: "the session's access key id", value: c.accessKeyId },
    { label: "the session's secret access key", value: c.secretAccessKey },
    { label: "the session's token", value: c.sessionToken },
  ]);
const maskAll = (text: string, secrets: readonly Secret[]) =>
  secrets.reduce((t, s) => (s.value.length >= 8 ? t.split(s.value).join('[MASKED]') : t), text);
const matches = (text: string, want: string | RegExp) =>
  typeof want === 'string' ? text.includes(want) : want.test(text);
const tail = (text: string, n: number) =>
  text
    .trimEnd()
    .split('\n')
    .slice(-n)
    .map((l) => `    ${l}`)
    .join('\n');
