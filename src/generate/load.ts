// Finds the components: every components/<name>/component.ts, so a new component
// is one new folder and nothing else. Folders starting with `_` (components/_shared, the shell
// library) hold what components share and are not components.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Component } from '../define/component.js';
import { withHistory, type CatalogConfig, type CatalogOptions } from '../catalog/config.js';
import { EMPTY_HISTORY, readHistory, type History } from '../catalog/history.js';
import { modulePath } from '../internal/paths.js';
import { ProblemsError, type Problem } from '../internal/problem.js';

export interface Loaded {
  readonly components: Component[];
  readonly problems: Problem[];
}

export async function loadComponents(root: string): Promise<Loaded> {
  const dir = join(root, 'components');
  const components: Component[] = [];
  const problems: Problem[] = [];
  const folders = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
        .map((d) => d.name)
        .sort()
    : [];
  for (const folder of folders) {
    const file = join(dir, folder, 'component.ts');
    const rel = `components/${folder}/component.ts`;
    if (!existsSync(file)) {
      problems.push({
        code: 'component-file',
        severity: 'error',
        file: `components/${folder}/`,
        message: 'has no component.ts',
        fix: 'add component.ts exporting `default defineComponent({...})`, or remove the folder',
      });
      continue;
    }
    let mod: { default?: unknown };
    try {
      mod = (await import(moduleUrl(file))) as { default?: unknown };
    } catch (e) {
      problems.push({
        code: 'component-load',
        severity: 'error',
        file: rel,
        message: `cannot be loaded: ${(e as Error).message}`,
        fix: 'fix the error in the definition',
      });
      continue;
    }
    const c = mod.default as Component | undefined;
    if (!c || typeof c !== 'object' || !('jobs' in c) || !('inputs' in c)) {
      problems.push({
        code: 'component-file',
        severity: 'error',
        file: rel,
        message: 'does not export a component as its default export',
        fix: 'end the file with `export default defineComponent({...})`',
      });
      continue;
    }
    if (c.name !== folder) {
      problems.push({
        code: 'component-folder',
        severity: 'error',
        file: rel,
        component: c.name,
        message: `is named "${c.name}" but lives in components/${folder}/`,
        fix: `rename the folder to components/${c.name}/ or the component to "${folder}"`,
      });
    }
    components.push(c);
  }
  return { components, problems };
}

/**
 * The URL to import a definition from, keyed by its content: a process that loads the same
 * project again after a definition changed (a release after an edit, tests) sees the new one.
 */
function moduleUrl(sourceFile: string): string {
  const path = modulePath(sourceFile);
  let hash = '';
  try {
    hash = createHash('sha1').update(readFileSync(path)).digest('hex').slice(0, 12);
  } catch {
    // A missing file fails in import() with its own message.
  }
  return `${pathToFileURL(path).href}${hash ? `?v=${hash}` : ''}`;
}

export async function loadCatalogConfig(root: string, history?: History): Promise<CatalogConfig> {
  let mod: { default?: CatalogOptions & { version?: unknown; releases?: unknown } };
  try {
    mod = (await import(moduleUrl(join(root, 'catalog.config.ts')))) as typeof mod;
  } catch (e) {
    throw new ProblemsError([
      {
        code: 'catalog-config',
        severity: 'error',
        file: 'catalog.config.ts',
        message: `cannot be loaded: ${(e as Error).message}`,
        fix: 'restore catalog.config.ts exporting `default defineCatalog({...})`',
      },
    ]);
  }
  if (!mod.default?.project) {
    throw new ProblemsError([
      {
        code: 'catalog-config',
        severity: 'error',
        file: 'catalog.config.ts',
        message: 'does not export a catalog with a project path',
        fix: 'end the file with `export default defineCatalog({ name, project, description })`',
      },
    ]);
  }
  if ('version' in mod.default || 'releases' in mod.default) {
    throw new ProblemsError([
      {
        code: 'catalog-config',
        severity: 'error',
        file: 'catalog.config.ts',
        message: 'declares `version` or `releases`, which are now recorded by `catalog release` in catalog.history.yml',
        fix:
          'remove `version` and `releases` from defineCatalog({...}) and record releases with `npm run ' +
          'catalog -- release <version>`',
      },
    ]);
  }
  return withHistory(mod.default, history ?? readHistory(root) ?? EMPTY_HISTORY);
}
