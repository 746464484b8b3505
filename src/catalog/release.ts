// `catalog release`: decides whether a version tells the truth about the inputs' changes since
// the last release, records it in catalog.history.yml, regenerates (catalog.yml, CHANGELOG.md,
// docs pinned to the new version), commits, and creates the annotated tag.
import semver from 'semver';
import { drift, plan, write, type Plan } from '../generate/build.js';
import { loadYaml } from '../gitlab/yaml.js';
import { ProblemsError, type Problem } from '../internal/problem.js';
import type { ProblemCode } from '../internal/problem.js';
import { backfillFromTags } from './backfill.js';
import { releaseSection } from './changelog.js';
import { describeCatalogDiff, diffCatalog, type Change, type Level } from './compare.js';
import { catalogContract, formerNames, type CatalogContract } from './contract.js';
import { commitFiles, commitsTouching, createAnnotatedTag, isRepo, showFile, tagExists, uncommitted } from './git.js';
import {
  contractAt,
  HISTORY_FILE,
  HISTORY_FORMAT,
  parseHistory,
  readHistory,
  renderHistory,
  requiredLevel,
  type History,
  type ReleaseRecord,
} from './history.js';
import { preflight } from './preflight.js';
import { isCatalogVersion, SEMVER_ERROR } from './semver.js';

export type Bump = Level;
export const BUMPS: readonly Bump[] = ['major', 'minor', 'patch'];

export interface ReleaseRequest {
  readonly root: string;
  /** A version, or `major`, `minor`, `patch` relative to the last release. */
  readonly target: string;
  readonly notes?: string;
  /** YYYY-MM-DD; default today (UTC). */
  readonly date?: string;
}

export interface ReleasePlan {
  readonly version: string;
  readonly previous?: string;
  /** The bump the changes require; `initial` for the first release. */
  readonly required: Level | 'initial';
  readonly changes: readonly Change[];
  readonly record: ReleaseRecord;
  readonly history: History;
  /** True when there was no history file and it was rebuilt from the git tags. */
  readonly backfilled: boolean;
  /** The CHANGELOG section: tag message and GitLab release description. */
  readonly section: string;
  /** The generated files after the release, and which of them change. */
  readonly build: Plan;
  readonly changedFiles: readonly string[];
  readonly warnings: readonly Problem[];
}

const fail = (code: ProblemCode, message: string, fix: string, extra: Partial<Problem> = {}): never => {
  throw new ProblemsError([{ code, severity: 'error', message, fix, ...extra }]);
};

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The history on disk, or the one the tags tell when the file is missing. */
export function currentHistory(root: string): { history: History; backfilled: boolean } {
  const h = readHistory(root);
  if (h) return { history: h, backfilled: false };
  return {
    history: isRepo(root) ? backfillFromTags(root) : { format: HISTORY_FORMAT, releases: [] },
    backfilled: true,
  };
}

function resolveVersion(target: string, previous: string | undefined): string {
  if ((BUMPS as readonly string[]).includes(target)) return semver.inc(previous ?? '0.0.0', target as Bump)!;
  if (!isCatalogVersion(target)) {
    return fail(
      'release-version',
      `"${target}": ${SEMVER_ERROR}`,
      'give MAJOR.MINOR.PATCH (e.g. 1.4.0, 2.0.0-rc.1) or one of major, minor, patch',
    );
  }
  return target;
}

/** The lowest version the changes allow after `previous`. */
export function minimumVersion(previous: string, level: Level): string {
  return semver.inc(previous, level)!;
}

function checkBump(version: string, previous: string, required: Level, changes: readonly Change[]): void {
  if (!semver.gt(version, previous)) {
    fail(
      'release-version',
      `${version} is not newer than the last release ${previous}`,
      `release a version after ${previous}, e.g. \`catalog release ${required}\` (` +
        `${minimumVersion(previous, required)})`,
    );
  }
  const min = minimumVersion(previous, required);
  const core = `${semver.major(version)}.${semver.minor(version)}.${semver.patch(version)}`;
  // A pre-release of the right version (2.0.0-rc.1 for a major after 1.x) is honest too.
  if (semver.lt(core, min)) {
    const reasons = changes
      .filter((c) => c.level === required)
      .map((c) => `\n  - ${c.component}: ${c.text}`)
      .join('');
    fail(
      'release-bump',
      `${version} would claim ${semver.diff(previous, version) ?? 'no change'} after ${previous}, but the inputs ` +
        `changed in a way that needs a ${required} release (${min} or later):${reasons}`,
      `run \`catalog release ${required}\` (${min}), or undo the ` +
        `${required === 'major' ? 'breaking ' : ''}changes listed`,
    );
  }
}

/** Decides the release and computes every file it writes; changes nothing. */
export async function planRelease(req: ReleaseRequest): Promise<ReleasePlan> {
  const { root } = req;
  const { history: old, backfilled } = currentHistory(root);
  const last = old.releases[0];
  const version = resolveVersion(req.target, last?.version);
  if (old.releases.some((r) => r.version === version)) {
    fail(
      'release-recorded',
      `${version} is already recorded in ${HISTORY_FILE}`,
      `to tag that recorded release, run \`catalog release ${version} --tag-only\`; to release new changes, pick ` +
        `a newer version`,
    );
  }
  if (isRepo(root) && tagExists(root, version)) {
    fail(
      'release-tagged',
      `tag ${version} already exists`,
      `pick a newer version; GitLab refuses a second publish of a version ("Release has already been published")`,
    );
  }

  const current = await plan(root, { history: old });
  const errors = current.problems.filter((p) => p.severity === 'error');
  if (errors.length)
    throw new ProblemsError(errors, `${errors.length} problem(s) in the definitions; nothing was released`);

  const prev: CatalogContract = contractAt(old);
  const next = catalogContract(current.components);
  const renames = Object.fromEntries(current.components.map((c) => [c.name, formerNames(c)]));
  const diff = diffCatalog(prev, next, renames);
  const changes = last ? describeCatalogDiff(prev, diff) : [];
  const required: Level | 'initial' = last ? requiredLevel(changes) : 'initial';
  if (last && required !== 'initial') checkBump(version, last.version, required, changes);

  const bump: ReleaseRecord['bump'] = last
    ? ((semver.diff(last.version, version)?.replace(/^pre/, '') as Level | undefined) ?? 'patch')
    : 'initial';
  const record: ReleaseRecord = {
    version,
    date: req.date ?? today(),
    bump,
    notes: req.notes?.trim() ?? '',
    components: diff,
  };
  const history: History = { format: HISTORY_FORMAT, releases: [record, ...old.releases] };
  const build = await plan(root, { history });
  const files = new Map(build.files);
  files.set(HISTORY_FILE, renderHistory(history));
  const after: Plan = { ...build, files };
  const changedFiles = drift(root, after).map((d) => d.path);
  const section = releaseSection(history, version, current.catalog.project) ?? '';
  const warnings = current.problems.filter((p) => p.severity === 'warning');
  return {
    version,
    previous: last?.version,
    required,
    changes,
    record,
    history,
    backfilled,
    section,
    build: after,
    changedFiles,
    warnings,
  };
}

export interface ReleaseOutcome {
  readonly plan: ReleasePlan;
  readonly commit?: string;
  readonly tagged: boolean;
}

function description(configDescription: string): { description: string; descriptionSource: string } {
  // In a GitLab pipeline the project's real description is a predefined variable.
  if (process.env.GITLAB_CI === 'true' && process.env.CI_PROJECT_DESCRIPTION !== undefined) {
    return { description: process.env.CI_PROJECT_DESCRIPTION, descriptionSource: '$CI_PROJECT_DESCRIPTION' };
  }
  return { description: configDescription, descriptionSource: 'catalog.config.ts' };
}

export function publishPreflight(
  root: string,
  catalog: { description: string; project: string },
  tag?: string,
  planned?: ReadonlyMap<string, string>,
): Problem[] {
  return preflight(root, { tag, planned, projectPath: catalog.project, ...description(catalog.description) });
}

/** Plans, checks, writes, commits and (unless `tag` is false) tags. */
export async function release(req: ReleaseRequest & { readonly tag?: boolean }): Promise<ReleaseOutcome> {
  const { root } = req;
  if (!isRepo(root)) fail('release-git', `${root} is not a git repository`, "run the release in the catalog's clone");
  const dirty = uncommitted(root, ['components', 'templates', 'catalog.config.ts', HISTORY_FILE]);
  if (dirty.length) {
    fail(
      'release-dirty',
      `the working tree has uncommitted changes: ${dirty.slice(0, 5).join(', ')}${dirty.length > 5 ? ', …' : ''}`,
      'commit or stash them first: the release commit must hold exactly what is released',
    );
  }
  const p = await planRelease(req);
  const blocking = publishPreflight(root, p.build.catalog, p.version, p.build.files).filter(
    (x) => x.severity === 'error',
  );
  if (blocking.length)
    throw new ProblemsError(blocking, `GitLab would refuse to publish ${p.version}; nothing was released`);
  write(root, p.build);
  const commit = commitFiles(root, [...p.changedFiles], `Release ${p.version}\n\n${p.section}\n`);
  if (req.tag !== false) createAnnotatedTag(root, p.version, commit, `Release ${p.version}\n\n${p.section}\n`);
  return { plan: p, commit, tagged: req.tag !== false };
}

/** The commit that recorded `version`: the oldest commit whose history file lists it. */
export function recordingCommit(root: string, version: string): string | undefined {
  let found: string | undefined;
  for (const c of commitsTouching(root, HISTORY_FILE)) {
    const text = showFile(root, c, HISTORY_FILE);
    let listed = false;
    try {
      listed = !!text && parseHistory(text).releases.some((r) => r.version === version);
    } catch {
      listed = false;
    }
    if (!listed) break;
    found = c;
  }
  return found;
}

/** Tags a release recorded earlier without a tag (`--no-tag`), at the commit that recorded it. */
export function tagRecorded(root: string, version: string): { commit: string; section: string } {
  const h = readHistory(root);
  if (!h?.releases.some((r) => r.version === version)) {
    fail(
      'release-not-recorded',
      `${version} is not recorded in ${HISTORY_FILE}`,
      `record it first with \`catalog release ${version}\``,
    );
  }
  if (tagExists(root, version)) fail('release-tagged', `tag ${version} already exists`, 'nothing to do');
  const commit = recordingCommit(root, version);
  if (!commit)
    fail('release-not-recorded', `no commit adds ${version} to ${HISTORY_FILE}`, `commit ${HISTORY_FILE} first`);
  const atCommit = parseHistory(showFile(root, commit!, HISTORY_FILE)!);
  const project = String(
    (loadYaml('catalog.yml', showFile(root, commit!, 'catalog.yml') ?? '') as { project?: unknown } | null)?.project ??
      '',
  );
  const section = releaseSection(atCommit, version, project) ?? '';
  createAnnotatedTag(root, version, commit!, `Release ${version}\n\n${section}\n`);
  return { commit: commit!, section };
}

/** Whether the definitions at this checkout are what `version` recorded (for `--check --tag`). */
export async function checkRecorded(root: string, version: string): Promise<Problem[]> {
  const h = readHistory(root);
  if (!h?.releases.some((r) => r.version === version)) {
    return [
      {
        code: 'release-not-recorded',
        severity: 'error',
        file: HISTORY_FILE,
        message: `${version} is not a recorded release, so nothing says what changed in it`,
        fix: `tag only versions recorded by \`npm run catalog -- release ${version}\``,
      },
    ];
  }
  const p = await plan(root);
  const recorded = contractAt(h, version);
  const actual = catalogContract(p.components);
  const diff = diffCatalog(recorded, actual);
  if (!Object.keys(diff).length) return [];
  const changes = describeCatalogDiff(recorded, diff);
  return [
    {
      code: 'release-drift',
      severity: 'error',
      file: HISTORY_FILE,
      message:
        `the definitions at this commit differ from what ${version} recorded: ` +
        `${changes.map((c) => `${c.component}: ${c.text}`).join('; ') || Object.keys(diff).join(', ')}`,
      fix:
        `tag the commit that recorded ${version} (\`catalog release ${version} --tag-only\`), or ` +
        `record a new version`,
    },
  ];
}
