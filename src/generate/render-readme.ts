// The component list in the root README, between markers; the rest of the README is prose.
import type { Component } from '../define/component.js';
import { docsPath } from './render-docs.js';

export const BEGIN = '<!-- BEGIN GENERATED COMPONENTS: `npm run catalog -- build` -->';
export const END = '<!-- END GENERATED COMPONENTS -->';

export function renderReadmeIndex(components: readonly Component[]): string {
  const rows = components.map((c) => `| [\`${c.name}\`](${docsPath(c)}) | ${c.description.replace(/\|/g, '\\|')} |`);
  return [BEGIN, '| Component | What it does |', '|---|---|', ...rows, END].join('\n');
}

/** Replaces the marked block; the README must already contain both markers. */
export function spliceReadme(readme: string, index: string): string | undefined {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) return undefined;
  return readme.slice(0, a) + index + readme.slice(b + END.length);
}

/**
 * The README's own examples pin this catalog's components to the version the docs pin (the
 * newest release), so a release updates them: `<project>/<component>@<anything>` is rewritten.
 */
export function pinReadmeVersions(readme: string, project: string, version: string): string {
  const escaped = project.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return readme.replace(new RegExp(`(/${escaped}/[A-Za-z0-9_-]+@)[A-Za-z0-9_.~-]+`, 'g'), `$1${version}`);
}
