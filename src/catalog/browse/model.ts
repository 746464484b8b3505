// What browsing works on, whatever the source (this checkout's catalog.yml, another catalog
// project at a ref, or a GitLab instance's CI/CD Catalog): components, their inputs at every
// released version, and what a person needs to choose one (AWS services, IAM, examples).
import { isReleaseRange, pickRelease } from '../../gitlab/includes/git-refs.js';
import { ProblemsError } from '../../internal/problem.js';
import type { CatalogInput } from '../read.js';
import type { Component, Example } from '../../define/component.js';

export type { Example };

/** A catalog.yml input with its name; the type as the source spells it (GitLab's API may add types). */
export interface InputView extends Omit<CatalogInput, 'type' | 'deprecated'> {
  readonly name: string;
  readonly type: string;
  /** Text saying what to use instead, when the input is deprecated. */
  readonly deprecated?: string;
}

export interface ChangeNote {
  readonly level: string;
  readonly text: string;
}

export interface ComponentVersion {
  /** The version name (the git tag), or the default branch before the first release. */
  readonly version: string;
  /** False for the unreleased state of the default branch. */
  readonly released: boolean;
  /** The release date (YYYY-MM-DD), when the source records it. */
  readonly date?: string;
  /** The tagged commit, when the source knows it (for SHA pins). */
  readonly sha?: string;
  readonly inputs: readonly InputView[];
  /** What this version changed in the component, as the release recorded it. */
  readonly changes: readonly ChangeNote[];
}

/** A component as its definition describes it (name, description, IAM policy, examples), and what browsing adds. */
export interface ComponentView extends Pick<Component, 'name' | 'description' | 'policy' | 'examples'> {
  /** Text saying what to use instead, when the component is deprecated. */
  readonly deprecated?: string;
  /** `$CI_SERVER_FQDN/<project>/<name>`: the include path without `@version`. */
  readonly includeBase: string;
  readonly category: string;
  /** AWS services it calls, from its IAM policy and description (e.g. `S3`, `CloudFront`). */
  readonly services: readonly string[];
  readonly iamActions: readonly string[];
  /** Newest first; never empty. */
  readonly versions: readonly ComponentVersion[];
}

export interface CatalogView {
  readonly name: string;
  readonly project: string;
  readonly description: string;
  /** Where it was read from, for messages (a path, a URL at a ref, a GitLab URL). */
  readonly source: string;
  readonly components: readonly ComponentView[];
  /** CHANGELOG.md of the catalog, when the source has one. */
  readonly changelog?: string;
}

/** The one-line error every browse command prints for bad input: what is wrong and the fix. */
export function browseError(
  message: string,
  fix: string,
  where: { file?: string; component?: string; path?: string } = {},
): ProblemsError {
  return new ProblemsError([{ code: 'catalog-browse', severity: 'error', message, fix, ...where }]);
}

export function findComponent(catalog: CatalogView, name: string): ComponentView {
  const c = catalog.components.find((x) => x.name === name);
  if (c) return c;
  const near = catalog.components.map((x) => x.name).filter((n) => n.includes(name) || name.includes(n));
  const names = (near.length ? near : catalog.components.map((x) => x.name)).slice(0, 8).join(', ');
  throw browseError(
    `no component "${name}" in ${catalog.source}`,
    `use one of: ${names || '(the catalog has no components)'}; \`catalog search <words>\` finds one`,
    { component: name },
  );
}

/**
 * The version a reference names, the way GitLab resolves component versions (git-refs.ts): an
 * exact version (with or without a leading `v`), or `~latest` / a partial `1` / `1.2` for the
 * newest matching release, never a pre-release. No reference means `~latest`, or the default
 * branch before the first release.
 */
export function findVersion(c: ComponentView, ref: string | undefined): ComponentVersion {
  const released = c.versions.filter((v) => v.released).map((v) => v.version);
  const byName = (name: string | undefined) => c.versions.find((v) => v.version === name);
  const hit =
    ref === undefined || ref === ''
      ? (byName(pickRelease(released, '~latest')) ?? c.versions[0])
      : (c.versions.find((v) => v.version === ref || v.version.replace(/^v/, '') === ref.replace(/^v/, '')) ??
        (isReleaseRange(ref) ? byName(pickRelease(released, ref)) : undefined));
  if (hit) return hit;
  const list = c.versions
    .map((v) => v.version)
    .slice(0, 10)
    .join(', ');
  throw browseError(
    `component "${c.name}" has no version ${ref}`,
    `use one of: ${list}${c.versions.length > 10 ? ', …' : ''}`,
    { component: c.name },
  );
}

/** `name` or `name@version`. */
export function parseComponentRef(ref: string): { name: string; version?: string } {
  const at = ref.lastIndexOf('@');
  return at > 0 ? { name: ref.slice(0, at), version: ref.slice(at + 1) } : { name: ref };
}
