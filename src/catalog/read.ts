// Reading another catalog's history: `git show <ref>:catalog.yml` (or the file from any
// clone) is all a consumer-side tool needs to know a component's inputs at any released version.
import semver from 'semver';
import { loadYaml } from '../gitlab/yaml.js';
import { applyDiff, type ComponentDiff } from './compare.js';
import type { ComponentContract, Deprecation, InputContract } from './contract.js';

/** An input as catalog.yml lists it: its contract (without rules), what it is for, and its history. */
export interface CatalogInput extends Omit<InputContract, 'rules'> {
  readonly description: string;
  /** The name this input had before it was renamed. */
  readonly formerName?: string;
  readonly deprecated?: Deprecation;
}

export interface CatalogIndex {
  readonly historyFormat?: number;
  readonly project: string;
  readonly version: string | null;
  readonly releases: ReadonlyArray<{ version: string; date: string; bump: string; notes: string }>;
  readonly components: ReadonlyArray<{ name: string; versions?: ReadonlyArray<ComponentDiff & { version: string }> }>;
  readonly removedComponents?: ReadonlyArray<{
    name: string;
    versions: ReadonlyArray<ComponentDiff & { version: string }>;
  }>;
}

export function parseCatalogIndex(text: string): CatalogIndex {
  const doc = loadYaml('catalog.yml', text) as CatalogIndex | null;
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.components))
    throw new Error('not a catalog.yml: it has no `components` list');
  if (doc.historyFormat !== undefined && doc.historyFormat !== 1)
    throw new Error(`catalog.yml has historyFormat ${doc.historyFormat}; this reader knows format 1`);
  return doc;
}

/** A component's inputs (their contracts) at a released version; undefined if it did not exist then. */
export function inputsAt(
  index: CatalogIndex,
  component: string,
  version: string,
): Readonly<Record<string, InputContract>> | undefined {
  const entry = [...index.components, ...(index.removedComponents ?? [])].find((c) => c.name === component);
  let state: ComponentContract | undefined;
  // Entries are newest first; replay the oldest first, up to the version asked for.
  for (const v of [...(entry?.versions ?? [])].reverse()) {
    if (semver.gt(v.version, version)) break;
    state = applyDiff(state, v);
  }
  return state?.inputs;
}
