// Every job script passes shellcheck, as the text GitLab will run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const scripts = readdirSync(join(root, 'components'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.sh'))
  .map((f) => `components/${f}`)
  .sort();

describe('job scripts', () => {
  it('exist', () => {
    expect(scripts.length).toBeGreaterThan(0);
  });

  it.each(scripts)('%s passes shellcheck', (script) => {
    const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', '--format=gcc', script], { cwd: root, encoding: 'utf8' });
    if (r.error) throw new Error(`shellcheck is not installed (${r.error.message}); run scripts/setup-tools.sh`);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
