// Definitions -> every generated file, checked before anything is written.
// `write` writes all files (atomically, each) only when every check passes;
// `check` writes nothing and reports files that differ from what would be generated.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Component } from '../define/component.js';
import type { CatalogConfig } from '../catalog/config.js';
import type { History } from '../catalog/history.js';
import { REPO_ROOT } from '../internal/paths.js';
import { readTextIfExists, writeFileAtomic } from '../internal/fs.js';
import type { Problem } from '../internal/problem.js';
import { checkJobs, checkSchema, sampleInputs } from '../validate/component-checks.js';
import { checkKeys } from '../validate/key-checks.js';
import { checkPolicy } from '../validate/policy-checks.js';
import { checkScripts } from '../validate/script-checks.js';
import { lintGenerated } from '../validate/lint/index.js';
import { checkComponentName, checkSpec } from '../validate/spec-checks.js';
import { loadCatalogConfig, loadComponents } from './load.js';
import { renderCatalog } from './render-catalog.js';
import { CI_VALIDATOR_FILE, renderCiValidator } from './render-ci-validator.js';
import { docsPath, renderDocs } from './render-docs.js';
import { inputSchemaPath, renderInputSchema } from './render-input-schema.js';
import { pinReadmeVersions, renderReadmeIndex, spliceReadme } from './render-readme.js';
import { renderRules } from './render-rules.js';
import { CHANGELOG_FILE, renderChangelog } from '../catalog/changelog.js';
import { checkDeprecations } from '../catalog/deprecations.js';
import { renderTemplate, specOf, templatePath } from './render-template.js';

export const MAX_COMPONENTS = 100;

export interface Plan {
  /** Project-relative path -> content. */
  readonly files: Map<string, string>;
  readonly problems: Problem[];
  readonly components: readonly Component[];
  readonly catalog: CatalogConfig;
}

export function checkComponentCount(count: number): Problem[] {
  if (count <= MAX_COMPONENTS) return [];
  return [
    {
      code: 'component-count',
      severity: 'error',
      file: 'components/',
      message:
        `defines ${count} components; GitLab releases at most ${MAX_COMPONENTS} per project ("Release ` +
        `cannot contain more than 100 components")`,
      fix: 'move some components to a second catalog project',
    },
  ];
}

export function checkComponent(c: Component): Problem[] {
  const where = { component: c.name, file: c.file };
  const spec = specOf(c);
  const examples = Object.fromEntries(
    Object.entries(c.inputs)
      .filter(([, d]) => d.example !== undefined)
      .map(([n, d]) => [n, d.example]),
  );
  const problems = [...checkComponentName(c.name, where), ...checkSpec(spec, where), ...checkJobs(c.jobs, spec, where)];
  for (const [name, def] of Object.entries(c.inputs)) {
    if (def.default === undefined && def.example === undefined) {
      problems.push({
        code: 'input-example',
        severity: 'error',
        ...where,
        path: `inputs.${name}`,
        message: 'is required but has no `example`, so the docs cannot show a working include',
        fix: 'add `example: ...` with a realistic value',
      });
    }
  }
  // The schema check is only meaningful once the definition itself is sound.
  if (problems.length === 0) problems.push(...checkSchema(spec, c.jobs, sampleInputs(spec, examples), where));
  problems.push(...checkKeys(c.jobs, spec, examples, where));
  problems.push(...checkScripts(c.jobs, where, { readsVariables: c.readsVariables }));
  const scripts = collectScriptText(c);
  problems.push(
    ...checkPolicy(
      c.name,
      scripts,
      c.policy,
      `${c.file.replace(/component\.ts$/, 'policy.json')}`,
      Object.values(c.toolActions).flat(),
    ),
  );
  return problems;
}

function collectScriptText(c: Component): string[] {
  const out: string[] = [];
  for (const job of Object.values(c.jobs)) {
    for (const key of ['before_script', 'script', 'after_script'] as const) {
      const s = job[key];
      if (s !== undefined) out.push(...(typeof s === 'string' ? [s] : s));
    }
  }
  return out;
}

/** `history` replaces catalog.history.yml: a release plans the files its new record produces. */
export async function plan(root: string, options: { history?: History } = {}): Promise<Plan> {
  const catalog = await loadCatalogConfig(root, options.history);
  const { components, problems } = await loadComponents(root);
  problems.push(...checkComponentCount(components.length));
  const files = new Map<string, string>();
  for (const c of components) {
    problems.push(...checkComponent(c));
    files.set(templatePath(c), renderTemplate(c));
    files.set(docsPath(c), renderDocs(c, catalog));
    files.set(
      inputSchemaPath(c),
      renderInputSchema(c, `https://${catalog.project}/schemas/inputs/${c.name}.schema.json`),
    );
  }
  problems.push(...checkDeprecations(components));
  files.set('catalog.yml', renderCatalog(components, catalog));
  files.set(CHANGELOG_FILE, renderChangelog(catalog.history, catalog.project));
  // The precompiled CI schema and the pages of the problem codes belong to the toolkit's own
  // checkout, not to every catalog it builds.
  if (resolve(root) === REPO_ROOT) {
    files.set(CI_VALIDATOR_FILE, renderCiValidator());
    for (const [path, content] of renderRules()) files.set(path, content);
  }
  const readme = readTextIfExists(join(root, 'README.md'));
  const spliced =
    readme === undefined
      ? undefined
      : spliceReadme(pinReadmeVersions(readme, catalog.project, catalog.version), renderReadmeIndex(components));
  if (spliced === undefined) {
    problems.push({
      code: 'readme-markers',
      severity: 'error',
      file: 'README.md',
      message: 'has no generated component list markers (GitLab requires a root README.md to publish)',
      fix: 'add the two marker lines from src/generate/render-readme.ts where the component list belongs',
    });
  } else files.set('README.md', spliced);
  // GitLab's verdict on every generated template, offline (src/validate/lint).
  problems.push(...lintGenerated(files, { cwd: root, projectPath: catalog.project }));
  return { files, problems, components, catalog };
}

export interface Drift {
  readonly path: string;
  readonly state: 'missing' | 'different' | 'stale';
}

/** Generated files on disk that no definition produces any more (a removed or renamed component). */
function staleFiles(root: string, p: Plan): string[] {
  const out: string[] = [];
  const list = (dir: string, pick: (name: string, isDir: boolean) => string | undefined): void => {
    if (!existsSync(join(root, dir))) return;
    for (const d of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = pick(d.name, d.isDirectory());
      if (path && !p.files.has(path)) out.push(path);
    }
  };
  list('templates', (n, isDir) =>
    isDir ? `templates/${n}/template.yml` : n.endsWith('.yml') ? `templates/${n}` : undefined,
  );
  list('docs/components', (n) => (n.endsWith('.md') ? `docs/components/${n}` : undefined));
  list('schemas/inputs', (n) => (n.endsWith('.schema.json') ? `schemas/inputs/${n}` : undefined));
  list('docs/rules', (n) => (n.endsWith('.md') ? `docs/rules/${n}` : undefined));
  return out.filter((f) => existsSync(join(root, f)));
}

export function drift(root: string, p: Plan): Drift[] {
  const out: Drift[] = [];
  for (const [path, content] of p.files) {
    const current = readTextIfExists(join(root, path));
    if (current === undefined) out.push({ path, state: 'missing' });
    else if (current !== content) out.push({ path, state: 'different' });
  }
  for (const path of staleFiles(root, p)) out.push({ path, state: 'stale' });
  return out;
}

/** Writes only files whose content changed and removes stale ones; returns the paths touched. */
export function write(root: string, p: Plan): string[] {
  return drift(root, p).map(({ path, state }) => {
    if (state === 'stale') rmSync(join(root, path));
    else writeFileAtomic(join(root, path), p.files.get(path)!);
    return path;
  });
}
