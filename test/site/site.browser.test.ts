// The generated catalog site in a real browser (Debian's Chromium driven by playwright-core),
// doing what a person does: search the index, switch a component's version, compare two
// versions, copy the pinned include; no console errors, no serious axe-core violations, and
// readable without JavaScript and from files. Screenshots go to test-results/site/.
import { createReadStream, existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findComponent, findVersion, type CatalogView } from '../../src/catalog/browse/model.js';
import { includeSnippet } from '../../src/catalog/browse/snippet.js';
import { loadCatalog } from '../../src/catalog/browse/source.js';
import { buildSite } from '../../src/catalog/site/build-site.js';
import { REPO_ROOT } from '../../src/internal/paths.js';
import { fixtureRepo } from '../browse/fixture-catalog.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(REPO_ROOT, 'test-results', 'site');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
};

let site: string;
let catalog: CatalogView;
let server: Server;
let base: string;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run \`bash scripts/setup-tools.sh\` (it installs Debian's chromium)`);
  catalog = await loadCatalog({ from: fixtureRepo().dir });
  site = join(mkdtempSync(join(tmpdir(), 'site-')), 'public');
  buildSite(catalog, site);
  // Served over loopback HTTP, as GitLab Pages serves it.
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    let file = join(site, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

async function open(path: string, o: { javaScript?: boolean; context?: BrowserContext } = {}): Promise<Page> {
  const context =
    o.context ??
    (await browser.newContext({ javaScriptEnabled: o.javaScript ?? true, viewport: { width: 1200, height: 900 } }));
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${path}: console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${path}: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`${path}: request failed ${r.url()}`));
  await page.goto(path.startsWith('file:') ? path : `${base}/${path}`);
  return page;
}

const visibleNames = (page: Page) =>
  page.$$eval('#components > li:not([hidden])', (lis) => lis.map((li) => li.getAttribute('data-name')));
const inputNames = (page: Page) =>
  page.$$eval('#inputs tr[data-input]', (rows) => rows.map((r) => r.getAttribute('data-input')));

describe('catalog site in Chromium', () => {
  it('search and the AWS service and category filters narrow the list', async () => {
    const page = await open('index.html');
    expect(await visibleNames(page)).toEqual(['site-deploy', 'stack-deploy', 'image-push']);
    await page.getByLabel('Search').fill('cloudformation');
    expect(await visibleNames(page)).toEqual(['stack-deploy']);
    await expect.poll(() => page.textContent('#count')).toBe('1 of 3 components match');
    await page.getByLabel('Search').fill('');
    await page.getByLabel('AWS service').selectOption('ECR');
    expect(await visibleNames(page)).toEqual(['image-push']);
    await page.getByLabel('AWS service').selectOption('');
    await page.getByLabel('Category').selectOption('Infrastructure');
    expect(await visibleNames(page)).toEqual(['stack-deploy']);
    await page.getByLabel('Search').fill('s3');
    expect(await visibleNames(page)).toEqual([]);
    await expect.poll(() => page.textContent('#count')).toMatch(/^0 of 3 components match/);
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Category').selectOption('');
    await page.screenshot({ path: join(SHOTS, 'index.png'), fullPage: true });
    await page.context().close();
  });

  it('the keyboard reaches the skip link first, then the search box', async () => {
    const page = await open('index.html');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    for (let i = 0; i < 8 && (await page.evaluate(() => document.activeElement?.id)) !== 'q'; i++)
      await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('q');
    await page.keyboard.type('ecr');
    expect(await visibleNames(page)).toEqual(['image-push']);
    await page.context().close();
  });

  it('the version switch changes the inputs table', async () => {
    const page = await open('components/site-deploy.html');
    expect(await inputNames(page)).toEqual(['role-arn', 'region', 'dry-run', 'target-bucket']);
    await page.getByLabel('Version', { exact: true }).selectOption('1.0.0');
    expect(await inputNames(page)).toEqual(['role-arn', 'bucket', 'region', 'legacy-acl']);
    expect(await page.textContent('#inputs-version')).toBe('1.0.0');
    expect(await page.textContent('#inputs tr[data-input="region"]')).toContain('us-east-1');
    await page.getByLabel('Version', { exact: true }).selectOption('2.0.0');
    expect(await page.textContent('#inputs tr[data-input="region"]')).toContain('eu-west-1');
    await page.screenshot({ path: join(SHOTS, 'component.png'), fullPage: true });
    await page.context().close();
  });

  it('the diff between two versions marks the removed input as breaking', async () => {
    const page = await open('components/site-deploy.html');
    await page.getByLabel('From').selectOption('1.0.0');
    await page.getByLabel('To').selectOption('2.0.0');
    const removed = page.locator('#diff li[data-input="legacy-acl"]');
    expect(await removed.getAttribute('data-kind')).toBe('removed');
    expect(await removed.textContent()).toContain('breaking');
    expect(await page.locator('#diff li[data-input="dry-run"]').textContent()).not.toContain('breaking');
    await page.getByLabel('From').selectOption('1.0.0');
    await page.getByLabel('To').selectOption('1.1.0');
    expect(await page.locator('#diff li[data-input="legacy-acl"]').count()).toBe(0);
    await page.context().close();
  });

  it('the copy button puts exactly the pinned include on the clipboard (tag, then SHA)', async () => {
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const page = await open('components/site-deploy.html', { context });
    const c = findComponent(catalog, 'site-deploy');
    await page.getByLabel('Version', { exact: true }).selectOption('1.1.0');
    await page.getByRole('button', { name: 'Copy include' }).click();
    await expect.poll(() => page.textContent('#copy-status')).toBe('Copied the include to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(includeSnippet(c, findVersion(c, '1.1.0')));
    await page.getByLabel('its commit SHA').check();
    await page.getByRole('button', { name: 'Copy include' }).click();
    const sha = await page.evaluate(() => navigator.clipboard.readText());
    expect(sha).toBe(includeSnippet(c, findVersion(c, '1.1.0'), { pinSha: true }));
    expect(sha).toMatch(
      /site-deploy@[0-9a-f]{40} # 1\.1\.0\n    inputs:\n      role-arn: <string>\n      bucket: <string>\n$/,
    );
    await context.close();
  });

  it('axe-core finds no serious or critical accessibility violation on the index or a component page', async () => {
    const axe = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    for (const path of ['index.html', 'components/site-deploy.html', 'changelog.html']) {
      const page = await open(path);
      await page.addScriptTag({ path: axe });
      const violations = await page.evaluate(async () => {
        const r = await (
          window as unknown as {
            axe: {
              run: (o: unknown) => Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }>;
            };
          }
        ).axe.run({ resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
      });
      expect(
        violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
        path,
      ).toEqual([]);
      await page.context().close();
    }
  });

  it(
    'is readable without JavaScript: the newest inputs, the include, the diff ' + 'and the IAM policy are in the page',
    async () => {
      const page = await open('components/site-deploy.html', { javaScript: false });
      expect(await inputNames(page)).toContain('target-bucket');
      expect(await page.textContent('#snippet')).toContain('site-deploy@2.0.0');
      expect(await page.locator('#diff li[data-input="legacy-acl"]').count()).toBe(1);
      expect(await page.textContent('#iam + p + pre')).toContain('s3:PutObject');
      expect(await page.locator('#copy').isVisible()).toBe(false);
      expect(await page.locator('#version').isVisible()).toBe(false);
      const index = await open('index.html', { javaScript: false, context: page.context() });
      expect(await index.locator('#components > li').count()).toBe(3);
      expect(await index.locator('#filters').isVisible()).toBe(false);
      await page.context().close();
    },
  );

  it('works from files: open index.html from disk, follow a link, switch a version', async () => {
    const page = await open(pathToFileURL(join(site, 'index.html')).href);
    await page.getByLabel('Search').fill('s3');
    expect(await visibleNames(page)).toEqual(['site-deploy']);
    await page.getByRole('link', { name: 'site-deploy' }).click();
    await page.getByLabel('Version', { exact: true }).selectOption('1.0.0');
    expect(await inputNames(page)).toContain('legacy-acl');
    await page.context().close();
  });

  it('logged no console errors, page errors or failed requests', () => {
    expect(problems).toEqual([]);
  });
});
