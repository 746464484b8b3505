// Merging as GitLab does it: included files are deep-merged in order and the including file
// on top (External::Processor), then `extends` (Config::Extendable), then `!reference`
// (Yaml::Tags::Resolver). Arrays are replaced, never concatenated.
import { failed, ok, problem, ProblemsError, type Outcome } from '../internal/problem.js';
import { ReferenceTag } from './yaml.js';

type Hash = Record<string, unknown>;
const isHash = (v: unknown): v is Hash =>
  !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof ReferenceTag);

/** Stops `extends` or `!reference` resolution; `resolveMerge` turns it into its outcome. */
const stop = (message: string, fix: string, job?: string): never => {
  throw new ProblemsError([problem('merge', message, { fix, ...(job ? { path: job } : {}) })]);
};

/** Ruby's Hash#deep_merge: `b` wins, nested hashes merge. */
export function deepMerge(a: Hash, b: Hash): Hash {
  const out: Hash = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isHash(prev) && isHash(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

const MAX_EXTENDS_NESTING = 10;

/**
 * Resolves `extends` on every top-level entry, as Config::Extendable::Entry does: checks run in
 * GitLab's order (unknown keys, invalid bases, nesting, cycle) and errors name the entry at fault.
 */
function resolveExtends(config: Hash): Hash {
  const out: Hash = { ...config };
  const extend = (key: string, ancestors: string[]): unknown => {
    const value = out[key];
    if (!isHash(value) || !('extends' in value)) return value;
    const keys = (Array.isArray(value.extends) ? value.extends : [value.extends]).map((k) => String(k));
    const unknown = keys.filter((k) => !(k in out));
    if (unknown.length) {
      const names = unknown.map((u) => `\`${u}\``).join(', ');
      stop(
        `${key}: unknown keys in \`extends\` (${unknown.join(', ')})`,
        `define ${names} (a hidden job such as \`.base:\`) or fix the name`,
        key,
      );
    }
    const invalid = keys.filter((k) => !isHash(out[k]));
    if (invalid.length)
      stop(
        `${key}: invalid base hashes in \`extends\` (${invalid.join(', ')})`,
        'extend only jobs or hidden jobs (mappings)',
        key,
      );
    if (ancestors.length > MAX_EXTENDS_NESTING)
      stop(`${key}: nesting too deep in \`extends\``, 'flatten the chain of `extends` to at most 10 levels', key);
    if (ancestors.includes(key))
      stop(`${key}: circular dependency detected in \`extends\``, "remove the cycle between the jobs' `extends`", key);
    let merged: Hash = {};
    for (const k of keys) merged = deepMerge(merged, extend(k, [...ancestors, key]) as Hash);
    const result = deepMerge(merged, value);
    out[key] = result;
    return result;
  };
  for (const key of Object.keys(out)) extend(key, []);
  return out;
}

const MAX_REFERENCE_NESTING = 10;
const MAX_RESOLVED_NODES = 500_000;

function inspect(path: readonly unknown[]): string {
  return `[${path.map((p) => JSON.stringify(p)).join(', ')}]`;
}

/**
 * Replaces every `!reference [a, b]` with the value at that path of the merged config. Values with
 * no reference inside are returned as they are, not copied: an aliased value shared by many jobs
 * is visited once, so the work follows the size of the file, not of its expanded aliases. The
 * result may share values between jobs (as the reader's aliases do): treat it as read-only.
 */
function resolveReferences(config: Hash): Hash {
  // References can fan out (each level referencing the last several times): cap the work.
  let budget = MAX_RESOLVED_NODES;
  // Outside any reference chain, a value resolves the same wherever it appears.
  const done = new WeakMap<object, unknown>();
  const resolve = (node: unknown, chain: ReferenceTag[]): unknown => {
    const top = chain.length === 0;
    const shared = node !== null && typeof node === 'object';
    if (top && shared && done.has(node)) return done.get(node);
    if (--budget < 0)
      stop('config too large: `!reference` expands to more than 500000 nodes', 'reference fewer or smaller values');
    if (!shared) return node;
    let out: unknown = node;
    if (node instanceof ReferenceTag) {
      const text = `!reference ${inspect(node.path)}`;
      if (!node.path.length || !node.path.every((p) => typeof p === 'string'))
        stop(`${text} is not valid`, 'write `!reference [job, key]` with names only');
      if (chain.some((c) => c.path.join('\0') === node.path.join('\0')))
        stop(`${text} is part of a circular chain`, 'break the loop between the references');
      if (chain.length >= MAX_REFERENCE_NESTING)
        stop(`${text} too many nested references`, 'reference the value directly');
      let target: unknown = config;
      for (const p of node.path as string[]) target = isHash(target) ? target[p] : undefined;
      if (target === undefined || target === null)
        stop(`${text} could not be found`, 'point the reference at an existing job and key');
      out = resolve(target, [...chain, node]);
    } else if (Array.isArray(node)) {
      const items = node.map((n) => resolve(n, chain));
      if (items.some((v, i) => v !== node[i])) out = items;
    } else {
      const entries = Object.entries(node);
      const values = entries.map(([, v]) => resolve(v, chain));
      if (values.some((v, i) => v !== entries[i]![1]))
        out = Object.fromEntries(entries.map(([k], i) => [k, values[i]]));
    }
    if (top) done.set(node, out);
    return out;
  };
  return resolve(config, []) as Hash;
}

/**
 * `extends`, then `!reference`, on the merged configuration. Returns the resolved configuration, or
 * the `merge` problem naming the job at fault (its `path`), or `too-deep` when it nests past the stack.
 */
export function resolveMerge(config: Hash): Outcome<Hash> {
  try {
    return ok(resolveReferences(resolveExtends(config)));
  } catch (e) {
    if (e instanceof ProblemsError) return failed(...e.problems);
    if (e instanceof RangeError) {
      return failed(
        problem('too-deep', 'config too large: the configuration nests or expands too deeply', {
          fix: 'simplify the nesting',
        }),
      );
    }
    throw e;
  }
}
