// A stand-in for GitLab's merge request notes API (GET/POST/PUT
// /projects/:id/merge_requests/:iid/notes[/:note_id]), for contract tests of components that
// post plans as merge request notes: GitLab itself cannot run here. It answers in the shape of
// GitLab's Notes API (https://docs.gitlab.com/api/notes/): JSON objects whose first fields are
// id, type, body, as GitLab's NoteEntity writes them, and form-encoded or JSON request bodies.
import { createServer, type IncomingMessage } from 'node:http';

export interface StubNote {
  readonly id: number;
  body: string;
  /** How many times a PUT changed it. */
  updates: number;
}

export interface StubRequest {
  readonly method: string;
  readonly path: string;
  /** The PRIVATE-TOKEN header the request carried. */
  readonly token: string;
}

export interface NotesStub {
  /** The API root to use as CI_API_V4_URL. */
  readonly url: string;
  readonly requests: StubRequest[];
  list(): StubNote[];
  /** A note somebody else wrote. */
  add(body: string): StubNote;
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('json')) return (JSON.parse(text) as { body?: string }).body;
  return new URLSearchParams(text).get('body') ?? undefined;
}

export async function startNotesStub(o: { token: string; mergeRequest: string }): Promise<NotesStub> {
  const notes: StubNote[] = [];
  const requests: StubRequest[] = [];
  let next = 301;
  const entity = (n: StubNote) => ({
    id: n.id,
    type: null,
    body: n.body,
    attachment: null,
    author: { id: 17, username: 'project_1000_bot', name: 'plan bot', state: 'active' },
    created_at: '2026-11-26T10:00:00.000Z',
    updated_at: '2026-11-26T10:00:00.000Z',
    system: false,
    noteable_id: 55,
    noteable_type: 'MergeRequest',
    noteable_iid: Number(o.mergeRequest),
    resolvable: false,
  });
  // Any project id: the job sends the CI_PROJECT_ID its runner gives it.
  const base = `/api/v4/projects/[^/]+/merge_requests/${o.mergeRequest}/notes`;
  const server = createServer((req, res) => {
    const send = (status: number, doc: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(doc));
    };
    void (async () => {
      const path = (req.url ?? '').split('?')[0]!;
      const token = String(req.headers['private-token'] ?? '');
      requests.push({ method: req.method ?? '', path, token });
      if (token !== o.token) return send(401, { message: '401 Unauthorized' });
      const list = new RegExp(`^${base}$`).test(path);
      if (list && req.method === 'GET') return send(200, [...notes].reverse().map(entity));
      if (list && req.method === 'POST') {
        const body = await readBody(req);
        if (!body) return send(400, { message: 'body is missing' });
        const n: StubNote = { id: next++, body, updates: 0 };
        notes.push(n);
        return send(201, entity(n));
      }
      const m = new RegExp(`^${base}/(\\d+)$`).exec(path);
      const note = m ? notes.find((n) => n.id === Number(m[1])) : undefined;
      if (m && req.method === 'PUT') {
        if (!note) return send(404, { message: '404 Note Not Found' });
        const body = await readBody(req);
        if (!body) return send(400, { message: 'body is missing' });
        note.body = body;
        note.updates++;
        return send(200, entity(note));
      }
      return send(404, { message: '404 Not Found' });
    })().catch((e: unknown) => send(500, { message: String(e) }));
  });
  server.unref();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/api/v4`,
    requests,
    list: () => notes,
    add(body) {
      const n: StubNote = { id: next++, body, updates: 0 };
      notes.push(n);
      return n;
    },
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
