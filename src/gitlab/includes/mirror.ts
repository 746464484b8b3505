// A configured git remote for the catalog: mirrored once into the cache folder, then fetched,
// so component tags, branches and SHAs resolve as they would from the catalog project.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { problem, ProblemsError } from '../../internal/problem.js';
import { hexDigest } from '../../internal/hash.js';
import { forgetTags } from './git-refs.js';

/** Hides `user:password@` in a URL before it reaches a message. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@]+@/, '//[REDACTED]@');
}

const fetched = new Set<string>();

/** The mirror's folder; a failed first fetch stops the command (ProblemsError). */
export function ensureMirror(url: string, cacheDir: string): string {
  const dir = join(cacheDir, 'git', hexDigest('sha256', url).slice(0, 16));
  if (fetched.has(dir)) return dir;
  try {
    if (!existsSync(join(dir, 'HEAD'))) {
      mkdirSync(join(cacheDir, 'git'), { recursive: true });
      execFileSync('git', ['clone', '-q', '--mirror', url, dir], {
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 120_000,
      });
    } else {
      execFileSync('git', ['fetch', '-q', '--prune', '--tags', 'origin', '+refs/heads/*:refs/heads/*'], {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 120_000,
      });
    }
  } catch (e) {
    const stderr =
      String((e as { stderr?: Buffer }).stderr ?? '')
        .trim()
        .split('\n')[0] ?? '';
    // Offline with a mirror already on disk: use what we have.
    if (existsSync(join(dir, 'HEAD'))) return dir;
    const message = `cannot fetch the catalog from ${redactUrl(url)}: ${redactUrl(stderr) || 'git failed'}`;
    throw new ProblemsError([
      problem('component-remote', message, {
        fix: 'check --component-remote or --fetch-components, or lint with --component-repo <clone>',
      }),
    ]);
  }
  forgetTags(dir);
  fetched.add(dir);
  return dir;
}
