import { request, type RequestOptions } from 'node:http';
import { createServer } from 'node:net';
import type { ProxyResponse } from './aws-call.js';

/** Sends one HTTP request and reads the whole answer. */
export function sendRequest(options: RequestOptions, body: Buffer): Promise<ProxyResponse> {
  return new Promise((done, fail) => {
    const up = request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({
          status: res.statusCode ?? 502,
          headers: res.headers as ProxyResponse['headers'],
          body: Buffer.concat(chunks),
        }),
      );
      res.on('error', fail);
    });
    up.on('error', fail);
    up.end(body);
  });
}

/** Asks the kernel for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}
