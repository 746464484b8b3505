// A stand-in for GitLab's Terraform state API (`/projects/:id/terraform/state/:name`, GitLab's
// HTTP backend for OpenTofu and Terraform), for the opentofu component's scenarios: GitLab itself
// cannot run here. It answers as lib/api/terraform/state.rb does: HTTP Basic auth with
// `gitlab-ci-token` and the job token; GET gives the state or 204 when there is none; POST saves
// it (204 for an empty body, 409 when another lock holds it); POST /lock takes the lock (200 with
// the lock info, 409 with the holder's when it is held); DELETE /lock releases it (409 for
// another lock's ID); DELETE removes the state. `gitlab-state-stub.contract.test.ts` checks this
// shape, and checks a real GitLab the same way when GITLAB_URL and GITLAB_TOKEN are set.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface StateLock {
  readonly ID: string;
  readonly Operation?: string;
  readonly Who?: string;
  readonly Created?: string;
}

export interface StateRequest {
  readonly method: string;
  /** The path below the API root, with the query: `/projects/1217/terraform/state/prod/lock`. */
  readonly path: string;
  readonly status: number;
  /** The user of the Basic credentials (`gitlab-ci-token`), never the password. */
  readonly user: string;
}

export interface StateStub {
  /** The API root, to give as CI_API_V4_URL (`http://127.0.0.1:PORT/api/v4`). */
  readonly url: string;
  readonly requests: StateRequest[];
  /** The stored state of a project's state name, parsed; undefined when there is none. */
  state(
    projectId: string,
    name: string,
  ): { serial: number; lineage: string; resources: unknown[]; outputs: Record<string, { value: unknown }> } | undefined;
  /** Every state version saved, oldest first. */
  versions(projectId: string, name: string): number;
  lock(projectId: string, name: string): StateLock | undefined;
  /** Holds the lock as someone else would (another pipeline's apply). */
  holdLock(projectId: string, name: string, lock: StateLock): void;
  /** Tokens accepted as the job token. */
  readonly tokens: Set<string>;
  stop(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function credentials(req: IncomingMessage): { user: string; password: string } | undefined {
  const m = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? undefined : { user: text.slice(0, i), password: text.slice(i + 1) };
}

export async function startStateStub(): Promise<StateStub> {
  const states = new Map<string, string[]>();
  const locks = new Map<string, StateLock>();
  const requests: StateRequest[] = [];
  const tokens = new Set<string>();
  const key = (projectId: string, name: string) => `${projectId}\0${name}`;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const m = /^\/api\/v4\/projects\/([^/]+)\/terraform\/state\/([^/]+)(\/lock)?$/.exec(url.pathname);
    const send = (status: number, text = '', type = 'application/json'): number => {
      res.writeHead(status, text ? { 'content-type': type } : {});
      res.end(text);
      return status;
    };
    if (!m) return send(404, JSON.stringify({ error: '404 Not Found' }));
    const auth = credentials(req);
    if (!auth || auth.user !== 'gitlab-ci-token' || !tokens.has(auth.password))
      return send(401, JSON.stringify({ message: '401 Unauthorized' }));
    const k = key(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!));
    const held = locks.get(k);
    const text = await body(req);
    if (m[3]) {
      const info = (text ? JSON.parse(text) : {}) as StateLock;
      if (req.method === 'POST') {
        if (held) return send(409, JSON.stringify(held));
        const lock = { ...info, Who: 'project_1217_bot', Created: new Date().toISOString() };
        locks.set(k, lock);
        return send(200, JSON.stringify(lock));
      }
      if (req.method === 'DELETE') {
        const id = url.searchParams.get('ID') ?? info.ID;
        if (held && id && held.ID !== id) return send(409, '');
        locks.delete(k);
        return send(200, '');
      }
      return send(405, '');
    }
    // Writes under a lock must carry its ID (the HTTP backend adds ?ID=).
    const lockedByOther = held !== undefined && url.searchParams.get('ID') !== held.ID;
    switch (req.method) {
      case 'GET': {
        const versions = states.get(k);
        return versions?.length ? send(200, versions.at(-1)!, 'application/octet-stream') : send(204);
      }
      case 'POST':
        if (!text) return send(204);
        if (lockedByOther) return send(409, JSON.stringify(held));
        states.set(k, [...(states.get(k) ?? []), text]);
        return send(200, '');
      case 'DELETE':
        if (lockedByOther) return send(409, JSON.stringify(held));
        states.delete(k);
        return send(200, '');
      default:
        return send(405, '');
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).then(
      (status) =>
        requests.push({
          method: req.method ?? '',
          path: (req.url ?? '').replace(/^\/api\/v4/, ''),
          status,
          user: credentials(req)?.user ?? '',
        }),
      (e: Error) => {
        res.writeHead(500);
        res.end(e.message);
      },
    );
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  // The scenarios' jobs run in other processes: the stub must not keep this one alive.
  server.unref();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/api/v4`,
    requests,
    tokens,
    state: (projectId, name) => {
      const v = states.get(key(projectId, name));
      return v?.length ? JSON.parse(v.at(-1)!) : undefined;
    },
    versions: (projectId, name) => states.get(key(projectId, name))?.length ?? 0,
    lock: (projectId, name) => locks.get(key(projectId, name)),
    holdLock: (projectId, name, lock) => void locks.set(key(projectId, name), lock),
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}
