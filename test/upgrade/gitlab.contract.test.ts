// CONTRACT TEST against a local stub of the GitLab REST endpoints `catalog upgrade` calls (GitLab
// itself cannot run here): projects, group projects, merge requests, releases, branches and raw
// files, answered in the shapes GitLab documents (https://docs.gitlab.com/api/). Git itself is
// real: the consumer projects are git repositories served by `git http-backend` on loopback, so
// the clone and the push really happen. The same flows run against a real GitLab with
// `npm run test:upgrade:gitlab` (GITLAB_URL, GITLAB_TOKEN, GITLAB_UPGRADE_PROJECT; see test/upgrade/real-gitlab.ts).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMergeRequests } from '../../src/upgrade/merge-request.js';
import { runUpgrade } from '../../src/upgrade/run.js';
import { GitlabApiDatasource } from '../../src/upgrade/datasources/gitlab-api/index.js';
import {
  CATALOG,
  makeCatalogRepo,
  makeToolsRepo,
  serveGit,
  type CatalogRepo,
  type GitServer,
} from './catalog-fixture.js';
import { consumerFiles, writeConsumer } from './consumer-fixture.js';

const TOKEN = 'glpat-contract-token';

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly token?: string;
  readonly body?: Record<string, unknown>;
}

let parent: string;
let catalog: CatalogRepo;
let git: GitServer;
let api: Server;
let apiUrl: string;
const seen: Seen[] = [];
const mergeRequests: Array<{
  project: number;
  iid: number;
  source_branch: string;
  target_branch: string;
  title: string;
  description: string;
  state: string;
}> = [];

const APPS = [
  { id: 11, path_with_namespace: 'apps/web' },
  { id: 12, path_with_namespace: 'apps/api' },
];

const gitIn = (cwd: string, args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' });

async function body(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
}

function projectJson(p: (typeof APPS)[number]) {
  return {
    id: p.id,
    path_with_namespace: p.path_with_namespace,
    default_branch: 'main',
    http_url_to_repo: `${git.url}/${p.path_with_namespace}.git`,
    archived: false,
    empty_repo: false,
  };
}

function mrJson(m: (typeof mergeRequests)[number]) {
  const p = APPS.find((a) => a.id === m.project)!;
  return {
    id: m.project * 100 + m.iid,
    iid: m.iid,
    project_id: m.project,
    title: m.title,
    description: m.description,
    state: m.state,
    source_branch: m.source_branch,
    target_branch: m.target_branch,
    web_url: `${apiUrl}/${p.path_with_namespace}/-/merge_requests/${m.iid}`,
  };
}

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), 'upgrade-contract-'));
  catalog = makeCatalogRepo(parent);
  makeToolsRepo(parent);
  for (const app of APPS) {
    const dir = join(parent, app.path_with_namespace);
    mkdirSync(dir, { recursive: true });
    writeConsumer(dir, consumerFiles(catalog));
    gitIn(dir, ['add', '-A']);
    gitIn(dir, ['commit', '-qm', 'pipeline']);
  }
  git = await serveGit(parent, TOKEN);
  api = createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://stub');
    const p = decodeURIComponent(u.pathname);
    seen.push({
      method: req.method ?? '',
      path: p,
      query: Object.fromEntries(u.searchParams),
      token: req.headers['private-token'] as string | undefined,
      body: await body(req),
    });
    const json = (status: number, v: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(v));
    if (req.headers['private-token'] !== TOKEN) return json(401, { message: '401 Unauthorized' });
    const oneProject = /^\/api\/v4\/projects\/(apps\/\w+|\d+)$/.exec(p);
    const projectMrs = /^\/api\/v4\/projects\/(\d+)\/merge_requests$/.exec(p);
    const oneMr = /^\/api\/v4\/projects\/(\d+)\/merge_requests\/(\d+)$/.exec(p);
    const rawFile = new RegExp(`^/api/v4/projects/${CATALOG}/repository/files/(.+)/raw$`).exec(p);
    if (req.method === 'GET' && p === '/api/v4/groups/apps/projects') return json(200, APPS.map(projectJson));
    if (req.method === 'GET' && oneProject) {
      const app = APPS.find((a) => a.path_with_namespace === oneProject[1] || String(a.id) === oneProject[1]);
      return app ? json(200, projectJson(app)) : json(404, { message: '404 Project Not Found' });
    }
    if (projectMrs) {
      const project = Number(projectMrs[1]);
      if (req.method === 'GET')
        return json(
          200,
          mergeRequests
            .filter(
              (x) =>
                x.project === project &&
                x.source_branch === u.searchParams.get('source_branch') &&
                (!u.searchParams.get('state') || x.state === u.searchParams.get('state')),
            )
            .map(mrJson),
        );
      if (req.method === 'POST') {
        const b = seen.at(-1)!.body!;
        const mr = {
          project,
          iid: mergeRequests.filter((x) => x.project === project).length + 1,
          source_branch: String(b.source_branch),
          target_branch: String(b.target_branch),
          title: String(b.title),
          description: String(b.description ?? ''),
          state: 'opened',
        };
        mergeRequests.push(mr);
        return json(201, mrJson(mr));
      }
    }
    if (req.method === 'PUT' && oneMr) {
      const mr = mergeRequests.find((x) => x.project === Number(oneMr[1]) && x.iid === Number(oneMr[2]));
      if (!mr) return json(404, { message: '404 Not found' });
      Object.assign(mr, seen.at(-1)!.body);
      return json(200, mrJson(mr));
    }
    // The catalog project, for the gitlab-api datasource.
    if (req.method === 'GET' && p === `/api/v4/projects/${CATALOG}/releases`) {
      const tags = gitIn(catalog.dir, [
        'for-each-ref',
        '--sort=-creatordate',
        '--format=%(refname:strip=2) %(*objectname)',
        'refs/tags',
      ])
        .trim()
        .split('\n');
      return json(
        200,
        tags
          .map((l) => l.split(' '))
          .map(([tag, sha]) => ({ tag_name: tag, name: tag, description: `Notes of ${tag}`, commit: { id: sha } })),
      );
    }
    if (req.method === 'GET' && p === `/api/v4/projects/${CATALOG}/repository/branches`)
      return json(200, [{ name: 'main', commit: { id: catalog.mainSha } }]);
    if (req.method === 'GET' && rawFile) {
      try {
        const text = gitIn(catalog.dir, ['show', `${u.searchParams.get('ref')}:${rawFile[1]}`]);
        return res.writeHead(200, { 'content-type': 'text/plain' }).end(text);
      } catch {
        return json(404, { message: '404 File Not Found' });
      }
    }
    json(404, { message: `stub has no ${req.method} ${p}` });
  });
  await new Promise<void>((ok) => api.listen(0, '127.0.0.1', ok));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await git?.close();
  await new Promise((ok) => api?.close(ok));
  rmSync(parent, { recursive: true, force: true });
});

const sources = () => [
  `gitlab.example.com/acme/ci-catalog=${catalog.dir}`,
  `gitlab.example.com/other/tools=${join(parent, 'other/tools')}`,
];

describe('merge requests (contract)', () => {
  it(
    '--group opens one merge request per project with the table, and a second run updates it instead of ' +
      'opening another',
    async () => {
      const env = { GITLAB_URL: apiUrl, GITLAB_TOKEN: TOKEN };
      const options = {
        root: parent,
        group: 'apps',
        branch: 'catalog-upgrade',
        to: 'latest' as const,
        serverFqdn: 'gitlab.example.com',
        sources: sources(),
        cacheDir: join(parent, 'cache'),
        env,
      };
      const first = await runMergeRequests(options);
      expect(first.exitCode).toBe(0);
      expect(first.output).toContain(
        `apps/web: opened merge request !1 (${apiUrl}/apps/web/-/merge_requests/1): 4 upgrade(s) in 2 file(s), 6 ` +
          `pin(s) with blocked versions`,
      );
      expect(first.output).toContain('apps/api: opened merge request !1');
      const created = seen.filter((s) => s.method === 'POST');
      expect(created.map((s) => s.path)).toEqual([
        '/api/v4/projects/11/merge_requests',
        '/api/v4/projects/12/merge_requests',
      ]);
      expect(created[0]!.body).toMatchObject({
        source_branch: 'catalog-upgrade',
        target_branch: 'main',
        remove_source_branch: true,
      });
      expect(created[0]!.body!.title).toBe(
        'Upgrade CI/CD components: deploy 1.0.0 → 1.1.0, notify 1.0.0 → 2.0.0, notify 1.0.0 → 1.1.0',
      );
      const description = String(created[0]!.body!.description);
      expect(description).toContain('| Component | From | To | Breaking-change analysis | Release notes |');
      expect(description).toContain(
        '| `acme/ci-catalog/notify` (.gitlab-ci.yml:18) | 1.0.0 | 2.0.0 | renamed inputs rewritten: ' +
          '`channel` → `room` |',
      );
      expect(description).toContain(
        '2.0.0 blocked: input `legacy-flag` was removed in deploy 2.0.0, and this include sets it; input `cluster` ' +
          'is required in deploy 2.0.0 (new), and this include does not set it',
      );
      expect(description).toContain('**2.0.0**: deploy: cluster is required, target is renamed service');
      expect(description).toContain('**Held back** (no version without a blocker for this project):');
      // The branch was really pushed, with the rewritten files, on top of the project's main.
      const web = join(parent, 'apps/web');
      expect(gitIn(web, ['log', '--format=%s', '-1', 'catalog-upgrade'])).toBe(`${created[0]!.body!.title}\n`);
      expect(gitIn(web, ['rev-parse', 'catalog-upgrade~1'])).toBe(gitIn(web, ['rev-parse', 'main']));
      expect(gitIn(web, ['show', 'catalog-upgrade:.gitlab-ci.yml'])).toContain(
        "notify@2.0.0'\n    inputs: &notify\n      room: '#deploys'",
      );
      expect(gitIn(web, ['diff', '--name-only', 'main', 'catalog-upgrade']).trim().split('\n')).toEqual([
        '.gitlab-ci.yml',
        'ci/common.yml',
      ]);
      // The token went to the API as PRIVATE-TOKEN, and to git only as a header.
      expect(seen.every((s) => s.token === TOKEN)).toBe(true);
      expect(git.requests.filter((r) => r.path.includes('apps/')).every((r) => r.authorized)).toBe(true);

      const second = await runMergeRequests(options);
      expect(second.output).toContain('apps/web: updated merge request !1');
      expect(seen.filter((s) => s.method === 'POST')).toHaveLength(2);
      expect(seen.filter((s) => s.method === 'PUT').map((s) => s.path)).toEqual([
        '/api/v4/projects/11/merge_requests/1',
        '/api/v4/projects/12/merge_requests/1',
      ]);
      expect(mergeRequests).toHaveLength(2);
    },
  );

  it("one project (the job's checkout) by --project, without touching its working tree", async () => {
    const checkout = join(parent, 'checkout-api');
    gitIn(parent, ['clone', '-q', join(parent, 'apps/api'), checkout]);
    const before = gitIn(checkout, ['status', '--porcelain']);
    const r = await runMergeRequests({
      root: checkout,
      project: 'apps/api',
      branch: 'catalog-upgrade',
      to: 'minor',
      serverFqdn: 'gitlab.example.com',
      sources: sources(),
      cacheDir: join(parent, 'cache'),
      env: { GITLAB_URL: apiUrl, GITLAB_TOKEN: TOKEN },
    });
    expect(r.output).toMatch(/^apps\/api: updated merge request !1 \(.*\): 4 upgrade\(s\) in 2 file\(s\)/);
    expect(gitIn(checkout, ['status', '--porcelain'])).toBe(before);
    expect(gitIn(join(parent, 'apps/api'), ['show', 'catalog-upgrade:.gitlab-ci.yml'])).toContain("notify@1.1.0'");
  });

  it('says what to set when GITLAB_URL or GITLAB_TOKEN is missing', async () => {
    await expect(runMergeRequests({ root: parent, branch: 'b', env: {} })).rejects.toThrow(
      '--merge-request needs GITLAB_URL (or CI_SERVER_URL in a job) and GITLAB_TOKEN, a token with the api and ' +
        'write_repository scopes',
    );
  });
});

describe('gitlab-api datasource (contract)', () => {
  it('reads releases, notes and templates through the REST API and decides as the git datasource does', async () => {
    const consumer = join(parent, 'consumer-api');
    writeConsumer(consumer, consumerFiles(catalog));
    const viaApi = await runUpgrade({
      root: consumer,
      serverFqdn: 'gitlab.example.com',
      to: 'latest',
      dryRun: true,
      use: new GitlabApiDatasource({ url: apiUrl, token: TOKEN }),
    });
    const viaGit = await runUpgrade({
      root: consumer,
      serverFqdn: 'gitlab.example.com',
      to: 'latest',
      dryRun: true,
      sources: sources(),
      cacheDir: join(parent, 'cache'),
      env: {},
    });
    const decisions = (r: typeof viaApi) =>
      r.analysis.files
        .flatMap((f) => f.pins)
        .filter((p) => p.project === 'acme/ci-catalog')
        .map((p) => [p.file, p.line, p.status, p.to, p.blocked.map((b) => b.version)]);
    expect(decisions(viaApi)).toEqual(decisions(viaGit));
    const deploy = viaApi.analysis.files[0]!.pins.find((p) => p.line === 9)!;
    expect(deploy.releaseNotes[0]).toEqual({
      version: '2.0.0',
      notes: expect.stringContaining('deploy: cluster is required'),
    });
    expect(
      seen.some(
        (s) =>
          s.path === `/api/v4/projects/${CATALOG}/repository/files/templates/deploy/template.yml/raw` &&
          s.query.ref === catalog.sha['2.0.0'],
      ),
    ).toBe(true);
  });
});
