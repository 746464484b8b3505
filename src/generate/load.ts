// Finds the components: every components/<name>/component.ts, so a new component
// is one new folder and nothing else. Folders starting with `_` (components/_shared, the shell
// library) hold what components share and are not components.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Component } from '../define/component.js';
import type { CatalogConfig } from '../catalog/config.js';
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
  const folders = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('_')).map((d) => d.name).sort() : [];
  for (const folder of folders) {
    const file = join(dir, folder, 'component.ts');
    const rel = `components/${folder}/component.ts`;
    if (!existsSync(file)) {
      problems.push({ code: 'component-file', severity: 'error', file: `components/${folder}/`, message: 'has no component.ts', fix: 'add component.ts exporting `default defineComponent({...})`, or remove the folder' });
      continue;
    }
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(modulePath(file)).href)) as { default?: unknown };
    } catch (e) {
      problems.push({ code: 'component-load', severity: 'error', file: rel, message: `cannot be loaded: ${(e as Error).message}`, fix: 'fix the error in the definition' });
      continue;
    }
    const c = mod.default as Component | undefined;
    if (!c || typeof c !== 'object' || !('jobs' in c) || !('inputs' in c)) {
      problems.push({ code: 'component-file', severity: 'error', file: rel, message: 'does not export a component as its default export', fix: 'end the file with `export default defineComponent({...})`' });
      continue;
    }
    if (c.name !== folder) {
      problems.push({ code: 'component-folder', severity: 'error', file: rel, component: c.name, message: `is named "${c.name}" but lives in components/${folder}/`, fix: `rename the folder to components/${c.name}/ or the component to "${folder}"` });
    }
    components.push(c);
  }
  return { components, problems };
}

export async function loadCatalogConfig(root: string): Promise<CatalogConfig> {
  let mod: { default?: CatalogConfig };
  try {
    mod = (await import(pathToFileURL(modulePath(join(root, 'catalog.config.ts'))).href)) as { default?: CatalogConfig };
  } catch (e) {
    throw new ProblemsError([{ code: 'catalog-config', severity: 'error', file: 'catalog.config.ts', message: `cannot be loaded: ${(e as Error).message}`, fix: 'restore catalog.config.ts exporting `default defineCatalog({...})`' }]);
  }
  if (!mod.default?.project || !mod.default.version) {
    throw new ProblemsError([{ code: 'catalog-config', severity: 'error', file: 'catalog.config.ts', message: 'does not export a catalog with a project path and a version', fix: 'end the file with `export default defineCatalog({ name, project, description, version, releases })`' }]);
  }
  return mod.default;
}
