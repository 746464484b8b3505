// The catalog's identity and release history: the one source of truth for versions.

export interface Release {
  readonly version: string;
  /** ISO date (YYYY-MM-DD). */
  readonly date: string;
  readonly notes: string;
}

export interface CatalogConfig {
  /** Display name of the catalog. */
  readonly name: string;
  /** The GitLab project path consumers include from, e.g. `platform/aws-delivery`. */
  readonly project: string;
  readonly description: string;
  /** The version the docs pin in usage snippets: the newest release, or the next one. */
  readonly version: string;
  /** Released versions, newest first. */
  readonly releases: readonly Release[];
}

export function defineCatalog(c: CatalogConfig): CatalogConfig {
  return c;
}

export function includePath(c: CatalogConfig, component: string, version = c.version): string {
  return `$CI_SERVER_FQDN/${c.project}/${component}@${version}`;
}
