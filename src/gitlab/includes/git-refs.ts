// Resolves a component version the way GitLab does (Gitlab::Ci::Components::InstancePath):
// `~latest` and partial versions (`1`, `1.2`) pick the newest release and never a pre-release;
// otherwise a SHA beats a tag, and a tag beats a branch.
import semver from 'semver';
import { git } from './source.js';

export interface ResolvedRef {
  readonly commit: string;
  /** The released version, when the reference named or resolved to a semver tag. */
  readonly version: string | null;
}

const tagCache = new Map<string, string[]>();

function tags(repo: string): string[] {
  let t = tagCache.get(repo);
  if (!t) {
    t = (git(repo, ['tag', '--list']) ?? '').split('\n').filter(Boolean);
    tagCache.set(repo, t);
  }
  return t;
}

/** Forgets cached tags, for a repository that gained tags during this process. */
export function forgetTags(repo?: string): void {
  if (repo) tagCache.delete(repo);
  else tagCache.clear();
}

function commitOf(repo: string, ref: string): string | undefined {
  return git(repo, ['rev-parse', '--verify', '-q', `${ref}^{commit}`])?.trim() || undefined;
}

function releases(repo: string): Array<{ tag: string; version: string }> {
  return tags(repo)
    .map((tag) => ({ tag, version: semver.valid(tag.replace(/^v/, '')) }))
    .filter((r): r is { tag: string; version: string } => !!r.version);
}

export type RefError = 'not-found';

/** True for the references GitLab resolves among releases: `~latest`, `1`, `1.2`. */
export function isReleaseRange(ref: string): boolean {
  return ref === '~latest' || /^(\d+)(?:\.(\d+))?$/.test(ref);
}

/**
 * The release GitLab picks for `~latest` or a partial version among released versions (tags,
 * with or without a leading `v`): the newest matching one, never a pre-release.
 */
export function pickRelease(versions: readonly string[], ref: string): string | undefined {
  const parsed = versions
    .map((tag) => ({ tag, version: semver.valid(tag.replace(/^v/, '')) }))
    .filter((r): r is { tag: string; version: string } => !!r.version);
  // `1` and `1.2` are semver ranges (1.x, 1.2.x); ranges never match a pre-release.
  const best = semver.maxSatisfying(
    parsed.map((r) => r.version),
    ref === '~latest' ? '*' : ref,
  );
  return best ? parsed.find((r) => r.version === best)!.tag : undefined;
}

export function resolveComponentRef(repo: string, ref: string): ResolvedRef | RefError {
  if (isReleaseRange(ref)) {
    const tag = pickRelease(
      releases(repo).map((r) => r.tag),
      ref,
    );
    const best = tag && semver.valid(tag.replace(/^v/, ''));
    if (!best || !tag) return 'not-found';
    const commit = commitOf(repo, `refs/tags/${tag}`);
    return commit ? { commit, version: best } : 'not-found';
  }
  if (/^[0-9a-f]{7,40}$/i.test(ref)) {
    const full = git(repo, ['rev-parse', '--verify', '-q', `${ref}^{commit}`])?.trim();
    if (full?.startsWith(ref.toLowerCase())) return { commit: full, version: null };
  }
  const tagged = commitOf(repo, `refs/tags/${ref}`);
  if (tagged) return { commit: tagged, version: semver.valid(ref.replace(/^v/, '')) };
  const branch = commitOf(repo, `refs/heads/${ref}`) ?? commitOf(repo, `refs/remotes/origin/${ref}`);
  if (branch) return { commit: branch, version: null };
  return 'not-found';
}
