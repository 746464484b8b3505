// Credentials must not outlive the job that used them: on a shell runner the next job, or anyone
// on the machine, could read them. After a job the harness looks through what the job was given
// (its HOME, its TMPDIR, the project directory) for the ID token, the session keys STS issued
// and the AWS CLI's credential caches.
import { lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface Secret {
  /** What it is, for the message: `the ID token AWS_ID_TOKEN`, `the session's secret access key`. */
  readonly label: string;
  readonly value: string;
}

export interface Place {
  /** How a message names the folder: `the job's HOME`, `the project directory`. */
  readonly label: string;
  readonly dir: string;
  /** Paths below `dir` not to look into (the trace gitlab-ci-local keeps is checked as a trace). */
  readonly skip?: readonly string[];
}

/** AWS CLI / SDK caches of assumed-role and SSO credentials: left behind whatever they contain. */
const CACHE = /(^|\/)\.aws\/(cli|sso)\/cache\//;
const MAX_BYTES = 8 * 1024 * 1024;

/** Regular files under `dir` (up to 8 MB each), not following links, minus `skip` (paths relative to `root`). */
export function* filesUnder(root: string, dir: string = root, skip: readonly string[] = []): Generator<string> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const full = join(dir, name);
    const rel = relative(root, full).split(sep).join('/');
    if (skip.some((s) => rel === s || rel.startsWith(`${s}/`))) continue;
    let st: Stats;
    try {
      st = lstatSync(full);
    } catch {
      continue;
    }
    if (st.isDirectory()) yield* filesUnder(root, full, skip);
    else if (st.isFile() && st.size <= MAX_BYTES) yield full;
  }
}

/**
 * One line per file that holds a credential: `the job's HOME: .aws/cli/cache/ab12.json (an AWS CLI credential cache)`.
 */
export function findLeftCredentials(places: readonly Place[], secrets: readonly Secret[]): string[] {
  const found: string[] = [];
  const wanted = secrets.filter((s) => s.value.length >= 8);
  for (const place of places) {
    for (const file of filesUnder(place.dir, place.dir, place.skip ?? [])) {
      const rel = relative(place.dir, file).split(sep).join('/');
      const why: string[] = [];
      if (CACHE.test(rel)) why.push('an AWS CLI credential cache');
      let text: string;
      try {
        text = readFileSync(file, 'latin1');
      } catch {
        continue;
      }
      for (const s of wanted) if (text.includes(s.value)) why.push(`contains ${s.label}`);
      if (why.length) found.push(`${place.label}: ${rel} (${[...new Set(why)].join(', ')})`);
    }
  }
  return found;
}

/** The secrets that appear in `text`, by label. */
export function secretsIn(text: string, secrets: readonly Secret[]): string[] {
  return [...new Set(secrets.filter((s) => s.value.length >= 8 && text.includes(s.value)).map((s) => s.label))];
}
