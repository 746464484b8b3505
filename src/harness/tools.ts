// Where the tools installed by scripts/setup-tools.sh live, and a clear error when they are not.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root: the nearest folder with package.json, from src/ under tsx or dist/src/ when built. */
function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
  return dir;
}

export const REPO_ROOT = findRoot(resolve(fileURLToPath(new URL('.', import.meta.url))));
export const VENV_BIN = join(REPO_ROOT, '.tools', 'venv', 'bin');

export function requireVenvTool(name: 'moto_server' | 'aws'): string {
  const path = join(VENV_BIN, name);
  if (!existsSync(path)) {
    throw new Error(`${name} is not installed in .tools/venv (fix: run \`bash scripts/setup-tools.sh\`, which \`npm test\` runs first)`);
  }
  return path;
}

export function gitlabCiLocalBin(): string {
  const path = join(REPO_ROOT, 'node_modules', 'gitlab-ci-local', 'dist', 'index.js');
  if (!existsSync(path)) throw new Error('gitlab-ci-local is not installed (fix: run `npm ci`)');
  return path;
}
