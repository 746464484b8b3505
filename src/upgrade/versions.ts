// A component project's released versions, ordered as GitLab orders catalog versions (semver,
// `v` prefix allowed), and how GitLab resolves `~latest` and partial references among them:
// the newest release that matches, never a pre-release.
import semver from 'semver';
import { isReleaseRange, pickRelease } from '../gitlab/includes/git-refs.js';

export interface Release {
  /** The tag as it is named, e.g. `1.2.0` or `v1.2.0`. */
  readonly tag: string;
  /** The semantic version, without a `v`. */
  readonly version: string;
  /** The commit the tag points at. */
  readonly sha: string;
  /** Release notes (the release description, the annotated tag's message or catalog.yml's notes). */
  readonly notes?: string;
}

export interface Ref {
  readonly name: string;
  readonly sha: string;
}

/** Semver tags only, newest first. */
export function releasesFromTags(tags: readonly Ref[], notes: ReadonlyMap<string, string> = new Map()): Release[] {
  const out: Release[] = [];
  for (const t of tags) {
    const version = semver.valid(t.name.replace(/^v/, ''));
    if (version) out.push({ tag: t.name, version, sha: t.sha, notes: notes.get(t.name) });
  }
  return out.sort((a, b) => semver.rcompare(a.version, b.version));
}

export const isPrerelease = (r: Release) => semver.prerelease(r.version) !== null;

/** What GitLab includes for a reference that names a release: exact tag, `~latest` or a partial version. */
export function resolveRelease(releases: readonly Release[], ref: string): Release | undefined {
  if (isReleaseRange(ref)) {
    const tag = pickRelease(
      releases.map((r) => r.tag),
      ref,
    );
    return releases.find((r) => r.tag === tag);
  }
  return releases.find((r) => r.tag === ref) ?? releases.find((r) => r.version === ref.replace(/^v/, ''));
}
