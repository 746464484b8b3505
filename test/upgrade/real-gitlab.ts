// The GitLab side of `catalog upgrade` against a real GitLab, the path the contract tests stand in
// for. Opt-in, because it needs a server and writes to a scratch project:
//
//   GITLAB_URL=https://gitlab.example.com GITLAB_TOKEN=glpat-... \
//   GITLAB_UPGRADE_PROJECT=me/scratch GITLAB_UPGRADE_COMPONENT=components/opentofu/validate-plan \
//   npm run test:upgrade:gitlab
//
// GITLAB_TOKEN needs api and write_repository on GITLAB_UPGRADE_PROJECT and read access to the
// component's catalog project. It checks: releases, notes and templates through the REST API (the
// gitlab-api datasource); the same versions through git over HTTPS with the token (the git
// datasource); one merge request opened for a pin on the oldest release, and updated (not
// duplicated) by a second run. It closes the merge request and deletes the branch at the end.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gitlab } from '@gitbeaker/rest';
import { GitlabApiDatasource } from '../../src/upgrade/datasources/gitlab-api/index.js';
import { gitAuthEnv, GitDatasource } from '../../src/upgrade/datasources/git/index.js';
import { runMergeRequests } from '../../src/upgrade/merge-request.js';

const {
  GITLAB_URL: url,
  GITLAB_TOKEN: token,
  GITLAB_UPGRADE_PROJECT: project,
  GITLAB_UPGRADE_COMPONENT: component,
} = process.env;
if (!url || !token || !project || !component) {
  console.error(
    'set GITLAB_URL, GITLAB_TOKEN, GITLAB_UPGRADE_PROJECT (a scratch project) and GITLAB_UPGRADE_COMPONENT ' +
      '(<catalog project path>/<component>) to run against a real GitLab',
  );
  process.exit(2);
}
const server = new URL(url).host;
const catalogPath = component.slice(0, component.lastIndexOf('/'));
const name = component.slice(component.lastIndexOf('/') + 1);
const catalogProject = { server, path: catalogPath };
const step = (s: string) => console.log(`✔ ${s}`);

const viaApi = new GitlabApiDatasource({ url, token });
const releases = await viaApi.releases(catalogProject);
assert.ok(releases.length >= 2, `${catalogPath} needs at least two releases to upgrade between`);
const oldest = releases.at(-1)!;
const at = await viaApi.component(catalogProject, oldest.sha || oldest.tag, name);
assert.ok(at, `${component} has no template at ${oldest.tag}`);
step(
  `gitlab-api: ${releases.length} releases of ${catalogPath}; ${name}@${oldest.tag} declares ` +
    `${Object.keys(at.inputs).length} inputs`,
);

const cache = mkdtempSync(join(tmpdir(), 'upgrade-real-'));
try {
  const viaGit = new GitDatasource({ sources: new Map(), cacheDir: cache, token });
  const tags = await viaGit.releases(catalogProject);
  assert.deepEqual(
    releases.map((r) => r.version).filter((v) => tags.some((t) => t.version === v)),
    releases.map((r) => r.version),
  );
  step(`git over HTTPS with the token: the same ${releases.length} versions`);

  const api = new Gitlab({ host: url, token });
  const p = (await api.Projects.show(project)) as unknown as {
    http_url_to_repo: string;
    default_branch: string;
    id: number;
  };
  const checkout = join(cache, 'checkout');
  execFileSync('git', ['clone', '-q', '--depth', '1', p.http_url_to_repo, checkout], {
    env: { ...process.env, ...gitAuthEnv(p.http_url_to_repo, token) },
  });
  writeFileSync(
    join(checkout, '.gitlab-ci.yml'),
    `include:\n  - component: $CI_SERVER_FQDN/${component}@${oldest.tag}\n`,
  );
  execFileSync(
    'git',
    [
      '-c',
      'user.name=catalog-upgrade',
      '-c',
      'user.email=catalog-upgrade@example.com',
      'commit',
      '-qam',
      'pin the oldest release',
      '--allow-empty',
    ],
    { cwd: checkout },
  );
  execFileSync('git', ['add', '.gitlab-ci.yml'], { cwd: checkout });
  const branch = `catalog-upgrade-test-${Date.now()}`;
  const options = {
    root: checkout,
    project: String(p.id),
    branch,
    to: 'latest' as const,
    serverFqdn: server,
    cacheDir: cache,
    env: { GITLAB_URL: url, GITLAB_TOKEN: token },
    allowDefaultChanges: true,
  };
  const first = await runMergeRequests(options);
  console.log(first.output.trim());
  const second = await runMergeRequests(options);
  console.log(second.output.trim());
  const open = (await api.MergeRequests.all({
    projectId: p.id,
    sourceBranch: branch,
    state: 'opened',
  })) as unknown as Array<{ iid: number }>;
  try {
    if (/opened merge request/.test(first.output)) {
      assert.match(second.output, /updated merge request/);
      assert.equal(open.length, 1);
      step('one merge request opened, then updated, never duplicated');
    } else {
      step(`no upgrade was safe for ${component} from ${oldest.tag}: ${first.output.trim()}`);
    }
  } finally {
    for (const mr of open) await api.MergeRequests.edit(p.id, mr.iid, { stateEvent: 'close' });
    await api.Branches.remove(p.id, branch).catch(() => undefined);
  }
} finally {
  rmSync(cache, { recursive: true, force: true });
}
