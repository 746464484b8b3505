import { describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { renderStandalone, RunnerExecExecutor, runnerMajorVersion } from './runner-exec.js';

const template = readFileSync(
  new URL('../../../test/e2e/fixtures/templates/whoami/template.yml', import.meta.url),
  'utf8',
);

describe('rendering a component for gitlab-runner exec', () => {
  it(
    'gives one standalone file per job: inputs interpolated, extends merged, ' + 'no include, hidden jobs or id_tokens',
    () => {
      const rendered = renderStandalone(template, 'whoami', {
        'role-arn': 'arn:aws:iam::123456789012:role/deployer',
        'job-name': 'who',
        region: 'eu-west-1',
      });
      expect(rendered.map((r) => r.name)).toEqual(['who', 'who-on-tag']);
      const job = rendered[0];
      expect(job!.name).toBe('who');
      expect(job!.idTokens).toEqual({ AWS_ID_TOKEN: 'https://gitlab.com' });
      const doc = parse(job!.yaml) as Record<string, Record<string, unknown>>;
      expect(Object.keys(doc)).toEqual(['who']);
      expect(doc.who).toEqual({
        variables: { ROLE_ARN: 'arn:aws:iam::123456789012:role/deployer', REGION: 'eu-west-1' },
        before_script: expect.arrayContaining([expect.stringContaining('AWS_WEB_IDENTITY_TOKEN_FILE=')]),
        stage: 'test',
        script: ['aws sts get-caller-identity --query Arn --output text'],
      });
      expect(job!.yaml).not.toContain('$[[');
    },
  );

  it('names the component and input when an input is unknown or missing', () => {
    expect(() => renderStandalone(template, 'whoami', { 'role-arn': 'x', colour: 'red' })).toThrow(
      /component "whoami": unknown input "colour"/,
    );
    expect(() => renderStandalone(template, 'whoami', {})).toThrow(/component "whoami": input\(s\) role-arn required/);
  });
});

describe('runner-exec availability', () => {
  const withRunner = async (versionLine: string | undefined) => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-'));
    const bin = join(dir, 'gitlab-runner');
    if (versionLine) {
      writeFileSync(bin, `#!/bin/sh\necho "${versionLine}"\n`);
      chmodSync(bin, 0o755);
    }
    try {
      return await new RunnerExecExecutor(bin).unavailable();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('reads the runner version', () => {
    expect(runnerMajorVersion('Version:      16.11.1\nGit revision: 535ced5f')).toBe(16);
    expect(runnerMajorVersion('Version:      17.4.0')).toBe(17);
  });
  it('accepts a 16.x runner', async () => expect(await withRunner('Version:      16.11.1')).toBeUndefined());
  it('explains that exec was removed in 17.0', async () =>
    expect(await withRunner('Version:      17.4.0')).toMatch(
      /version 17\.x; `gitlab-runner exec` was removed in Runner 17\.0/,
    ));
  it('explains what to install when no runner is on PATH', async () =>
    expect(await withRunner(undefined)).toMatch(/is not on PATH\. This executor needs GitLab Runner 16\.x or older/));
});
