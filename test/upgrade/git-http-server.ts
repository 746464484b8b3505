// A loopback smart-HTTP git server (`git http-backend` as CGI) for the upgrade tests and the
// catalog-upgrade scenarios: `tsx git-http-server.ts <root>`; GIT_SERVER_TOKEN makes it require
// that token as the HTTP Basic password. Prints `listening <url>`, then one `request {json}` per request.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const root = process.argv[2]!;
const token = process.env.GIT_SERVER_TOKEN || undefined;

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const auth = req.headers.authorization ?? '';
  const authorized =
    !!token &&
    auth.startsWith('Basic ') &&
    Buffer.from(auth.slice(6), 'base64').toString().split(':').slice(1).join(':') === token;
  process.stdout.write(`request ${JSON.stringify({ path: url.pathname, authorized })}\n`);
  if (token && !authorized) {
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="GitLab"' }).end('HTTP Basic: Access denied\n');
    return;
  }
  const path = url.pathname.replace(/^\/([\s\S]+?)\.git(\/|$)/, '/$1$2');
  const cgi = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: path,
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method,
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: 'catalog',
      REMOTE_ADDR: '127.0.0.1',
      GIT_HTTP_MAX_REQUEST_BUFFER: '100M',
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    },
  });
  req.pipe(cgi.stdin);
  let head: Buffer | null = Buffer.alloc(0);
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (head === null) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    const headers = head.subarray(0, end).toString().split('\r\n');
    let status = 200;
    for (const h of headers) {
      const i = h.indexOf(':');
      const k = h.slice(0, i).trim();
      const v = h.slice(i + 1).trim();
      if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]);
      else res.setHeader(k, v);
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
    head = null;
  });
  cgi.stdout.on('end', () => res.end());
  cgi.stderr.resume();
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
