// End-to-end scenarios for catalog-upgrade: a real git "catalog project" with the tags 1.0.0,
// 1.1.0, 1.2.0-rc.1 and 2.0.0 is served by `git http-backend` on loopback behind a token; the job
// installs the toolkit from a tarball packed from this checkout (as `npm pack` makes it, without
// dev dependencies; the default, git at the component's SHA, needs a GitLab server) and runs
// `catalog upgrade` on the consumer project's pipeline files.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineScenarios } from '../../src/harness/scenario.js';
import { REPO_ROOT } from '../../src/internal/paths.js';
import { makeCatalogRepo, serveGit, type CatalogRepo, type GitServer } from '../../test/upgrade/catalog-fixture.js';

const TOKEN = 'glpat-scenario-token';
let served: Promise<{ catalog: CatalogRepo; server: GitServer }> | undefined;
let packed: string | undefined;

/** One catalog project and server for all scenarios, stopped when the process ends. */
function catalogServer() {
  served ??= (async () => {
    const parent = mkdtempSync(join(tmpdir(), 'catalog-upgrade-scenario-'));
    const catalog = makeCatalogRepo(parent);
    const server = await serveGit(parent, TOKEN);
    // The server process is stopped when this one exits (kill() is synchronous).
    process.once('exit', () => {
      void server.close();
      rmSync(parent, { recursive: true, force: true });
    });
    return { catalog, server };
  })();
  return served;
}

/** The package as `npm pack` makes it, compiled apart from the checkout's dist/ so no build races it. */
function toolkitTarball(): string {
  if (packed) return packed;
  const dir = mkdtempSync(join(tmpdir(), 'catalog-upgrade-toolkit-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  execFileSync(
    join(REPO_ROOT, 'node_modules', '.bin', 'tsc'),
    ['-p', join(REPO_ROOT, 'tsconfig.json'), '--outDir', join(dir, 'dist')],
    { stdio: 'pipe' },
  );
  for (const f of ['package.json', 'README.md', 'schemas/gitlab-ci.json', 'schemas/gitlab-ci.validate.cjs'])
    if (existsSync(join(REPO_ROOT, f))) cpSync(join(REPO_ROOT, f), join(dir, f));
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: dir,
    encoding: 'utf8',
  });
  packed = join(dir, (JSON.parse(out) as Array<{ filename: string }>)[0]!.filename);
  return packed;
}

async function inputs(): Promise<Record<string, unknown>> {
  const { server } = await catalogServer();
  return { toolkit: toolkitTarball(), sources: `gitlab.example.com/acme/ci-catalog=${server.url}/acme/ci-catalog.git` };
}

const PIPELINE = `stages: [build, deploy]
include:
  # sets legacy-flag, which 2.0.0 removes
  - component: $CI_SERVER_FQDN/acme/ci-catalog/deploy@1.0.0
    inputs:
      environment: staging
      legacy-flag: true
  - component: $CI_SERVER_FQDN/acme/ci-catalog/notify@1.0.0
    inputs:
      channel: '#deploys'
      level: info
`;

// The job reads the catalog with this token, as a scheduled job reads it with GITLAB_TOKEN.
const variables = { GITLAB_TOKEN: TOKEN, CI_SERVER_FQDN: 'gitlab.example.com' };

export default defineScenarios('catalog-upgrade', [
  {
    name: 'check mode fails the job when safe upgrades exist, and names what blocks the rest',
    files: { 'ci/deploy.yml': PIPELINE },
    inputs: { mode: 'check', to: 'latest', files: 'ci/deploy.yml' },
    variables,
    setup: inputs,
    expect: {
      status: 'failed',
      trace: [
        '↑ ci/deploy.yml:4 acme/ci-catalog/deploy@1.0.0: 1.0.0 -> 1.1.0 (newer blocked: 2.0.0)',
        'input `legacy-flag` was removed in deploy 2.0.0, and this include sets it',
        'input `cluster` is required in deploy 2.0.0 (new), and this include does not set it',
        '↑ ci/deploy.yml:8 acme/ci-catalog/notify@1.0.0: 1.0.0 -> 2.0.0',
        'note: input `channel` renamed to `room`',
        '2 pin(s): 2 to upgrade in 1 file(s) (check, nothing written), 1 with blocked versions, 0 floating or ' +
          'unpinned, 0 error(s)',
      ],
      notInTrace: [TOKEN],
    },
  },
  {
    name: 'dry-run mode prints the exact change and writes nothing',
    files: { 'ci/deploy.yml': PIPELINE },
    inputs: { mode: 'dry-run', to: 'minor', files: 'ci/deploy.yml' },
    variables,
    setup: inputs,
    expect: {
      status: 'success',
      trace: [
        '-  - component: $CI_SERVER_FQDN/acme/ci-catalog/deploy@1.0.0',
        '+  - component: $CI_SERVER_FQDN/acme/ci-catalog/deploy@1.1.0',
        '+  - component: $CI_SERVER_FQDN/acme/ci-catalog/notify@1.1.0',
        '2 pin(s): 2 to upgrade in 1 file(s) (dry run, nothing written)',
      ],
    },
    verify: (_ctx, r) => assert.equal(r.status, 'success'),
  },
  {
    // The toolkit input takes what catalog-lint's takes (toolkit_spec in the shell library): a
    // file:// tarball too, which the AWS CLI's rule (safe_arg) refused here before.
    name: 'a file:// toolkit spec is installed, as catalog-lint installs it',
    files: { 'ci/deploy.yml': PIPELINE },
    inputs: { mode: 'dry-run', to: 'minor', files: 'ci/deploy.yml' },
    variables,
    setup: async () => {
      const given = await inputs();
      return { ...given, toolkit: `file://${given.toolkit as string}` };
    },
    expect: {
      status: 'success',
      trace: [
        /installing the toolkit from file:\/\/\/.*\.tgz/,
        '2 pin(s): 2 to upgrade in 1 file(s) (dry run, nothing written)',
      ],
    },
  },
  {
    name: 'a pin with no safe version passes check mode and is reported as held back',
    files: {
      'ci/notify.yml':
        "include:\n  - component: $CI_SERVER_FQDN/acme/ci-catalog/notify@1.0.0\n    inputs:\n      channel: '#ops'\n",
    },
    inputs: { mode: 'check', to: 'latest', files: 'ci/notify.yml' },
    variables,
    setup: inputs,
    expect: {
      status: 'success',
      trace: [
        '✖ ci/notify.yml:2 acme/ci-catalog/notify@1.0.0: no safe version to move to: 2.0.0, 1.1.0 are blocked ' +
          'for this include; left untouched',
        'input `level` defaults to `warn` in notify 1.1.0 (was `info`), and this include relies on the default',
      ],
    },
  },
]);
