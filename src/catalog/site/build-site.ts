// `catalog site`: writes the static site into a fresh folder beside --out, then swaps it in,
// so a reader (or a GitLab Pages job) never sees half a site. It only ever replaces a folder it
// wrote itself (marked with .catalog-site) or an empty one.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourcePath } from '../../internal/paths.js';
import { diffInputs } from '../browse/diff.js';
import { browseError, type CatalogView } from '../browse/model.js';
import { diffListHtml, inputRowsHtml } from './fragments.js';
import { changelogPage, componentHref, componentPage, indexPage } from './pages.js';

const MARKER = '.catalog-site';
const assetsDir = (): string => join(sourcePath(dirname(fileURLToPath(import.meta.url))), 'assets');

/** The page script: the shared renderers' source text, then the page logic. */
export function siteScript(): string {
  // tsx (esbuild) may wrap nested functions in __name(); the shim keeps their text runnable.
  return `var __name = function (f) { return f; };
var inputRowsHtml = ${inputRowsHtml.toString()};
var diffListHtml = ${diffListHtml.toString()};
var diffInputs = ${diffInputs.toString()};
${readFileSync(join(assetsDir(), 'browse.js'), 'utf8')}`;
}

export interface SiteResult {
  readonly out: string;
  readonly pages: number;
  readonly bytes: number;
}

export function buildSite(catalog: CatalogView, outDir: string): SiteResult {
  const out = resolve(outDir);
  if (existsSync(out) && readdirSync(out).length && !existsSync(join(out, MARKER))) {
    throw browseError(
      `${outDir} exists and was not written by \`catalog site\``,
      'choose an empty or new folder for --out (catalog site replaces the whole folder)',
    );
  }
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'components'), { recursive: true });
  mkdirSync(join(tmp, 'assets'), { recursive: true });
  let bytes = 0;
  let pages = 0;
  const write = (rel: string, text: string): void => {
    writeFileSync(join(tmp, rel), text);
    bytes += Buffer.byteLength(text);
    pages += rel.endsWith('.html') ? 1 : 0;
  };
  try {
    write(MARKER, 'Written by `catalog site`; the next run replaces this folder.\n');
    write('assets/site.css', readFileSync(join(assetsDir(), 'site.css'), 'utf8'));
    write('assets/site.js', siteScript());
    write('index.html', indexPage(catalog));
    write('changelog.html', changelogPage(catalog));
    for (const c of catalog.components) write(componentHref(c), componentPage(catalog, c));
    const old = `${out}.old-${process.pid}`;
    if (existsSync(out)) renameSync(out, old);
    renameSync(tmp, out);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return { out, pages, bytes };
}
