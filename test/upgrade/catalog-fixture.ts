// A real local git "catalog project" with tagged versions 1.0.0, 1.1.0, 1.2.0-rc.1 and 2.0.0, and a
// loopback smart-HTTP server (`git http-backend`) that serves it, optionally behind a token.
// 2.0.0 of `deploy` removes `legacy-flag`, adds the required `cluster` and renames `target` to
// `service` (declared in catalog.yml's history); `notify` changes a default, options and a type.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { REPO_ROOT } from '../../src/internal/paths.js';

export const CATALOG = 'acme/ci-catalog';
export const TOOLS = 'other/tools';

const git = (cwd: string, args: string[], input?: string) =>
  execFileSync(
    'git',
    [
      '-c',
      'user.name=Catalog',
      '-c',
      'user.email=catalog@example.com',
      '-c',
      'init.defaultBranch=main',
      '-c',
      'tag.gpgSign=false',
      '-c',
      'commit.gpgSign=false',
      ...args,
    ],
    { cwd, encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] },
  );

function write(dir: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

const JOBS = `---
deploy-$[[ inputs.environment ]]:
  stage: deploy
  script: echo deploying
`;

function deploy(version: string): string {
  const v2 = version.startsWith('2.');
  const inputs = [
    `    environment:\n      description: Where to deploy\n`,
    `    region:\n      default: us-east-1\n      options: [us-east-1, eu-west-1]\n`,
    v2
      ? `    service:\n      default: web\n      description: The service (was \`target\`)\n`
      : `    target:\n      default: web\n`,
    v2 ? '' : `    legacy-flag:\n      type: boolean\n      default: false\n`,
    v2 ? `    timeout:\n      default: 5m\n` : `    timeout:\n      type: number\n      default: 300\n`,
    version === '1.0.0' ? '' : `    replicas:\n      type: number\n      default: 1\n`,
    version === '1.2.0-rc.1' ? `    canary:\n      type: boolean\n      default: false\n` : '',
    v2 ? `    cluster:\n      description: The ECS cluster\n` : '',
  ].join('');
  return `spec:\n  inputs:\n${inputs}${JOBS}`;
}

function notify(version: string): string {
  const v2 = version.startsWith('2.');
  const level = version === '1.0.0' ? 'info' : 'warn';
  const options = v2 ? '[info, warn, error]' : '[info, warn, error, debug]';
  const channel = v2 ? `    room:\n      regex: ^#[a-z]+$\n` : `    channel:\n      regex: ^#[a-z-]+$\n`;
  return (
    `spec:\n  inputs:\n${channel}    level:\n      default: ${level}\n      options: ${options}\n    ` +
    `retries:\n      type: number\n      default: 3\n---\nnotify:\n  stage: deploy\n  script: echo notify\n`
  );
}

const NOTES: Record<string, string> = {
  '1.0.0': 'First release.',
  '1.1.0': 'deploy: replicas; notify: level defaults to warn.',
  '1.2.0-rc.1': 'deploy: canary (preview).',
  '2.0.0':
    'deploy: cluster is required, target is renamed service, legacy-flag is removed, timeout is a duration. ' +
    'notify: channel is renamed room, no debug level.',
};

type Contract = { type: string; required: boolean; default?: unknown; options?: unknown[]; regex?: string };

/** An input's contract as catalog.yml records it (docs/release-history.md), from the template's spec. */
function contracts(template: string): Record<string, Contract> {
  const specs = (
    parseYaml(template.split('\n---\n')[0]!) as { spec: { inputs: Record<string, Record<string, unknown> | null> } }
  ).spec.inputs;
  return Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [
      name,
      {
        type: String(s?.type ?? 'string'),
        required: s?.default === undefined,
        ...(s?.default !== undefined ? { default: s.default } : {}),
        ...(s?.options ? { options: s.options as unknown[] } : {}),
        ...(s?.regex ? { regex: String(s.regex) } : {}),
      },
    ]),
  );
}

const RENAMES: Record<string, Record<string, Record<string, string>>> = {
  '2.0.0': { deploy: { service: 'target' }, notify: { room: 'channel' } },
};

/** catalog.yml with history (historyFormat 1, docs/release-history.md) as of `released`, newest last. */
function catalogYml(released: string[]): string {
  const templates: Record<string, (v: string) => string> = { deploy, notify };
  const components = Object.entries(templates).map(([name, at]) => {
    const versions: Array<Record<string, unknown>> = [];
    let prev: Record<string, Contract> | undefined;
    for (const v of released) {
      const now = contracts(at(v));
      if (!prev) versions.unshift({ version: v, status: 'added', added: now });
      else {
        const renamed = RENAMES[v]?.[name] ?? {};
        const formers = new Set(Object.values(renamed));
        const removed = Object.keys(prev).filter((k) => !(k in now) && !formers.has(k));
        const added = Object.fromEntries(Object.entries(now).filter(([k]) => !(k in prev!) && !(k in renamed)));
        const changed = Object.fromEntries(
          Object.entries(now).filter(([k, c]) => {
            const before = prev![k] ?? prev![renamed[k] ?? ''];
            return before && JSON.stringify(before) !== JSON.stringify(c);
          }),
        );
        const diff = {
          version: v,
          ...(Object.keys(renamed).length ? { renamed } : {}),
          ...(removed.length ? { removed } : {}),
          ...(Object.keys(added).length ? { added } : {}),
          ...(Object.keys(changed).length ? { changed } : {}),
        };
        if (Object.keys(diff).length > 1) versions.unshift(diff);
      }
      prev = now;
    }
    const inputs = Object.fromEntries(
      Object.entries(prev!).map(([k, c]) => [
        k,
        {
          ...c,
          description: k,
          ...(Object.entries(RENAMES)
            .flatMap(([, r]) => Object.entries(r[name] ?? {}))
            .find(([n]) => n === k)
            ? {
                formerName: Object.entries(RENAMES)
                  .flatMap(([, r]) => Object.entries(r[name] ?? {}))
                  .find(([n]) => n === k)![1],
              }
            : {}),
        },
      ]),
    );
    return { name, description: `The ${name} component`, inputs, versions };
  });
  const releases = [...released].reverse().map((v, i, all) => ({
    version: v,
    date: `2026-11-0${all.length - i}`,
    bump: v === '1.0.0' ? 'initial' : v.startsWith('2.') ? 'major' : 'minor',
    notes: NOTES[v],
  }));
  return toYaml({
    historyFormat: 1,
    name: 'CI catalog',
    project: CATALOG,
    description: 'A catalog for the upgrade tests',
    version: released.at(-1),
    releases,
    components,
  });
}

export interface CatalogRepo {
  readonly dir: string;
  /** tag -> commit */
  readonly sha: Record<string, string>;
  readonly mainSha: string;
  remove(): void;
}

/** Creates the catalog project: one commit and annotated tag per version, then a commit on main after 2.0.0. */
export function makeCatalogRepo(parent = mkdtempSync(join(tmpdir(), 'upgrade-catalog-'))): CatalogRepo {
  const dir = join(parent, CATALOG);
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q']);
  const sha: Record<string, string> = {};
  const released: string[] = [];
  for (const version of ['1.0.0', '1.1.0', '1.2.0-rc.1', '2.0.0']) {
    released.push(version);
    rmSync(join(dir, 'templates'), { recursive: true, force: true });
    // 1.0.0 uses the flat layout, later versions the folder layout: both are GitLab's.
    write(dir, {
      'README.md': '# CI catalog\n',
      [version === '1.0.0' ? 'templates/deploy.yml' : 'templates/deploy/template.yml']: deploy(version),
      'templates/notify.yml': notify(version),
      'catalog.yml': catalogYml(released.filter((v) => !v.includes('-'))),
    });
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', `Release ${version}`]);
    git(dir, ['tag', '-a', version, '-F', '-'], `${version}\n\n${NOTES[version]}\n`);
    sha[version] = git(dir, ['rev-parse', 'HEAD']).trim();
  }
  write(dir, { 'README.md': '# CI catalog\n\nUnreleased work.\n' });
  git(dir, ['commit', '-q', '-am', 'Unreleased work']);
  const mainSha = git(dir, ['rev-parse', 'HEAD']).trim();
  return { dir, sha, mainSha, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/**
 * A second catalog with one component: 1.0.0, then 1.0.1 whose job moved to a `lint` stage (its
 * inputs are unchanged, but a consumer without that stage no longer lints clean), then a fix on
 * main. Lightweight tags: no release notes.
 */
export function makeToolsRepo(parent: string): CatalogRepo {
  const dir = join(parent, TOOLS);
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q']);
  const sha: Record<string, string> = {};
  for (const [version, stage] of [
    ['1.0.0', 'build'],
    ['1.0.1', 'lint'],
    ['main', 'build'],
  ] as const) {
    write(dir, {
      'templates/yamllint/template.yml':
        `spec:\n  inputs:\n    job-name:\n      default: yamllint\n    ` +
        `strict:\n      type: boolean\n      default: false\n---\n$[[ inputs.job-name ]]:\n  stage: ${stage}\n  ` +
        `script: echo ${version}\n`,
    });
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', version]);
    if (version !== 'main') git(dir, ['tag', version]);
    sha[version] = git(dir, ['rev-parse', 'HEAD']).trim();
  }
  return { dir, sha, mainSha: sha.main!, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

export interface GitServer {
  /** e.g. http://127.0.0.1:PORT */
  readonly url: string;
  /** Requests seen: path and whether they carried the token. */
  readonly requests: Array<{ path: string; authorized: boolean }>;
  close(): Promise<void>;
}

/**
 * Serves every repository under `root` (`/<group>/<name>.git`) with git's own smart-HTTP CGI, in a
 * child process: the code under test runs git synchronously, which would block a server living in
 * the test's own event loop. With `token`, a request without it (HTTP Basic password) gets 401.
 */
export async function serveGit(root: string, token?: string): Promise<GitServer> {
  const script = fileURLToPath(new URL('./git-http-server.ts', import.meta.url));
  const tsx = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const child = spawn(process.execPath, [tsx, script, root], {
    env: { ...process.env, GIT_SERVER_TOKEN: token ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const requests: GitServer['requests'] = [];
  const url = await new Promise<string>((ok, fail) => {
    let buf = '';
    child.once('exit', (code) => fail(new Error(`git server exited (${code})`)));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith('listening ')) ok(line.slice(10));
        else if (line.startsWith('request '))
          requests.push(JSON.parse(line.slice(8)) as { path: string; authorized: boolean });
      }
    });
  });
  // The server must not keep the caller's process alive; close() (or the caller's exit hook) stops it.
  child.unref();
  (child.stdout as unknown as { unref(): void }).unref();
  return {
    url,
    requests,
    close: () =>
      new Promise((ok) => {
        if (child.exitCode !== null) return ok();
        child.once('exit', () => ok());
        child.kill();
      }),
  };
}
