// The release history: catalog.history.yml beside catalog.config.ts, written by
// `catalog release` and read by the build (catalog.yml, CHANGELOG.md, the version the docs pin).
// Each release keeps the diff of every component's contract against the release before it, so
// the inputs of any released version are rebuilt by replaying the diffs, oldest first.
import { join } from 'node:path';
import { Ajv } from 'ajv';
import semver from 'semver';
import { readTextIfExists } from '../internal/fs.js';
import { ProblemsError, type Problem } from '../internal/problem.js';
import { toYaml } from '../internal/yaml.js';
import { readYaml } from '../gitlab/yaml.js';
import { applyDiff, describeDiff, maxLevel, type Change, type ComponentDiff, type Level } from './compare.js';
import type { CatalogContract, ComponentContract } from './contract.js';

export const HISTORY_FILE = 'catalog.history.yml';
export const HISTORY_FORMAT = 1;

export interface ReleaseRecord {
  readonly version: string;
  /** ISO date (YYYY-MM-DD). */
  readonly date: string;
  /** The bump the contract changes required (`initial` for the first release). */
  readonly bump: Level | 'initial';
  readonly notes: string;
  /** Only the components that changed. */
  readonly components: Readonly<Record<string, ComponentDiff>>;
}

export interface History {
  readonly format: number;
  /** Newest first. */
  readonly releases: readonly ReleaseRecord[];
}

export const EMPTY_HISTORY: History = { format: HISTORY_FORMAT, releases: [] };

const inputContractSchema = {
  type: 'object',
  required: ['type', 'required'],
  additionalProperties: false,
  properties: {
    type: { enum: ['string', 'number', 'boolean', 'array'] },
    required: { type: 'boolean' },
    default: {},
    options: { type: 'array' },
    regex: { type: 'string' },
    rules: { type: 'array' },
    deprecated: { $ref: '#/$defs/deprecation' },
  },
};

/** The file's shape, also its documentation (see docs/release-history.md). */
export const HISTORY_SCHEMA = {
  $defs: {
    deprecation: {
      type: 'object',
      additionalProperties: false,
      properties: { replacement: { type: 'string' }, note: { type: 'string' } },
    },
    inputs: { type: 'object', additionalProperties: inputContractSchema },
  },
  type: 'object',
  required: ['format', 'releases'],
  additionalProperties: false,
  properties: {
    format: { const: HISTORY_FORMAT },
    releases: {
      type: 'array',
      items: {
        type: 'object',
        required: ['version', 'date', 'bump', 'notes', 'components'],
        additionalProperties: false,
        properties: {
          version: { type: 'string' },
          date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
          bump: { enum: ['initial', 'major', 'minor', 'patch'] },
          notes: { type: 'string' },
          components: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              properties: {
                status: { enum: ['added', 'removed'] },
                renamed: { type: 'object', additionalProperties: { type: 'string' } },
                removed: { type: 'array', items: { type: 'string' } },
                added: { $ref: '#/$defs/inputs' },
                changed: { $ref: '#/$defs/inputs' },
                deprecated: { anyOf: [{ $ref: '#/$defs/deprecation' }, { type: 'null' }] },
              },
            },
          },
        },
      },
    },
  },
} as const;

let validate: ReturnType<Ajv['compile']> | undefined;

function problem(message: string, fix: string, path?: string): Problem {
  return { code: 'release-history', severity: 'error', file: HISTORY_FILE, path, message, fix };
}

/** Parses and checks a history file's text; throws a ProblemsError naming the file and the fix. */
export function parseHistory(text: string): History {
  const read = readYaml(HISTORY_FILE, text);
  if (!read.ok) {
    throw new ProblemsError([
      problem(
        `is not valid YAML: ${read.problems[0]!.message}`,
        `repair it, or restore it with \`git checkout -- ${HISTORY_FILE}\``,
      ),
    ]);
  }
  const doc = read.value;
  validate ??= new Ajv({ allErrors: true, strict: false }).compile(HISTORY_SCHEMA);
  if (!validate(doc)) {
    throw new ProblemsError(
      (validate.errors ?? [])
        .slice(0, 10)
        .map((e) =>
          problem(
            `${e.instancePath || '(top level)'} ${e.message}`,
            `it is written by \`catalog release\`; edit only the \`notes\`, or restore it with \`git checkout -- ` +
              `${HISTORY_FILE}\``,
            e.instancePath.slice(1).replaceAll('/', '.'),
          ),
        ),
    );
  }
  const h = doc as History;
  const problems: Problem[] = [];
  h.releases.forEach((r, i) => {
    if (!semver.valid(r.version))
      problems.push(
        problem(
          `release ${i + 1} has the version "${r.version}", which is not semantic (x.y.z)`,
          'use the version that was tagged',
          `releases.${i}.version`,
        ),
      );
    const older = h.releases[i + 1];
    if (older && semver.valid(r.version) && semver.valid(older.version) && !semver.gt(r.version, older.version)) {
      problems.push(
        problem(
          `releases must be listed newest first: ${r.version} comes before ${older.version}`,
          'order the releases by version, newest first',
          `releases.${i}.version`,
        ),
      );
    }
  });
  if (h.releases.length && h.releases[h.releases.length - 1]!.bump !== 'initial') {
    problems.push(
      problem(
        `the oldest release (${h.releases[h.releases.length - 1]!.version}) must have \`bump: initial\` and list ` +
          `every component as added`,
        'restore the file from git',
        `releases.${h.releases.length - 1}.bump`,
      ),
    );
  }
  if (problems.length) throw new ProblemsError(problems);
  return h;
}

export function readHistory(root: string): History | undefined {
  const text = readTextIfExists(join(root, HISTORY_FILE));
  return text === undefined ? undefined : parseHistory(text);
}

export function renderHistory(h: History): string {
  return `# Written by \`catalog release\`: every released version and how each component's inputs changed.
# Edit only the \`notes\`. The format is described in docs/release-history.md.
${toYaml(h)}`;
}

export function latestRelease(h: History): ReleaseRecord | undefined {
  return h.releases[0];
}

/** Oldest first, up to and including `version` (every release when omitted). */
function upTo(h: History, version?: string): ReleaseRecord[] {
  return [...h.releases].reverse().filter((r) => version === undefined || semver.lte(r.version, version));
}

/** The contract of every component at a released version (the newest when omitted). */
export function contractAt(h: History, version?: string): CatalogContract {
  const state: Record<string, ComponentContract> = {};
  for (const r of upTo(h, version)) {
    for (const [name, d] of Object.entries(r.components)) {
      const next = applyDiff(state[name], d);
      if (next) state[name] = next;
      else delete state[name];
    }
  }
  return state;
}

/** Each release with its changes in words, newest first. */
export function describedReleases(h: History): Array<{ record: ReleaseRecord; changes: Change[] }> {
  const out: Array<{ record: ReleaseRecord; changes: Change[] }> = [];
  const state: Record<string, ComponentContract> = {};
  for (const r of upTo(h)) {
    const changes: Change[] = [];
    for (const [name, d] of Object.entries(r.components)) {
      if (r.bump !== 'initial') changes.push(...describeDiff(name, state[name], d));
      const next = applyDiff(state[name], d);
      if (next) state[name] = next;
      else delete state[name];
    }
    out.unshift({
      record: r,
      changes: changes.sort(
        (a, b) => ['major', 'minor', 'patch'].indexOf(a.level) - ['major', 'minor', 'patch'].indexOf(b.level),
      ),
    });
  }
  return out;
}

export function requiredLevel(changes: readonly Change[]): Level {
  return maxLevel(changes.map((c) => c.level));
}
