// A small HTTP proxy between the jobs and moto. It logs every AWS call (service, action,
// status) and applies fault rules that fail or rewrite chosen responses, so error handling
// and asynchronous control-plane behaviour are tested against the real emulator.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  accessDeniedError,
  awsError,
  identifyCall,
  throttleError,
  type AwsCall,
  type ProxyResponse,
} from './aws-call.js';
import { sendRequest } from './net.js';

export interface FaultRule {
  /** Shown in the request log when the rule fires. */
  readonly name: string;
  /** An AWS action name (`DescribeServices`, `PutObject`, `AssumeRoleWithWebIdentity`) or `*`. */
  readonly action: string;
  readonly service?: string;
  /** Let this many matching calls through untouched first. */
  readonly skip?: number;
  /** Then apply to this many matching calls (default: all the rest). */
  readonly times?: number;
  /** Answer instead of moto; return undefined to let the call through. `n` counts matching calls from 1. */
  readonly respond?: (call: AwsCall, n: number) => ProxyResponse | undefined | Promise<ProxyResponse | undefined>;
  /** `respond` answers with moto's own answer (obtained another way): rewrite rules still apply to it. */
  readonly passesThrough?: boolean;
  /** Rewrite moto's answer. */
  readonly rewrite?: (res: ProxyResponse, call: AwsCall, n: number) => ProxyResponse | Promise<ProxyResponse>;
}

export interface LoggedCall {
  readonly service: string;
  readonly action: string;
  readonly status: number;
  /** Name of the rule that answered or rewrote the call. */
  readonly fault?: string;
}

/** Temporary credentials STS handed to a job: what must never be printed or left on disk. */
export interface IssuedCredentials {
  /** The role they act as (the RoleArn of the STS call). */
  readonly roleArn: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

export interface FaultProxy {
  readonly endpoint: string;
  /** Replaces the rules and clears the log, the rules' counters and what was captured. */
  reset(rules?: readonly FaultRule[]): void;
  readonly calls: readonly LoggedCall[];
  /** Credentials STS returned to the jobs since the last reset. */
  readonly issued: readonly IssuedCredentials[];
  /** Every request since the last reset as text (method, URL, headers, body), for leak checks. */
  readonly requests: readonly string[];
  /** Calls per `service:Action`, for assertions and the benchmark. */
  counts(): Record<string, number>;
  /**
   * Runs `fn` (called from a rule, for its own request) once every other request in flight has
   * finished, holding new ones back until it is done.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  let rules: readonly FaultRule[] = [];
  let seen = new Map<FaultRule, number>();
  let calls: LoggedCall[] = [];
  let issued: IssuedCredentials[] = [];
  let requests: string[] = [];
  const target = new URL(upstream);
  let inflight = 0;
  let gate: Promise<void> | undefined;
  const enter = async () => {
    while (gate) await gate;
    inflight++;
  };

  const forward = (req: IncomingMessage, body: Buffer): Promise<ProxyResponse> => {
    // The Host header stays the client's: it is signed, and moto checks signatures when IAM is enforced.
    const headers = { ...req.headers };
    delete headers.expect;
    return sendRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    await enter();
    try {
      await answerCall(req, res);
    } finally {
      inflight--;
    }
  };

  const answerCall = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const call = identifyCall(req.method ?? 'GET', req.url ?? '/', req.headers, body);
    requests.push(
      `${req.method} ${req.url}\n${Object.entries(req.headers)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join('\n')}\n\n${body.toString('utf8')}`,
    );
    let answer: ProxyResponse | undefined;
    let fired: string | undefined;
    const active: Array<[FaultRule, number]> = [];
    for (const rule of rules) {
      if (rule.action !== '*' && rule.action !== call.action) continue;
      if (rule.service && rule.service !== call.service) continue;
      const n = (seen.get(rule) ?? 0) + 1;
      seen.set(rule, n);
      if (n <= (rule.skip ?? 0) || n > (rule.skip ?? 0) + (rule.times ?? Infinity)) continue;
      active.push([rule, n]);
    }
    try {
      let fromMoto = false;
      for (const [rule, n] of active) {
        if (!rule.respond || answer) continue;
        answer = await rule.respond(call, n);
        if (answer) {
          fired = rule.name;
          fromMoto = rule.passesThrough === true;
        }
      }
      if (!answer || fromMoto) {
        answer ??= await forward(req, body);
        for (const [rule, n] of active) {
          if (!rule.rewrite) continue;
          answer = await rule.rewrite(answer, call, n);
          fired = fired ? `${fired},${rule.name}` : rule.name;
        }
      }
    } catch (e) {
      answer = awsError(call, 500, 'InternalFailure', `fault proxy: ${(e as Error).message}`);
      fired = 'proxy-error';
    }
    calls.push({
      service: call.service,
      action: call.action,
      status: answer.status,
      ...(fired ? { fault: fired } : {}),
    });
    if (call.service === 'sts' && answer.status === 200) {
      const text = answer.body.toString('utf8');
      const tag = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(text)?.[1];
      const [accessKeyId, secretAccessKey, sessionToken] = [
        tag('AccessKeyId'),
        tag('SecretAccessKey'),
        tag('SessionToken'),
      ];
      const roleArn = call.params.get('RoleArn') ?? call.query.get('RoleArn') ?? '';
      if (accessKeyId && secretAccessKey && sessionToken)
        issued.push({ roleArn, accessKeyId, secretAccessKey, sessionToken });
    }
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    delete headers['content-length'];
    delete headers.connection;
    res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      res.writeHead(502);
      res.end(String(e));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    reset(next = []) {
      rules = next;
      seen = new Map();
      calls = [];
      issued = [];
      requests = [];
    },
    get calls() {
      return calls;
    },
    get issued() {
      return issued;
    },
    get requests() {
      return requests;
    },
    counts() {
      const out: Record<string, number> = {};
      for (const c of calls) out[`${c.service}:${c.action}`] = (out[`${c.service}:${c.action}`] ?? 0) + 1;
      return out;
    },
    async exclusive(fn) {
      inflight--; // the caller's own request does not wait for itself
      while (gate) await gate;
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      try {
        while (inflight > 0) await new Promise((r) => setTimeout(r, 5));
        return await fn();
      } finally {
        gate = undefined;
        inflight++;
        release();
      }
    },
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

interface Select {
  readonly service?: string;
  readonly skip?: number;
  readonly times?: number;
}

function jsonRewrite(res: ProxyResponse, edit: (doc: Record<string, unknown>) => void): ProxyResponse {
  if (res.status >= 300) return res;
  const doc = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
  edit(doc);
  return { ...res, body: Buffer.from(JSON.stringify(doc)) };
}

/** Ready-made rules. Each is plain data plus a function; write your own FaultRule for anything else. */
export const faults = {
  /** The service's own throttling error (ThrottlingException, Throttling, SlowDown) for matching calls. */
  throttle(action: string, sel: Select = {}): FaultRule {
    return { name: `throttle:${action}`, action, ...sel, respond: (call) => throttleError(call) };
  },
  accessDenied(action: string, sel: Select & { message?: string } = {}): FaultRule {
    const { message, ...rest } = sel;
    return { name: `access-denied:${action}`, action, ...rest, respond: (call) => accessDeniedError(call, message) };
  },
  error(action: string, status: number, code: string, message: string, sel: Select = {}): FaultRule {
    return {
      name: `error:${action}:${code}`,
      action,
      ...sel,
      respond: (call) => awsError(call, status, code, message),
    };
  },
  /** Edits a JSON-protocol answer from moto (ECS, ECR, Lambda...). */
  rewriteJson(action: string, edit: (doc: Record<string, unknown>, n: number) => void, sel: Select = {}): FaultRule {
    return {
      name: `rewrite:${action}`,
      action,
      ...sel,
      rewrite: (res, _call, n) => jsonRewrite(res, (d) => edit(d, n)),
    };
  },
  /**
   * ECR's registry host is `host` (a registry on loopback, `src/harness/registry.ts`): moto has no
   * registry endpoint, so its `repositoryUri` and `proxyEndpoint` (`<account>.dkr.ecr.<region>.amazonaws.com`)
   * are rewritten to name the local registry. Every other field is moto's.
   */
  ecrRegistryAt(host: string): FaultRule {
    return {
      name: `ecr-registry-at:${host}`,
      action: '*',
      service: 'ecr',
      rewrite: (res) =>
        res.status >= 300
          ? res
          : {
              ...res,
              body: Buffer.from(
                res.body.toString('utf8').replace(/[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/g, host),
              ),
            },
    };
  },
  /**
   * ECS rollouts as AWS's control plane shows them (moto runs no containers and leaves
   * `rolloutState` unset): the PRIMARY deployment reads IN_PROGRESS for the first `inProgressPolls`
   * DescribeServices calls, then `state`. COMPLETED also brings runningCount up to desiredCount.
   */
  ecsRollout(opts: { state: 'COMPLETED' | 'FAILED'; inProgressPolls?: number; reason?: string }): FaultRule {
    const polls = opts.inProgressPolls ?? 0;
    return faults.rewriteJson('DescribeServices', (doc, n) => {
      const done = n > polls;
      for (const svc of (doc.services as Array<Record<string, unknown>> | undefined) ?? []) {
        const deployments = (svc.deployments as Array<Record<string, unknown>> | undefined) ?? [];
        for (const d of deployments) {
          if (d.status !== 'PRIMARY') continue;
          d.rolloutState = done ? opts.state : 'IN_PROGRESS';
          d.rolloutStateReason = done
            ? (opts.reason ??
              (opts.state === 'FAILED'
                ? 'ECS deployment circuit breaker: tasks failed to start.'
                : 'ECS deployment completed.'))
            : 'ECS deployment in progress.';
          if (done && opts.state === 'COMPLETED') {
            d.runningCount = d.desiredCount;
            svc.runningCount = svc.desiredCount;
          }
          if (done && opts.state === 'FAILED') d.failedTasks = Math.max(1, Number(d.failedTasks ?? 0));
        }
      }
    });
  },
};

/**
 * Control-plane behaviour moto does not have, in the shapes AWS documents. A scenario that uses
 * one says "simulated" in its name: the states come from here, the resources from moto.
 */
export const simulated = {
  /**
   * A CodeDeploy deployment progressing (moto leaves every deployment `Created` and answers
   * ContinueDeployment and StopDeployment with HTTP 500): GetDeployment reports `states[n-1]` on
   * its n-th call, then the last state. ContinueDeployment switches to `afterContinue` and
   * StopDeployment to `afterStop` (each then read the same way); without them those calls are
   * refused as CodeDeploy refuses them for a deployment that is not waiting. A `Failed` or
   * `Stopped` state carries `errorInformation` and `rollbackInfo` as CodeDeploy fills them.
   * `onState` runs once per state, before the answer goes out, for the side effects CodeDeploy
   * would have (moving an alias, rerouting a listener).
   */
  codedeployDeployment(opts: {
    states: readonly string[];
    afterContinue?: readonly string[];
    afterStop?: readonly string[];
    error?: { code: string; message: string };
    rollbackMessage?: string;
    onState?: (state: string, deploymentId: string) => Promise<void>;
  }): FaultRule[] {
    const announced = new Set<string>();
    let states = opts.states;
    let reads = 0;
    let current = '';
    const json = (doc: unknown): ProxyResponse => ({
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: Buffer.from(JSON.stringify(doc)),
    });
    const switchTo = (call: AwsCall, next: readonly string[] | undefined, what: string): ProxyResponse => {
      if (!next || !['Ready', 'InProgress', 'Baking'].includes(current)) {
        return awsError(
          call,
          400,
          what === 'continue' ? 'DeploymentIsNotInReadyStateException' : 'DeploymentAlreadyCompletedException',
          `The deployment is ${current || 'unknown'}; it cannot be ${what === 'continue' ? 'continued' : 'stopped'}.`,
        );
      }
      states = next;
      reads = 0;
      return json(what === 'continue' ? {} : { status: 'Pending', statusMessage: 'Stopping the deployment.' });
    };
    return [
      {
        name: 'simulated:codedeploy-deployment',
        action: 'GetDeployment',
        rewrite: async (res) => {
          reads++;
          const state = states[Math.min(reads, states.length) - 1] ?? 'Created';
          current = state;
          let id = '';
          const out = jsonRewrite(res, (doc) => {
            const info = (doc.deploymentInfo ?? {}) as Record<string, unknown>;
            id = String(info.deploymentId ?? '');
            info.status = state;
            if (state === 'Failed' || state === 'Stopped') {
              if (opts.error) info.errorInformation = opts.error;
              if (opts.rollbackMessage) info.rollbackInfo = { rollbackMessage: opts.rollbackMessage };
            }
            if (state === 'Succeeded') info.completeTime = Date.now() / 1000;
            doc.deploymentInfo = info;
          });
          if (opts.onState && !announced.has(state)) {
            announced.add(state);
            await opts.onState(state, id);
          }
          return out;
        },
      },
      {
        name: 'simulated:codedeploy-continue',
        action: 'ContinueDeployment',
        respond: (call) => switchTo(call, opts.afterContinue, 'continue'),
      },
      {
        name: 'simulated:codedeploy-stop',
        action: 'StopDeployment',
        respond: (call) => switchTo(call, opts.afterStop, 'stop'),
      },
    ];
  },
  /**
   * ECS's native blue/green, linear and canary deployments (moto stores the strategy but runs
   * no deployment and has no service-deployment APIs). An UpdateService whose configuration's
   * strategy is BLUE_GREEN, LINEAR or CANARY starts a service deployment, named in
   * `currentServiceDeployment`. Each DescribeServiceDeployments moves it one lifecycle stage on,
   * except at a stage with a PAUSE hook, where the hook is AWAITING_ACTION until
   * ContinueServiceDeployment (CONTINUE or ROLLBACK). `rollbackAt` makes ECS roll it back at that
   * stage by itself (an alarm, a failed Lambda hook), with `reason`. A rollback shows
   * ROLLBACK_IN_PROGRESS once, then ROLLBACK_SUCCESSFUL. `onState` runs on each new status, for
   * the side effects ECS would have (pointing the service back at the old revision).
   */
  ecsServiceDeployments(
    opts: {
      rollbackAt?: string;
      reason?: string;
      onState?: (status: string, d: { serviceArn: string; source: string; target: string }) => Promise<void>;
    } = {},
  ): FaultRule[] {
    const STAGES = [
      'PRE_SCALE_UP',
      'SCALE_UP',
      'POST_SCALE_UP',
      'TEST_TRAFFIC_SHIFT',
      'POST_TEST_TRAFFIC_SHIFT',
      'PRODUCTION_TRAFFIC_SHIFT',
      'POST_PRODUCTION_TRAFFIC_SHIFT',
      'BAKE_TIME',
      'CLEAN_UP',
    ];
    interface Sim {
      arn: string;
      serviceArn: string;
      clusterArn: string;
      source: string;
      target: string;
      config: Record<string, unknown>;
      stage: number;
      status: string;
      reason?: string;
      pauses: Map<string, { hookId: string; status: string }>;
      announced: string;
    }
    const running = new Map<string, Sim>();
    const lastTaskDefinition = new Map<string, string>();
    const json = (doc: unknown): ProxyResponse => ({
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: Buffer.from(JSON.stringify(doc)),
    });
    const body = (call: AwsCall) => JSON.parse(call.body.toString('utf8') || '{}') as Record<string, unknown>;
    const announce = async (sim: Sim) => {
      if (sim.announced === sim.status) return;
      sim.announced = sim.status;
      await opts.onState?.(sim.status, { serviceArn: sim.serviceArn, source: sim.source, target: sim.target });
    };
    const view = (sim: Sim) => ({
      serviceDeploymentArn: sim.arn,
      serviceArn: sim.serviceArn,
      clusterArn: sim.clusterArn,
      status: sim.status,
      ...(sim.reason ? { statusReason: sim.reason } : {}),
      lifecycleStage: STAGES[Math.min(sim.stage, STAGES.length - 1)],
      lifecycleHookDetails: [...sim.pauses.values()].map((p) => ({
        hookId: p.hookId,
        targetType: 'PAUSE',
        status: p.status,
        timeoutAction: 'ROLLBACK',
      })),
      sourceServiceRevisions: [{ arn: sim.source }],
      targetServiceRevision: { arn: sim.target },
      deploymentConfiguration: sim.config,
      ...(sim.status.startsWith('ROLLBACK')
        ? { rollback: { reason: sim.reason ?? 'Rollback requested', serviceRevisionArn: sim.source } }
        : {}),
    });
    const advance = (sim: Sim) => {
      if (sim.status === 'ROLLBACK_IN_PROGRESS') {
        sim.status = 'ROLLBACK_SUCCESSFUL';
        return;
      }
      if (sim.status !== 'IN_PROGRESS') return;
      const stage = STAGES[sim.stage]!;
      const pause = sim.pauses.get(stage);
      if (pause && pause.status !== 'SUCCEEDED') {
        pause.status = 'AWAITING_ACTION';
        return;
      }
      if (opts.rollbackAt === stage) {
        sim.status = 'ROLLBACK_IN_PROGRESS';
        sim.reason = opts.reason ?? 'Service deployment rolled back.';
        return;
      }
      if (sim.stage === STAGES.length - 1) sim.status = 'SUCCESSFUL';
      else sim.stage++;
    };
    return [
      {
        name: 'simulated:ecs-service-deployments:describe-services',
        action: 'DescribeServices',
        service: 'ecs',
        rewrite: (res) =>
          jsonRewrite(res, (doc) => {
            for (const svc of (doc.services as Array<Record<string, unknown>> | undefined) ?? []) {
              lastTaskDefinition.set(String(svc.serviceArn), String(svc.taskDefinition));
              const sim = running.get(String(svc.serviceArn));
              if (sim) svc.currentServiceDeployment = sim.arn;
            }
          }),
      },
      {
        name: 'simulated:ecs-service-deployments:update-service',
        action: 'UpdateService',
        service: 'ecs',
        rewrite: (res, call) =>
          jsonRewrite(res, (doc) => {
            const svc = doc.service as Record<string, unknown>;
            const config = (body(call).deploymentConfiguration ?? svc.deploymentConfiguration ?? {}) as Record<
              string,
              unknown
            >;
            if (!['BLUE_GREEN', 'LINEAR', 'CANARY'].includes(String(config.strategy))) return;
            const serviceArn = String(svc.serviceArn);
            const pauses = new Map<string, { hookId: string; status: string }>();
            for (const h of (config.lifecycleHooks as Array<Record<string, unknown>> | undefined) ?? []) {
              if (h.targetType !== 'PAUSE') continue;
              for (const stage of (h.lifecycleStages as string[] | undefined) ?? [])
                pauses.set(stage, { hookId: `ecs-pause-${randomUUID().replace(/-/g, '')}`, status: 'PENDING' });
            }
            const sim: Sim = {
              arn:
                `${serviceArn.replace(':service/', ':service-deployment/')}/` +
                randomUUID().replace(/-/g, '').slice(0, 21),
              serviceArn,
              clusterArn: String(svc.clusterArn),
              source: lastTaskDefinition.get(serviceArn) ?? '',
              target: String(svc.taskDefinition),
              config,
              stage: 0,
              status: 'IN_PROGRESS',
              pauses,
              announced: '',
            };
            running.set(serviceArn, sim);
            svc.currentServiceDeployment = sim.arn;
          }),
      },
      {
        name: 'simulated:ecs-service-deployments:describe',
        action: 'DescribeServiceDeployments',
        service: 'ecs',
        respond: async (call) => {
          const arns = (body(call).serviceDeploymentArns as string[] | undefined) ?? [];
          const found = [...running.values()].filter((s) => arns.includes(s.arn));
          for (const sim of found) {
            advance(sim);
            await announce(sim);
          }
          const failures = arns
            .filter((a) => !found.some((s) => s.arn === a))
            .map((arn) => ({ arn, reason: 'MISSING' }));
          return json({ serviceDeployments: found.map(view), failures });
        },
      },
      {
        name: 'simulated:ecs-service-deployments:continue',
        action: 'ContinueServiceDeployment',
        service: 'ecs',
        respond: async (call) => {
          const req = body(call);
          const sim = [...running.values()].find((s) => s.arn === req.serviceDeploymentArn);
          const pause = sim && [...sim.pauses.values()].find((p) => p.hookId === req.hookId);
          if (!sim || !pause || pause.status !== 'AWAITING_ACTION' || sim.status !== 'IN_PROGRESS') {
            return awsError(
              call,
              400,
              'InvalidParameterException',
              'The service deployment is not paused at the specified lifecycle hook.',
            );
          }
          pause.status = 'SUCCEEDED';
          if ((req.action ?? 'CONTINUE') === 'ROLLBACK') {
            sim.status = 'ROLLBACK_IN_PROGRESS';
            sim.reason = 'Rollback requested through ContinueServiceDeployment.';
          }
          await announce(sim);
          return json({ serviceDeploymentArn: sim.arn });
        },
      },
    ];
  },
  /**
   * Lambda's answer when the function's code throws (moto's simple backend never fails):
   * `X-Amz-Function-Error: Unhandled` and the error document as the payload, for Invoke calls.
   */
  lambdaFunctionError(error: { errorMessage: string; errorType: string }, sel: Select = {}): FaultRule {
    return {
      name: 'simulated:lambda-function-error',
      action: '*',
      service: 'lambda',
      ...sel,
      rewrite: (res, call) => {
        if (!/\/functions\/[^/]+\/invocations$/.test(call.path) || res.status >= 300) return res;
        return {
          ...res,
          headers: { ...res.headers, 'x-amz-function-error': 'Unhandled' },
          body: Buffer.from(JSON.stringify({ ...error, stackTrace: [] }, null, 0).replace(/":/g, '": ')),
        };
      },
    };
  },
};
