// Container registries on loopback for scenarios that push images: Debian's `docker-registry`
// (CNCF distribution 2.8) over HTTPS with basic auth. moto has no registry endpoint (its ECR
// layer-upload APIs are not implemented), so a scenario pairs moto's ECR API with one of these as
// the registry host, and says so in its name. Started on first use, once per process; killed when
// the process ends, however it ends (or by stopRegistries).
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ACCOUNT_ID } from './aws-fixtures.js';
import { freePort } from './net.js';

const run = promisify(execFile);

/** The login moto's `ecr get-authorization-token` hands out (`AWS` / `<account>-auth-token`). */
export const ECR_LOGIN = { username: 'AWS', password: `${ACCOUNT_ID}-auth-token` } as const;

/** A GitLab job's registry login (CI_REGISTRY_USER / CI_REGISTRY_PASSWORD, the job token) in scenarios. */
export const GITLAB_LOGIN = { username: 'gitlab-ci-token', password: 'scenario-job-token-4f1c9e' } as const;

// bcrypt (cost 4, the registry's htpasswd format) of the passwords above, made once with Python's
// crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)).
const HTPASSWD =
  `${ECR_LOGIN.username}:$2b$04$gYO7vyRcNIYf5m7GXz25TeConaBrFeHLNG0jCa7aYJ46FDcUK.Qdq\n` +
  `${GITLAB_LOGIN.username}:$2b$04$s/prC7nyWu5PRwi6sNdOKO9qyEvxLMjoltQev.ZQAVf78WBoGK472\n`;

/**
 * The registries serve HTTPS (as ECR does) with a certificate for 127.0.0.1 made here, kept in
 * this file. Give it to a job as `SSL_CERT_FILE`, which Go programs (buildah, skopeo) read as their
 * trust store: what a team with a private CA does. (Debian's buildah 1.28 and skopeo 1.9 read no
 * registries.conf named by the environment, so plain HTTP would need options in the job.)
 */
export const REGISTRY_CA = join(tmpdir(), `catalog-registry-ca-${process.pid}.pem`);

export interface LocalRegistry {
  /** `127.0.0.1:<port>`: what image references start with. */
  readonly host: string;
  /** An image of busybox (static) built here and pushed to the registry: `<host>/base/busybox:1`. */
  readonly baseImage: string;
}

type Kind = 'writable' | 'read-only';

const started = new Map<Kind, Promise<LocalRegistry>>();
let shared: { root: string; children: ChildProcess[] } | undefined;

/**
 * The registry of this kind, started on first use. `read-only` serves the same storage as
 * `writable` (the base image is there) but refuses every push, as a registry in maintenance does.
 */
export function localRegistry(kind: Kind = 'writable'): Promise<LocalRegistry> {
  if (!started.has(kind)) started.set(kind, start(kind));
  return started.get(kind)!;
}

/** The registries' process ids (for a test that checks they end with the process). */
export function registryPids(): number[] {
  return (shared?.children ?? []).flatMap((c) => (c.pid && c.exitCode === null ? [c.pid] : []));
}

/** Kills the registries and removes their storage (also done when the process exits). */
export function stopRegistries(): void {
  if (!shared) return;
  for (const c of shared.children) {
    c.kill('SIGKILL');
    c.stdin?.destroy();
  }
  rmSync(shared.root, { recursive: true, force: true });
  rmSync(REGISTRY_CA, { force: true });
  shared = undefined;
  started.clear();
}

async function start(kind: Kind): Promise<LocalRegistry> {
  if (kind === 'read-only') {
    // The writable one first: it creates the storage and the base image.
    const writable = await localRegistry('writable');
    const host = await serve(kind);
    return { host, baseImage: writable.baseImage.replace(writable.host, host) };
  }
  const host = await serve(kind);
  return { host, baseImage: await pushBaseImage(host) };
}

function state(): { root: string; children: ChildProcess[] } {
  if (shared) return shared;
  const root = mkdtempSync(join(tmpdir(), 'catalog-registry-'));
  writeFileSync(join(root, 'htpasswd'), HTPASSWD);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=catalog scenario registry',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(root, 'key.pem'),
      '-out',
      REGISTRY_CA,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  shared = { root, children: [] };
  process.once('exit', stopRegistries);
  return shared;
}

/**
 * Runs `"$0" "$@"` in place of the shell (same pid) beside a watcher that kills it when its stdin,
 * a pipe from this process, closes: when this process ends in any way, a vitest worker stopped with
 * SIGTERM or SIGKILL too, where no 'exit' handler runs. Without it, registries outlived test runs.
 */
const OUTLIVE_NOT =
  'exec 3<&0; { read -r _ <&3; kill -9 "$$"; } </dev/null >/dev/null 2>&1 & exec "$0" "$@" 3<&- </dev/null';

async function serve(kind: Kind): Promise<string> {
  const s = state();
  const bin = '/usr/bin/docker-registry';
  if (!existsSync(bin))
    throw new Error(
      `${bin} is missing: image-build's scenarios need Debian's docker-registry (run scripts/setup-tools.sh)`,
    );
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const config = join(s.root, `${kind}.yml`);
    writeFileSync(
      config,
      [
        'version: 0.1',
        'log: {level: error, accesslog: {disabled: true}}',
        'storage:',
        `  filesystem: {rootdirectory: ${join(s.root, 'data')}}`,
        `  maintenance: {readonly: {enabled: ${kind === 'read-only'}}, uploadpurging: {enabled: false}}`,
        `http: {addr: "${host}", secret: catalog-scenarios,`,
        `  tls: {certificate: ${REGISTRY_CA}, key: ${join(s.root, 'key.pem')}}}`,
        `auth: {htpasswd: {realm: catalog-scenarios, path: ${join(s.root, 'htpasswd')}}}`,
        '',
      ].join('\n'),
    );
    const log = join(s.root, `${kind}.log`);
    const fd = openSync(log, 'w');
    // Its output goes to a file and the child is unref'd: a registry never keeps the test process alive.
    const child = spawn('sh', ['-c', OUTLIVE_NOT, bin, 'serve', config], { stdio: ['pipe', fd, fd] });
    closeSync(fd);
    child.unref();
    (child.stdin as { unref?: () => void } | null)?.unref?.();
    s.children.push(child);
    if (await up(host, child)) return host;
    child.kill('SIGKILL');
    if (attempt >= 2) {
      const said = existsSync(log) ? readFileSync(log, 'utf8').trim().slice(-2000) : '';
      throw new Error(`docker-registry did not start on ${host}: ${said || 'no output'}`);
    }
  }
}

async function up(host: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      // 401: listening and asking for the login.
      const r = await registryGet(host, '');
      if (r.status === 401 || r.status === 200) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** GET `https://<host>/v2/<path>` as the ECR user, trusting the registries' certificate. */
export function registryGet(host: string, path: string, accept?: string): Promise<{ status: number; body: Buffer }> {
  const auth = Buffer.from(`${ECR_LOGIN.username}:${ECR_LOGIN.password}`).toString('base64');
  return new Promise((done, fail) => {
    const req = request(
      `https://${host}/v2/${path}`,
      {
        ca: readFileSync(REGISTRY_CA),
        headers: { authorization: `Basic ${auth}`, ...(accept ? { accept } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end();
  });
}

/** Nothing can be pulled from the internet here: the base image is busybox-static on scratch. */
async function pushBaseImage(host: string): Promise<string> {
  const s = state();
  const busybox = '/bin/busybox';
  if (!existsSync(busybox))
    throw new Error(`${busybox} is missing: the scenarios' base image needs Debian's busybox-static`);
  const dir = join(s.root, 'base');
  mkdirSync(dir, { recursive: true });
  copyFileSync(busybox, join(dir, 'busybox'));
  writeFileSync(
    join(dir, 'Containerfile'),
    'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n',
  );
  const buildah = [
    '--storage-driver=vfs',
    `--root=${join(s.root, 'buildah', 'storage')}`,
    `--runroot=${join(s.root, 'buildah', 'run')}`,
  ];
  const ref = `${host}/base/busybox:1`;
  try {
    await run('buildah', [...buildah, 'bud', '--isolation=chroot', '--quiet', `--tag=${ref}`, dir]);
    await run(
      'buildah',
      [...buildah, 'push', '--quiet', `--creds=${ECR_LOGIN.username}:${ECR_LOGIN.password}`, ref, `docker://${ref}`],
      { env: { ...process.env, SSL_CERT_FILE: REGISTRY_CA } },
    );
  } catch (e) {
    throw new Error(`building the scenarios' base image failed: ${(e as { stderr?: string }).stderr ?? String(e)}`);
  }
  return ref;
}
