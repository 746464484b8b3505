// A small HTTP proxy between the jobs and moto. It logs every AWS call (service, action,
// status) and applies fault rules that fail or rewrite chosen responses, so error handling
// and asynchronous control-plane behaviour are tested against the real emulator.
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
