// A scenario: the inputs a consumer passes to one component, the AWS state to create first,
// the faults to inject, the job result to expect and the AWS state to check afterwards.
// Scenarios live beside their component in components/<name>/scenarios.ts.
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import type { PipelineEvent } from '../gitlab/pipeline-event.js';
import type { JobStatus, PipelineStatus } from '../gitlab/pipeline-run.js';
import type { FaultRule, LoggedCall } from './fault-proxy.js';
import type { JobResult } from './executors/executor.js';

export interface AwsClients {
  readonly s3: S3Client;
  readonly sts: STSClient;
  readonly iam: IAMClient;
  readonly cloudfront: CloudFrontClient;
  readonly ecs: ECSClient;
  /** Any other SDK v3 client, configured for the emulator: `ctx.client(ECRClient)`. */
  client<C>(ctor: new (config: ClientConfig) => C): C;
}

export interface ClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
}

export interface OidcRoleOptions {
  /** Role name; default `gitlab-deploy`. */
  readonly name?: string;
  /** Trust-policy `sub` value; default this project's branch. `*` makes it a StringLike condition. */
  readonly sub?: string;
  /** Trust-policy `aud` value; default `https://gitlab.com`, the component's default audience. */
  readonly aud?: string;
  /**
   * Identity policy attached inline. Default: the component's policy.json, its resources scoped
   * to the scenario's inputs (moto enforces it while the jobs run; see the harness README).
   */
  readonly policy?: object;
}

export interface ScenarioContext {
  readonly scenario: string;
  readonly component: string;
  readonly region: string;
  readonly accountId: string;
  /** SDK clients talking to the emulator directly: seeding and checking are not faulted or logged. */
  readonly aws: AwsClients;
  /** The id token issuer (`https://gitlab.example.com`); its host prefixes trust-policy keys. */
  readonly issuer: string;
  /** `<group>/<project>` of the consumer project, and the branch the pipeline runs on. */
  readonly projectPath: string;
  readonly ref: string;
  /** Creates GitLab's OIDC identity provider (once) and a role that trusts this project. Returns the role ARN. */
  oidcRole(opts?: OidcRoleOptions): Promise<string>;
  /**
   * Runs `fn`, which changes or reads the emulator through `aws` while a job runs (an alarm going
   * off, another deploy moving an alias), from inside a fault rule: moto's IAM enforcement is
   * paused and every other request held back until it returns, so `aws` acts as the unchecked
   * administrator it is during `setup` and `verify`. Outside a job run it just runs `fn`.
   */
  meanwhile<T>(fn: () => Promise<T>): Promise<T>;
}

export interface ScenarioResult {
  readonly status: PipelineStatus;
  readonly jobs: readonly JobResult[];
  /** Every job's trace, tokens masked. */
  readonly trace: string;
  /** AWS calls the jobs made in the last run, and per `service:Action`. */
  readonly calls: readonly LoggedCall[];
  readonly counts: Readonly<Record<string, number>>;
  /** One entry per pipeline run when `runs` > 1 (e.g. a re-deploy). */
  readonly runs: readonly { status: PipelineStatus; counts: Readonly<Record<string, number>>; trace: string }[];
  /** Every AWS request of the last run as text (method, URL, headers, body). */
  readonly requests: readonly string[];
  /** The consumer project the jobs ran in (removed after the scenario passes). */
  readonly projectDir: string;
}

export interface Scenario {
  readonly name: string;
  /** Inputs for `include: component:`; values returned by `setup` are merged over them. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** Creates the AWS state the jobs start from; may return inputs that depend on it (ARNs, ids). */
  readonly setup?: (ctx: ScenarioContext) => Promise<Readonly<Record<string, unknown>> | undefined>;
  /**
   * More of the consumer's `.gitlab-ci.yml` after the include (YAML text): stages, jobs of its own
   * (`extends:` a component's hidden job, a build job), keys merged into the component's jobs.
   */
  readonly ci?: string;
  /**
   * Other components of the catalog the consumer includes after this one, at the same commit, with
   * their inputs (a deploy that takes this component's dotenv report). Their jobs' roles are the
   * scenario's to create: the harness gives its policy only to roles of the component under test.
   */
  readonly include?: readonly { readonly component: string; readonly inputs?: Readonly<Record<string, unknown>> }[];
  /** Files committed to the consumer project besides `.gitlab-ci.yml` and `templates/` (a site to sync...). */
  readonly files?: Readonly<Record<string, string>>;
  /** Faults for this scenario; the trust-policy check on AssumeRoleWithWebIdentity is always on. */
  readonly faults?: readonly FaultRule[] | ((ctx: ScenarioContext) => readonly FaultRule[]);
  /** Jobs to run, in order; default every visible job, by stage. */
  readonly jobs?: readonly string[];
  /**
   * Run the pipeline GitLab would create for an event, instead of every visible job: rules
   * evaluated with the event's variables, stage after stage, artifacts and dotenv reports passed
   * on, manual jobs run only when `start` names them, AWS state checked after each stage.
   */
  readonly pipeline?: PipelineScenario;
  /** Claims to change in the minted id tokens (a different project, an expired token...). */
  readonly token?: {
    readonly ref?: string;
    readonly ttlSeconds?: number;
    readonly override?: Readonly<Record<string, unknown>>;
  };
  /** Run the pipeline this many times against the same AWS state (a re-deploy); default 1. */
  readonly runs?: number;
  /** Extra variables for the jobs (e.g. `AWS_MAX_ATTEMPTS`). */
  readonly variables?: Readonly<Record<string, string>>;
  /** The last run's outcome; earlier runs must succeed. */
  readonly expect: {
    /**
     * `any`: the outcome is not the point (the security property checks what happened instead).
     * `blocked`: a whole pipeline waits at a manual job that may not fail (a production gate).
     */
    readonly status: PipelineStatus | 'any';
    /**
     * For a whole pipeline: each named job's status (`success`, `failed`, `skipped`, `manual`, `created`, or `absent`:
     * not in this pipeline).
     */
    readonly jobs?: Readonly<Record<string, JobStatus | 'absent'>>;
    /** Text the trace must contain: the message a user would read. */
    readonly trace?: readonly (string | RegExp)[];
    readonly notInTrace?: readonly (string | RegExp)[];
  };
  /** Checks AWS state after the run; throw (node:assert) to fail. */
  readonly verify?: (ctx: ScenarioContext, result: ScenarioResult) => Promise<void> | void;
  /** Looks at what the jobs did (files, traces, requests); each line returned is a failure. */
  readonly inspect?: (ctx: ScenarioContext, result: ScenarioResult) => Promise<readonly string[]> | readonly string[];
}

export interface PipelineScenario {
  /** What starts the pipeline; default a push to the default branch (`main`). */
  readonly event?: PipelineEvent;
  /** Manual jobs someone starts when the pipeline reaches them (a production gate, a stop job). */
  readonly start?: readonly string[];
  /** AWS state checks after a stage ran (seeding-free: the emulator's IAM is not enforced for them). */
  readonly afterStage?: Readonly<
    Record<string, (ctx: ScenarioContext, jobs: readonly JobResult[]) => Promise<void> | void>
  >;
  /** The same after one job (a deploy and its stop job in one stage). */
  readonly afterJob?: Readonly<Record<string, (ctx: ScenarioContext, job: JobResult) => Promise<void> | void>>;
}

export interface ComponentScenarios {
  readonly component: string;
  readonly scenarios: readonly Scenario[];
  readonly security?: SecurityBaseline;
}

/** How the security property's runs differ from their baseline, the first scenario that succeeds in one run. */
export interface SecurityBaseline {
  /**
   * Inputs over the baseline's, only to make the runs cheaper where that hides nothing a hostile
   * value could do: retries of a request the emulator refuses the same way every time (ecs-deploy),
   * a timeout waited out after the value reached all it can. Say why in a comment beside them.
   */
  readonly inputs?: Readonly<Record<string, unknown>>;
}

export function defineScenarios(
  component: string,
  scenarios: readonly Scenario[],
  options: { readonly security?: SecurityBaseline } = {},
): ComponentScenarios {
  const seen = new Set<string>();
  for (const s of scenarios) {
    if (seen.has(s.name))
      throw new Error(
        `components/${component}/scenarios.ts: two scenarios are named "${s.name}" (fix: give each a unique name)`,
      );
    seen.add(s.name);
  }
  return { component, scenarios, ...(options.security ? { security: options.security } : {}) };
}

/** `<component> › <scenario>`: how reports, junit and trace folders name a scenario. */
export const scenarioId = (component: string, scenario: string) => `${component} › ${scenario}`;
