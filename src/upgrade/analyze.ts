// Decides every pin of a project: where it is, which version it is on, which newer versions the
// policy allows, which of them this consumer's inputs (and the linter) accept, and the edits that
// move it to the newest safe one. Nothing is written here; see apply.ts.
import semver from 'semver';
import { checkCompat, type Blocker } from './compat.js';
import type { ComponentAt, ComponentProject, Datasource } from './datasources/datasource.js';
import { DatasourceError, projectKey } from './datasources/datasource.js';
import { applyEdits, pinEdits, type Edit, type PinChange } from './edit.js';
import { readCatalogHistory, type CatalogHistory } from './history.js';
import { entriesReaching, scanPins, type Pin, type ScannedFile, type ScanProblem } from './pins.js';
import { candidates, floats, outside, type Policy } from './policy.js';
import { LintWorkspace, newErrors, type LintError, type TemplateAt } from './verify.js';
import { isPrerelease, resolveRelease, type Release } from './versions.js';

export type PinStatus = 'up-to-date' | 'upgrade' | 'pin' | 'blocked' | 'floating' | 'unpinned' | 'skipped' | 'error';

export interface BlockedVersion {
  readonly version: string;
  readonly blockers: readonly Blocker[];
}

export interface PinReport {
  readonly file: string;
  readonly line: number;
  readonly address: string;
  readonly project: string;
  readonly component: string;
  readonly kind: Pin['kind'];
  readonly ref: string;
  readonly status: PinStatus;
  /** The version the pin is on (a partial or `~latest` pin: what GitLab resolves it to today). */
  readonly from?: string;
  /** The version it moves to (status upgrade or pin). */
  readonly to?: string;
  /** The new reference text. */
  readonly newRef?: string;
  /** Newer versions the policy allows that this consumer cannot take, newest first. */
  readonly blocked: readonly BlockedVersion[];
  /** Newer versions the policy leaves out (e.g. a major under `--to minor`). */
  readonly outsidePolicy: readonly string[];
  /** Input keys rewritten: former name -> new name. */
  readonly renames: Readonly<Record<string, string>>;
  /** Release notes between `from` and the newest version considered, newest first. */
  readonly releaseNotes: ReadonlyArray<{ version: string; notes: string }>;
  readonly message: string;
  readonly notes: readonly string[];
}

export interface FileReport {
  readonly file: string;
  readonly before: string;
  /** The new content, when any pin of the file changes. */
  readonly after?: string;
  readonly pins: readonly PinReport[];
}

export interface Analysis {
  readonly root: string;
  readonly files: readonly FileReport[];
  readonly problems: readonly ScanProblem[];
}

export interface AnalyzeOptions {
  readonly root: string;
  /** Pipeline entry files; default `.gitlab-ci.yml`. */
  readonly entries?: readonly string[];
  readonly serverFqdn: string;
  readonly policy: Policy;
  readonly datasource: Datasource;
  /** Lint the result with the target templates (default true). */
  readonly verify?: boolean;
  readonly variables?: Readonly<Record<string, string>>;
}

/** Per-run memo of datasource answers: many pins share a project, a version and a component. */
class Lookup {
  private readonly cache = new Map<string, Promise<unknown>>();
  constructor(readonly ds: Datasource) {}
  private memo<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      this.cache.set(key, p);
    }
    return p;
  }
  releases = (p: ComponentProject) => this.memo(`r:${projectKey(p)}`, () => this.ds.releases(p));
  branches = (p: ComponentProject) => this.memo(`b:${projectKey(p)}`, () => this.ds.branches(p));
  component = (p: ComponentProject, ref: string, name: string) =>
    this.memo(`c:${projectKey(p)}@${ref}:${name}`, () => this.ds.component(p, ref, name));
  history = (p: ComponentProject, ref: string) =>
    this.memo(`h:${projectKey(p)}@${ref}`, async () => readCatalogHistory(await this.ds.catalogIndex(p, ref)));
}

interface Current {
  readonly release?: Release;
  /** The commit (or ref) the pin is on, for reading its spec. */
  readonly ref?: string;
  readonly note?: string;
}

async function currentOf(
  pin: Pin,
  releases: readonly Release[],
  look: Lookup,
  project: ComponentProject,
): Promise<Current | string> {
  switch (pin.kind) {
    case 'exact':
    case 'partial':
    case 'latest': {
      const r = resolveRelease(releases, pin.ref);
      if (!r)
        return pin.kind === 'exact'
          ? `the tag \`${pin.ref}\` does not exist in ${pin.project}`
          : `\`@${pin.ref}\` matches no release of ${pin.project}`;
      return { release: r, ref: r.sha };
    }
    case 'sha': {
      const tagged = releases.find((r) => r.sha.startsWith(pin.ref));
      if (tagged) {
        const note =
          pin.comment?.version && pin.comment.version !== tagged.version
            ? `the comment says ${pin.comment.version} but the SHA is ${tagged.tag}`
            : undefined;
        return { release: tagged, ref: pin.ref, note };
      }
      const byComment = pin.comment?.version ? resolveRelease(releases, pin.comment.version) : undefined;
      return {
        release: byComment,
        ref: pin.ref,
        note: byComment
          ? `the SHA is not a release tag; its comment says ${byComment.version}`
          : 'the SHA is not a release tag',
      };
    }
    case 'branch': {
      const head = (await look.branches(project)).get(pin.ref);
      const tag = releases.find((r) => r.tag === pin.ref);
      if (tag) return { release: tag, ref: tag.sha };
      return head ? { ref: head } : `\`${pin.ref}\` is neither a branch nor a tag of ${pin.project}`;
    }
    default:
      return `the reference \`${pin.ref}\` uses a variable; it is resolved only in a pipeline`;
  }
}

function newRefFor(pin: Pin, target: Release, policy: Policy): string {
  return pin.kind === 'sha' || policy.pinSha ? target.sha : target.tag;
}

async function notesBetween(
  look: Lookup,
  project: ComponentProject,
  from: Release | undefined,
  to: Release,
  releases: readonly Release[],
): Promise<Array<{ version: string; notes: string }>> {
  const history = await look.history(project, to.sha).catch(() => undefined);
  const fromHistory = history?.notes(from?.version, to.version) ?? [];
  if (fromHistory.length) return fromHistory;
  return releases
    .filter((r) => r.notes && semver.lte(r.version, to.version) && (!from || semver.gt(r.version, from.version)))
    .map((r) => ({ version: r.version, notes: r.notes! }));
}

interface Candidate {
  readonly release: Release;
  readonly at?: ComponentAt;
  readonly blockers: Blocker[];
  readonly renames: Record<string, string>;
  readonly notes: string[];
}

async function judge(
  pin: Pin,
  project: ComponentProject,
  current: Current,
  cur: ComponentAt | undefined,
  release: Release,
  look: Lookup,
  policy: Policy,
): Promise<Candidate> {
  let at: ComponentAt | undefined;
  try {
    at = await look.component(project, release.sha, pin.component);
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return {
      release,
      blockers: [
        {
          kind: 'invalid-spec',
          message: `${pin.component} ${release.version} cannot be read: ${message}`,
          fix: `report it to the maintainers of ${pin.project}`,
        },
      ],
      renames: {},
      notes: [],
    };
  }
  if (!at) {
    return {
      release,
      blockers: [
        {
          kind: 'component-removed',
          message: `${pin.project} ${release.version} has no component \`${pin.component}\``,
          fix:
            `find its replacement in the release notes` +
            `${current.release ? `, or stay on ${current.release.version}` : ''}`,
        },
      ],
      renames: {},
      notes: [],
    };
  }
  let history: CatalogHistory | undefined;
  try {
    history = await look.history(project, release.sha);
  } catch {
    history = undefined;
  }
  const r = checkCompat({
    component: pin.component,
    from: current.release?.version,
    to: release.version,
    args: pin.inputs,
    current: cur?.inputs,
    target: at.inputs,
    declaredRenames: history?.renames(pin.component, current.release?.version, release.version),
    allowDefaultChanges: policy.allowDefaultChanges,
  });
  return { release, at, blockers: r.blockers, renames: { ...r.renames }, notes: r.notes };
}

interface Planned {
  report: PinReport;
  change?: PinChange;
  /** The template at the version the pin will reference, for linting. */
  template?: TemplateAt;
  baseline?: TemplateAt;
}

function base(pin: Pin) {
  return {
    file: pin.file,
    line: pin.line,
    address: pin.address,
    project: pin.project,
    component: pin.component,
    kind: pin.kind,
    ref: pin.ref,
  };
}

const tmpl = (pin: Pin, ref: string, at: ComponentAt | undefined): TemplateAt | undefined =>
  at?.template && at.templatePath ? { project: pin.project, ref, path: at.templatePath, text: at.template } : undefined;

async function planPin(
  pin: Pin,
  look: Lookup,
  policy: Policy,
  lintCheck: (c: Candidate, change: PinChange) => Blocker | undefined,
): Promise<Planned> {
  const project: ComponentProject = { server: pin.server, path: pin.project };
  const empty = { blocked: [], outsidePolicy: [], renames: {}, releaseNotes: [], notes: [] };
  if (pin.kind === 'variable')
    return {
      report: {
        ...base(pin),
        ...empty,
        status: 'skipped',
        message: `the reference \`${pin.ref}\` is a variable, resolved only in a pipeline`,
      },
    };
  let releases: Release[];
  try {
    releases = await look.releases(project);
  } catch (e) {
    return {
      report: {
        ...base(pin),
        ...empty,
        status: 'error',
        message: e instanceof DatasourceError ? `${e.message} (fix: ${e.fix})` : (e as Error).message,
      },
    };
  }
  const cur = await currentOf(pin, releases, look, project).catch((e: Error) => e.message);
  if (typeof cur === 'string') return { report: { ...base(pin), ...empty, status: 'error', message: cur } };
  const notes = cur.note ? [cur.note] : [];
  const curAt = cur.ref ? await look.component(project, cur.ref, pin.component).catch(() => undefined) : undefined;
  const baseline = tmpl(pin, pin.ref, curAt);
  const from = cur.release?.version;
  const floating = floats(pin.kind);
  if (floating && !policy.pin) {
    const newer = releases.filter(
      (r) => !isPrerelease(r) && (!cur.release || semver.gt(r.version, cur.release.version)),
    );
    const what =
      pin.kind === 'partial'
        ? `floats: GitLab resolves \`@${pin.ref}\` to ${from} today`
        : pin.kind === 'latest'
          ? `is unpinned: \`~latest\` is ${from} today and moves with every release`
          : `is unpinned: branch \`${pin.ref}\` moves with every push`;
    const beyond = newer.length
      ? `; ${pin.kind === 'partial' ? 'newer outside its range' : 'releases'}: ` +
        `${newer.map((r) => r.version).join(', ')}`
      : '';
    return {
      report: {
        ...base(pin),
        ...empty,
        from,
        notes,
        status: pin.kind === 'partial' ? 'floating' : 'unpinned',
        outsidePolicy: newer.map((r) => r.version),
        message: `${what}${beyond} (pin it with --pin)`,
      },
      baseline,
    };
  }
  // A pinned partial pin may stay on what it resolves to today; a pinned `~latest` or branch pin
  // takes the newest release this include accepts.
  const allowedPool = !floating
    ? candidates(releases, cur.release, policy)
    : pin.kind === 'partial' && cur.release
      ? [...candidates(releases, cur.release, policy), cur.release]
      : releases.filter((r) => policy.prerelease || !isPrerelease(r));
  const left = floating ? [] : outside(releases, cur.release, policy).map((r) => r.version);
  const blocked: BlockedVersion[] = [];
  /** The pin stays where it is: up to date, or every newer version is blocked. */
  const stays = (status: 'up-to-date' | 'blocked', message: string, more: Partial<PinReport> = {}): Planned => ({
    report: { ...base(pin), ...empty, from, notes, status, outsidePolicy: left, message, ...more },
    baseline,
  });
  for (const release of allowedPool) {
    const c = await judge(pin, project, cur, curAt, release, look, policy);
    const change: PinChange = {
      pin,
      ref: newRefFor(pin, release, policy),
      version: release.version,
      tag: release.tag,
      renames: c.renames,
    };
    if (!c.blockers.length) {
      const lint = lintCheck(c, change);
      if (lint) c.blockers.push(lint);
    }
    if (c.blockers.length) {
      blocked.push({ version: release.version, blockers: c.blockers });
      continue;
    }
    const releaseNotes = await notesBetween(look, project, cur.release, allowedPool[0] ?? release, releases);
    const unchanged = change.ref === pin.ref && !Object.keys(c.renames).length;
    if (unchanged) {
      const message = blocked.length
        ? `stays on ${release.version}: newer versions are blocked`
        : `up to date (${release.version})`;
      return stays('up-to-date', message, { blocked, releaseNotes });
    }
    const renamed = Object.entries(c.renames).map(([a, b]) => `input \`${a}\` renamed to \`${b}\``);
    return {
      report: {
        ...base(pin),
        ...empty,
        from,
        to: release.version,
        newRef: change.ref,
        status: floating ? 'pin' : 'upgrade',
        blocked,
        outsidePolicy: left,
        renames: c.renames,
        releaseNotes,
        notes: [...notes, ...c.notes, ...renamed],
        message:
          `${floating ? `pin \`@${pin.ref}\`` : `${from ?? pin.ref}`} -> ` +
          `${change.ref === release.tag ? release.tag : `${change.ref} (${release.tag})`}` +
          `${blocked.length ? ` (newer blocked: ${blocked.map((b) => b.version).join(', ')})` : ''}`,
      },
      change,
      template: tmpl(pin, change.ref, c.at),
      baseline,
    };
  }
  const releaseNotes = allowedPool[0] ? await notesBetween(look, project, cur.release, allowedPool[0], releases) : [];
  if (blocked.length) {
    const versions = `${blocked.map((b) => b.version).join(', ')} ${blocked.length === 1 ? 'is' : 'are'}`;
    return stays('blocked', `no safe version to move to: ${versions} blocked for this include; left untouched`, {
      blocked,
      releaseNotes,
    });
  }
  const beyond = left.length ? `; newer outside --to ${policy.to}: ${left.join(', ')}` : '';
  return stays('up-to-date', `up to date (${from ?? pin.ref})${beyond}`);
}

/** Scans the project and decides every pin. */
export async function analyze(o: AnalyzeOptions): Promise<Analysis> {
  const entries = o.entries?.length ? o.entries : ['.gitlab-ci.yml'];
  const scan = scanPins(entries, { root: o.root, serverFqdn: o.serverFqdn, variables: o.variables });
  const look = new Lookup(o.datasource);
  const verify = o.verify ?? true;
  const planned = new Map<ScannedFile, Planned[]>();
  // Baseline lint needs every pin's current template, so plan without lint first, then verify.
  for (const f of scan.files) {
    const plans: Planned[] = [];
    for (const pin of f.pins) plans.push(await planPin(pin, look, o.policy, () => undefined));
    planned.set(f, plans);
  }
  const allPlans = [...planned.values()].flat();
  const baselineTemplates = allPlans.map((p) => p.baseline).filter((t): t is TemplateAt => !!t);
  const templatesWith = (extra?: TemplateAt) => (extra ? [...baselineTemplates, extra] : baselineTemplates);
  const workspace = verify ? new LintWorkspace(scan.files, o.serverFqdn) : undefined;
  const before = new Map<string, LintError[]>();
  // The errors a change adds. A clean result needs no comparison, so the lint of the unchanged
  // pipeline (the baseline) only runs when the changed one has errors.
  const added = (reaching: string[], text: string, file: string, templates: readonly TemplateAt[]): LintError[] => {
    const after = workspace!.lint(reaching, new Map([[file, text]]), templates);
    if (!after.length) return [];
    for (const e of reaching) if (!before.has(e)) before.set(e, workspace!.lint([e], new Map(), baselineTemplates));
    return newErrors(
      reaching.flatMap((e) => before.get(e)!),
      after,
    );
  };
  const lintCheckFor =
    (f: ScannedFile) =>
    (c: Candidate, change: PinChange): Blocker | undefined => {
      const t = tmpl(change.pin, change.ref, c.at);
      if (!workspace || !t) return undefined;
      const reaching = entriesReaching(scan, f.file);
      const errors = added(reaching, applyEdits(f.text, pinEdits(f.text, change)), f.file, templatesWith(t));
      if (!errors.length) return undefined;
      return {
        kind: 'lint',
        message:
          `the pipeline would not lint clean with ${change.pin.component} ${change.version}: ` +
          `${errors.map((e) => `${e.file}: ${e.message}`).join('; ')}`,
        fix: `fix those errors first, or stay on the current version`,
      };
    };
  if (workspace) {
    try {
      for (const [f, plans] of planned) {
        const changing = plans.filter((p) => p.change);
        if (!changing.length) continue;
        // Usually every change is fine: one lint of the file with all of them proves it.
        const reaching = entriesReaching(scan, f.file);
        const text = applyEdits(
          f.text,
          changing.flatMap((p) => pinEdits(f.text, p.change!)),
        );
        const targets = changing.map((p) => p.template).filter((t): t is TemplateAt => !!t);
        if (!added(reaching, text, f.file, [...baselineTemplates, ...targets]).length) continue;
        // Otherwise find which change breaks it: re-decide each pin with the lint check.
        for (let i = 0; i < plans.length; i++) {
          if (plans[i]!.change) plans[i] = await planPin(f.pins[i]!, look, o.policy, lintCheckFor(f));
        }
      }
    } finally {
      workspace.dispose();
    }
  }
  const files: FileReport[] = [];
  for (const [f, plans] of planned) {
    const edits: Edit[] = plans.flatMap((p) => (p.change ? pinEdits(f.text, p.change) : []));
    files.push({
      file: f.file,
      before: f.text,
      after: edits.length ? applyEdits(f.text, edits) : undefined,
      pins: plans.map((p) => p.report),
    });
  }
  return { root: o.root, files, problems: scan.problems };
}
