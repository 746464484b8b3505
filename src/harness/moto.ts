// One moto server (a real AWS API emulator) per process, on a free loopback port, reset
// between scenarios. Jobs reach it through the fault proxy; tests seed it directly.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './net.js';
import { requireVenvTool } from './tools.js';

export interface MotoServer {
  readonly endpoint: string;
  reset(): Promise<void>;
  /**
   * Turns moto's IAM enforcement on or off (`/moto-api/reset-auth`, what INITIAL_NO_AUTH_ACTION_COUNT
   * sets at start-up). On: every request must be signed by known credentials whose policies allow
   * the action. The harness seeds and checks with it off and runs the jobs with it on.
   */
  enforceIam(on: boolean): Promise<void>;
  stop(): Promise<void>;
}

export async function startMoto(opts: { startTimeoutMs?: number } = {}): Promise<MotoServer> {
  const bin = requireVenvTool('moto_server');
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      // IAM enforcement starts off; the harness turns it on around each job run (enforceIam).
      env: { ...process.env, MOTO_PORT: String(port), INITIAL_NO_AUTH_ACTION_COUNT: 'inf' },
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const up = await waitUntilUp(endpoint, child, opts.startTimeoutMs ?? 20_000);
    if (up) return handle(endpoint, child);
    child.kill('SIGKILL');
    // Another process may have taken the port between our probe and moto's bind.
    if (attempt >= 2) throw new Error(`moto_server did not start on ${endpoint}: ${stderr.trim() || 'no output'}`);
  }
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const r = await fetch(`${endpoint}/moto-api/data.json`);
      if (r.ok) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function handle(endpoint: string, child: ChildProcess): MotoServer {
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  return {
    endpoint,
    async reset() {
      const r = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!r.ok) throw new Error(`moto reset failed: HTTP ${r.status}`);
    },
    async enforceIam(on: boolean) {
      // The number of requests let through unauthenticated: 0 enforces from now on.
      const r = await fetch(`${endpoint}/moto-api/reset-auth`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: on ? '0' : 'inf',
      });
      if (!r.ok) throw new Error(`moto reset-auth failed: HTTP ${r.status}`);
    },
    async stop() {
      process.off('exit', onExit);
      if (child.exitCode !== null) return;
      await new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      });
    },
  };
}
