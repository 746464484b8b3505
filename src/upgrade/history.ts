// What a catalog's own history (catalog.yml, historyFormat 1, docs/release-history.md) tells an
// upgrade: the inputs renamed between two versions, and the release notes in between. Any catalog
// that publishes that file gets automatic renames; others get none and a rename is a removed input.
import semver from 'semver';
import { parseCatalogIndex, type CatalogIndex } from '../catalog/read.js';

export interface CatalogHistory {
  /** New name -> the name the consumer may still use, for renames in (from, to]. */
  renames(component: string, from: string | undefined, to: string): Record<string, string>;
  /** Release notes of the versions in (from, to], newest first. */
  notes(from: string | undefined, to: string): Array<{ version: string; notes: string }>;
}

const inRange = (v: string | undefined, from: string | undefined, to: string) =>
  !!v && !!semver.valid(v) && semver.lte(v, to) && (from === undefined || !semver.valid(from) || semver.gt(v, from));

/** Reads catalog.yml's history; undefined when the text has none (or is not a catalog.yml). */
export function readCatalogHistory(text: string | undefined): CatalogHistory | undefined {
  if (!text) return undefined;
  let doc: CatalogIndex;
  try {
    doc = parseCatalogIndex(text);
  } catch {
    return undefined;
  }
  if (doc.historyFormat !== 1) return undefined;
  return {
    renames(component, from, to) {
      const entry = doc.components?.find((c) => c.name === component);
      const steps = [...(entry?.versions ?? [])]
        .filter((v) => inRange(v.version, from, to) && v.renamed)
        .sort((a, b) => semver.compare(a.version, b.version));
      // Follow chains (a -> b in 1.1, b -> c in 2.0): the result maps the final name to the first.
      const original = new Map<string, string>();
      for (const step of steps) {
        for (const [next, former] of Object.entries(step.renamed!)) {
          original.set(next, original.get(former) ?? former);
          original.delete(former);
        }
      }
      return Object.fromEntries(original);
    },
    notes(from, to) {
      return (doc.releases ?? [])
        .filter((r) => inRange(r.version, from, to) && r.notes)
        .map((r) => ({ version: r.version, notes: r.notes }))
        .sort((a, b) => semver.rcompare(a.version, b.version));
    },
  };
}
