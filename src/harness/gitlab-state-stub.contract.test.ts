// Contract test of GitLab's Terraform state API as the opentofu component's HTTP backend uses it.
// The same calls run against the local stub (always) and against a real GitLab when GITLAB_URL,
// GITLAB_TOKEN (a personal access token with api scope), GITLAB_USER (its username) and
// GITLAB_STATE_PROJECT (a scratch project's id) are set, so the stub cannot drift from GitLab.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStateStub, type StateStub } from './gitlab-state-stub.js';

interface Target {
  readonly api: string;
  readonly project: string;
  readonly user: string;
  readonly password: string;
}

function contract(name: string, target: () => Target) {
  describe(name, () => {
    const state = `contract-${randomUUID().slice(0, 8)}`;
    const call = async (method: string, suffix: string, body?: string, auth = true) => {
      const t = target();
      const res = await fetch(`${t.api}/projects/${encodeURIComponent(t.project)}/terraform/state/${state}${suffix}`, {
        method,
        headers: {
          ...(auth ? { authorization: `Basic ${Buffer.from(`${t.user}:${t.password}`).toString('base64')}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body } : {}),
      });
      return { status: res.status, text: await res.text() };
    };
    const lockInfo = (id: string) =>
      JSON.stringify({
        ID: id,
        Operation: 'OperationTypeApply',
        Info: '',
        Who: 'ci@runner',
        Version: '1.10.10',
        Created: new Date().toISOString(),
        Path: '',
      });
    const doc = (serial: number) =>
      JSON.stringify({
        version: 4,
        terraform_version: '1.10.10',
        serial,
        lineage: 'contract',
        outputs: {},
        resources: [],
      });

    afterAll(async () => {
      await call('DELETE', '/lock');
      await call('DELETE', '');
    });

    it('refuses a request without credentials (401)', async () => {
      expect((await call('GET', '', undefined, false)).status).toBe(401);
    });

    it('answers 204 No Content for a state that does not exist yet', async () => {
      expect((await call('GET', '')).status).toBe(204);
    });

    it('takes the lock once (200 with the lock info), then refuses another lock with 409 and the holder', async () => {
      const first = await call('POST', '/lock', lockInfo('lock-a'));
      expect(first.status).toBe(200);
      expect(JSON.parse(first.text).ID).toBe('lock-a');
      const second = await call('POST', '/lock', lockInfo('lock-b'));
      expect(second.status).toBe(409);
      expect(JSON.parse(second.text).ID).toBe('lock-a');
    });

    it('saves a state under the lock with ?ID=, refuses a save under another lock ID (409)', async () => {
      expect((await call('POST', '?ID=lock-a', doc(1))).status).toBe(200);
      expect((await call('POST', '?ID=lock-b', doc(2))).status).toBe(409);
      const got = await call('GET', '');
      expect(got.status).toBe(200);
      expect(JSON.parse(got.text).serial).toBe(1);
    });

    it('refuses an unlock with another lock ID (409), then releases it with its own (200)', async () => {
      expect((await call('DELETE', '/lock', lockInfo('lock-b'))).status).toBe(409);
      expect((await call('DELETE', '/lock', lockInfo('lock-a'))).status).toBe(200);
      expect((await call('POST', '/lock', lockInfo('lock-c'))).status).toBe(200);
      expect((await call('DELETE', '/lock', lockInfo('lock-c'))).status).toBe(200);
    });
  });
}

let stub: StateStub;
const TOKEN = 'job-token-contract';
beforeAll(async () => {
  stub = await startStateStub();
  stub.tokens.add(TOKEN);
});
afterAll(() => stub.stop());

contract('GitLab Terraform state API contract: local stub', () => ({
  api: stub.url,
  project: '1217',
  user: 'gitlab-ci-token',
  password: TOKEN,
}));

const real =
  process.env.GITLAB_URL && process.env.GITLAB_TOKEN && process.env.GITLAB_USER && process.env.GITLAB_STATE_PROJECT;
if (real) {
  contract('GitLab Terraform state API contract: real GitLab', () => ({
    api: `${process.env.GITLAB_URL!.replace(/\/$/, '')}/api/v4`,
    project: process.env.GITLAB_STATE_PROJECT!,
    user: process.env.GITLAB_USER!,
    password: process.env.GITLAB_TOKEN!,
  }));
}
