// What the security property looks for after a job ran with a hostile input value. Each check
// returns findings in words a reviewer can act on; none looks at whether the job succeeded.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { filesUnder } from '../leftovers.js';
import { CLI_DEBUG, EXEC_CANARY_PREFIX, INJECTED_DOTENV_KEY } from './hostile.js';

/** Files an injected command created, anywhere under the given folders, named relative to the first. */
export function executedCanaries(dirs: readonly string[]): string[] {
  const found = new Set<string>();
  for (const d of dirs)
    for (const f of filesUnder(d, d, ['.git'])) if (basename(f).startsWith(EXEC_CANARY_PREFIX)) found.add(f);
  const base = dirs[0] ?? '';
  return [...found].map((f) => (f.startsWith(`${base}/`) ? relative(base, f) : f)).sort();
}

/** The AWS CLI's --debug output in a trace: an input became a CLI option. */
export function optionInjected(trace: string): string | undefined {
  const line = trace.split('\n').find((l) => CLI_DEBUG.test(l));
  return line?.trim().slice(0, 160);
}

/** Where the canary file's contents showed up. */
export function fileRead(content: string, places: Readonly<Record<string, string>>): string[] {
  return Object.entries(places)
    .filter(([, text]) => text.includes(content))
    .map(([where]) => where);
}

export interface DotenvReport {
  readonly file: string;
  readonly text: string;
}

/** The dotenv reports gitlab-ci-local collected (artifacts:reports:dotenv) in a project. */
export function dotenvReports(projectDir: string): DotenvReport[] {
  const root = join(projectDir, '.gitlab-ci-local', 'artifacts');
  if (!existsSync(root)) return [];
  const out: DotenvReport[] = [];
  for (const job of readdirSync(root)) {
    const dir = join(root, job, '.gitlab-ci-reports', 'dotenv');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) out.push({ file: `${job}/${f}`, text: readFileSync(join(dir, f), 'utf8') });
  }
  return out;
}

/**
 * Lines GitLab would read as extra variables or reject: the injected key, a line that is not
 * `KEY=value`, or a key written twice (a later line overrides the component's own value).
 */
export function dotenvInjection(reports: readonly DotenvReport[]): string[] {
  const out: string[] = [];
  for (const r of reports) {
    const seen = new Set<string>();
    for (const line of r.text.split('\n')) {
      if (line === '') continue;
      const key = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1];
      if (!key) out.push(`${r.file}: a line that is not KEY=value: ${JSON.stringify(line.slice(0, 80))}`);
      else if (key === INJECTED_DOTENV_KEY) out.push(`${r.file}: the injected key ${key}`);
      else if (seen.has(key)) out.push(`${r.file}: ${key} written twice`);
      if (key) seen.add(key);
    }
  }
  return out;
}

/** Every string in a parsed YAML value (keys included) with `from` replaced by `to`. */
export function replaceDeep(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.split(from).join(to);
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.split(from).join(to), replaceDeep(v, from, to)]),
    );
  }
  return value;
}

/** Paths where two parsed YAML values differ, `a.b[2]`, at most `limit`. */
export function differences(a: unknown, b: unknown, path = '', limit = 5): string[] {
  if (a === b) return [];
  if (
    typeof a !== typeof b ||
    a === null ||
    b === null ||
    typeof a !== 'object' ||
    Array.isArray(a) !== Array.isArray(b)
  ) {
    return [`${path || '(root)'}: ${JSON.stringify(a)?.slice(0, 80)} became ${JSON.stringify(b)?.slice(0, 80)}`];
  }
  const out: string[] = [];
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  for (const k of keys) {
    const sub = Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
    out.push(...differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], sub, limit));
    if (out.length >= limit) break;
  }
  return out.slice(0, limit);
}
