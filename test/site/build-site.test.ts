// catalog site writes a whole folder and swaps it in: it replaces only a folder it wrote, and a
// failed build leaves the previous site as it was.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CatalogView } from '../../src/catalog/browse/model.js';
import { loadCatalog } from '../../src/catalog/browse/source.js';
import { buildSite } from '../../src/catalog/site/build-site.js';
import { fixtureFolder } from '../browse/fixture-catalog.js';

describe('catalog site output folder', () => {
  it('writes the index, a page per component, the changelog and the assets, then replaces its own site', async () => {
    const catalog = await loadCatalog({ cwd: fixtureFolder() });
    const parent = mkdtempSync(join(tmpdir(), 'site-out-'));
    const out = join(parent, 'public');
    const r = buildSite(catalog, out);
    expect(r.pages).toBe(2 + catalog.components.length);
    expect(readdirSync(join(out, 'components')).sort()).toEqual([
      'image-push.html',
      'site-deploy.html',
      'stack-deploy.html',
    ]);
    writeFileSync(join(out, 'stale.html'), 'old');
    buildSite(catalog, out);
    expect(existsSync(join(out, 'stale.html'))).toBe(false);
    expect(readdirSync(parent)).toEqual(['public']);
  });

  it('refuses to replace a folder it did not write', async () => {
    const catalog = await loadCatalog({ cwd: fixtureFolder() });
    const out = mkdtempSync(join(tmpdir(), 'not-a-site-'));
    writeFileSync(join(out, 'notes.txt'), 'mine');
    expect(() => buildSite(catalog, out)).toThrow(
      /exists and was not written by `catalog site` \(fix: choose an empty or new folder for --out/,
    );
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('a build that fails leaves the previous site in place and no temporary folder', async () => {
    const catalog = await loadCatalog({ cwd: fixtureFolder() });
    const parent = mkdtempSync(join(tmpdir(), 'site-out-'));
    const out = join(parent, 'public');
    buildSite(catalog, out);
    const before = readFileSync(join(out, 'index.html'), 'utf8');
    const broken = { ...catalog, components: [{ ...catalog.components[0]!, versions: [] }] } as unknown as CatalogView;
    expect(() => buildSite(broken, out)).toThrow();
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe(before);
    expect(readdirSync(parent)).toEqual(['public']);
  });
});
