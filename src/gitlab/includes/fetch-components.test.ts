// Components of other projects, fetched with git from the GitLab server (here a real repository
// served over file://, as git would from $CI_SERVER_URL) when they are not in the cache.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lint } from '../../validate/lint/index.js';

let root: string;
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
};
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, env: gitEnv, stdio: 'pipe' }).toString().trim();

const template = (stage: string) =>
  `spec:\n  inputs:\n    stage: { default: ${stage} }\n---\nscan:\n  stage: $[[ inputs.stage ]]\n  script: echo scan\n`;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fetch-components-'));
  const work = join(root, 'work');
  mkdirSync(join(work, 'templates', 'scan'), { recursive: true });
  git(root, 'init', '-q', '-b', 'main', work);
  writeFileSync(join(work, 'templates', 'scan', 'template.yml'), template('test'));
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'one');
  git(work, 'tag', '1.0.0');
  writeFileSync(join(work, 'templates', 'scan', 'template.yml'), template('build'));
  git(work, 'commit', '-q', '-am', 'two');
  git(work, 'tag', '1.1.0');
  mkdirSync(join(root, 'server', 'acme'), { recursive: true });
  git(root, 'clone', '-q', '--bare', work, join(root, 'server', 'acme', 'tools.git'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function lintConsumer(include: string, fetch = true) {
  const dir = mkdtempSync(join(root, 'consumer-'));
  writeFileSync(
    join(dir, '.gitlab-ci.yml'),
    `stages: [build, test]\ninclude:\n  - component: $CI_SERVER_FQDN/acme/tools/scan@${include}\n`,
  );
  return lint(['.gitlab-ci.yml'], {
    cwd: dir,
    projectPath: 'acme/shop',
    ...(fetch ? { fetchComponents: `file://${join(root, 'server')}` } : {}),
  })[0]!;
}

describe('--fetch-components', () => {
  it('resolves a component of another project at a version, a partial version and ~latest', () => {
    for (const ref of ['1.0.0', '1', '~latest']) {
      const r = lintConsumer(ref);
      expect(r.problems, ref).toEqual([]);
      expect(r.jobs).toEqual(['scan']);
    }
    expect(lintConsumer('1.0.0').merged?.scan).toMatchObject({ stage: 'test' });
    expect(lintConsumer('~latest').merged?.scan).toMatchObject({ stage: 'build' });
  });

  it('reports a version the project does not have, and without the option says how to get it', () => {
    expect(lintConsumer('9.9.9').problems[0]!.message).toBe(
      "Component 'gitlab.com/acme/tools/scan@9.9.9' - content not found",
    );
    expect(lintConsumer('1.0.0', false).problems[0]!.fix).toContain('--fetch-components');
  });
});
