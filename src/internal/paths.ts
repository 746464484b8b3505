// Where the checkout is, whether the code runs from src/ under tsx or from dist/ after tsc.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
  return dir;
}

/** The checkout's root: the nearest folder with package.json. */
export const REPO_ROOT = findRoot(resolve(fileURLToPath(new URL('.', import.meta.url))));

/** True when this module was compiled by tsc (the package's `bin`), false under tsx. */
export const RUNNING_COMPILED = import.meta.url.endsWith('.js');

/** Maps a path under dist/ back to its source folder, where scripts, readme.md and policy.json live. */
export function sourcePath(path: string): string {
  const rel = relative(join(REPO_ROOT, 'dist'), path);
  if (rel.startsWith('..') || rel.startsWith(sep)) return path;
  return join(REPO_ROOT, rel);
}

/** The module to import for a source file: itself under tsx, its compiled .js under dist/ when built. */
export function modulePath(sourceFile: string): string {
  if (!RUNNING_COMPILED) return sourceFile;
  return join(REPO_ROOT, 'dist', relative(REPO_ROOT, sourceFile)).replace(/\.ts$/, '.js');
}
