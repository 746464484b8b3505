// The shared shell library, run for real in bash with the hostile values issue 10 found.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../internal/paths.js';
import { embedLibrary, libraryFunctions, libraryText, libraryVariables } from './shell-library.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lib-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `body` in bash after sourcing the library, with TMPDIR and HOME inside the test's folder. */
function run(
  body: string,
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const library = join(REPO_ROOT, 'components/_shared/lib.sh');
  const script = `set -euo pipefail\n. "${library}"\ncatalog_component=test\n${body}\n`;
  const r = spawnSync('bash', ['-c', script], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', TMPDIR: dir, HOME: join(dir, 'home'), ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('uint', () => {
  it('never evaluates the value: PATH[$(cmd)] is an error, not a command', () => {
    const r = run(`n="$(uint wait-timeout 'PATH[$(touch pwned)]')"; echo "got $n"`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("test: error: input 'wait-timeout': 'PATH[$(touch pwned)]' is not a whole number");
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(r.stdout).not.toContain('got');
  });

  it('fails on a non-number instead of skipping, reads 010 as ten and checks bounds', () => {
    expect(run('uint poll-interval abc').status).toBe(1);
    expect(run('uint poll-interval ""').status).toBe(1);
    expect(run('uint poll-interval 010').stdout).toBe('10');
    const low = run('uint poll-interval 0 1');
    expect(low.status).toBe(1);
    expect(low.stderr).toContain("input 'poll-interval': 0 is less than 1");
  });
});

describe('safe_arg', () => {
  it.each([
    '--debug',
    '-x',
    'file:///etc/passwd',
    'fileb://key.pem',
    'https://attacker.example/x',
    'http://169.254.169.254/',
  ])('refuses %s', (value) => {
    const r = run(`safe_arg cache-control-html '${value}'; echo passed`);
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain('passed');
    expect(r.stderr).toMatch(/input 'cache-control-html'/);
  });

  it('lets ordinary values through', () => {
    expect(run("safe_arg x 'public, max-age=0'; safe_arg y '/*'; safe_arg z ''; echo passed").stdout).toBe('passed\n');
  });
});

describe('toolkit_spec (the one check of the toolkit input of catalog-lint and catalog-upgrade)', () => {
  it.each([
    'https://gitlab.example.com/api/v4/projects/7/packages/generic/catalog/1.2.0/catalog-1.2.0.tgz',
    'file:///builds/acme/site/vendor/catalog-1.2.0.tgz',
    './vendor/catalog-1.2.0.tgz',
    'git+https://gitlab.example.com/platform/aws-delivery.git#0123456789abcdef0123456789abcdef01234567',
    'gitlab-aws-catalog@1.2.0',
  ])('takes the npm spec %s', (spec) => {
    expect(run(`toolkit_spec '${spec}'; echo passed`).stdout).toBe('passed\n');
  });

  it.each([
    ['--registry=https://attacker.example', 'which npm would read as an option'],
    ['http://gitlab.example.com/catalog-1.2.0.tgz', 'fetched without TLS'],
    ['git+http://gitlab.example.com/platform/aws-delivery.git#0123456', 'fetched without TLS'],
    ['git://gitlab.example.com/platform/aws-delivery.git', 'fetched without TLS'],
  ])('refuses %s, naming the input and the fix', (spec, why) => {
    const r = run(`toolkit_spec '${spec}'; echo passed`);
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain('passed');
    expect(r.stderr).toContain(`input 'toolkit': '${spec}'`);
    expect(r.stderr).toContain(why);
  });

  it('is what both components check, and only through install_toolkit', () => {
    const scripts = ['catalog-lint/lint.sh', 'catalog-upgrade/upgrade.sh'].map((f) =>
      readFileSync(join(REPO_ROOT, 'components', f), 'utf8'),
    );
    for (const text of scripts) {
      expect(text).toMatch(/^install_toolkit "\$\{(LINT|UPGRADE)_TOOLKIT:-\}"/m);
      expect(text).not.toMatch(/(safe_arg|toolkit_spec) toolkit/);
    }
  });
});

describe('dotenv_set', () => {
  it("refuses a line break, which would add a variable of the value's choosing", () => {
    const r = run(`dotenv_set out.env SITE_URL $'https://x\\nOIDC_ROLE_ARN=arn:aws:iam::1:role/evil'`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('line break');
    expect(existsSync(join(dir, 'out.env')) ? readFileSync(join(dir, 'out.env'), 'utf8') : '').toBe('');
  });

  it('writes $ as $$, which GitLab expands back to $ in later jobs', () => {
    expect(run(`dotenv_set out.env URL 'https://x/?a=$HOME'`).status).toBe(0);
    expect(readFileSync(join(dir, 'out.env'), 'utf8')).toBe('URL=https://x/?a=$$HOME\n');
  });
});

describe('split_list and path_arg', () => {
  it('splits on commas and newlines, trims, and never expands a glob against the disk', () => {
    writeFileSync(join(dir, 'a-file'), '');
    expect(run(`split_list $' /*, a b ,\\n*,,'`).stdout).toBe('/*\na b\n*\n');
  });

  it('makes a relative path that starts with - safe for find', () => {
    const r = run(
      'mkdir -p -- -site && touch -- -site/index.html && p="$(path_arg source-dir -site)" && find "$p" -type f',
    );
    expect(r.stdout).toBe('./-site/index.html\n');
  });
});

describe('the job directory', () => {
  it('is removed when the job fails, with the token file and the CLI cache in it', () => {
    const r = run(
      'printf t > "$CATALOG_JOB_DIR/aws-web-identity-token"; mkdir -p "$CATALOG_JOB_DIR/home/.aws/cli/cache"; ' +
        'echo "$CATALOG_JOB_DIR"; fail boom',
    );
    expect(r.status).toBe(1);
    const jobDir = r.stdout.trim();
    expect(jobDir.startsWith(dir)).toBe(true);
    expect(existsSync(jobDir)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('runs the exit hook first, with the exit status, while the directory is still there', () => {
    const hook =
      'undo() { [ -d "$CATALOG_JOB_DIR" ] && echo "undo $1 with dir" >> "$TMPDIR/hook.log"; }; ' +
      'catalog_exit_hook=undo; ';
    expect(run(`${hook}fail boom`).status).toBe(1);
    expect(run(`${hook}true`).status).toBe(0);
    expect(readFileSync(join(dir, 'hook.log'), 'utf8')).toBe('undo 1 with dir\nundo 0 with dir\n');
  });

  it('runs the exit hook on SIGTERM (a cancelled job) while the script waits on a command, and exits 143', () => {
    const r = run(
      'undo() { echo "undo $1" >> "$TMPDIR/hook.log"; }; catalog_exit_hook=undo; ' +
        'x="$(kill -TERM $$; sleep 1; echo late)"; echo "not reached $x"',
    );
    expect(r.status).toBe(143);
    expect(r.stdout).not.toContain('not reached');
    expect(readFileSync(join(dir, 'hook.log'), 'utf8')).toBe('undo 143\n');
    expect(readdirSync(dir)).toEqual(['hook.log']);
  });

  it('is created once when the library is loaded twice (before_script and script)', () => {
    const lib = join(REPO_ROOT, 'components/_shared/lib.sh');
    const r = run(`first="$CATALOG_JOB_DIR"; . "${lib}"; [ "$first" = "$CATALOG_JOB_DIR" ] && echo same`);
    expect(r.stdout).toBe('same\n');
  });

  it('gives the AWS CLI a HOME inside it, so its credential cache goes with the job', () => {
    const bin = join(dir, 'bin');
    spawnSync('mkdir', ['-p', bin]);
    writeFileSync(join(bin, 'aws'), '#!/bin/sh\necho "HOME=$HOME CONFIG=$AWS_CONFIG_FILE ARGS=$*"\n');
    chmodSync(join(bin, 'aws'), 0o755);
    const r = run('aws s3 ls --bucket=-x; echo "dir=$CATALOG_JOB_DIR"', { PATH: `${bin}:${process.env.PATH ?? ''}` });
    const jobDir = /dir=(.*)/.exec(r.stdout)![1]!;
    expect(r.stdout).toContain(`HOME=${jobDir}/home CONFIG=${join(dir, 'home')}/.aws/config ARGS=s3 ls --bucket=-x`);
  });
});

describe('embedding', () => {
  it('replaces the two source lines with the library, and refuses any other source', () => {
    const script =
      'set -e\n# shellcheck source=components/_shared/lib.sh\n. "$(dirname ' +
      '"${BASH_SOURCE[0]}")/../_shared/lib.sh"\necho hi\n';
    const out = embedLibrary(script, 'x.sh');
    expect(out).toContain('# ---- begin components/_shared/lib.sh');
    expect(out).toContain('fail() {');
    expect(out.endsWith('echo hi\n')).toBe(true);
    expect(() => embedLibrary('. ./other.sh\n', 'components/x/deploy.sh')).toThrow(
      /components\/x\/deploy\.sh sources a file other than the shared library/,
    );
  });

  it('lists the functions and variables scripts get from it', () => {
    expect(libraryFunctions()).toEqual(
      expect.arrayContaining([
        'fail',
        'trim',
        'split_list',
        'uint',
        'safe_arg',
        'dotenv_set',
        'aws',
        'aws_call',
        'aws_failed',
      ]),
    );
    expect(libraryVariables()).toContain('CATALOG_JOB_DIR');
    expect(libraryText()).not.toMatch(/^\s*#(?! ----)/m);
  });
});
