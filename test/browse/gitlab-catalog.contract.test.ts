// CONTRACT TEST for the GitLab CI/CD Catalog source: GitLab's GraphQL API cannot run here, so a
// local HTTP server answers `ciCatalogResources` / `ciCatalogResource` in the shape GitLab's
// schema documents (CiCatalogResource, CiCatalogResourceVersion, CiCatalogResourceComponent,
// CiCatalogResourceComponentInput with its ARRAY|BOOLEAN|NUMBER|STRING type and String default).
// The same calls run against a real GitLab when GITLAB_URL and GITLAB_TOKEN are set (and
// GITLAB_CATALOG_PROJECT names a published catalog project): see the last describe block.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffInputs } from '../../src/catalog/browse/diff.js';
import { findComponent, findVersion } from '../../src/catalog/browse/model.js';
import { search } from '../../src/catalog/browse/search.js';
import { includeSnippet } from '../../src/catalog/browse/snippet.js';
import { loadCatalog } from '../../src/catalog/browse/source.js';

const SHA2 = 'a'.repeat(40);
const SHA1 = 'b'.repeat(40);
const input = (name: string, type: string, required: boolean, dflt: string | null, description = '') => ({
  name,
  required,
  default: dflt,
  description,
  regex: null,
  type,
});
const component = (name: string, version: string, inputs: unknown[]) => ({
  name,
  includePath: `$CI_SERVER_FQDN/platform/aws-delivery/${name}@${version}`,
  inputs,
});

// Two releases of one catalog project, as GitLab answers for it (newest first).
const RESOURCE = {
  fullPath: 'platform/aws-delivery',
  name: 'aws-delivery',
  description: 'Deliver to AWS with OIDC: S3 sites and ECS.',
  webPath: '/platform/aws-delivery',
  versions: {
    nodes: [
      {
        name: '2.0.0',
        releasedAt: '2026-04-02T10:00:00Z',
        commit: { sha: SHA2 },
        components: {
          nodes: [
            component('s3-site', '2.0.0', [
              input('role-arn', 'STRING', true, null, 'The role.'),
              input('bucket', 'STRING', true, null),
              input('wait', 'BOOLEAN', false, 'true'),
              input('retries', 'NUMBER', false, '3'),
            ]),
          ],
        },
      },
      {
        name: '1.0.0',
        releasedAt: '2026-01-10T10:00:00Z',
        commit: { sha: SHA1 },
        components: {
          nodes: [
            component('s3-site', '1.0.0', [
              input('role-arn', 'STRING', true, null, 'The role.'),
              input('bucket', 'STRING', true, null),
              input('acl', 'STRING', false, 'private'),
              input('wait', 'BOOLEAN', false, 'false'),
            ]),
          ],
        },
      },
    ],
  },
};

interface Seen {
  auth?: string;
  query: string;
  variables: Record<string, unknown>;
}
let server: Server;
let url: string;
const seen: Seen[] = [];

async function body(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const c of req) s += c;
  return s;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    if (req.url !== '/api/graphql' || req.method !== 'POST')
      return void res.writeHead(404).end('{"message":"404 Not Found"}');
    const { query, variables } = JSON.parse(await body(req)) as { query: string; variables: Record<string, unknown> };
    seen.push({ auth: req.headers.authorization, query, variables });
    res.setHeader('content-type', 'application/json');
    if (req.headers.authorization !== 'Bearer glpat-contract')
      return void res.writeHead(401).end('{"message":"401 Unauthorized"}');
    if (query.includes('ciCatalogResources(')) {
      return void res.end(
        JSON.stringify({
          data: {
            ciCatalogResources: {
              nodes: [
                {
                  fullPath: RESOURCE.fullPath,
                  name: RESOURCE.name,
                  description: RESOURCE.description,
                  webPath: RESOURCE.webPath,
                },
              ],
            },
          },
        }),
      );
    }
    if (query.includes('ciCatalogResource(')) {
      if (variables.fullPath !== RESOURCE.fullPath)
        return void res.end(JSON.stringify({ data: { ciCatalogResource: null } }));
      const versions = { nodes: RESOURCE.versions.nodes.slice(0, Number(variables.versions ?? 20)) };
      return void res.end(JSON.stringify({ data: { ciCatalogResource: { ...RESOURCE, versions } } }));
    }
    res.end(JSON.stringify({ errors: [{ message: "Field 'nope' doesn't exist on type 'Query'" }] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const env = () => ({ GITLAB_URL: url, GITLAB_TOKEN: 'glpat-contract' });

describe('GitLab CI/CD Catalog over GraphQL (contract test against a local server)', () => {
  it(
    'reads one catalog project: its versions, components and typed inputs, ' + 'with the token as a Bearer header',
    async () => {
      const cat = await loadCatalog({ gitlab: 'platform/aws-delivery', env: env() });
      const last = seen[seen.length - 1]!;
      expect(last.auth).toBe('Bearer glpat-contract');
      expect(last.query).toMatch(/ciCatalogResource\(fullPath: \$fullPath\)/);
      expect(last.query).toMatch(/inputs \{ name required default description regex type \}/);
      expect(last.variables).toEqual({ fullPath: 'platform/aws-delivery', versions: 20 });
      const c = findComponent(cat, 's3-site');
      expect(c.versions.map((v) => [v.version, v.sha, v.date])).toEqual([
        ['2.0.0', SHA2, '2026-04-02'],
        ['1.0.0', SHA1, '2026-01-10'],
      ]);
      expect(findVersion(c, '2.0.0').inputs).toEqual([
        { name: 'role-arn', type: 'string', required: true, description: 'The role.' },
        { name: 'bucket', type: 'string', required: true, description: '' },
        { name: 'wait', type: 'boolean', required: false, default: true, description: '' },
        { name: 'retries', type: 'number', required: false, default: 3, description: '' },
      ]);
      expect(c.includeBase).toBe('$CI_SERVER_FQDN/platform/aws-delivery/s3-site');
    },
  );

  it('diffs and pins what GitLab returned: acl removed (breaking), the SHA from the version commit', async () => {
    const c = findComponent(await loadCatalog({ gitlab: 'platform/aws-delivery', env: env() }), 's3-site');
    expect(
      diffInputs(findVersion(c, '1.0.0'), findVersion(c, '2.0.0')).map((d) => [d.input, d.kind, d.breaking]),
    ).toEqual([
      ['acl', 'removed', true],
      ['wait', 'changed', false],
      ['retries', 'added', false],
    ]);
    expect(includeSnippet(c, findVersion(c, '1'), { pinSha: true })).toContain(`s3-site@${SHA1} # 1.0.0\n`);
  });

  it(
    "searches the instance: GitLab's search finds the projects, each project's newest release gives " +
      'the components',
    async () => {
      seen.length = 0;
      const cat = await loadCatalog({ gitlab: true, search: 's3', env: env() });
      expect(seen[0]!.query).toMatch(/ciCatalogResources\(search: \$search/);
      expect(seen[0]!.variables).toMatchObject({ search: 's3' });
      expect(seen[1]!.variables).toEqual({ fullPath: 'platform/aws-delivery', versions: 1 });
      expect(search(cat, 's3').map((h) => [h.component.name, h.component.versions[0]!.version])).toEqual([
        ['platform/aws-delivery/s3-site', '2.0.0'],
      ]);
    },
  );

  it(
    'a project that is not in the catalog, a refused token and an unreachable GitLab are one-line ' +
      'errors with the fix',
    async () => {
      await expect(loadCatalog({ gitlab: 'nobody/nothing', env: env() })).rejects.toThrow(
        /nobody\/nothing is not a CI\/CD Catalog project on http:\/\/127\.0\.0\.1:\d+ .*\(fix: check the project path/,
      );
      await expect(
        loadCatalog({ gitlab: 'platform/aws-delivery', env: { GITLAB_URL: url, GITLAB_TOKEN: 'wrong' } }),
      ).rejects.toThrow(
        'refused the token (HTTP 401) (fix: set GITLAB_TOKEN to a personal or project access token with the ' +
          'read_api scope)',
      );
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((r) => closed.close(() => r()));
      await expect(
        loadCatalog({
          gitlab: 'platform/aws-delivery',
          env: { GITLAB_URL: `http://127.0.0.1:${port}`, GITLAB_TOKEN: 'x' },
        }),
      ).rejects.toThrow(
        /^error: cannot reach GitLab at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) \(fix: check GITLAB_URL/,
      );
      await expect(
        loadCatalog({
          gitlab: 'platform/aws-delivery',
          env: { GITLAB_URL: `${url}/group/project`, GITLAB_TOKEN: 'x' },
        }),
      ).rejects.toThrow(/answered HTTP 404 .*\(fix: check GITLAB_URL points at the GitLab root/);
    },
  );

  it('never prints the token', async () => {
    const err = await loadCatalog({
      gitlab: 'platform/aws-delivery',
      env: { GITLAB_URL: url, GITLAB_TOKEN: 'glpat-secret-value' },
    }).catch((e: Error) => e.message);
    expect(err).not.toContain('glpat-secret-value');
  });
});

// The real service: generated only when a GitLab is named, so the suite never reports a skip.
const real = process.env.GITLAB_URL && process.env.GITLAB_TOKEN;
const project = process.env.GITLAB_CATALOG_PROJECT;
if (real) {
  describe(`GitLab CI/CD Catalog of the real GitLab at ${process.env.GITLAB_URL}`, () => {
    it('searches the instance: every component found has a version and an include path', async () => {
      const cat = await loadCatalog({ gitlab: true, search: '' });
      for (const c of cat.components) {
        expect(c.versions.length).toBeGreaterThan(0);
        expect(c.includeBase).toMatch(/^\$CI_SERVER_FQDN\/.+\/[A-Za-z0-9_-]+$/);
      }
    });
    if (project) {
      it(`reads ${project}: released versions with components and inputs`, async () => {
        const cat = await loadCatalog({ gitlab: project });
        expect(cat.components.length).toBeGreaterThan(0);
        for (const c of cat.components) {
          expect(c.includeBase).toMatch(new RegExp(`/${project}/${c.name}$`));
          expect(includeSnippet(c, c.versions[0]!)).toContain(`${c.name}@${c.versions[0]!.version}`);
        }
      });
    }
  });
}
if (!real || !project)
  console.log(
    'some real-GitLab catalog tests did not run: set GITLAB_URL and GITLAB_TOKEN (and GITLAB_CATALOG_PROJECT, a ' +
      'published catalog project) to run them',
  );
