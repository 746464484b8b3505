// Hex digests for modules on the one-shot `catalog lint` path. Loading node:crypto costs a lint
// that hashes nothing (the human format, no remote mirror) several milliseconds, so it is loaded
// on the first digest.
import { createRequire } from 'node:module';

let crypto: typeof import('node:crypto') | undefined;

export function hexDigest(algorithm: 'md5' | 'sha256', text: string): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return crypto.createHash(algorithm).update(text).digest('hex');
}
