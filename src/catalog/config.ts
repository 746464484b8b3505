// The catalog's identity (catalog.config.ts) joined with its release history
// (catalog.history.yml, written by `catalog release`): the one source of truth for versions.
import type { History, ReleaseRecord } from './history.js';

/** What catalog.config.ts declares. Versions are not declared: `catalog release` records them. */
export interface CatalogOptions {
  /** Display name of the catalog. */
  readonly name: string;
  /** The GitLab project path consumers include from, e.g. `platform/aws-delivery`. */
  readonly project: string;
  /** The project description (GitLab refuses to publish a catalog project without one). */
  readonly description: string;
}

/** The loaded catalog: its options plus what the history says. */
export interface CatalogConfig extends CatalogOptions {
  /** The version the docs pin: the newest release, or `UNRELEASED_REF` before the first one. */
  readonly version: string;
  /** Released versions, newest first. */
  readonly releases: readonly ReleaseRecord[];
  readonly history: History;
}

/** What docs pin before the first release: the default branch (no version exists yet). */
export const UNRELEASED_REF = 'main';

export function defineCatalog(c: CatalogOptions): CatalogOptions {
  return c;
}

export function withHistory(o: CatalogOptions, history: History): CatalogConfig {
  return { ...o, version: history.releases[0]?.version ?? UNRELEASED_REF, releases: history.releases, history };
}

export function includePath(c: CatalogConfig, component: string, version = c.version): string {
  return `$CI_SERVER_FQDN/${c.project}/${component}@${version}`;
}
