// The docker-registry processes a scenario starts must end with the process that started them,
// however it ends: vitest stops its workers with a signal, where no 'exit' handler runs.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'registry-lifetime-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A process that starts a registry, prints its pids and waits to be killed. */
function starter(): { pids: Promise<number[]>; kill: (signal: NodeJS.Signals) => void } {
  const script = join(dir, 'start.mts');
  const module = JSON.stringify(pathToFileURL(join(import.meta.dirname, 'registry.ts')).href);
  writeFileSync(
    script,
    `import { localRegistry, registryPids } from ${module};\n` +
      'await localRegistry();\nconsole.log(JSON.stringify(registryPids()));\nsetInterval(() => {}, 1000);\n',
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const pids = new Promise<number[]>((done, fail) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) done(JSON.parse(out) as number[]);
    });
    child.on('exit', (code) => fail(new Error(`the registry starter exited (${code}) before starting one: ${err}`)));
  });
  return { pids, kill: (signal) => child.kill(signal) };
}

/** Running: the process exists and is not a zombie (one nobody reaped is dead all the same). */
function running(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(stat, 'utf8'));
  } catch {
    return false;
  }
}

async function gone(pids: readonly number[]): Promise<number[]> {
  // The watcher reacts when the pipe closes: give it a moment, no more.
  for (let i = 0; i < 100 && pids.some(running); i++) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(running);
}

describe('local registries (registry.ts)', () => {
  it('end with the process that started them, even one stopped by SIGTERM or SIGKILL', async () => {
    const [term, kill] = [starter(), starter()];
    const [termPids, killPids] = await Promise.all([term.pids, kill.pids]);
    expect(termPids).toHaveLength(1);
    expect(killPids).toHaveLength(1);
    expect([...termPids, ...killPids].every(running)).toBe(true);
    term.kill('SIGTERM');
    kill.kill('SIGKILL');
    expect(await gone([...termPids, ...killPids])).toEqual([]);
  }, 120_000);
});
