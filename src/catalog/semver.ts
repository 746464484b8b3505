// GitLab's test for a catalog version: `Gitlab::Regex::SemVer.optional_prefixed`, the official
// semver.org pattern with an optional leading `v` (lib/gitlab/regex/semver.rb and
// app/models/concerns/semantic_versionable.rb in gitlab-org/gitlab). Ordering uses the `semver` package.
const CORE = '(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)';
const PRE = '(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?';
const BUILD = '(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?';
export const GITLAB_SEMVER = new RegExp(`^v?${CORE}${PRE}${BUILD}$`);

/** GitLab's error when a release's tag is not a semantic version. */
export const SEMVER_ERROR = 'Semver must follow semantic version';

export function isCatalogVersion(tag: string): boolean {
  return GITLAB_SEMVER.test(tag);
}
