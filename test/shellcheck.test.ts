// Every job script passes shellcheck: each file as written (following its `source` of the shared
// library), and each job's before_script + script as GitLab runs them, in one shell with the
// library embedded.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadComponents } from '../src/generate/load.js';

const root = join(import.meta.dirname, '..');
const scripts = readdirSync(join(root, 'components'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.sh'))
  .map((f) => `components/${f}`)
  .sort();
const { components } = await loadComponents(root);
const jobs = components.flatMap((c) =>
  Object.entries(c.jobs)
    .filter(([, j]) => j.script !== undefined || j.before_script !== undefined)
    .map(([name, j]) => {
      const lines = [...[j.before_script ?? []].flat(), ...[j.script ?? []].flat()];
      return [`${c.name} › ${name}`, `#!/usr/bin/env bash\n${lines.join('\n')}`] as const;
    }),
);

function shellcheck(args: string[], input?: string): string {
  const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', '--format=gcc', ...args], {
    cwd: root,
    encoding: 'utf8',
    input,
  });
  if (r.error) throw new Error(`shellcheck is not installed (${r.error.message}); run scripts/setup-tools.sh`);
  return r.stdout + r.stderr + (r.status === 0 ? '' : `exit ${r.status}`);
}

describe('job scripts', () => {
  it('exist', () => {
    expect(scripts.length).toBeGreaterThan(0);
    expect(jobs.length).toBeGreaterThan(0);
  });

  it.each(scripts)('%s passes shellcheck', (script) => {
    expect(shellcheck(['--external-sources', script])).toBe('');
  });

  // Across scripts, on top of the per-file check. The library is embedded into both before_script
  // and script on purpose (a consumer may replace before_script), so its functions are defined
  // twice (SC2317, SC2218); file-wide directives such as ecs-deploy's SC2016 apply per file.
  it.each(jobs)('%s passes shellcheck as GitLab runs it', (_name, text) => {
    expect(shellcheck(['--exclude=SC2317,SC2218,SC2016', '-'], text)).toBe('');
  });
});
