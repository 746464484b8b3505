// End-to-end scenarios for image-build: real Buildah builds and pushes, run by
// `npm run catalog -- test image-build` and `npm test`.
// ECR's API (repositories, login token, images, scan findings) is moto's, through the fault proxy.
// moto has no registry endpoint, so the registry the jobs push to and read back from is Debian's
// docker-registry on 127.0.0.1 (src/harness/registry.ts), with moto's login as its only ECR user:
// the proxy rewrites moto's repositoryUri to name it. Scenarios whose scan findings come from the
// proxy instead of moto say "simulated".
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  PutImageCommand,
  type ECRClient as ECRClientType,
  ECRClient,
} from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import type { ProxyResponse } from '../../src/harness/aws-call.js';
import { faults, type FaultRule } from '../../src/harness/fault-proxy.js';
import {
  ECR_LOGIN,
  GITLAB_LOGIN,
  localRegistry,
  REGISTRY_CA,
  registryGet,
  type LocalRegistry,
} from '../../src/harness/registry.js';
import { defineScenarios, type Scenario, type ScenarioContext } from '../../src/harness/scenario.js';
import { REPO_ROOT } from '../../src/harness/tools.js';

const REPOSITORY = 'web';

const DOCKERFILE = `ARG BASE
FROM \${BASE} AS build
ARG GREETING=hi
# RUN steps must never see the job's variables (its ID token, CI_JOB_TOKEN, the role).
RUN test -z "$AWS_ID_TOKEN$CI_JOB_TOKEN$AWS_ROLE_ARN$CI_COMMIT_SHA" || { echo "RUN saw the job's variables"; exit 1; }
RUN echo "$GREETING" > /greeting

FROM \${BASE} AS final
ARG GREETING=hi
COPY --from=build /greeting /greeting
LABEL stage=final greeting=\${GREETING}
CMD ["cat", "/greeting"]

FROM \${BASE} AS debug
LABEL stage=debug
`;

/** The registry the last setup started: the proxy rule and the checks need its host. */
let registry: LocalRegistry | undefined;

async function useRegistry(kind: 'writable' | 'read-only' = 'writable'): Promise<LocalRegistry> {
  registry = await localRegistry(kind);
  return registry;
}

const atLocalRegistry = (): FaultRule => {
  if (!registry) throw new Error('no local registry: the scenario setup must call useRegistry()');
  return faults.ecrRegistryAt(registry.host);
};

const ecr = (ctx: ScenarioContext): ECRClientType => ctx.aws.client(ECRClient);

/** Every scenario: the role, the registry and a base image from it (nothing can be pulled from the internet). */
async function basics(ctx: ScenarioContext, kind: 'writable' | 'read-only' = 'writable', sub?: string) {
  const reg = await useRegistry(kind);
  return {
    'role-arn': await ctx.oidcRole(sub ? { sub } : {}),
    'build-args': `BASE=${reg.baseImage}\nGREETING=hello`,
  };
}

const get = (path: string, accept?: string) => registryGet(registry!.host, path, accept);

const MANIFEST_TYPES =
  'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';

/** What the registry serves for a tag or digest: the manifest, its digest and the image config. */
async function pulled(repository: string, reference: string) {
  const r = await get(`${repository}/manifests/${reference}`, MANIFEST_TYPES);
  assert.equal(r.status, 200, `the registry does not serve ${repository}:${reference} (HTTP ${r.status})`);
  const bytes = r.body;
  const manifest = JSON.parse(bytes.toString('utf8')) as {
    config: { digest: string };
    annotations?: Record<string, string>;
  };
  const config = JSON.parse((await get(`${repository}/blobs/${manifest.config.digest}`)).body.toString('utf8')) as {
    config?: { Labels?: Record<string, string> };
  };
  return {
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    manifest,
    labels: config.config?.Labels ?? {},
  };
}

async function tagsOf(repository: string): Promise<string[]> {
  const r = await get(`${repository}/tags/list`);
  if (r.status === 404) return [];
  return ((JSON.parse(r.body.toString('utf8')) as { tags?: string[] | null }).tags ?? []).sort();
}

const INDEX_TYPES =
  'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json';

interface Index {
  mediaType: string;
  manifests: Array<{ digest: string; platform: { os: string; architecture: string } }>;
}

/** The image index the registry serves for a tag or digest, and the sha256 of its bytes. */
async function indexOf(repository: string, reference: string): Promise<{ digest: string; index: Index }> {
  const r = await get(`${repository}/manifests/${reference}`, INDEX_TYPES);
  assert.equal(r.status, 200, `the registry does not serve ${repository}:${reference} (HTTP ${r.status})`);
  return {
    digest: `sha256:${createHash('sha256').update(r.body).digest('hex')}`,
    index: JSON.parse(r.body.toString('utf8')) as Index,
  };
}

const platformsOf = (index: Index) => index.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`).sort();

/** The runner's CPU and another one, as image platforms (scripts/setup-tools.sh fetches busybox for the other). */
const NATIVE = process.arch === 'arm64' ? 'arm64' : 'amd64';
const FOREIGN = NATIVE === 'arm64' ? 'amd64' : 'arm64';
const BOTH = ['amd64', 'arm64'].map((a) => `linux/${a}`);

const multiBases = new Map<string, Promise<string>>();

/**
 * A base image for both CPUs, pushed to the local registry as an index: Debian's busybox-static
 * for each (the foreign one from .tools, fetched by scripts/setup-tools.sh) with sh, echo and cat
 * linked to it. Built with COPY only, so no emulator is needed; made once per registry.
 */
function multiArchBase(reg: LocalRegistry): Promise<string> {
  if (!multiBases.has(reg.host)) multiBases.set(reg.host, buildMultiArchBase(reg));
  return multiBases.get(reg.host)!;
}

async function buildMultiArchBase(reg: LocalRegistry): Promise<string> {
  const busybox: Record<string, string> = {
    [NATIVE]: '/bin/busybox',
    [FOREIGN]: join(REPO_ROOT, '.tools', `busybox-${FOREIGN}`, 'busybox'),
  };
  for (const file of Object.values(busybox))
    if (!existsSync(file))
      throw new Error(`${file} is missing: run scripts/setup-tools.sh (it fetches Debian's busybox-static)`);
  const dir = mkdtempSync(join(tmpdir(), 'image-build-multi-base-'));
  try {
    for (const [arch, file] of Object.entries(busybox)) {
      mkdirSync(join(dir, `rootfs-${arch}`, 'bin'), { recursive: true });
      copyFileSync(file, join(dir, `rootfs-${arch}`, 'bin', 'busybox'));
      for (const applet of ['sh', 'echo', 'cat']) symlinkSync('busybox', join(dir, `rootfs-${arch}`, 'bin', applet));
    }
    writeFileSync(join(dir, 'Containerfile'), 'FROM scratch\nARG TARGETARCH\nCOPY rootfs-${TARGETARCH}/ /\n');
    const storage = [`--storage-driver=vfs`, `--root=${join(dir, 'storage')}`, `--runroot=${join(dir, 'run')}`];
    const ref = `${reg.host}/base/busybox-multi:1`;
    const run = promisify(execFile);
    await run('buildah', [...storage, 'bud', '--quiet', `--platform=${BOTH.join(',')}`, '--manifest=base', dir]);
    await run(
      'buildah',
      [
        ...storage,
        'manifest',
        'push',
        '--all',
        '--quiet',
        '--format=oci',
        `--creds=${ECR_LOGIN.username}:${ECR_LOGIN.password}`,
        'base',
        `docker://${ref}`,
      ],
      { env: { ...process.env, SSL_CERT_FILE: REGISTRY_CA } },
    );
    return ref;
  } catch (e) {
    throw new Error(`building the multi-platform base image failed: ${(e as { stderr?: string }).stderr ?? String(e)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The role, the registry and the two-CPU base image as the build arg BASE. */
async function multiArchBasics(ctx: ScenarioContext) {
  const reg = await useRegistry();
  return { 'role-arn': await ctx.oidcRole(), 'build-args': `BASE=${await multiArchBase(reg)}` };
}

/** The dotenv report the job wrote (gitlab-ci-local keeps the job's copy of the project). */
function dotenvOf(trace: string): Record<string, string> {
  const ref = /image-build: IMAGE_REF=(\S+)/.exec(trace)?.[1];
  assert.ok(ref, 'the trace does not show IMAGE_REF');
  return { IMAGE_REF: ref };
}

function reportOf(projectDir: string): Record<string, string> {
  const text = readFileSync(
    `${projectDir}/.gitlab-ci-local/artifacts/image-build/.gitlab-ci-reports/dotenv/image.env`,
    'utf8',
  );
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

const ecrAnswer = (doc: object): ProxyResponse => ({
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: Buffer.from(JSON.stringify(doc)),
});

/** ECR's answers to DescribeImageScanFindings, as a basic scan reports them, from the proxy. */
function simulatedScan(findings: { severity: string; name: string; pkg: string; version: string }[]): FaultRule {
  return {
    name: 'simulated-scan-findings',
    action: 'DescribeImageScanFindings',
    respond: (call, n) => {
      const req = JSON.parse(call.body.toString('utf8')) as { repositoryName: string; imageId: object };
      const base = { registryId: '123456789012', repositoryName: req.repositoryName, imageId: req.imageId };
      // The scan is still running at the first look.
      if (n === 1) return ecrAnswer({ ...base, imageScanStatus: { status: 'IN_PROGRESS' } });
      const counts: Record<string, number> = {};
      for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
      return ecrAnswer({
        ...base,
        imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
        imageScanFindings: {
          findingSeverityCounts: counts,
          findings: findings.map((f) => ({
            name: f.name,
            severity: f.severity,
            uri: `https://security-tracker.debian.org/tracker/${f.name}`,
            attributes: [
              { key: 'package_name', value: f.pkg },
              { key: 'package_version', value: f.version },
            ],
          })),
        },
      });
    },
  };
}

const FILES = { Dockerfile: DOCKERFILE };
const VARIABLES = { SSL_CERT_FILE: REGISTRY_CA };
const GITLAB_VARIABLES: Record<string, string> = { ...VARIABLES };

/** An IMMUTABLE repository holding the tag `stable`: the job refuses before building, also with create-on-push. */
function immutableTagTaken(createOnPush: boolean): Scenario {
  return {
    name:
      'a tag that already exists in an IMMUTABLE repository fails before building' +
      (createOnPush ? ' (create-on-push: true)' : ''),
    files: FILES,
    variables: VARIABLES,
    inputs: { repository: 'locked', tags: 'sha, stable', 'create-on-push': createOnPush },
    setup: async (ctx) => {
      const inputs = await basics(ctx);
      await ecr(ctx).send(new CreateRepositoryCommand({ repositoryName: 'locked', imageTagMutability: 'IMMUTABLE' }));
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'1'.repeat(64)}`, size: 2 },
        layers: [],
      });
      await ecr(ctx).send(
        new PutImageCommand({ repositoryName: 'locked', imageTag: 'stable', imageManifest: manifest }),
      );
      return inputs;
    },
    faults: () => [atLocalRegistry()],
    expect: {
      status: 'failed',
      trace: [
        /image-build: error: tag stable \(sha256:[0-9a-f]{64} pushed .+\) already exists/,
        "the repository 'locked' has IMMUTABLE tags",
        'nothing was built or pushed',
      ],
      notInTrace: ['image-build: building'],
    },
    verify: async (_ctx, r) => {
      assert.deepEqual(await tagsOf('locked'), [], 'something was pushed');
      assert.equal(r.counts['ecr:GetAuthorizationToken'] ?? 0, 0, 'the job logged in before refusing');
    },
  };
}

/** The component's policy without ecr:CreateRepository, on every repository (a creation template creates them). */
const PUSH_WITHOUT_CREATE = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: (
        JSON.parse(readFileSync(new URL('./policy.json', import.meta.url), 'utf8')) as {
          Statement: Array<{ Action: string[] }>;
        }
      ).Statement.flatMap((st) => st.Action).filter((a) => a !== 'ecr:CreateRepository'),
      Resource: '*',
    },
  ],
};

/** The whole path with either builder: build, push, read back, hand on; each in its own repository. */
function buildsAndHandsOn(builder: 'buildah' | 'buildkit'): Scenario {
  const repository = builder === 'buildkit' ? 'web-buildkit' : REPOSITORY;
  const variables: Record<string, string> = { ...VARIABLES };
  return {
    name:
      `${builder === 'buildkit' ? 'builder: buildkit (daemonless) ' : ''}builds the target with build args, pushes ` +
      'to ECR (registry: local docker-registry, moto has none) and hands on the digest',
    files: FILES,
    variables,
    inputs: { repository, target: 'final', builder },
    setup: async (ctx) => {
      const inputs = await basics(ctx);
      // BuildKit speaks plain HTTP to a registry on 127.0.0.1 unless told otherwise: the team's
      // buildkitd.toml for a registry with its own CA, through BUILDKITD_FLAGS (the job runs on this host).
      if (builder === 'buildkit') {
        const config = join(mkdtempSync(join(tmpdir(), 'image-build-buildkitd-')), 'buildkitd.toml');
        writeFileSync(config, `[registry."${registry!.host}"]\n  http = false\n  ca = ["${REGISTRY_CA}"]\n`);
        variables.BUILDKITD_FLAGS = `--config=${config}`;
      }
      return inputs;
    },
    faults: () => [atLocalRegistry()],
    expect: {
      status: 'success',
      trace: [
        `image-build: created ECR repository ${repository} (tags MUTABLE, scan on push: true)`,
        `image-build: logged in to 127.0.0.1:`,
        new RegExp(`image-build: IMAGE_REF=127\\.0\\.0\\.1:\\d+/${repository}@sha256:[0-9a-f]{64}`),
        `with ${builder} for the runner's platform`,
      ],
      notInTrace: [ECR_LOGIN.password],
    },
    verify: async (ctx, r) => {
      const repo = (await ecr(ctx).send(new DescribeRepositoriesCommand({ repositoryNames: [repository] })))
        .repositories![0]!;
      assert.equal(repo.imageTagMutability, 'MUTABLE');
      assert.equal(repo.imageScanningConfiguration?.scanOnPush, true, 'scan on push is not on');
      const { IMAGE_REF: ref } = dotenvOf(r.trace);
      const report = reportOf(r.projectDir);
      assert.equal(report.IMAGE_REF, ref, 'the dotenv report and the trace disagree');
      const digest = ref!.split('@')[1]!;
      assert.equal(report.IMAGE_DIGEST, digest);
      // IMAGE_REF resolves to the manifest the registry serves, and the tags point at it.
      const byDigest = await pulled(repository, digest);
      assert.equal(byDigest.digest, digest, 'the digest is not the sha256 of the manifest the registry serves');
      const sha = (await pulled(repository, 'main')).digest;
      assert.equal(sha, digest, 'the branch tag points at another manifest');
      const tags = await tagsOf(repository);
      assert.equal(tags.length, 2, `expected the commit SHA and the branch slug as tags, got ${tags.join(', ')}`);
      assert.ok(tags.includes('main') && tags.some((t) => /^[0-9a-f]{40}$/.test(t)), tags.join(', '));
      // The target stage, its build args, and the OCI labels and annotations from CI_* variables.
      assert.equal(byDigest.labels.stage, 'final', 'the target stage was not the one built');
      assert.equal(byDigest.labels.greeting, 'hello', 'the build arg did not reach the build');
      const revision = tags.find((t) => t !== 'main');
      assert.equal(byDigest.labels['org.opencontainers.image.revision'], revision);
      assert.equal(byDigest.manifest.annotations?.['org.opencontainers.image.revision'], revision);
      assert.match(byDigest.labels['org.opencontainers.image.source'] ?? '', /acme\/platform\/site/);
      // Pushed as a plain image manifest (no attestation index).
      assert.equal(
        (byDigest.manifest as { mediaType?: string }).mediaType,
        'application/vnd.oci.image.manifest.v1+json',
      );
    },
  };
}

const scenarios: Scenario[] = [
  buildsAndHandsOn('buildah'),
  buildsAndHandsOn('buildkit'),
  {
    name: 'a pipeline for the Git tag v1.4.2 pushes 1.4.2, 1.4 and 1 beside the SHA, and no branch or latest tag',
    files: FILES,
    variables: VARIABLES,
    inputs: { repository: 'release', target: 'final', tags: 'sha, branch, semver, semver-minor, semver-major, latest' },
    setup: (ctx) => basics(ctx, 'writable', `project_path:${ctx.projectPath}:ref_type:tag:ref:v*`),
    pipeline: { event: { kind: 'tag', tag: 'v1.4.2' } },
    faults: () => [atLocalRegistry()],
    expect: {
      status: 'success',
      trace: [
        "image-build: tag 'branch' skipped: this is not a branch pipeline",
        "image-build: tag 'latest' skipped: this is not a pipeline of the default branch",
      ],
    },
    verify: async (_ctx, r) => {
      const tags = await tagsOf('release');
      const sha = tags.find((t) => /^[0-9a-f]{40}$/.test(t));
      assert.deepEqual(tags, ['1', '1.4', '1.4.2', sha].sort(), `unexpected tags ${tags.join(', ')}`);
      const digest = dotenvOf(r.trace).IMAGE_REF!.split('@')[1];
      for (const tag of tags) assert.equal((await pulled('release', tag)).digest, digest, `${tag} is another image`);
      assert.equal((await pulled('release', '1.4.2')).labels['org.opencontainers.image.version'], '1.4.2');
    },
  },
  {
    name: "pushes to GitLab's registry (a local docker-registry as CI_REGISTRY) with the job token, no AWS",
    files: FILES,
    variables: GITLAB_VARIABLES,
    inputs: { registry: 'gitlab', repository: 'web', tags: 'sha', target: 'final' },
    setup: async () => {
      const reg = await useRegistry();
      // GitLab's predefined registry variables, as a job of a project with the registry on has them
      // (the harness reads `variables` after setup, when the registry's port is known).
      // GCL_VARIABLE_<NAME> reaches gitlab-ci-local as --variable, which wins over its own predefined ones
      // (it warns about that unless told, GCL_IGNORE_PREDEFINED_VARS).
      Object.assign(GITLAB_VARIABLES, {
        GCL_IGNORE_PREDEFINED_VARS: 'CI_REGISTRY,CI_REGISTRY_IMAGE,CI_REGISTRY_USER,CI_REGISTRY_PASSWORD',
        GCL_VARIABLE_CI_REGISTRY: reg.host,
        GCL_VARIABLE_CI_REGISTRY_IMAGE: `${reg.host}/acme/platform/site`,
        GCL_VARIABLE_CI_REGISTRY_USER: GITLAB_LOGIN.username,
        GCL_VARIABLE_CI_REGISTRY_PASSWORD: GITLAB_LOGIN.password,
      });
      return { 'build-args': `BASE=${reg.baseImage}\nGREETING=hello` };
    },
    expect: {
      status: 'success',
      trace: [/image-build: IMAGE_REF=127\.0\.0\.1:\d+\/acme\/platform\/site\/web@sha256:[0-9a-f]{64}/],
      notInTrace: [GITLAB_LOGIN.password, 'oidc-auth:'],
    },
    verify: async (_ctx, r) => {
      assert.deepEqual(r.counts, {}, "a push to GitLab's registry called AWS");
      const digest = dotenvOf(r.trace).IMAGE_REF!.split('@')[1]!;
      assert.equal((await pulled('acme/platform/site/web', digest)).digest, digest);
      assert.equal((await pulled('acme/platform/site/web', digest)).labels.stage, 'final');
    },
  },
  {
    name: 'a Dockerfile that fails to build fails the job and pushes nothing',
    files: { Dockerfile: 'ARG BASE\nFROM ${BASE}\nRUN echo compiling && exit 3\n' },
    variables: VARIABLES,
    inputs: { repository: 'broken' },
    setup: (ctx) => basics(ctx),
    faults: () => [atLocalRegistry()],
    expect: {
      status: 'failed',
      trace: ['image-build: error: the build failed', 'nothing was pushed'],
      notInTrace: ['IMAGE_REF='],
    },
    verify: async () => assert.deepEqual(await tagsOf('broken'), [], 'a failed build pushed tags'),
  },
  immutableTagTaken(false),
  immutableTagTaken(true),
  {
    name:
      "create-on-push: a missing repository is left for ECR's creation template to create at the push, by a role " +
      'without ecr:CreateRepository (moto has no templates and no registry: the push goes to the local registry)',
    files: FILES,
    variables: VARIABLES,
    inputs: { repository: 'templated', tags: 'sha', target: 'final', 'create-on-push': true },
    setup: async (ctx) => {
      const reg = await useRegistry();
      return {
        'role-arn': await ctx.oidcRole({ policy: PUSH_WITHOUT_CREATE }),
        'build-args': `BASE=${reg.baseImage}\nGREETING=hello`,
      };
    },
    faults: () => [atLocalRegistry()],
    expect: {
      status: 'success',
      trace: [
        /image-build: repository 127\.0\.0\.1:\d+\/templated does not exist yet: ECR creates it at the first push/,
        /image-build: IMAGE_REF=127\.0\.0\.1:\d+\/templated@sha256:[0-9a-f]{64}/,
      ],
      notInTrace: ['created ECR repository'],
    },
    verify: async (_ctx, r) => {
      assert.equal(r.counts['ecr:CreateRepository'] ?? 0, 0, 'the job called CreateRepository');
      const digest = reportOf(r.projectDir).IMAGE_DIGEST!;
      assert.equal((await pulled('templated', digest)).digest, digest, 'IMAGE_DIGEST is not what the registry serves');
    },
  },
  {
    name: 'a registry that refuses the push (read-only docker-registry) fails with its reason, nothing handed on',
    files: FILES,
    variables: VARIABLES,
    inputs: { repository: 'refused' },
    setup: (ctx) => basics(ctx, 'read-only'),
    faults: () => [atLocalRegistry()],
    expect: {
      status: 'failed',
      trace: [
        /image-build: error: pushing 127\.0\.0\.1:\d+\/refused:[0-9a-f]{40} failed: .*405, Method not allowed/,
        'image-build: nothing was pushed.',
        'the registry refused the push',
      ],
      notInTrace: ['IMAGE_REF=', ECR_LOGIN.password],
    },
  },
  {
    name: 'scan findings at or above the threshold fail the job and are listed (simulated scan findings)',
    files: FILES,
    variables: VARIABLES,
    inputs: { repository: REPOSITORY, tags: 'sha', 'scan-severity-threshold': 'HIGH' },
    setup: (ctx) => basics(ctx),
    faults: () => [
      atLocalRegistry(),
      simulatedScan([
        { severity: 'CRITICAL', name: 'CVE-2024-0001', pkg: 'openssl', version: '3.0.11-1' },
        { severity: 'LOW', name: 'CVE-2024-0002', pkg: 'busybox', version: '1.35.0-4' },
      ]),
    ],
    expect: {
      status: 'failed',
      trace: [
        "image-build: waiting for ECR's scan (IN_PROGRESS)",
        'image-build: finding: CRITICAL CVE-2024-0001 in openssl 3.0.11-1 (at or above HIGH)',
        'image-build: finding: LOW CVE-2024-0002 in busybox 1.35.0-4',
        "image-build: ECR's scan: 2 finding(s), 1 at or above HIGH",
        'must not be deployed',
      ],
    },
    verify: (_ctx, r) => {
      assert.equal(r.counts['ecr:DescribeImageScanFindings'], 3, 'expected two polls and one read of the findings');
    },
  },
  {
    name:
      'platforms: linux/amd64, linux/arm64 pushes one image index whose images are each built on that ' +
      "platform's base, and IMAGE_REF is the index (no emulator: COPY only)",
    files: {
      Dockerfile: 'ARG BASE\nFROM ${BASE}\nARG TARGETARCH\nCOPY app-${TARGETARCH} /app\nLABEL arch=${TARGETARCH}\n',
      'app-amd64': 'built for amd64\n',
      'app-arm64': 'built for arm64\n',
    },
    variables: VARIABLES,
    inputs: { repository: 'multi', platforms: 'linux/amd64, linux/arm64' },
    setup: (ctx) => multiArchBasics(ctx),
    faults: () => [atLocalRegistry()],
    expect: {
      status: 'success',
      trace: [
        /image-build: platform linux\/amd64: 127\.0\.0\.1:\d+\/multi@sha256:[0-9a-f]{64}/,
        /image-build: platform linux\/arm64: 127\.0\.0\.1:\d+\/multi@sha256:[0-9a-f]{64}/,
        /image-build: IMAGE_REF=127\.0\.0\.1:\d+\/multi@sha256:[0-9a-f]{64}/,
      ],
    },
    verify: async (_ctx, r) => {
      const report = reportOf(r.projectDir);
      const digest = report.IMAGE_DIGEST!;
      assert.equal(report.IMAGE_REF, `${registry!.host}/multi@${digest}`);
      assert.deepEqual(report.IMAGE_PLATFORMS!.split(',').sort(), BOTH);
      // IMAGE_REF resolves to an OCI image index listing exactly the two platforms, and every tag to it.
      const { digest: served, index } = await indexOf('multi', digest);
      assert.equal(served, digest, 'IMAGE_DIGEST is not the sha256 of the index the registry serves');
      assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
      assert.deepEqual(platformsOf(index), BOTH);
      for (const tag of await tagsOf('multi')) assert.equal((await indexOf('multi', tag)).digest, digest, tag);
      // Each image is its platform's: config, the build arg TARGETARCH, and that platform's base layer.
      const base = (await indexOf('base/busybox-multi', '1')).index;
      for (const m of index.manifests) {
        const arch = m.platform.architecture;
        const image = await pulled('multi', m.digest);
        const config = JSON.parse((await get(`multi/blobs/${image.manifest.config.digest}`)).body.toString('utf8')) as {
          architecture: string;
        };
        assert.equal(config.architecture, arch, `the ${arch} entry's config says ${config.architecture}`);
        assert.equal(image.labels.arch, arch, `TARGETARCH was ${image.labels.arch} in the ${arch} build`);
        const baseImage = await pulled(
          'base/busybox-multi',
          base.manifests.find((b) => b.platform.architecture === arch)!.digest,
        );
        const layers = (x: { manifest: object }) =>
          (x.manifest as { layers: Array<{ digest: string }> }).layers.map((l) => l.digest);
        assert.equal(layers(image)[0], layers(baseImage)[0], `the ${arch} image is not built on the ${arch} base`);
      }
    },
  },
  {
    name: 'platforms with a RUN step for a CPU the runner cannot emulate fails with what to do, and pushes nothing',
    files: { Dockerfile: 'ARG BASE\nFROM ${BASE}\nRUN echo built > /built\n' },
    variables: VARIABLES,
    inputs: { repository: 'needs-qemu', platforms: BOTH.join(',') },
    setup: async (ctx) => {
      // What this scenario shows needs a host that cannot run the other CPU's programs (no QEMU in binfmt_misc).
      const foreign = join(REPO_ROOT, '.tools', `busybox-${FOREIGN}`, 'busybox');
      const runs = await promisify(execFile)(foreign, ['true']).then(
        () => true,
        () => false,
      );
      if (runs)
        throw new Error(`this host runs ${FOREIGN} programs (an emulator is registered), so no RUN step fails here`);
      return multiArchBasics(ctx);
    },
    faults: () => [atLocalRegistry()],
    expect: {
      status: 'failed',
      trace: [
        'exec format error',
        'image-build: error: a RUN step could not start a program built for another CPU (exec format error) ' +
          `while building for linux/${FOREIGN}`,
        "QEMU's user-mode emulators on the runner's host",
        "the 'platforms' input",
      ],
      notInTrace: ['IMAGE_REF='],
    },
    verify: async () => assert.deepEqual(await tagsOf('needs-qemu'), [], 'a failed build pushed tags'),
  },
  {
    name: 'build, then ecs-deploy runs exactly the pushed digest (images: web=$IMAGE_REF, two jobs)',
    files: FILES,
    variables: VARIABLES,
    inputs: { repository: REPOSITORY, tags: 'sha', stage: 'build' },
    setup: async (ctx) => {
      const inputs = await basics(ctx);
      const ecs = ctx.aws.ecs;
      await ecs.send(new CreateClusterCommand({ clusterName: 'production' }));
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'web',
          containerDefinitions: [{ name: 'web', image: 'placeholder:0', memory: 128, essential: true }],
        }),
      );
      await ecs.send(
        new CreateServiceCommand({
          cluster: 'production',
          serviceName: 'web',
          taskDefinition: 'web:1',
          desiredCount: 1,
        }),
      );
      await ctx.oidcRole({
        name: 'gitlab-ecs-deploy',
        policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: [
                'ecs:DescribeServices',
                'ecs:UpdateService',
                'ecs:DescribeTaskDefinition',
                'ecs:RegisterTaskDefinition',
              ],
              Resource: '*',
            },
          ],
        },
      });
      return inputs;
    },
    include: [
      {
        component: 'ecs-deploy',
        inputs: {
          'role-arn': 'arn:aws:iam::123456789012:role/gitlab-ecs-deploy',
          stage: 'deploy',
          cluster: 'production',
          service: 'web',
          images: 'web=$IMAGE_REF',
          'poll-interval': 1,
          'wait-timeout': 60,
        },
      },
    ],
    ci: 'stages: [build, deploy]\n',
    pipeline: {},
    faults: () => [atLocalRegistry(), faults.ecsRollout({ state: 'COMPLETED' })],
    expect: {
      status: 'success',
      jobs: { 'image-build': 'success', 'deploy-ecs': 'success' },
      trace: [/image-build: IMAGE_REF=127\.0\.0\.1:\d+\/web@sha256:[0-9a-f]{64}/],
    },
    verify: async (ctx, r) => {
      const { IMAGE_REF: ref } = dotenvOf(r.trace);
      const svc = (await ctx.aws.ecs.send(new DescribeServicesCommand({ cluster: 'production', services: ['web'] })))
        .services![0]!;
      const td = await ctx.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition! }));
      assert.equal(
        td.taskDefinition?.containerDefinitions?.[0]?.image,
        ref,
        'the service does not run the pushed digest',
      );
      assert.equal((await pulled(REPOSITORY, ref!.split('@')[1]!)).digest, ref!.split('@')[1]);
    },
  },
];

export default defineScenarios('image-build', scenarios);

/** A Dockerfile whose middle step costs what installing dependencies costs: ~10 s of CPU, then a layer of 8 MB. */
const SLOW_STEP_DOCKERFILE = `ARG BASE
FROM \${BASE}
RUN i=0; while [ $i -lt 3000000 ]; do i=$((i+1)); done; head -c 8000000 /dev/urandom > /deps.bin
COPY app.txt /app.txt
`;

/** The same shape with a step that costs next to nothing: what the cache's own work costs. */
const CHEAP_STEP_DOCKERFILE = `ARG BASE
FROM \${BASE}
RUN echo deps > /deps.txt
COPY app.txt /app.txt
`;

/**
 * For `npm run bench -- image-build`: the same build twice (two pipeline runs, each job on fresh
 * storage as on a new runner), with or without the registry cache. The app file changes nothing
 * in the middle step, so the second build can reuse it only from the cache.
 */
export function secondBuildScenario(cache: boolean, step: 'expensive' | 'cheap' = 'expensive'): Scenario {
  return {
    name: `a second build ${cache ? 'with' : 'without'} the registry cache (${step} step)`,
    files: { Dockerfile: step === 'cheap' ? CHEAP_STEP_DOCKERFILE : SLOW_STEP_DOCKERFILE, 'app.txt': 'app\n' },
    variables: VARIABLES,
    inputs: { repository: REPOSITORY, tags: 'sha', cache },
    runs: 2,
    setup: (ctx) => basics(ctx),
    faults: () => [atLocalRegistry()],
    expect: { status: 'success' },
  };
}
