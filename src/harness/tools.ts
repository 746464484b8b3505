// Where the tools installed by scripts/setup-tools.sh live, and a clear error when they are not.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../internal/paths.js';

export { REPO_ROOT };

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
