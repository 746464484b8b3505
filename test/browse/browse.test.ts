// catalog search|show|diff|snippet on throwaway catalogs with three releases: read from a folder,
// from a git repository at a tag, and from a git URL served by a real git server on loopback;
// and each command's bad input, through the real CLI.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffInputs } from '../../src/catalog/browse/diff.js';
import { findComponent, findVersion } from '../../src/catalog/browse/model.js';
import { search } from '../../src/catalog/browse/search.js';
import { includeSnippet } from '../../src/catalog/browse/snippet.js';
import { loadCatalog } from '../../src/catalog/browse/source.js';
import { REPO_ROOT } from '../../src/internal/paths.js';
import { fixtureFolder, fixtureRepo } from './fixture-catalog.js';
import { serveGit } from './git-http-server.js';

const cli = (args: string[], cwd = REPO_ROOT) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GITLAB_URL: '', GITLAB_TOKEN: '' },
  });

let repo: ReturnType<typeof fixtureRepo>;
beforeAll(() => {
  repo = fixtureRepo();
});

describe('catalog model from catalog.yml with version history', () => {
  it('rebuilds the inputs of every released version from the per-version changes', async () => {
    const c = findComponent(await loadCatalog({ from: repo.dir }), 'site-deploy');
    expect(c.versions.map((v) => [v.version, v.date])).toEqual([
      ['2.0.0', '2026-04-02'],
      ['1.1.0', '2026-02-20'],
      ['1.0.0', '2026-01-10'],
    ]);
    const names = (v: string) => findVersion(c, v).inputs.map((i) => i.name);
    expect(names('1.0.0')).toEqual(['role-arn', 'bucket', 'region', 'legacy-acl']);
    expect(names('1.1.0')).toEqual(['role-arn', 'bucket', 'region', 'legacy-acl', 'dry-run']);
    expect(names('2.0.0')).toEqual(['role-arn', 'region', 'dry-run', 'target-bucket']);
    expect(findVersion(c, '1.0.0').inputs.find((i) => i.name === 'region')).toMatchObject({
      default: 'us-east-1',
      required: false,
      description: 'AWS region.',
    });
    expect(findVersion(c, '2.0.0').inputs.find((i) => i.name === 'target-bucket')).toMatchObject({
      formerName: 'bucket',
      required: true,
      description: 'The S3 bucket to upload to.',
    });
    expect(c.services).toEqual(['CloudFront', 'S3']);
    expect(c.iamActions).toContain('s3:PutObject');
    expect(c.examples[0]?.title).toBe('Deploy on the default branch');
  });

  it("knows each release tag's commit, for SHA pins", async () => {
    const c = findComponent(await loadCatalog({ from: repo.dir }), 'site-deploy');
    for (const v of c.versions) expect(v.sha).toBe(repo.shas[v.version]);
  });

  it('resolves versions the way GitLab does: exact, v-prefixed, partial and ~latest', async () => {
    const c = findComponent(await loadCatalog({ from: repo.dir }), 'site-deploy');
    expect(findVersion(c, undefined).version).toBe('2.0.0');
    expect(findVersion(c, '~latest').version).toBe('2.0.0');
    expect(findVersion(c, '1').version).toBe('1.1.0');
    expect(findVersion(c, '1.0').version).toBe('1.0.0');
    expect(findVersion(c, 'v1.1.0').version).toBe('1.1.0');
    expect(() => findVersion(c, '3.0.0')).toThrow(/no version 3\.0\.0 .*use one of: 2\.0\.0, 1\.1\.0, 1\.0\.0/);
  });

  it('reads another ref of a catalog project: a component added in 1.1.0 is absent at 1.0.0', async () => {
    const at1 = await loadCatalog({ from: repo.dir, ref: '1.0.0' });
    expect(at1.components.map((c) => c.name).sort()).toEqual(['site-deploy', 'stack-deploy']);
    expect(() => findComponent(at1, 'image-push')).toThrow(/no component "image-push" .*use one of/);
  });

  it("reads this checkout's catalog.yml by default", async () => {
    const here = await loadCatalog();
    const own = execFileSync('git', ['ls-files', 'catalog.yml'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    expect(own).toBe('catalog.yml');
    expect(here.components.map((c) => c.name)).toContain('s3-site');
    expect(findComponent(here, 's3-site').versions.length).toBeGreaterThan(0);
  });
});

describe('search', () => {
  it('ranks a name match above a description or input match and narrows by every word', async () => {
    const cat = await loadCatalog({ from: repo.dir });
    expect(
      search(cat, 'deploy')
        .map((h) => h.component.name)
        .slice(0, 2)
        .sort(),
    ).toEqual(['site-deploy', 'stack-deploy']);
    expect(search(cat, 'cloudformation').map((h) => h.component.name)).toEqual(['stack-deploy']);
    expect(search(cat, 'ecr').map((h) => h.component.name)).toEqual(['image-push']);
    expect(search(cat, 'deploy s3').map((h) => h.component.name)).toEqual(['site-deploy']);
    expect(search(cat, 'target-bucket').map((h) => h.component.name)).toEqual(['site-deploy']);
    expect(search(cat, 'nothing-like-this')).toEqual([]);
  });
});

describe('diff and snippet', () => {
  it('marks a removed and a renamed input as breaking and a new optional input as not', async () => {
    const c = findComponent(await loadCatalog({ from: repo.dir }), 'site-deploy');
    const d = diffInputs(findVersion(c, '1.0.0'), findVersion(c, '2.0.0'));
    expect(d.map((x) => [x.input, x.kind, x.breaking])).toEqual([
      ['legacy-acl', 'removed', true],
      ['target-bucket', 'renamed', true],
      ['region', 'changed', false],
      ['dry-run', 'added', false],
    ]);
    expect(diffInputs(findVersion(c, '1.1.0'), findVersion(c, '1.1.0'))).toEqual([]);
  });

  it('writes the include with the required inputs as placeholders, pinned to the tag or to its SHA', async () => {
    const c = findComponent(await loadCatalog({ from: repo.dir }), 'site-deploy');
    expect(includeSnippet(c, findVersion(c, '1.1.0'))).toBe(
      'include:\n  - component: $CI_SERVER_FQDN/platform/fixture-catalog/site-deploy@1.1.0\n    inputs:\n      ' +
        'role-arn: <string>\n      bucket: <string>\n',
    );
    expect(includeSnippet(c, findVersion(c, '2.0.0'), { pinSha: true })).toBe(
      `include:\n  - component: $CI_SERVER_FQDN/platform/fixture-catalog/site-deploy@${repo.shas['2.0.0']} # ` +
        `2.0.0\n    inputs:\n      role-arn: <string>\n      target-bucket: <string>\n`,
    );
  });

  it('refuses a SHA pin when the source knows no tag commit, and says how to get one', async () => {
    const c = findComponent(await loadCatalog({ cwd: fixtureFolder() }), 'site-deploy');
    expect(() => includeSnippet(c, findVersion(c, '2.0.0'), { pinSha: true })).toThrow(
      /no commit is known for site-deploy@2\.0\.0.*fix: pin the tag without --pin-sha/,
    );
  });
});

describe('a catalog project by git URL (real git server on loopback)', () => {
  let server: Awaited<ReturnType<typeof serveGit>>;
  beforeAll(async () => {
    server = await serveGit(dirname(repo.dir));
  });
  afterAll(() => server?.close());

  it("clones it and reads a tag, with the tags' commits", async () => {
    const cache = mkdtempSync(join(tmpdir(), 'browse-cache-'));
    const cat = await loadCatalog({ from: `${server.url}/${basename(repo.dir)}`, ref: '1.1.0', cacheDir: cache });
    const c = findComponent(cat, 'site-deploy');
    expect(c.versions.map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
    expect(c.versions[0]!.sha).toBe(repo.shas['1.1.0']);
    expect(cat.source).toBe(`${server.url}/${basename(repo.dir)}@1.1.0`);
  });

  it('an unknown ref is a one-line error with the fix', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'browse-cache-'));
    await expect(
      loadCatalog({ from: `${server.url}/${basename(repo.dir)}`, ref: '9.9.9', cacheDir: cache }),
    ).rejects.toThrow(/has no branch, tag or commit "9\.9\.9" \(fix: use one that `git ls-remote/);
  });
});

describe('the CLI', () => {
  it('show, diff, snippet and search print for people and --format json for tools', () => {
    const show = cli(['show', 'site-deploy@1.0.0', '--from', repo.dir]);
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^site-deploy@1\.0\.0\n/);
    expect(show.stdout).toMatch(/legacy-acl\s+boolean\s+no\s+false/);
    expect(show.stdout).toContain('"s3:PutObject"');
    const diff = JSON.parse(
      cli(['diff', 'site-deploy', '1.0.0', '2.0.0', '--from', repo.dir, '--format', 'json']).stdout,
    );
    expect(diff).toMatchObject({ component: 'site-deploy', from: '1.0.0', to: '2.0.0', breaking: true });
    expect(cli(['diff', 'site-deploy', '1.0.0', '2.0.0', '--from', repo.dir]).stdout).toMatch(
      /- legacy-acl\s+removed BREAKING/,
    );
    const snip = cli(['snippet', 'site-deploy@1', '--pin-sha', '--from', repo.dir]);
    expect(snip.stdout).toContain(`site-deploy@${repo.shas['1.1.0']} # 1.1.0\n`);
    const found = JSON.parse(cli(['search', 's3', '--from', repo.dir, '--format', 'json']).stdout);
    expect(found.map((h: { name: string }) => h.name)).toEqual(['site-deploy']);
  });

  it.each([
    [
      ['show', 'no-such', '--from', ''],
      /component "no-such".*no component "no-such" in .*\(fix: use one of: .*site-deploy/,
    ],
    [['show', 'site-deploy@7.0.0'], /no version 7\.0\.0 \(fix: use one of: 2\.0\.0, 1\.1\.0, 1\.0\.0\)/],
    [['diff', 'site-deploy', '1.0.0', '0.9.0'], /no version 0\.9\.0 \(fix: use one of/],
    [['search', 'x', '--gitlab'], /GITLAB_URL is not set \(fix: set GITLAB_URL/],
    [
      ['show', 'site-deploy', '--gitlab'],
      /catalog show --gitlab needs the catalog project \(fix: add --project <group\/project>/,
    ],
  ])('%j: one line naming the problem and the fix, exit 1', (args, expected) => {
    const a = args.map((x) => (x === '' ? repo.dir : x));
    const r = cli(a.includes('--from') || a.includes('--gitlab') ? a : [...a, '--from', repo.dir]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(expected);
  });

  it('a catalog.yml of the wrong shape names the file, the field and the fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-catalog-'));
    writeFileSync(
      join(dir, 'catalog.yml'),
      'name: x\nproject: g/p\ncomponents:\n  - name: a\n    inputs: [role-arn]\n',
    );
    const r = cli(['show', 'a', '--from', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(
      'catalog.yml: is not a catalog index: components.0.inputs must be object (fix: regenerate it with ' +
        '`npm run catalog -- build`',
    );
    const none = cli(['search', 'x', '--from', tmpdir()]);
    expect(none.stderr).toMatch(/has no catalog\.yml \(fix: run `npm run catalog -- build`/);
  });
});
