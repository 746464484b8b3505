// Which newer releases a pin may move to, and whether it changes at all: `--to`, `--pin`,
// `--pin-sha`, pre-releases. Partial, `~latest` and branch pins float by design, so they are
// reported and only rewritten when pinning is asked for.
import semver from 'semver';
import type { RefKind } from './pins.js';
import { isPrerelease, type Release } from './versions.js';

export const TARGETS = ['patch', 'minor', 'major', 'latest'] as const;
export type Target = (typeof TARGETS)[number];

export interface Policy {
  /** patch: same minor; minor: same major; major: up to the next major; latest: any newer release. */
  readonly to: Target;
  /** Pin partial, `~latest` and branch references to an exact version. */
  readonly pin: boolean;
  /** Turn tag pins into `<sha> # v<version>`. */
  readonly pinSha: boolean;
  /** Consider pre-releases (GitLab never resolves to one, but they can be pinned exactly). */
  readonly prerelease: boolean;
  /** A changed default the consumer relies on is a note, not a blocker. */
  readonly allowDefaultChanges: boolean;
}

export const DEFAULT_POLICY: Policy = {
  to: 'minor',
  pin: false,
  pinSha: false,
  prerelease: false,
  allowDefaultChanges: false,
};

/** Whether the pin's reference changes only with --pin. */
export const floats = (kind: RefKind) => kind === 'partial' || kind === 'latest' || kind === 'branch';

/** Releases the policy allows a pin at `current` to move to, newest first. Without a current version, any release. */
export function candidates(releases: readonly Release[], current: Release | undefined, policy: Policy): Release[] {
  return releases.filter((r) => {
    if (isPrerelease(r) && !policy.prerelease) return false;
    if (!current) return true;
    if (!semver.gt(r.version, current.version)) return false;
    const a = semver.parse(current.version)!;
    const b = semver.parse(r.version)!;
    switch (policy.to) {
      case 'patch':
        return a.major === b.major && a.minor === b.minor;
      case 'minor':
        return a.major === b.major;
      case 'major':
        return b.major <= a.major + 1;
      case 'latest':
        return true;
    }
    return false;
  });
}

/** Newer releases the policy leaves out (reported, never applied), newest first. */
export function outside(releases: readonly Release[], current: Release | undefined, policy: Policy): Release[] {
  if (!current) return [];
  const allowed = new Set(candidates(releases, current, policy).map((r) => r.tag));
  return releases.filter(
    (r) => semver.gt(r.version, current.version) && !allowed.has(r.tag) && (policy.prerelease || !isPrerelease(r)),
  );
}
