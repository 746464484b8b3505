// Where a component project's versions and templates come from. Every datasource (git tags,
// GitLab's API, a catalog.yml with history) answers the same small interface, Renovate-style:
// a new one is a new folder here and one line in index.ts.
import type { SpecInput } from '../../model/spec.js';
import type { Release } from '../versions.js';

/** A component project on a GitLab server, as pins name it. */
export interface ComponentProject {
  /** The GitLab host, e.g. `gitlab.com`. */
  readonly server: string;
  /** e.g. `platform/aws-delivery`. */
  readonly path: string;
}

export const projectKey = (p: ComponentProject) => `${p.server}/${p.path}`;

/** A component at one version: its template and inputs, and what catalog.yml declares there. */
export interface ComponentAt {
  /** The template text, when the datasource can read files (git, the API); used to lint the result. */
  readonly template?: string;
  readonly templatePath?: string;
  readonly inputs: Readonly<Record<string, SpecInput | null>>;
}

export interface Datasource {
  /** e.g. `git`, `gitlab-api`, `catalog-yml`. */
  readonly id: string;
  /** Semver releases, newest first (pre-releases included; the caller filters). */
  releases(project: ComponentProject): Promise<Release[]>;
  /** Branch heads, for branch pins (name -> commit). */
  branches(project: ComponentProject): Promise<ReadonlyMap<string, string>>;
  /** The component at a commit or tag; undefined when the project has no such component there. */
  component(project: ComponentProject, ref: string, name: string): Promise<ComponentAt | undefined>;
  /** catalog.yml at a ref, when the project has one (its history declares renames and notes). */
  catalogIndex(project: ComponentProject, ref: string): Promise<string | undefined>;
}

export class DatasourceError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}
