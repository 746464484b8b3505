// Contract test: GitLab's CI Lint API cannot run here, so a local HTTP stub answers in the shape
// documented in doc/api/lint.md (API::Entities::Ci::Lint::Result). It checks what we send
// (path, body, token header) and how we handle 429/5xx, timeouts and errors. The block at the
// end runs the same calls against a real GitLab when GITLAB_URL and GITLAB_TOKEN are set.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProblemsError } from '../../src/internal/problem.js';
import { compareVerdicts, remoteLint, type RemoteLintConfig } from '../../src/validate/lint/remote.js';
import { runLint } from '../../src/validate/lint/run.js';

interface Seen {
  method: string;
  url: string;
  token: string | undefined;
  body: Record<string, unknown>;
}

let server: Server;
let base = '';
const seen: Seen[] = [];
let script: Array<(res: ServerResponse) => void> = [];
const TOKEN = 'glpat-SECRET-token-123';

const json = (status: number, body: unknown) => (res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const documentedValid = {
  valid: true,
  errors: [],
  warnings: [],
  merged_yaml: '---\ntest_job:\n  script: echo 1\n',
  includes: [],
  jobs: [
    {
      name: 'test_job',
      stage: 'test',
      before_script: [],
      script: ['echo 1'],
      after_script: [],
      tag_list: [],
      environment: null,
      when: 'on_success',
      allow_failure: false,
    },
  ],
};

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        token: req.headers['private-token'] as string | undefined,
        body: data ? JSON.parse(data) : {},
      });
      const next = script.shift() ?? json(200, documentedValid);
      next(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen.length = 0;
  script = [];
});

const config = (over: Partial<RemoteLintConfig> = {}): RemoteLintConfig => ({
  url: base,
  token: TOKEN,
  projectId: 42,
  ref: 'main',
  backoffMs: 10,
  timeoutMs: 2000,
  ...over,
});

describe("CI Lint API contract (local stub in GitLab's documented shape)", () => {
  it('POSTs content with dry_run, include_jobs and ref to /projects/:id/ci/lint with the token header', async () => {
    const v = await remoteLint('test_job:\n  script: echo 1\n', config());
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/api/v4/projects/42/ci/lint',
      token: TOKEN,
      body: { content: 'test_job:\n  script: echo 1\n', dry_run: true, include_jobs: true, ref: 'main' },
    });
    expect(v).toMatchObject({ valid: true, errors: [], mergedYaml: '---\ntest_job:\n  script: echo 1\n' });
    expect(v.jobs).toHaveLength(1);
  });

  it("returns GitLab's errors for an invalid config", async () => {
    script = [
      json(200, {
        valid: false,
        errors: ['jobs test config should implement the script:, run:, or trigger: keyword'],
        warnings: [],
        merged_yaml: null,
        includes: null,
      }),
    ];
    const v = await remoteLint('test:\n  stage: test\n', config());
    expect(v).toMatchObject({
      valid: false,
      errors: ['jobs test config should implement the script:, run:, or trigger: keyword'],
    });
  });

  it('retries 429 and 5xx with backoff, then succeeds', async () => {
    script = [
      json(503, { message: '503 Service Unavailable' }),
      json(500, { message: 'boom' }),
      json(429, { message: 'Too Many Requests' }),
    ];
    const v = await remoteLint('a:\n  script: x\n', config({ retries: 3 }));
    expect(v.valid).toBe(true);
    expect(seen.length).toBe(4);
  });

  it('gives up after the retries with a clear error', async () => {
    script = Array.from({ length: 5 }, () => json(503, { message: 'down' }));
    await expect(remoteLint('a:\n  script: x\n', config({ retries: 2 }))).rejects.toThrow(
      /GitLab CI Lint at http:\/\/127\.0\.0\.1:\d+ answered HTTP 503/,
    );
  });

  it('times out', async () => {
    script = [() => undefined];
    await expect(remoteLint('a:\n  script: x\n', config({ timeoutMs: 200, retries: 0 }))).rejects.toThrow(
      /timed out after 200 ms/,
    );
  });

  it('never prints the token, even when GitLab echoes it', async () => {
    script = [json(401, { message: `401 Unauthorized: token ${TOKEN} is revoked` })];
    const err = await remoteLint('a:\n  script: x\n', config({ retries: 0 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProblemsError);
    expect((err as Error).message).toContain('answered HTTP 401');
    expect((err as Error).message).toContain('(check GITLAB_TOKEN)');
    expect((err as Error).message).not.toContain(TOKEN);
    expect((err as Error).message).toContain('[REDACTED]');
  });

  it('compare reports where the verdicts differ', () => {
    expect(compareVerdicts('f', true, [], { valid: true, errors: [], warnings: [] })).toBeUndefined();
    expect(
      compareVerdicts('f', true, [], { valid: false, errors: ['unknown input arguments: bogus'], warnings: [] }),
    ).toEqual({ file: 'f', local: true, remote: false, onlyLocal: [], onlyRemote: ['unknown input arguments: bogus'] });
  });
});

describe('catalog lint --remote / --compare through the stub', () => {
  it("prints where the offline verdict and GitLab's differ, and exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lint-compare-'));
    try {
      writeFileSync(join(dir, 'pipeline.yml'), 'test:\n  script: echo\n');
      mkdirSync(join(dir, 'templates', 'greet'), { recursive: true });
      writeFileSync(
        join(dir, 'templates/greet/template.yml'),
        'spec:\n  inputs:\n    stage:\n      default: test\n    who:\n      type: string\n---\ngreet:\n  stage: ' +
          '$[[ inputs.stage ]]\n  script: echo\n',
      );
      script = [
        json(200, { valid: false, errors: ['pipeline filtered out by workflow rules'], warnings: [] }),
        json(200, documentedValid),
      ];
      const out = await runLint(['pipeline.yml', 'templates/greet/template.yml'], {
        cwd: dir,
        projectPath: 'acme/catalog',
        remote: config(),
        compare: true,
      });
      expect(out.exitCode).toBe(1);
      expect(out.output).toContain('≠ pipeline.yml: offline valid, GitLab invalid');
      expect(out.output).toContain('only GitLab: pipeline filtered out by workflow rules');
      expect(out.output).toContain('1 of 2 file(s) differ');
      expect(out.output).not.toContain(TOKEN);
      // CI Lint takes no inputs: a template goes as a consumer including it at HEAD.
      expect(seen[0]!.body.content).toBe('test:\n  script: echo\n');
      expect(String(seen[1]!.body.content)).toMatch(
        new RegExp(
          String.raw`^include:\n  - component: \$CI_SERVER_FQDN\/acme\/catalog\/greet@[0-9a-f]{40}\n    ` +
            String.raw`inputs:\n      who: example\n$`,
        ),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const real = process.env.GITLAB_URL && process.env.GITLAB_TOKEN && process.env.GITLAB_PROJECT_ID;
describe.skipIf(!real)('CI Lint API against a real GitLab (GITLAB_URL, GITLAB_TOKEN, GITLAB_PROJECT_ID)', () => {
  const cfg = () => ({
    url: process.env.GITLAB_URL!,
    token: process.env.GITLAB_TOKEN!,
    projectId: process.env.GITLAB_PROJECT_ID!,
    dryRun: false,
  });
  it('accepts a valid pipeline and rejects a job without script, as our linter does', async () => {
    expect((await remoteLint('test_job:\n  script: echo 1\n', cfg())).valid).toBe(true);
    const bad = await remoteLint('test:\n  stage: test\n', cfg());
    expect(bad.valid).toBe(false);
    expect(bad.errors.join('\n')).toContain('config should implement the script:');
  });
});
if (!real)
  console.log('skipped the real-GitLab CI Lint test: set GITLAB_URL, GITLAB_TOKEN and GITLAB_PROJECT_ID to run it');
