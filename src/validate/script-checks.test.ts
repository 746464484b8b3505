// The build's script rules, on small jobs that break one rule each, and on the real components.
import { describe, expect, it } from 'vitest';
import { embedLibrary } from '../define/shell-library.js';
import { loadComponents } from '../generate/load.js';
import { REPO_ROOT } from '../internal/paths.js';
import type { Jobs } from '../model/job.js';
import { checkScripts } from './script-checks.js';

const LIB = '# shellcheck source=components/_shared/lib.sh\n. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"\n';

function job(script: string, variables: Record<string, string> = {}, extra: object = {}): Jobs {
  return {
    deploy: {
      stage: '$[[ inputs.stage ]]',
      variables,
      script: [embedLibrary(`set -euo pipefail\n${LIB}${script}\n`, 'deploy.sh')],
      ...extra,
    },
  };
}

function codes(jobs: Jobs, readsVariables: string[] = []): string[] {
  return checkScripts(jobs, { component: 'x', file: 'components/x/component.ts' }, { readsVariables }).map(
    (p) => p.code,
  );
}

describe('checkScripts', () => {
  it("accepts a script that follows the library's rules", () => {
    const ok = job(
      [
        'n="$(uint wait-timeout "$X_WAIT")"',
        'safe_arg bucket "$X_BUCKET"',
        'dir="$(path_arg source-dir "$X_DIR")"',
        'find "$dir" -type f',
        'aws s3api list-objects-v2 --bucket="$X_BUCKET" --max-items="$n"',
        'dotenv_set out.env X_DONE "$(cat -- "$CATALOG_JOB_DIR/f")"',
        ': > out.env',
        'echo "$CI_JOB_ID $HOME $CATALOG_JOB_DIR"',
      ].join('\n'),
      { X_WAIT: '$[[ inputs.wait ]]', X_BUCKET: '$[[ inputs.bucket ]]', X_DIR: '$[[ inputs.dir ]]' },
      { artifacts: { reports: { dotenv: 'out.env' } } },
    );
    expect(checkScripts(ok, { component: 'x' })).toEqual([]);
  });

  it('flags a variable nobody declared, unless the definition lists it', () => {
    const jobs = job('echo "$SITE_BUKET"', { SITE_BUCKET: '$[[ inputs.bucket ]]' });
    const [p] = checkScripts(jobs, { component: 'x', file: 'f' });
    expect(p).toMatchObject({ code: 'undeclared-variable', component: 'x', path: 'jobs.deploy.script' });
    expect(p!.message).toContain('$SITE_BUKET');
    expect(codes(jobs, ['SITE_BUKET'])).toEqual([]);
  });

  it('flags a value given as the word after its option', () => {
    expect(codes(job('aws ecs describe-services --cluster "$c"'))).toEqual(['option-value-separate']);
    expect(codes(job('args=(--service "${svc}")'))).toEqual(['option-value-separate']);
  });

  it('flags an input variable passed to the AWS CLI without safe_arg or a pattern', () => {
    expect(codes(job('aws s3 cp a s3://b --cache-control="$X_CC"', { X_CC: '$[[ inputs.cc ]]' }))).toEqual([
      'unchecked-aws-value',
    ]);
    expect(
      codes(job('safe_arg cc "$X_CC"\naws s3 cp a s3://b --cache-control="$X_CC"', { X_CC: '$[[ inputs.cc ]]' })),
    ).toEqual([]);
  });

  it('flags arithmetic on an unchecked input variable', () => {
    expect(codes(job('deadline=$((SECONDS + X_WAIT))', { X_WAIT: '$[[ inputs.wait ]]' }))).toEqual([
      'unchecked-number',
    ]);
    expect(codes(job('[[ "$X_WAIT" -gt 0 ]] && echo', { X_WAIT: '$[[ inputs.wait ]]' }))).toEqual(['unchecked-number']);
  });

  it('flags find and cat on a path that could start with -', () => {
    expect(codes(job('find "$X_DIR" -type f', { X_DIR: '$[[ inputs.dir ]]' }))).toEqual(['path-as-option']);
    expect(codes(job('cat "$f"'))).toEqual(['path-as-option']);
  });

  it('flags a hand-written dotenv line, its own temp files and its own fail()', () => {
    const dotenv = { artifacts: { reports: { dotenv: 'out.env' } } };
    expect(codes(job('echo "URL=$u" >> out.env', {}, dotenv))).toEqual(['dotenv-write']);
    expect(codes(job('t="$(mktemp -d)"'))).toEqual(['job-temp-dir']);
    expect(codes(job("trap 'rm -rf x' EXIT"))).toEqual(['job-temp-dir']);
    expect(codes(job('fail() { echo "$*"; exit 1; }'))).toEqual(['library-function-redefined']);
  });

  it("finds nothing in the catalog's own components", async () => {
    const { components } = await loadComponents(REPO_ROOT);
    expect(components.length).toBeGreaterThan(0);
    for (const c of components)
      expect(checkScripts(c.jobs, { component: c.name }, { readsVariables: c.readsVariables })).toEqual([]);
  });
});
