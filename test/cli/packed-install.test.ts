// Consumers use the linter without this repository: `npm pack` makes the package, a project that
// is not this catalog installs it without dev dependencies (from the npm registry), and
// `npx catalog lint` works there. This proves no runtime import path of `lint` needs a dev
// dependency (gitlab-ci-local, the AWS SDK, tsx, vitest are not installed).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
let work: string;
let consumer: string;
let tarball: string;

function run(cmd: string, args: string[], cwd: string) {
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...env } = process.env;
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
    timeout: 300_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'catalog-pack-'));
  const copy = join(work, 'catalog');
  mkdirSync(copy);
  for (const f of [
    'src',
    'components',
    'test',
    'schemas',
    'scripts',
    'catalog.yml',
    'catalog.config.ts',
    'README.md',
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    '.pre-commit-hooks.yaml',
  ]) {
    cpSync(join(root, f), join(copy, f), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  const pack = run('npm', ['pack', '--json', '--pack-destination', work], copy);
  expect(pack.code, pack.err).toBe(0);
  tarball = join(work, (JSON.parse(pack.out) as Array<{ filename: string }>)[0]!.filename);
  consumer = join(work, 'shop-frontend');
  mkdirSync(consumer);
  writeFileSync(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'shop-frontend', version: '1.0.0', private: true }, null, 2)}\n`,
  );
  const install = run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', tarball], consumer);
  expect(install.code, install.err).toBe(0);
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package, installed without dev dependencies in another project', () => {
  it("ships the compiled CLI and the precompiled CI schema, not the catalog's sources or tests", () => {
    const pkg = join(consumer, 'node_modules', 'gitlab-aws-catalog');
    expect(existsSync(join(pkg, 'dist', 'src', 'cli', 'main.js'))).toBe(true);
    // The lint path bundled by `npm run compile` (prepack), with its code cache.
    expect(existsSync(join(pkg, 'dist', 'src', 'cli', 'main.cjs'))).toBe(true);
    expect(existsSync(join(pkg, 'dist', 'src', 'cli', 'main.cjs.cache'))).toBe(true);
    expect(existsSync(join(pkg, 'schemas', 'gitlab-ci.validate.cjs'))).toBe(true);
    expect(existsSync(join(pkg, 'src'))).toBe(false);
    expect(existsSync(join(pkg, 'components'))).toBe(false);
    for (const dev of ['gitlab-ci-local', 'vitest', 'tsx', 'typescript', '@aws-sdk/client-sts'])
      expect(existsSync(join(consumer, 'node_modules', dev)), dev).toBe(false);
  });

  it('npx catalog lint: a valid pipeline exits 0 quietly, an invalid one exits 1 naming the problem', () => {
    writeFileSync(
      join(consumer, '.gitlab-ci.yml'),
      'stages: [build, deploy]\n\nbuild:\n  stage: build\n  image: node:20.19.0-bookworm\n  script: [npm ci, npm ' +
        'run build]\n\ndeploy:\n  stage: deploy\n  needs: [build]\n  script: ./deploy.sh\n',
    );
    const ok = run('npx', ['--no-install', 'catalog', 'lint'], consumer);
    expect(ok.err).toBe('');
    expect(ok.out).toBe('');
    expect(ok.code).toBe(0);
    writeFileSync(join(consumer, 'broken.yml'), 'deploy:\n  stage: ship\n  script: ./deploy.sh\n');
    const bad = run('npx', ['--no-install', 'catalog', 'lint', 'broken.yml'], consumer);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('deploy job: chosen stage ship does not exist');
    const cq = run('npx', ['--no-install', 'catalog', 'lint', '--format', 'codequality', 'broken.yml'], consumer);
    expect(JSON.parse(cq.out)).toEqual([
      expect.objectContaining({ check_name: 'unknown-stage', location: { path: 'broken.yml', lines: { begin: 1 } } }),
    ]);
  });

  it("npx catalog --version prints the installed package's version", () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(run('npx', ['--no-install', 'catalog', '--version'], consumer)).toEqual({
      code: 0,
      out: `${version}\n`,
      err: '',
    });
  });

  it('commands that need the development tools say so instead of crashing', () => {
    const r = run('npx', ['--no-install', 'catalog', 'test'], consumer);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(
        String.raw`^error: \`catalog test\` needs [@\w/-]+, which this install does not have ` +
          String.raw`\(fix: run it in a clone of the catalog after \`npm ci\``,
      ),
    );
  });
});
