// The `catalog release` command as a maintainer runs it, in a throwaway catalog.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThrowawayCatalog, TOOLKIT } from './fixture.js';

let cat: ThrowawayCatalog;
const tsx = join(TOOLKIT, 'node_modules', '.bin', 'tsx');
function catalog(...args: string[]) {
  const r = spawnSync(tsx, [join(TOOLKIT, 'src/cli/main.ts'), 'release', ...args, '--root', cat.root], {
    cwd: TOOLKIT,
    encoding: 'utf8',
    env: { ...process.env, GITLAB_CI: '' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  cat = new ThrowawayCatalog();
  cat.component('alpha', { inputs: { greeting: `input.string({ default: 'hello', description: 'Greeting.' })` } });
  cat.commit('alpha');
});
afterAll(() => cat.dispose());

describe('catalog release (CLI)', () => {
  it('--dry-run prints the decision, the files and the tag message, and changes nothing', () => {
    const r = catalog('minor', '--dry-run', '--date', '2026-01-02');
    expect(r.code).toBe(0);
    expect(r.out).toContain('release 0.1.0: the first release');
    expect(r.out).toContain(
      'would write: templates/alpha/template.yml, docs/components/alpha.md, schemas/inputs/alpha.schema.json, ' +
        'catalog.yml, CHANGELOG.md, README.md, catalog.history.yml',
    );
    expect(r.out).toContain(
      'would commit "Release 0.1.0" and create the annotated tag 0.1.0; the tag message and release ' +
        'description:\n\n## 0.1.0 (2026-01-02)',
    );
    expect(cat.git('status', '--porcelain')).toBe('');
    expect(cat.git('tag', '--list')).toBe('');
  });

  it('--no-tag records and commits; --tag-only tags; --check passes and writes the release notes', () => {
    const recorded = catalog('0.1.0', '--no-tag', '--date', '2026-01-02', '--notes', 'The first one.');
    expect(recorded.code).toBe(0);
    expect(recorded.out).toContain('not tagged. Tag it later with: npm run catalog -- release 0.1.0 --tag-only');
    expect(cat.git('log', '-1', '--format=%s')).toBe('Release 0.1.0\n');
    expect(cat.git('tag', '--list')).toBe('');
    const tagged = catalog('0.1.0', '--tag-only');
    expect(tagged.code).toBe(0);
    expect(tagged.out).toContain('tagged 0.1.0 at');
    expect(cat.git('cat-file', '-t', '0.1.0')).toBe('tag\n');
    const check = catalog('0.1.0', '--check', '--notes-out', join(cat.root, 'release-notes.md'));
    expect(check.err).toBe('');
    expect(check.out).toBe('ok: publish preflight passed for 0.1.0\n');
    expect(readFileSync(join(cat.root, 'release-notes.md'), 'utf8')).toBe(
      '## 0.1.0 (2026-01-02)\n\nThe first one.\n\nFirst release. Components:\n\n- `alpha`: 3 inputs; include ' +
        '`$CI_SERVER_FQDN/acme/tools/alpha@0.1.0`\n',
    );
  });

  it('a lying version exits 1 with the reasons on stderr; a tag nobody recorded fails the check', () => {
    cat.component('alpha', { inputs: {} });
    cat.commit('drop greeting');
    const r = catalog('patch');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'error: 0.1.1 would claim patch after 0.1.0, but the inputs changed in a way that needs a major release ' +
        '(1.0.0 or later):\n  - alpha: input `greeting` removed (fix: run `catalog release major` (1.0.0), or ' +
        'undo the breaking changes listed) [release-bump]\n',
    );
    const check = catalog('0.2.0', '--check');
    expect(check.code).toBe(1);
    expect(check.err).toContain(
      'error catalog.history.yml: 0.2.0 is not a recorded release, so nothing says what changed in it (fix: tag ' +
        'only versions recorded by `npm run catalog -- release 0.2.0`) [release-not-recorded]',
    );
  });
});
