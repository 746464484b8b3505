// `catalog upgrade` against a real git catalog project served by `git http-backend` on loopback
// behind a token, and a consumer project with every pin form: the exact bytes written, the
// blockers with their messages, and that files with blockers are left untouched.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runUpgrade, type RunOptions } from '../../src/upgrade/run.js';
import { makeCatalogRepo, makeToolsRepo, serveGit, type CatalogRepo, type GitServer } from './catalog-fixture.js';
import { consumerFiles, writeConsumer } from './consumer-fixture.js';

const TOKEN = 'glpat-upgrade-test-token';
let parent: string;
let catalog: CatalogRepo;
let server: GitServer;
let consumer: string;
let files: Record<string, string>;

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), 'upgrade-test-'));
  catalog = makeCatalogRepo(parent);
  makeToolsRepo(parent);
  server = await serveGit(parent, TOKEN);
});

afterAll(async () => {
  await server?.close();
  rmSync(parent, { recursive: true, force: true });
});

let n = 0;
beforeEach(() => {
  consumer = join(parent, `consumer-${++n}`);
  files = consumerFiles(catalog);
  writeConsumer(consumer, files);
});

const read = (f: string) => readFileSync(join(consumer, f), 'utf8');

function run(o: Partial<RunOptions> = {}) {
  return runUpgrade({
    root: consumer,
    serverFqdn: 'gitlab.example.com',
    sources: [
      `gitlab.example.com/acme/ci-catalog=${server.url}/acme/ci-catalog.git`,
      `gitlab.example.com/other/tools=${server.url}/other/tools.git`,
    ],
    cacheDir: join(parent, 'cache'),
    env: { GITLAB_TOKEN: TOKEN },
    ...o,
  });
}

const pinAt = (r: Awaited<ReturnType<typeof run>>, file: string, line: number) =>
  r.analysis.files.find((f) => f.file === file)!.pins.find((p) => p.line === line)!;

describe('catalog upgrade --to latest', () => {
  it('rewrites only the references (and renamed input keys), byte for byte', async () => {
    const r = await run({ to: 'latest' });
    expect(r.exitCode).toBe(0);
    expect(r.written.sort()).toEqual(['.gitlab-ci.yml', 'ci/common.yml']);
    expect(read('.gitlab-ci.yml')).toBe(
      files['.gitlab-ci.yml']!.replace('ci-catalog/deploy@1.0.0\n', 'ci-catalog/deploy@1.1.0\n').replace(
        "notify@1.0.0'\n    inputs: &notify\n      channel: '#deploys'",
        "notify@2.0.0'\n    inputs: &notify\n      room: '#deploys'",
      ),
    );
    expect(read('.gitlab-ci.yml')).toContain(
      `  - component: "$CI_SERVER_FQDN/acme/ci-catalog/deploy@1.1.0"   # quoted, with a comment\n`,
    );
    // SHA pins stay SHA pins: a comment naming the version is added, or its version updated; CRLF stays CRLF.
    expect(read('ci/common.yml')).toBe(
      `include:\r\n  - component: $CI_SERVER_FQDN/acme/ci-catalog/deploy@${catalog.sha['1.1.0']} # v1.1.0\r\n    ` +
        `inputs:\r\n      environment: review\r\n  - component: $CI_SERVER_FQDN/acme/ci-catalog/notify@` +
        `${catalog.sha['1.1.0']} # v1.1.0\r\n    inputs:\r\n      channel: '#review-apps'\r\n      level: debug\r\n`,
    );
    // Nothing safe for these pins, or they float: the files are byte-identical.
    expect(read('ci/envs/tools.yml')).toBe(files['ci/envs/tools.yml']);
    expect(read('ci/notify-default.yml')).toBe(files['ci/notify-default.yml']);
    expect(read('ci/envs/floating.yml')).toBe(files['ci/envs/floating.yml']);
  });

  it("reports each blocked version with its blockers, GitLab's own error and the fix", async () => {
    const r = await run({ to: 'latest', dryRun: true });
    const deploy110 = pinAt(r, '.gitlab-ci.yml', 13);
    expect(deploy110.status).toBe('blocked');
    expect(deploy110.message).toBe('no safe version to move to: 2.0.0 is blocked for this include; left untouched');
    expect(deploy110.blocked).toEqual([
      {
        version: '2.0.0',
        blockers: [
          {
            kind: 'type-changed',
            input: 'timeout',
            gitlab: '`timeout` input: provided value is not a string',
            message: 'input `timeout` is a string in deploy 2.0.0 (was number); this include passes `600`',
            fix: 'pass a string for `timeout`, or stay on 1.1.0',
          },
          {
            kind: 'new-required-input',
            input: 'cluster',
            gitlab: '`cluster` input: required value has not been provided',
            message: 'input `cluster` is required in deploy 2.0.0 (new), and this include does not set it',
            fix: "set `cluster:` in the include's inputs (The ECS cluster), or stay on 1.1.0",
          },
        ],
      },
    ]);
    const deploy100 = pinAt(r, '.gitlab-ci.yml', 9);
    expect(deploy100).toMatchObject({ status: 'upgrade', from: '1.0.0', to: '1.1.0', newRef: '1.1.0' });
    expect(deploy100.blocked[0]!.blockers.map((b) => [b.kind, b.input, b.gitlab])).toEqual([
      ['removed-input', 'legacy-flag', 'unknown input arguments: legacy-flag'],
      ['new-required-input', 'cluster', '`cluster` input: required value has not been provided'],
      ['default-changed', 'timeout', undefined],
    ]);
    expect(deploy100.blocked[0]!.blockers[0]!.message).toBe(
      'input `legacy-flag` was removed in deploy 2.0.0, and this include sets it',
    );
    expect(deploy100.blocked[0]!.blockers[2]!.message).toBe(
      'input `timeout` defaults to `5m` in deploy 2.0.0 (was `300`), and this include relies on the default',
    );
    expect(deploy100.releaseNotes.map((n) => n.version)).toEqual(['2.0.0', '1.1.0']);
    const notifySha = pinAt(r, 'ci/common.yml', 5);
    expect(notifySha).toMatchObject({ status: 'upgrade', from: '1.0.0', to: '1.1.0', newRef: catalog.sha['1.1.0'] });
    expect(notifySha.blocked.map((b) => [b.version, b.blockers.map((x) => x.kind)])).toEqual([
      ['2.0.0', ['regex-mismatch', 'option-not-allowed']],
    ]);
    expect(notifySha.blocked[0]!.blockers[0]!.message).toBe(
      'input `room` must match /^#[a-z]+$/ in notify 2.0.0; this include passes `#review-apps`',
    );
    expect(notifySha.blocked[0]!.blockers[1]!.message).toBe(
      'input `level` allows only `info`, `warn`, `error` in notify 2.0.0; this include passes `debug`',
    );
    const reliesOnDefault = pinAt(r, 'ci/notify-default.yml', 2);
    expect(reliesOnDefault.status).toBe('blocked');
    expect(reliesOnDefault.blocked.map((b) => b.blockers.map((x) => x.message))).toEqual([
      ['input `level` defaults to `warn` in notify 2.0.0 (was `info`), and this include relies on the default'],
      ['input `level` defaults to `warn` in notify 1.1.0 (was `info`), and this include relies on the default'],
    ]);
    expect(reliesOnDefault.blocked[1]!.blockers[0]!.fix).toBe(
      'set `level: info` to keep the old behaviour, or accept the new default with --allow-default-changes',
    );
    const renamed = pinAt(r, '.gitlab-ci.yml', 18);
    expect(renamed).toMatchObject({ status: 'upgrade', from: '1.0.0', to: '2.0.0', renames: { channel: 'room' } });
    // A dry run prints the unified diff and writes nothing.
    expect(r.written).toEqual([]);
    expect(read('.gitlab-ci.yml')).toBe(files['.gitlab-ci.yml']);
    expect(r.output).toContain(`--- a/.gitlab-ci.yml\n+++ b/.gitlab-ci.yml\n`);
    expect(r.output).toContain(`-      channel: '#deploys'\n+      room: '#deploys'\n`);
  });

  it(
    'a version whose template no longer lints clean in this pipeline is blocked, with the ' + "linter's error",
    async () => {
      const r = await run({ to: 'latest', dryRun: true });
      const yamllint = pinAt(r, 'ci/envs/tools.yml', 4);
      expect(yamllint).toMatchObject({ status: 'blocked', from: '1.0.0' });
      expect(yamllint.blocked).toEqual([
        {
          version: '1.0.1',
          blockers: [
            {
              kind: 'lint',
              message:
                'the pipeline would not lint clean with yamllint 1.0.1: .gitlab-ci.yml: yamllint job: chosen stage ' +
                'lint does not exist; available stages are .pre, build, deploy, .post',
              fix: 'fix those errors first, or stay on the current version',
            },
          ],
        },
      ]);
    },
  );
});

describe('policies', () => {
  it('--to minor stays within the major; a major is reported as outside the policy', async () => {
    const r = await run({ to: 'minor', check: true });
    expect(r.exitCode).toBe(1);
    expect(pinAt(r, '.gitlab-ci.yml', 13)).toMatchObject({
      status: 'up-to-date',
      outsidePolicy: ['2.0.0'],
      message: 'up to date (1.1.0); newer outside --to minor: 2.0.0',
    });
    expect(pinAt(r, '.gitlab-ci.yml', 18)).toMatchObject({ status: 'upgrade', to: '1.1.0' });
    expect(r.written).toEqual([]);
    expect(read('.gitlab-ci.yml')).toBe(files['.gitlab-ci.yml']);
  });

  it('--to patch: nothing to do, so --check exits 0', async () => {
    const r = await run({ to: 'patch', check: true });
    const pins = r.analysis.files.flatMap((f) => f.pins);
    expect(pins.filter((p) => p.status === 'upgrade')).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  it('partial, ~latest and branch pins are reported, and pinned with --pin', async () => {
    const report = await run({ to: 'latest', dryRun: true });
    expect(pinAt(report, 'ci/envs/floating.yml', 2)).toMatchObject({
      status: 'floating',
      from: '1.1.0',
      message: 'floats: GitLab resolves `@1.1` to 1.1.0 today; newer outside its range: 2.0.0 (pin it with --pin)',
    });
    expect(pinAt(report, 'ci/envs/floating.yml', 6)).toMatchObject({ status: 'unpinned', from: '2.0.0' });
    expect(pinAt(report, 'ci/envs/tools.yml', 2)).toMatchObject({
      status: 'unpinned',
      message: 'is unpinned: branch `main` moves with every push; releases: 1.0.1, 1.0.0 (pin it with --pin)',
    });
    await run({ to: 'minor', pin: true });
    expect(read('ci/envs/floating.yml')).toBe(
      files['ci/envs/floating.yml']!.replace('deploy@1.1\n', 'deploy@1.1.0\n')
        .replace('deploy@1\n', 'deploy@1.1.0\n')
        .replace('notify@~latest', 'notify@2.0.0'),
    );
    // The branch pin skips 1.0.1 (it does not lint clean here) and takes 1.0.0.
    expect(read('ci/envs/tools.yml')).toBe(files['ci/envs/tools.yml']!.replace('yamllint@main', 'yamllint@1.0.0'));
  });

  it('--pin-sha writes tag pins as `<sha> # v<version>`', async () => {
    await run({ to: 'minor', pinSha: true });
    expect(read('.gitlab-ci.yml')).toContain(
      `  - component: $CI_SERVER_FQDN/acme/ci-catalog/deploy@${catalog.sha['1.1.0']} # v1.1.0\n    ` +
        `inputs:\n      environment: staging\n`,
    );
    expect(read('.gitlab-ci.yml')).toContain(
      `  - component: '\${CI_SERVER_FQDN}/acme/ci-catalog/notify@${catalog.sha['1.1.0']}' # v1.1.0\n`,
    );
    // A comment already on the line is kept after the version.
    expect(read('.gitlab-ci.yml')).toContain(
      `  - component: "$CI_SERVER_FQDN/acme/ci-catalog/deploy@1.1.0"   # quoted, with a comment\n`,
    );
  });

  it('pre-releases only when asked', async () => {
    const without = await run({ to: 'minor', dryRun: true });
    expect(pinAt(without, '.gitlab-ci.yml', 13).status).toBe('up-to-date');
    const withPre = await run({ to: 'minor', prerelease: true, dryRun: true });
    expect(pinAt(withPre, '.gitlab-ci.yml', 13)).toMatchObject({
      status: 'upgrade',
      to: '1.2.0-rc.1',
      newRef: '1.2.0-rc.1',
    });
  });

  it('--allow-default-changes turns a changed default into a note', async () => {
    const r = await run({ to: 'minor', allowDefaultChanges: true });
    expect(pinAt(r, 'ci/notify-default.yml', 2)).toMatchObject({
      status: 'upgrade',
      to: '1.1.0',
      notes: ['input `level` defaults to `warn` in notify 1.1.0 (was `info`), and this include relies on the default'],
    });
    expect(read('ci/notify-default.yml')).toBe(files['ci/notify-default.yml']!.replace('notify@1.0.0', 'notify@1.1.0'));
  });

  it('reads the policy and sources from .catalog-upgrade.yml', async () => {
    writeConsumer(consumer, {
      '.catalog-upgrade.yml':
        `to: patch\npin: true\nsources:\n  gitlab.example.com/acme/ci-catalog: ` +
        `${server.url}/acme/ci-catalog.git\n  gitlab.example.com/other/tools: ${server.url}/other/tools.git\n`,
    });
    const r = await run({ sources: [], check: true, format: 'json' });
    const doc = JSON.parse(r.output) as {
      summary: { upgrades: number };
      files: Array<{ pins: Array<{ status: string }> }>;
    };
    // Only the floating pins move (pinned), nothing under `to: patch`.
    expect(doc.summary.upgrades).toBe(4);
    expect(doc.files.flatMap((f) => f.pins).filter((p) => p.status === 'pin')).toHaveLength(4);
    expect(r.exitCode).toBe(1);
    writeConsumer(consumer, { '.catalog-upgrade.yml': 'to: sideways\n' });
    await expect(run()).rejects.toThrow(
      '.catalog-upgrade.yml: `to` must be equal to one of the allowed values (fix: the keys are to ' +
        '(patch|minor|major|latest), pin, pinSha, prerelease, allowDefaultChanges, sources, files)',
    );
  });
});

describe('sources', () => {
  it('sends the token only as a header to the catalog server, and says how to fix a refused one', async () => {
    const before = server.requests.length;
    await run({ to: 'latest', dryRun: true });
    await new Promise((ok) => setTimeout(ok, 300)); // the server's log arrives through a pipe
    const seen = server.requests.slice(before);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((q) => q.authorized)).toBe(true);
    const refused = await run({
      to: 'latest',
      dryRun: true,
      env: { GITLAB_TOKEN: 'wrong' },
      cacheDir: join(consumer, '.cache-2'),
    });
    expect(refused.exitCode).toBe(2);
    const error = pinAt(refused, '.gitlab-ci.yml', 9);
    expect(error.status).toBe('error');
    expect(error.message).toContain(
      `cannot list the versions of gitlab.example.com/acme/ci-catalog at ${server.url}/acme/ci-catalog.git`,
    );
    expect(error.message).toContain(
      '(fix: give its repository with --source gitlab.example.com/acme/ci-catalog=<git URL or local path>, and a ' +
        'token in GITLAB_TOKEN for HTTPS)',
    );
    expect(refused.output).not.toContain('wrong');
  });

  it('reads a local path as well as a URL', async () => {
    const r = await run({
      to: 'latest',
      dryRun: true,
      sources: [
        `gitlab.example.com/acme/ci-catalog=${catalog.dir}`,
        `gitlab.example.com/other/tools=${join(parent, 'other/tools')}`,
      ],
      env: {},
    });
    expect(pinAt(r, '.gitlab-ci.yml', 9)).toMatchObject({ status: 'upgrade', to: '1.1.0' });
  });

  it('a catalog.yml with history gives the same decisions without reading templates', async () => {
    const viaYml = await run({
      to: 'latest',
      dryRun: true,
      datasource: 'catalog-yml',
      sources: [
        `gitlab.example.com/acme/ci-catalog=${catalog.dir}`,
        `gitlab.example.com/other/tools=${join(parent, 'other/tools')}`,
      ],
    });
    const viaGit = await run({ to: 'latest', dryRun: true });
    const decisions = (r: typeof viaGit) =>
      r.analysis.files
        .flatMap((f) => f.pins)
        .filter((p) => p.project === 'acme/ci-catalog')
        .map((p) => [
          p.file,
          p.line,
          p.status,
          p.to,
          p.renames,
          p.blocked.map((b) => [b.version, b.blockers.map((x) => x.kind).sort()]),
        ]);
    expect(decisions(viaYml)).toEqual(decisions(viaGit));
    expect(viaYml.output).toContain(`+  - component: '\${CI_SERVER_FQDN}/acme/ci-catalog/notify@2.0.0'`);
  });

  it('the command line reports the same pins, and --check exits 1', () => {
    let status = 0;
    let out = '';
    try {
      out = execFileSync(
        process.execPath,
        [
          join(process.cwd(), 'node_modules/tsx/dist/cli.mjs'),
          join(process.cwd(), 'src/cli/main.ts'),
          'upgrade',
          '--check',
          '--to',
          'latest',
          '--root',
          consumer,
          '--server-fqdn',
          'gitlab.example.com',
          '--source',
          `gitlab.example.com/acme/ci-catalog=${catalog.dir}`,
          '--source',
          `gitlab.example.com/other/tools=${join(parent, 'other/tools')}`,
        ],
        { encoding: 'utf8' },
      );
    } catch (e) {
      status = (e as { status: number }).status;
      out = (e as { stdout: string }).stdout;
    }
    expect(status).toBe(1);
    expect(out).toContain('↑ .gitlab-ci.yml:9 acme/ci-catalog/deploy@1.0.0: 1.0.0 -> 1.1.0 (newer blocked: 2.0.0)');
    expect(out).toContain(
      '✖ ci/notify-default.yml:2 acme/ci-catalog/notify@1.0.0: no safe version to move to: 2.0.0, 1.1.0 are ' +
        'blocked for this include; left untouched',
    );
    expect(out).toMatch(
      new RegExp(
        String.raw`\n11 pin\(s\): 4 to upgrade in 2 file\(s\) \(check, nothing written\), 6 with blocked ` +
          String.raw`versions, 4 floating or unpinned, 0 error\(s\)\n$`,
      ),
    );
    expect(read('.gitlab-ci.yml')).toBe(files['.gitlab-ci.yml']);
  });
});
