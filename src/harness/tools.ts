// Where the tools installed by scripts/setup-tools.sh live, and a clear error when they are not.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../internal/paths.js';

export { REPO_ROOT };

export const VENV_BIN = join(REPO_ROOT, '.tools', 'venv', 'bin');

/**
 * The other tools components' default images have, installed by scripts/setup-tools.sh: OpenTofu
 * (built from the Go module proxy) in .tools/bin, checkov and cfn-lint in .tools/iac-venv.
 */
export const TOOLS_BIN = join(REPO_ROOT, '.tools', 'bin');
export const IAC_VENV_BIN = join(REPO_ROOT, '.tools', 'iac-venv', 'bin');

/** A job's PATH: the venv's aws (and python3) first, then OpenTofu, checkov and cfn-lint, then the host's. */
export const jobPath = (): string => `${VENV_BIN}:${TOOLS_BIN}:${IAC_VENV_BIN}:${process.env.PATH ?? ''}`;

export function requireVenvTool(name: 'moto_server' | 'aws'): string {
  const path = join(VENV_BIN, name);
  if (!existsSync(path)) {
    throw new Error(
      `${name} is not installed in .tools/venv (fix: run \`bash scripts/setup-tools.sh\`, which \`npm ` +
        `test\` runs first)`,
    );
  }
  return path;
}

export function gitlabCiLocalBin(): string {
  const path = join(REPO_ROOT, 'node_modules', 'gitlab-ci-local', 'dist', 'index.js');
  if (!existsSync(path)) throw new Error('gitlab-ci-local is not installed (fix: run `npm ci`)');
  return path;
}
