// Merging as GitLab does it: included files are deep-merged in order and the including file
// on top (External::Processor), then `extends` (Config::Extendable), then `!reference`
// (Yaml::Tags::Resolver). Arrays are replaced, never concatenated.
import { ReferenceTag } from './yaml.js';

type Hash = Record<string, unknown>;
const isHash = (v: unknown): v is Hash => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof ReferenceTag);

export class MergeError extends Error {
  constructor(message: string, readonly job?: string, readonly fix?: string) {
    super(message);
  }
}

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
export function resolveExtends(config: Hash): Hash {
  const out: Hash = { ...config };
  const extend = (key: string, ancestors: string[]): unknown => {
    const value = out[key];
    if (!isHash(value) || !('extends' in value)) return value;
    const keys = (Array.isArray(value.extends) ? value.extends : [value.extends]).map((k) => String(k));
    const unknown = keys.filter((k) => !(k in out));
    if (unknown.length) throw new MergeError(`${key}: unknown keys in \`extends\` (${unknown.join(', ')})`, key, `define ${unknown.map((u) => `\`${u}\``).join(', ')} (a hidden job such as \`.base:\`) or fix the name`);
    const invalid = keys.filter((k) => !isHash(out[k]));
    if (invalid.length) throw new MergeError(`${key}: invalid base hashes in \`extends\` (${invalid.join(', ')})`, key, 'extend only jobs or hidden jobs (mappings)');
    if (ancestors.length > MAX_EXTENDS_NESTING) throw new MergeError(`${key}: nesting too deep in \`extends\``, key, 'flatten the chain of `extends` to at most 10 levels');
    if (ancestors.includes(key)) throw new MergeError(`${key}: circular dependency detected in \`extends\``, key, 'remove the cycle between the jobs\' `extends`');
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

/** Replaces every `!reference [a, b]` with the value at that path of the merged config. */
export function resolveReferences(config: Hash): Hash {
  // References can fan out (each level referencing the last several times): cap the work.
  let budget = MAX_RESOLVED_NODES;
  const resolve = (node: unknown, chain: ReferenceTag[]): unknown => {
    if (--budget < 0) throw new MergeError('config too large: `!reference` expands to more than 500000 nodes', undefined, 'reference fewer or smaller values');
    if (node instanceof ReferenceTag) {
      const text = `!reference ${inspect(node.path)}`;
      if (!node.path.length || !node.path.every((p) => typeof p === 'string')) throw new MergeError(`${text} is not valid`, undefined, 'write `!reference [job, key]` with names only');
      if (chain.some((c) => c.path.join('\0') === node.path.join('\0'))) throw new MergeError(`${text} is part of a circular chain`, undefined, 'break the loop between the references');
      if (chain.length >= MAX_REFERENCE_NESTING) throw new MergeError(`${text} too many nested references`, undefined, 'reference the value directly');
      let target: unknown = config;
      for (const p of node.path as string[]) target = isHash(target) ? target[p] : undefined;
      if (target === undefined || target === null) throw new MergeError(`${text} could not be found`, undefined, 'point the reference at an existing job and key');
      return resolve(target, [...chain, node]);
    }
    if (Array.isArray(node)) return node.map((n) => resolve(n, chain));
    if (isHash(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v, chain)]));
    return node;
  };
  return resolve(config, []) as Hash;
}
