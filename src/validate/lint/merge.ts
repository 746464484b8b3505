// Merging as GitLab does it: included files are deep-merged in order and the including file
// on top (External::Processor), then `extends` (Config::Extendable), then `!reference`
// (Yaml::Tags::Resolver). Arrays are replaced, never concatenated.
import { ReferenceTag } from './parse.js';

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

const MAX_EXTENDS_NESTING = 11;

/** Resolves `extends` on every top-level entry; bases may themselves extend, up to 11 levels. */
export function resolveExtends(config: Hash): Hash {
  const out: Hash = { ...config };
  const done = new Set<string>();
  const resolve = (key: string, path: string[]): Hash => {
    const value = out[key];
    if (!isHash(value) || !('extends' in value) || done.has(key)) return value as Hash;
    if (path.includes(key)) throw new MergeError(`${path[0]}: circular dependency detected in \`extends\``, path[0], 'remove the cycle between the jobs\' `extends`');
    if (path.length >= MAX_EXTENDS_NESTING) throw new MergeError(`${path[0]}: nesting too deep in \`extends\``, path[0], 'flatten the chain of `extends` to at most 11 levels');
    const ext = value.extends;
    const bases = Array.isArray(ext) ? ext : [ext];
    if (!bases.every((b) => typeof b === 'string')) throw new MergeError(`${key}: invalid extends value`, key, 'write `extends:` as a job name or a list of job names');
    const unknown = (bases as string[]).filter((b) => !isHash(out[b]));
    if (unknown.length) {
      throw new MergeError(`${key}: unknown keys in \`extends\` (${unknown.join(', ')})`, key, `define ${unknown.map((u) => `\`${u}\``).join(', ')} (a hidden job such as \`.base:\`) or fix the name`);
    }
    let merged: Hash = {};
    for (const b of bases as string[]) merged = deepMerge(merged, resolve(b, [...path, key]));
    const result = deepMerge(merged, value);
    out[key] = result;
    done.add(key);
    return result;
  };
  for (const key of Object.keys(out)) resolve(key, []);
  return out;
}

const MAX_REFERENCE_NESTING = 10;

function inspect(path: readonly unknown[]): string {
  return `[${path.map((p) => JSON.stringify(p)).join(', ')}]`;
}

/** Replaces every `!reference [a, b]` with the value at that path of the merged config. */
export function resolveReferences(config: Hash): Hash {
  const resolve = (node: unknown, chain: ReferenceTag[]): unknown => {
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
