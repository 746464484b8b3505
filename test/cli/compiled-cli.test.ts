// The package's bin (`dist/src/cli/main.js`, compiled and bundled, run by plain node) does what
// `npm run catalog` does, command by command, with exit code 1 on any failure. It runs in a
// scratch copy of the project compiled there, so it never races a build of the checkout.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
let dir: string;

function cli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = dir) {
  // The runner's own colour settings (vitest sets FORCE_COLOR) must not leak into the CLI's.
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...base } = process.env;
  const r = spawnSync(process.execPath, [join(dir, 'dist', 'src', 'cli', 'main.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...base, ...env },
    timeout: 300_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'catalog-compiled-'));
  for (const f of [
    'src',
    'components',
    'test',
    'templates',
    'docs',
    'schemas',
    'catalog.yml',
    'catalog.config.ts',
    'catalog.history.yml',
    'CHANGELOG.md',
    'README.md',
    'package.json',
    'tsconfig.json',
    '.gitlab-ci.yml',
  ]) {
    cpSync(join(root, f), join(dir, f), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  symlinkSync(join(root, '.tools'), join(dir, '.tools'));
  // As `npm run compile` (and so `npm pack`) builds the bin: tsc, then the lint path bundled.
  const tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], {
    cwd: dir,
    encoding: 'utf8',
  });
  expect(tsc.stdout + tsc.stderr).toBe('');
  const bundle = spawnSync(process.execPath, [join(root, 'scripts', 'bundle-cli.mjs'), join(dir, 'dist')], {
    cwd: dir,
    encoding: 'utf8',
  });
  expect(bundle.stdout + bundle.stderr).toBe('');
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '-A'],
    ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'copy'],
  ]) {
    expect(spawnSync('git', args, { cwd: dir }).status).toBe(0);
  }
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Every command the bin lists must have a case here: a new command gets a compiled test too.
// (A real scenario takes seconds alone and a minute or more on a busy machine: 5-minute timeouts.)
const tested = ['build', 'lint', 'test', 'search', 'show', 'diff', 'snippet', 'site', 'release', 'upgrade'];

describe('the compiled CLI (dist/src/cli/main.js)', () => {
  it('lists exactly the commands tested here', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    const listed = [...r.out.matchAll(/^ {2}([a-z][\w-]*)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help');
    expect(listed.sort()).toEqual([...tested].sort());
  });

  it("--version prints the version in the package's package.json and exits 0", () => {
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
    expect(cli(['--version'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
    expect(cli(['-V']).out).toBe(`${version}\n`);
  });

  it('an unknown command or flag exits 1 with the help hint', () => {
    expect(cli(['frobnicate']).code).toBe(1);
    const r = cli(['lint', '--no-such-flag']);
    expect(r.code).toBe(1);
    expect(r.err).toContain("unknown option '--no-such-flag'");
  });

  it('build --check passes on the copy, and fails naming the file after a hand edit', () => {
    const ok = cli(['build', '--check']);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    const t = join(dir, 'templates/s3-site/template.yml');
    const before = readFileSync(t, 'utf8');
    writeFileSync(t, `${before}# hand edit\n`);
    try {
      const bad = cli(['build', '--check']);
      expect(bad.code).toBe(1);
      expect(bad.err).toContain('error templates/s3-site/template.yml: differs from what the definitions generate');
    } finally {
      writeFileSync(t, before);
    }
  });

  it('lint: a valid pipeline prints nothing and exits 0; an invalid one names the problem and exits 1', () => {
    const ok = cli(['lint', '.gitlab-ci.yml']);
    expect(ok).toEqual({ code: 0, out: '', err: '' });
    writeFileSync(join(dir, 'bad.yml'), 'deploy:\n  script: echo\n  needs: [build]\n');
    const bad = cli(['lint', 'bad.yml']);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('error bad.yml:1:1 › deploy: deploy job: undefined need: build');
    expect(bad.out).not.toContain('\u001b[');
  });

  it('lint: a summary line for many files, colours only when forced and never with NO_COLOR', () => {
    const many = cli(['lint', '.gitlab-ci.yml', 'bad.yml', 'templates/s3-site/template.yml']);
    expect(many.code).toBe(1);
    expect(many.out.trim().split('\n').at(-1)).toBe('3 files: 1 invalid (1 error)');
    expect(many.out).not.toContain('.gitlab-ci.yml: valid');
    expect(cli(['lint', 'bad.yml'], { FORCE_COLOR: '1' }).out).toContain('\u001b[31merror\u001b[0m');
    expect(cli(['lint', 'bad.yml'], { FORCE_COLOR: '1', NO_COLOR: '1' }).out).not.toContain('\u001b[');
    expect(cli(['lint', '--verbose', '.gitlab-ci.yml']).out).toMatch(
      /^✔ \.gitlab-ci\.yml: valid \(\d+ jobs, 2 includes\)\n1 file\(s\) valid\n$/,
    );
  });

  it('lint --format codequality writes a Code Quality report', () => {
    const r = cli(['lint', '--format', 'codequality', 'bad.yml']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual([
      expect.objectContaining({ check_name: 'undefined-need', location: { path: 'bad.yml', lines: { begin: 1 } } }),
    ]);
  });

  it(
    'search, show and snippet browse this checkout; diff of an unknown version exits 1 naming the ' +
      'versions there are',
    () => {
      const search = cli(['search', 'static', 'site']);
      expect(search.code).toBe(0);
      expect(search.out).toMatch(/^s3-site +\d+\.\d+\.\d+/m);
      const show = cli(['show', 's3-site']);
      expect(show.code).toBe(0);
      expect(show.out).toMatch(/^s3-site@\d+\.\d+\.\d+\n/);
      const snippet = cli(['snippet', 's3-site']);
      expect(snippet.code).toBe(0);
      expect(snippet.out).toContain('component: $CI_SERVER_FQDN/platform/aws-delivery/s3-site@');
      const diff = cli(['diff', 's3-site', '0.0.1', '0.0.2']);
      expect(diff.code).toBe(1);
      expect(diff.err).toContain('component "s3-site" has no version 0.0.1');
    },
  );

  it('site writes the static catalog site', () => {
    const out = join(dir, 'public-site');
    const r = cli(['site', '--out', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
  });

  it('release --check passes the publish preflight; a version never recorded exits 1', () => {
    const ok = cli(['release', '--check']);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('ok: publish preflight passed');
    const bad = cli(['release', '9.9.9', '--check']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('9.9.9 is not a recorded release');
  });

  it("upgrade --check finds a pin behind a local catalog's newer tag and exits 1", () => {
    const cat = join(dir, 'upgrade-catalog');
    mkdirSync(join(cat, 'templates'), { recursive: true });
    const g = (args: string[]) =>
      expect(
        spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: cat }).status,
      ).toBe(0);
    g(['init', '-q', '-b', 'main']);
    for (const v of ['1.0.0', '1.1.0']) {
      writeFileSync(
        join(cat, 'templates', 'x.yml'),
        `spec:\n  inputs:\n    a:\n      default: ${v}\n---\nx:\n  script: echo\n`,
      );
      g(['add', '-A']);
      g(['commit', '-q', '-m', v]);
      g(['tag', v]);
    }
    const consumer = join(dir, 'upgrade-consumer');
    mkdirSync(consumer);
    writeFileSync(
      join(consumer, '.gitlab-ci.yml'),
      'include:\n  - component: gitlab.example.com/acme/cat/x@1.0.0\n    inputs: { a: set }\n',
    );
    const r = cli([
      'upgrade',
      '--check',
      '--root',
      consumer,
      '--server-fqdn',
      'gitlab.example.com',
      '--source',
      `gitlab.example.com/acme/cat=${cat}`,
    ]);
    expect(r.err).toBe('');
    expect(r.out).toContain('↑ .gitlab-ci.yml:2 acme/cat/x@1.0.0: 1.0.0 -> 1.1.0');
    expect(r.code).toBe(1);
  });

  it('test: runs a real scenario from the compiled scenarios.ts, and exits 1 for an unknown component', () => {
    // --grep is a regular expression over "<component> › <scenario>": anchored, it picks this one run.
    const r = cli([
      'test',
      'oidc-auth',
      '--no-security',
      '--grep',
      '^oidc-auth › assumes the role with the minted id token$',
      '--junit',
      join(dir, 'junit.xml'),
    ]);
    expect(r.err).not.toContain('Unknown file extension');
    expect(r.out).toMatch(/1 passed, 0 failed/);
    expect(r.code).toBe(0);
    const bad = cli(['test', 'no-such-component']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('no component named "no-such-component"');
  }, 300_000);

  it('test: --no-security leaves the security property out; --grep refuses a bad pattern or no match', () => {
    const all = cli(['test', 'oidc-auth', '--no-security', '--grep', 'security: input']);
    expect(all.err).toMatch(/--grep "security: input" matches none of the \d+ scenarios/);
    expect(all.code).toBe(1);
    const bad = cli(['test', 'oidc-auth', '--grep', 'a[$(']);
    expect(bad.err).toContain('--grep "a[$(" is not a regular expression');
    expect(bad.code).toBe(1);
    const help = cli(['test', '--help']);
    expect(help.out).toMatch(/--grep <regex> +only scenarios whose id/);
    expect(help.out).toContain('--no-security');
  });

  it('test: a failing scenario makes the exit code 1', () => {
    // The scenario now expects a trace line the job never prints, so it must fail.
    const scenarios = join(dir, 'dist', 'components', 'oidc-auth', 'scenarios.js');
    const before = readFileSync(scenarios, 'utf8');
    expect(before).toContain("'assumed-role/gitlab-deploy/'");
    writeFileSync(scenarios, before.replace("'assumed-role/gitlab-deploy/'", "'a line the job never prints'"));
    try {
      const r = cli([
        'test',
        'oidc-auth',
        '--grep',
        'assumes the role with the minted id token',
        '--junit',
        join(dir, 'junit.xml'),
      ]);
      expect(r.out).toMatch(/0 passed, 1 failed/);
      expect(r.code).toBe(1);
    } finally {
      writeFileSync(scenarios, before);
    }
  }, 300_000);
});
