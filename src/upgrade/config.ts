// The upgrade policy from a small file in the consumer project (`.catalog-upgrade.yml`), so a
// scheduled job and a person at a terminal decide the same way. Flags override the file.
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { readYaml } from '../gitlab/yaml.js';
import { readTextIfExists } from '../internal/fs.js';
import { TARGETS, type Target } from './policy.js';

export const CONFIG_FILE = '.catalog-upgrade.yml';

export interface UpgradeConfig {
  readonly to?: Target;
  readonly pin?: boolean;
  readonly pinSha?: boolean;
  readonly prerelease?: boolean;
  readonly allowDefaultChanges?: boolean;
  /** `<host>/<project path>` -> git URL or local path. */
  readonly sources?: Readonly<Record<string, string>>;
  /** Pipeline entry files; default `.gitlab-ci.yml`. */
  readonly files?: readonly string[];
}

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    to: { enum: [...TARGETS] },
    pin: { type: 'boolean' },
    pinSha: { type: 'boolean' },
    prerelease: { type: 'boolean' },
    allowDefaultChanges: { type: 'boolean' },
    sources: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
    files: { type: 'array', items: { type: 'string', minLength: 1 } },
  },
} as const;

let validate: ReturnType<Ajv['compile']> | undefined;

export class ConfigError extends Error {}

export function readConfig(root: string, file = CONFIG_FILE): UpgradeConfig {
  const text = readTextIfExists(join(root, file));
  if (text === undefined) return {};
  const read = readYaml(file, text);
  if (!read.ok) throw new ConfigError(`${file}: not valid YAML: ${read.problems[0]!.message} (fix: repair the YAML)`);
  const doc = read.value ?? {};
  validate ??= new Ajv({ allErrors: true, strict: false }).compile(SCHEMA);
  if (!validate(doc)) {
    const e = validate.errors![0]!;
    const where = e.instancePath
      ? e.instancePath.slice(1).replaceAll('/', '.')
      : e.params && 'additionalProperty' in e.params
        ? String(e.params.additionalProperty)
        : '(top level)';
    throw new ConfigError(
      `${file}: \`${where}\` ${e.message} (fix: the keys are to (${TARGETS.join('|')}), pin, pinSha, prerelease, ` +
        `allowDefaultChanges, sources, files)`,
    );
  }
  return doc as UpgradeConfig;
}

/** `--source <host>/<project path>=<git URL or path>` values. */
export function parseSources(list: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of list) {
    const eq = item.indexOf('=');
    const key = item.slice(0, eq);
    if (eq < 1 || !item.slice(eq + 1) || key.split('/').length < 3)
      throw new ConfigError(
        `--source ${item}: write it as <host>/<project path>=<git URL or local path>, e.g. ` +
          `gitlab.com/acme/ci-catalog=git@gitlab.com:acme/ci-catalog.git`,
      );
    out.set(key.replace(/\/+$/, ''), item.slice(eq + 1));
  }
  return out;
}
