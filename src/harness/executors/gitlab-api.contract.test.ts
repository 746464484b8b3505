// CONTRACT TEST against a local stub of the GitLab REST endpoints the gitlab-api executor calls
// (we cannot run GitLab here). It pins the requests we send and how we read the answers. The real
// path runs when GITLAB_URL, GITLAB_TOKEN and GITLAB_TEST_PROJECT are set (see the last test).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';

import { fileURLToPath } from 'node:url';
import { createProject } from '../project.js';
import { GitlabApiExecutor, gitlabApiConfigFromEnv } from './gitlab-api.js';

interface Seen {
  method: string;
  path: string;
  token: string | undefined;
  body: Record<string, unknown> | undefined;
}

let server: Server;
let url: string;
const seen: Seen[] = [];
let pipelinePolls = 0;
const jobsFail = { value: false };

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://stub');
    const body = await readBody(req);
    seen.push({
      method: req.method ?? '',
      path: u.pathname,
      token: req.headers['private-token'] as string | undefined,
      body,
    });
    const json = (status: number, v: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(v));
    };
    const p = u.pathname;
    const project = '/api/v4/projects/acme%2Fscratch';
    if (req.method === 'GET' && p === project) return json(200, { id: 7, default_branch: 'main' });
    if (req.method === 'GET' && p === `${project}/repository/tree`)
      return json(200, [
        { path: '.gitlab-ci.yml', type: 'blob' },
        { path: 'templates', type: 'tree' },
      ]);
    if (req.method === 'DELETE' && p.startsWith(`${project}/repository/branches/`))
      return json(404, { message: '404 Branch Not Found' });
    if (req.method === 'POST' && p === `${project}/repository/commits`) return json(201, { id: 'c0ffee' });
    if (req.method === 'POST' && p === `${project}/pipeline`) return json(201, { id: 99, status: 'created' });
    if (req.method === 'GET' && p === `${project}/pipelines/99`) {
      pipelinePolls++;
      return json(200, { id: 99, status: pipelinePolls < 2 ? 'running' : jobsFail.value ? 'failed' : 'success' });
    }
    if (req.method === 'GET' && p === `${project}/pipelines/99/jobs`) {
      return json(200, [{ id: 501, name: 'whoami', status: jobsFail.value ? 'failed' : 'success', duration: 2.5 }]);
    }
    if (req.method === 'GET' && p === `${project}/jobs/501/trace`) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(
        jobsFail.value ? 'oidc-auth: error: AWS refused\n' : 'oidc-auth: assumed arn:aws:sts::1:assumed-role/r/s\n',
      );
    }
    json(404, { message: `stub has no ${req.method} ${p}` });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const templatesDir = fileURLToPath(new URL('../../../test/e2e/fixtures/templates', import.meta.url));
/** A consumer project that includes the whoami fixture component. */
const whoamiProject = (files?: Record<string, string>) =>
  createProject({
    templatesDir,
    component: 'whoami',
    inputs: { 'role-arn': 'arn:aws:iam::123456789012:role/r' },
    ...(files ? { files } : {}),
  });

describe('gitlab-api executor (contract test against a stub of the GitLab REST API)', () => {
  it('says what to set when GITLAB_URL, GITLAB_TOKEN or GITLAB_TEST_PROJECT is missing', async () => {
    const ex = new GitlabApiExecutor(gitlabApiConfigFromEnv({}));
    expect(await ex.unavailable()).toMatch(/set GITLAB_URL, GITLAB_TOKEN .* and GITLAB_TEST_PROJECT/);
  });

  it('pushes the scenario to a branch, creates the pipeline, follows it and fetches traces', async () => {
    seen.length = 0;
    pipelinePolls = 0;
    jobsFail.value = false;
    const ex = new GitlabApiExecutor({
      url,
      token: 'glpat-secret',
      project: 'acme/scratch',
      branch: 'catalog-scenario/t1',
      pollMs: 5,
      awsEndpoint: 'https://aws-emulator.example.com',
    });
    expect(ex.identity).toEqual({ issuer: url, projectPath: 'acme/scratch', ref: 'catalog-scenario/t1' });
    const project = whoamiProject({ 'public/index.html': 'hi' });
    try {
      const out = await ex.run({
        project,
        variables: { AWS_ENDPOINT_URL: 'http://127.0.0.1:1' },
        idToken: async () => 'unused',
      });
      expect(out.status).toBe('success');
      expect(out.jobs).toEqual([
        {
          name: 'whoami',
          status: 'success',
          trace: 'oidc-auth: assumed arn:aws:sts::1:assumed-role/r/s\n',
          durationMs: 2500,
        },
      ]);
    } finally {
      project.remove();
    }
    expect(seen.every((s) => s.token === 'glpat-secret')).toBe(true);
    const commit = seen.find((s) => s.path.endsWith('/repository/commits'))!.body!;
    expect(commit.branch).toBe('catalog-scenario/t1');
    expect(commit.start_branch).toBe('main');
    const actions = commit.actions as Array<{ action: string; file_path: string; content: string }>;
    const ci = actions.find((a) => a.file_path === '.gitlab-ci.yml')!;
    expect(ci.action).toBe('update');
    expect(ci.content).toContain('component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/whoami@$CI_COMMIT_SHA');
    expect(actions.find((a) => a.file_path === 'templates/whoami/template.yml')?.action).toBe('create');
    expect(actions.find((a) => a.file_path === 'public/index.html')?.content).toBe('hi');
    const pipeline = seen.find((s) => s.path.endsWith('/pipeline'))!.body!;
    expect(pipeline.ref).toBe('catalog-scenario/t1');
    expect(pipeline.variables).toEqual([{ key: 'AWS_ENDPOINT_URL', value: 'https://aws-emulator.example.com' }]);
    expect(seen.filter((s) => s.path.endsWith('/pipelines/99')).length).toBe(2);
    // The branch is removed before the push and again afterwards.
    expect(seen.filter((s) => s.method === 'DELETE' && s.path.endsWith('/branches/catalog-scenario%2Ft1')).length).toBe(
      2,
    );
  });

  it('reports a failed pipeline with the failed job and its trace', async () => {
    pipelinePolls = 0;
    jobsFail.value = true;
    const ex = new GitlabApiExecutor({ url, token: 't', project: 'acme/scratch', branch: 'b', pollMs: 5 });
    const project = whoamiProject();
    try {
      const out = await ex.run({ project, variables: {}, idToken: async () => 'unused' });
      expect(out.status).toBe('failed');
      expect(out.jobs[0]).toMatchObject({ name: 'whoami', status: 'failed', trace: 'oidc-auth: error: AWS refused\n' });
    } finally {
      project.remove();
    }
  });

  it.skipIf(!gitlabApiConfigFromEnv())(
    'runs a whoami pipeline on the real GitLab named by GITLAB_URL',
    async () => {
      const ex = new GitlabApiExecutor();
      const project = whoamiProject();
      try {
        const out = await ex.run({ project, variables: {}, idToken: async () => 'unused' });
        expect(out.jobs.length).toBeGreaterThan(0);
      } finally {
        project.remove();
      }
    },
    900_000,
  );
});
