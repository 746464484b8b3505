import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { differences, dotenvInjection, executedCanaries, fileRead, optionInjected, replaceDeep } from './detect.js';
import { INJECTED_DOTENV_KEY, shellPayload } from './hostile.js';

describe('security property detectors', () => {
  it('finds canary files an injected command created, once each, relative to the project', () => {
    const dir = mkdtempSync(join(tmpdir(), 'detect-'));
    mkdirSync(join(dir, 'home'));
    writeFileSync(join(dir, 'home', 'fz-x-backtick'), '');
    writeFileSync(join(dir, 'fz-not-a-canary'), '');
    expect(executedCanaries([dir, join(dir, 'home')])).toEqual(['home/fz-x-backtick']);
    expect(executedCanaries([join(dir, 'nowhere')])).toEqual([]);
  });

  it('recognises the AWS CLI --debug log and nothing else', () => {
    expect(
      optionInjected(
        'job > 2026-11-26 13:41:36,544 - MainThread - awscli.clidriver - DEBUG - CLI version: aws-cli/1.46.3',
      ),
    ).toMatch(/awscli\.clidriver - DEBUG/);
    expect(optionInjected('s3-site: error: --debug is not a bucket\nDEBUG: nothing')).toBeUndefined();
  });

  it('names where a canary file content showed up', () => {
    expect(fileRead('canary-1', { trace: 'x canary-1 y', 'an AWS request': 'z' })).toEqual(['trace']);
  });

  it('reports an injected key, a line that is not KEY=value and a key written twice', () => {
    expect(dotenvInjection([{ file: 'j/site.env', text: 'SITE_URL=x\nSITE_UPLOADED=1\n' }])).toEqual([]);
    expect(
      dotenvInjection([
        { file: 'j/site.env', text: `SITE_URL=x\n${INJECTED_DOTENV_KEY}=injected\ncd;touch x\nSITE_URL=y\n` },
      ]),
    ).toEqual([
      `j/site.env: the injected key ${INJECTED_DOTENV_KEY}`,
      'j/site.env: a line that is not KEY=value: "cd;touch x"',
      'j/site.env: SITE_URL written twice',
    ]);
  });

  it('compares YAML with the value replaced, in keys and values, and names the paths that differ', () => {
    const doc = { job: { variables: { A: 'v-HOSTILE-v' }, 'HOSTILE-key': 1 } };
    expect(replaceDeep(doc, 'HOSTILE', 'M')).toEqual({ job: { variables: { A: 'v-M-v' }, 'M-key': 1 } });
    expect(differences({ a: { b: [1, 2] } }, { a: { b: [1, 3], c: true } })).toEqual([
      'a.b[1]: 2 became 3',
      'a.c: undefined became true',
    ]);
  });

  it('has a shell payload within GitLab’s 1024-character input limit, with a newline and the dotenv key', () => {
    const v = shellPayload();
    expect(v.length).toBe(1024);
    expect(v).toContain(`\n${INJECTED_DOTENV_KEY}=`);
    expect(v).toContain('$(cd;touch fz-x-');
  });
});
