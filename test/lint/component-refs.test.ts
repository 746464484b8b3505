// Component versions resolved in a real git repository, with GitLab's rules:
// `~latest` and partial versions never pick a pre-release; SHA, tag and branch work.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lint } from '../../src/validate/lint/index.js';

let repo: string;
let consumer: string;
const shas: Record<string, string> = {};
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@e',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@e',
    },
  }).trim();

function release(version: string): void {
  writeFileSync(
    join(repo, 'templates', 'hello', 'template.yml'),
    `spec:\n  component: [version, reference, sha]\n  inputs:\n    stage:\n      default: test\n---\nhello-` +
      `${version.replace(/\./g, '-')}:\n  stage: $[[ inputs.stage ]]\n  variables:\n    VERSION: "$[[ ` +
      `component.version ]]"\n    REF: "$[[ component.reference ]]"\n    SHA: "$[[ component.sha ]]"\n  ` +
      `script: echo hello\n`,
  );
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', version);
  git(repo, 'tag', version);
  shas[version] = git(repo, 'rev-parse', 'HEAD');
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'catalog-refs-'));
  mkdirSync(join(repo, 'templates', 'hello'), { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  for (const v of ['1.0.0', '1.1.0', '1.1.1', '1.2.0', '2.0.0', '2.0.1', '2.1.0', '2.2.0-rc.1']) release(v);
  git(repo, 'checkout', '-q', '-b', 'feature');
  writeFileSync(
    join(repo, 'templates', 'hello', 'template.yml'),
    'spec:\n  inputs:\n    stage:\n      default: test\n---\nhello-feature:\n  stage: $[[ inputs.stage ]]\n  ' +
      'script: echo feature\n',
  );
  git(repo, 'commit', '-q', '-am', 'feature');
  git(repo, 'checkout', '-q', 'main');
  consumer = mkdtempSync(join(tmpdir(), 'catalog-consumer-'));
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(consumer, { recursive: true, force: true });
});

function lintRef(ref: string) {
  writeFileSync(join(consumer, '.gitlab-ci.yml'), `include:\n  - component: gitlab.com/acme/catalog/hello@${ref}\n`);
  return lint(['.gitlab-ci.yml'], { cwd: consumer, projectPath: 'acme/catalog', componentRepo: repo })[0]!;
}

describe('component versions from a git repository', () => {
  it.each([
    ['~latest', 'hello-2-1-0'],
    ['1', 'hello-1-2-0'],
    ['1.1', 'hello-1-1-1'],
    ['2', 'hello-2-1-0'],
    ['1.0.0', 'hello-1-0-0'],
    ['2.2.0-rc.1', 'hello-2-2-0-rc-1'],
    ['feature', 'hello-feature'],
  ])('@%s resolves to %s', (ref, job) => {
    const r = lintRef(ref);
    expect(r.problems).toEqual([]);
    expect(r.jobs).toEqual([job]);
  });

  it('a SHA wins, and $[[ component.* ]] gives version, reference and sha', () => {
    const r = lintRef(shas['1.1.0']!.slice(0, 12));
    expect(r.jobs).toEqual(['hello-1-1-0']);
    expect((r.merged!['hello-1-1-0'] as { variables: Record<string, string> }).variables).toEqual({
      VERSION: null,
      REF: shas['1.1.0']!.slice(0, 12),
      SHA: shas['1.1.0'],
    });
    const tagged = lintRef('1');
    expect((tagged.merged!['hello-1-2-0'] as { variables: Record<string, string> }).variables).toEqual({
      VERSION: '1.2.0',
      REF: '1',
      SHA: shas['1.2.0'],
    });
  });

  it('a version that does not exist is GitLab\'s "content not found", with the fix', () => {
    const r = lintRef('3');
    expect(r.valid).toBe(false);
    expect(r.problems[0]).toMatchObject({
      message: "Component 'gitlab.com/acme/catalog/hello@3' - content not found",
      file: '.gitlab-ci.yml',
      line: 1,
    });
    expect(r.problems[0]!.fix).toContain('release a version');
  });

  it('a component of another project must be in the cache folder, or says how to get it', () => {
    writeFileSync(join(consumer, '.gitlab-ci.yml'), 'include:\n  - component: gitlab.com/other/project/thing@1.0.0\n');
    const r = lint(['.gitlab-ci.yml'], { cwd: consumer, projectPath: 'acme/catalog', componentRepo: repo })[0]!;
    expect(r.problems[0]!.message).toBe("Component 'gitlab.com/other/project/thing@1.0.0' - content not found");
    expect(r.problems[0]!.fix).toContain(join('components', 'other', 'project', '1.0.0', 'templates', 'thing.yml'));
    mkdirSync(join(consumer, '.cache/includes/components/other/project/1.0.0/templates'), { recursive: true });
    writeFileSync(
      join(consumer, '.cache/includes/components/other/project/1.0.0/templates/thing.yml'),
      'thing:\n  script: echo\n',
    );
    expect(
      lint(['.gitlab-ci.yml'], { cwd: consumer, projectPath: 'acme/catalog', componentRepo: repo })[0]!.jobs,
    ).toEqual(['thing']);
  });

  it('resolves versions from a configured git remote, mirrored into the cache folder', () => {
    const bare = mkdtempSync(join(tmpdir(), 'catalog-remote-'));
    try {
      git(bare, 'clone', '-q', '--bare', repo, '.');
      writeFileSync(
        join(consumer, '.gitlab-ci.yml'),
        'include:\n  - component: gitlab.com/acme/catalog/hello@~latest\n',
      );
      const r = lint(['.gitlab-ci.yml'], {
        cwd: consumer,
        projectPath: 'acme/catalog',
        componentRemote: `file://${bare}`,
        cacheDir: join(consumer, 'cache'),
      })[0]!;
      expect(r.jobs).toEqual(['hello-2-1-0']);
      expect(() =>
        lint(['.gitlab-ci.yml'], {
          cwd: consumer,
          projectPath: 'acme/catalog',
          componentRemote: 'file:///nowhere/at/all.git',
          cacheDir: join(consumer, 'cache'),
        }),
      ).toThrow(/cannot fetch the catalog from file:\/\/\/nowhere\/at\/all\.git/);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
