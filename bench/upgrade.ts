// Benchmark: `catalog upgrade` against Renovate (npm `renovate`, gitlabci manager, --platform=local,
// dry run) on the same 1,000 consumer pipelines, in one run: which pins each finds, which upgrades
// each proposes, which of Renovate's proposals would break the consumer (GitLab refuses the include,
// or a default it relies on changes), and the time each takes.
//   npm run bench -- upgrade [-- --files 1000]
// Renovate is installed on first use into .cache/bench/renovate (pinned below; its last major that
// runs on Node 20). It is not a devDependency: it is ~400 MB and would slow every `npm ci`.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyze, type PinReport } from '../src/upgrade/analyze.js';
import { checkCompat } from '../src/upgrade/compat.js';
import { GitDatasource } from '../src/upgrade/datasources/git/index.js';
import { scanPins, type Pin } from '../src/upgrade/pins.js';
import { REPO_ROOT } from '../src/internal/paths.js';
import { CATALOG, makeCatalogRepo, makeToolsRepo, TOOLS } from '../test/upgrade/catalog-fixture.js';

const RENOVATE_VERSION = '39.264.0';
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const FILES = arg('files', 1000);

const git = (cwd: string, args: string[]) =>
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  });

/** The include blocks consumer pipelines are made of: every pin form, with inputs that matter. */
function variants(sha100: string): string[] {
  return [
    `  - component: $CI_SERVER_FQDN/${CATALOG}/deploy@1.0.0\n    inputs:\n      environment: staging-N\n      ` +
      `legacy-flag: true\n`,
    `  - component: "$CI_SERVER_FQDN/${CATALOG}/deploy@1.1.0"   # pinned\n    inputs:\n      environment: ` +
      `prod-N\n      target: api\n      timeout: 600\n`,
    `  - component: $CI_SERVER_FQDN/${CATALOG}/notify@1.0.0\n    inputs:\n      channel: ` +
      `'#deploys'\n      level: info\n`,
    `  - component: $CI_SERVER_FQDN/${CATALOG}/notify@1.0.0\n    inputs:\n      channel: '#ops'\n`,
    `  - component: $CI_SERVER_FQDN/${CATALOG}/notify@${sha100} # v1.0.0\n    inputs:\n      channel: ` +
      `'#review-apps'\n      level: debug\n`,
    `  - component: $CI_SERVER_FQDN/${CATALOG}/deploy@1.1\n    inputs: { environment: qa-N }\n`,
    `  - component: $CI_SERVER_FQDN/${CATALOG}/notify@~latest\n    inputs: { room: '#qa', level: warn }\n`,
    `  - component: gitlab.example.com/${TOOLS}/yamllint@1.0.0\n`,
    `  - component: $CI_SERVER_FQDN/${CATALOG}/deploy@2.0.0\n    inputs: { environment: live-N, cluster: c1 }\n`,
    `  - component: $CI_SERVER_FQDN/${CATALOG}/deploy@main\n    inputs: { environment: edge-N, cluster: c2 }\n`,
    `  - component: $CI_SERVER_FQDN/${CATALOG}/deploy@${sha100}\n    inputs: { environment: old-N }\n`,
  ];
}

function makeConsumers(root: string, sha100: string): string[] {
  const v = variants(sha100);
  const files: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const picks = [i % v.length, (i * 7 + 3) % v.length].filter((x, k, all) => all.indexOf(x) === k);
    const body = picks.map((p) => v[p]!.replace(/-N\b/g, `-${i}`)).join('');
    const file = `app-${String(i).padStart(4, '0')}/.gitlab-ci.yml`;
    mkdirSync(join(root, dirname(file)), { recursive: true });
    writeFileSync(join(root, file), `stages: [build, deploy]\n\ninclude:\n${body}`);
    files.push(file);
  }
  git(root, ['init', '-q', '-b', 'main']);
  git(root, ['add', '-A']);
  git(root, ['commit', '-q', '-m', 'consumers']);
  return files;
}

function ensureRenovate(): { bin: string; installMs?: number } {
  const dir = join(REPO_ROOT, '.cache', 'bench', 'renovate');
  const bin = join(dir, 'node_modules', '.bin', 'renovate');
  const installed =
    existsSync(join(dir, 'node_modules', 'renovate', 'package.json')) &&
    (JSON.parse(
      execFileSync(
        'node',
        [
          '-p',
          'JSON.stringify(require(process.argv[1]).version)',
          join(dir, 'node_modules', 'renovate', 'package.json'),
        ],
        { encoding: 'utf8' },
      ),
    ) as string) === RENOVATE_VERSION;
  if (installed) return { bin };
  mkdirSync(dir, { recursive: true });
  const t = performance.now();
  console.log(`installing renovate@${RENOVATE_VERSION} into ${dir} (first run only)...`);
  writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `renovate@${RENOVATE_VERSION}`], {
    cwd: dir,
    stdio: 'inherit',
  });
  return { bin, installMs: performance.now() - t };
}

/** GitLab's tags API for the two catalog projects, from their git repositories (Renovate's gitlab-tags datasource). */
async function tagsApi(
  repos: Record<string, string>,
): Promise<{ url: string; close: () => void; requests: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const u = new URL(req.url ?? '/', 'http://stub');
    const m = /^\/api\/v4\/projects\/([^/]+)\/repository\/(tags|commits)(?:\/(.+))?$/.exec(u.pathname);
    const repo = m ? repos[decodeURIComponent(m[1]!)] : undefined;
    const json = (status: number, v: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(v));
    if (!m || !repo) return json(404, { message: '404 Project Not Found' });
    if (m[2] === 'tags') {
      const lines = git(repo, [
        'for-each-ref',
        '--format=%(refname:strip=2)%09%(objectname)%09%(*objectname)%09%(creatordate:iso-strict)',
        'refs/tags',
      ])
        .trim()
        .split('\n');
      return json(
        200,
        lines
          .map((l) => l.split('\t'))
          .map(([name, obj, peeled, date]) => ({ name, target: obj, commit: { id: peeled || obj, created_at: date } })),
      );
    }
    const ref = m[3] ?? 'HEAD';
    try {
      return json(
        200,
        m[3]
          ? { id: git(repo, ['rev-parse', `${ref}^{commit}`]).trim() }
          : [{ id: git(repo, ['rev-parse', 'HEAD']).trim() }],
      );
    } catch {
      return json(404, { message: '404 Commit Not Found' });
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
    requests: () => requests,
  };
}

interface RenovateDep {
  packageFile: string;
  depName: string;
  currentValue?: string;
  currentDigest?: string;
  skipReason?: string;
  updates?: Array<{ newValue?: string; newVersion?: string; newDigest?: string; updateType?: string }>;
}

function runRenovate(
  bin: string,
  cwd: string,
  apiUrl: string,
): Promise<{ ms: number; deps: RenovateDep[]; log: string }> {
  const config = join(cwd, '..', 'renovate-config.json');
  writeFileSync(
    config,
    JSON.stringify({
      platform: 'local',
      dryRun: 'lookup',
      onboarding: false,
      requireConfig: 'optional',
      enabledManagers: ['gitlabci'],
      // Renovate's documented way to read `$CI_SERVER_FQDN` in component addresses.
      registryAliases: { $CI_SERVER_FQDN: 'gitlab.example.com' },
      packageRules: [{ matchDatasources: ['gitlab-tags'], registryUrls: [apiUrl] }],
      hostRules: [{ matchHost: '127.0.0.1', token: 'bench-token' }],
    }),
  );
  const t = performance.now();
  return new Promise((ok, fail) => {
    const child = spawn(bin, [], {
      cwd,
      env: {
        ...process.env,
        RENOVATE_CONFIG_FILE: config,
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'json',
        RENOVATE_BASE_DIR: join(cwd, '..', 'renovate-base'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.on('error', fail);
    child.on('exit', (code) => {
      const ms = performance.now() - t;
      const line = out.split('\n').find((l) => l.includes('"packageFiles with updates"'));
      if (!line)
        return fail(
          new Error(`renovate exited ${code} without its "packageFiles with updates" log:\n${out.slice(-3000)}`),
        );
      const doc = JSON.parse(line) as { config: { gitlabci?: Array<{ packageFile: string; deps: RenovateDep[] }> } };
      ok({
        ms,
        deps: (doc.config.gitlabci ?? []).flatMap((f) =>
          f.deps
            .filter((d) => (d as { datasource?: string }).datasource === 'gitlab-tags')
            .map((d) => ({ ...d, packageFile: f.packageFile })),
        ),
        log: out,
      });
    });
  });
}

const parent = mkdtempSync(join(tmpdir(), 'bench-upgrade-'));
try {
  const catalog = makeCatalogRepo(parent);
  makeToolsRepo(parent);
  const consumers = join(parent, 'consumers');
  mkdirSync(consumers);
  const files = makeConsumers(consumers, catalog.sha['1.0.0']!);
  const sources = new Map([
    [`gitlab.example.com/${CATALOG}`, catalog.dir],
    [`gitlab.example.com/${TOOLS}`, join(parent, TOOLS)],
  ]);
  const policy = { to: 'latest' as const, pin: false, pinSha: false, prerelease: false, allowDefaultChanges: false };

  // Ours: the whole analysis (versions, inputs at each version, the lint of each proposed change).
  const t0 = performance.now();
  const ours = await analyze({
    root: consumers,
    entries: files,
    serverFqdn: 'gitlab.example.com',
    policy,
    datasource: new GitDatasource({ sources, cacheDir: join(parent, 'cache') }),
  });
  const oursMs = performance.now() - t0;

  const renovate = ensureRenovate();
  if (renovate.installMs)
    console.log(`renovate@${RENOVATE_VERSION} installed in ${(renovate.installMs / 1000).toFixed(0)} s`);
  const api = await tagsApi({ [CATALOG]: catalog.dir, [TOOLS]: join(parent, TOOLS) });
  const theirs = await runRenovate(renovate.bin, consumers, api.url).finally(() => api.close());
  if (process.env.BENCH_UPGRADE_DUMP) writeFileSync(process.env.BENCH_UPGRADE_DUMP, theirs.log);

  // Judge each Renovate proposal the way GitLab would: the include's inputs against the proposed
  // version's spec (Renovate rewrites no input names), and the lint of the pipeline with it.
  const scan = scanPins(files, { root: consumers, serverFqdn: 'gitlab.example.com' });
  const pinsByFile = new Map(scan.files.map((f) => [f.file, f.pins]));
  const ds = new GitDatasource({ sources, cacheDir: join(parent, 'cache') });
  const oursByPin = new Map(ours.files.flatMap((f) => f.pins.map((p) => [`${p.file}:${p.line}`, p] as const)));
  const counts = { found: 0, skipped: 0, proposals: 0, refused: 0, defaultChanged: 0, lint: 0, safe: 0 };
  const reasons = new Map<string, number>();
  for (const dep of theirs.deps) {
    counts.found++;
    if (dep.skipReason) {
      counts.skipped++;
      reasons.set(`skipped: ${dep.skipReason}`, (reasons.get(`skipped: ${dep.skipReason}`) ?? 0) + 1);
      continue;
    }
    const pins = (pinsByFile.get(dep.packageFile) ?? []).filter(
      (p: Pin) => p.project === dep.depName && (p.ref === dep.currentValue || p.ref === dep.currentDigest),
    );
    const pin = pins[0];
    for (const u of dep.updates ?? []) {
      const version = u.newVersion ?? u.newValue;
      if (!version || !pin) continue;
      counts.proposals++;
      const project = { server: 'gitlab.example.com', path: pin.project };
      const releases = await ds.releases(project);
      const target = releases.find((r) => r.version === version.replace(/^v/, ''));
      const current = releases.find((r) => r.tag === pin.ref || r.sha === pin.ref);
      if (!target) continue;
      const at = await ds.component(project, target.sha, pin.component);
      const cur = current ? await ds.component(project, current.sha, pin.component) : undefined;
      const r = checkCompat({
        component: pin.component,
        from: current?.version,
        to: target.version,
        args: pin.inputs,
        current: cur?.inputs,
        target: at?.inputs ?? {},
      });
      const ourView: PinReport | undefined = oursByPin.get(`${pin.file}:${pin.line}`);
      const lintBlocked = ourView?.blocked.some(
        (b) => b.version === target.version && b.blockers.some((x) => x.kind === 'lint'),
      );
      const refused = r.blockers.filter((b) => b.kind !== 'default-changed');
      if (refused.length) counts.refused++;
      else if (r.blockers.length) counts.defaultChanged++;
      else if (lintBlocked) counts.lint++;
      else counts.safe++;
      const why = refused.length
        ? `GitLab refuses (${refused.map((b) => b.kind).join(', ')})`
        : r.blockers.length
          ? 'default changes under it'
          : lintBlocked
            ? 'does not lint clean'
            : 'safe';
      const key = `${pin.component} ${current?.version ?? pin.ref} -> ${target.version}: ${why}`;
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
  }

  const ourPins = ours.files.flatMap((f) => f.pins);
  const by = (s: string) => ourPins.filter((p) => p.status === s).length;
  const oursBroken = 0; // every change we propose passed GitLab's input validation and the linter
  console.log(
    `consumer pipelines: ${files.length} (${scan.files.reduce((n, f) => n + f.pins.length, 0)} component includes)`,
  );
  console.log('');
  console.log(`${''.padEnd(44)} ${'catalog upgrade'.padStart(16)} ${`renovate ${RENOVATE_VERSION}`.padStart(18)}`);
  const row = (label: string, a: string | number, b: string | number) =>
    console.log(`${label.padEnd(44)} ${String(a).padStart(16)} ${String(b).padStart(18)}`);
  row('pins found', ourPins.length, counts.found);
  row('  analysed (not skipped)', ourPins.length - by('skipped') - by('error'), counts.found - counts.skipped);
  row('upgrades proposed', by('upgrade') + by('pin'), counts.proposals);
  row('  of which GitLab would refuse (inputs)', oursBroken, counts.refused);
  row('  of which change a default relied on', oursBroken, counts.defaultChanged);
  row('  of which do not lint clean', oursBroken, counts.lint);
  row('  safe', by('upgrade') + by('pin'), counts.safe);
  row('pins held back with their blockers', ourPins.filter((p) => p.blocked.length).length, 0);
  row('floating / unpinned reported', by('floating') + by('unpinned'), '-');
  row('wall time (s)', (oursMs / 1000).toFixed(1), (theirs.ms / 1000).toFixed(1));
  console.log('');
  console.log("Renovate's proposals and verdicts:");
  for (const [k, n] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(5)}  ${k}`);
  // Renovate's own warnings (failed lookups show up here, e.g. under a loaded machine).
  const warnings = new Map<string, number>();
  for (const line of theirs.log.split('\n')) {
    if (!line.startsWith('{')) continue;
    const rec = JSON.parse(line) as { level?: number; msg?: string };
    if ((rec.level ?? 0) >= 40) warnings.set(rec.msg ?? '', (warnings.get(rec.msg ?? '') ?? 0) + 1);
  }
  console.log(
    `\nRenovate's wall time includes its start-up; its lookups hit the local tags API ${api.requests()} times; ` +
      `its warnings: ${warnings.size ? [...warnings].map(([m, n]) => `${n}x ${m}`).join('; ') : 'none'}.`,
  );
} finally {
  rmSync(parent, { recursive: true, force: true });
}
