import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatProblem, ProblemsError } from '../internal/problem.js';

interface Options {
  notes?: string;
  notesFile?: string;
  date?: string;
  dryRun?: boolean;
  tag: boolean;
  tagOnly?: boolean;
  check?: boolean;
  notesOut?: string;
  backfill?: boolean;
  root: string;
}

export function registerRelease(program: Command): void {
  program
    .command('release [version]')
    .description(
      "release <version|major|minor|patch>: refuse a version the inputs' changes contradict, record it in " +
        'catalog.history.yml, regenerate, commit and tag',
    )
    .option('--notes <text>', 'release notes, shown first in the CHANGELOG section')
    .option('--notes-file <file>', 'read the release notes from a file')
    .option('--date <YYYY-MM-DD>', 'the release date (default: today, UTC)')
    .option('--dry-run', 'print the decision, the changes, the files and the tag message; change nothing')
    .option('--no-tag', 'record, regenerate and commit, but create no tag (tag later with --tag-only)')
    .option('--tag-only', 'create the annotated tag of a version recorded earlier, at the commit that recorded it')
    .option(
      '--check',
      'publish preflight only: every rule GitLab applies when publishing to the CI/CD Catalog; with a version, ' +
        'also that it is recorded and matches the definitions',
    )
    .option(
      '--notes-out <file>',
      'with --check and a version: write its CHANGELOG section (the GitLab release description) to this file',
    )
    .option('--backfill', 'write catalog.history.yml from the semver git tags (when it is missing), without releasing')
    .option('--root <dir>', 'project root', process.cwd())
    .action(async (version: string | undefined, opts: Options) => {
      const root = resolve(opts.root);
      const r = await import('../catalog/release.js');
      const printWarnings = (ps: readonly { severity: string }[]) =>
        ps
          .filter((p) => p.severity === 'warning')
          .forEach((p) => {
            console.error(formatProblem(p as never));
          });

      if (opts.check) {
        const { loadCatalogConfig } = await import('../generate/load.js');
        const catalog = await loadCatalogConfig(root);
        const problems = r.publishPreflight(root, catalog, version);
        if (version) problems.push(...(await r.checkRecorded(root, version)));
        printWarnings(problems);
        const errors = problems.filter((p) => p.severity === 'error');
        if (errors.length)
          throw new ProblemsError(errors, `GitLab would refuse to publish${version ? ` ${version}` : ''}`);
        if (version && opts.notesOut) {
          const { releaseSection } = await import('../catalog/changelog.js');
          const { writeFileAtomic } = await import('../internal/fs.js');
          writeFileAtomic(resolve(opts.notesOut), `${releaseSection(catalog.history, version, catalog.project)}\n`);
        }
        console.log(`ok: publish preflight passed${version ? ` for ${version}` : ''}`);
        return;
      }
      if (opts.backfill) {
        const { readHistory, renderHistory, HISTORY_FILE } = await import('../catalog/history.js');
        if (readHistory(root)) throw new Error(`${HISTORY_FILE} exists; --backfill only creates a missing one`);
        const { backfillFromTags } = await import('../catalog/backfill.js');
        const { writeFileAtomic } = await import('../internal/fs.js');
        const h = backfillFromTags(root);
        writeFileAtomic(resolve(root, HISTORY_FILE), renderHistory(h));
        console.log(
          `wrote ${HISTORY_FILE}: ${h.releases.length} release(s) from the tags (${
            h.releases
              .map((x) => x.version)
              .reverse()
              .join(', ') || 'none'
          }); run \`npm run catalog -- build\` and commit`,
        );
        return;
      }
      if (!version) throw new Error('give the version to release: a version (e.g. 1.4.0) or major, minor or patch');
      if (opts.tagOnly) {
        const { commit, section } = r.tagRecorded(root, version);
        console.log(
          `tagged ${version} at ${commit.slice(0, 12)} (annotated; push it with \`git push origin ${version}` +
            `\`)\n\n${section}`,
        );
        return;
      }
      const notes = opts.notesFile ? readFileSync(resolve(opts.notesFile), 'utf8') : opts.notes;
      const req = { root, target: version, notes, date: opts.date };
      if (opts.dryRun) {
        const p = await r.planRelease(req);
        printWarnings(p.warnings);
        console.log(describePlan(p));
        console.log(`\nwould write: ${p.changedFiles.join(', ')}`);
        console.log(
          `would commit "Release ${p.version}"${opts.tag ? ` and create the annotated tag ${p.version}` : ''}; ` +
            `the tag message and release description:\n\n${p.section}`,
        );
        return;
      }
      const out = await r.release({ ...req, tag: opts.tag });
      printWarnings(out.plan.warnings);
      console.log(describePlan(out.plan));
      console.log(`\nwrote: ${out.plan.changedFiles.join(', ')}`);
      console.log(`committed ${out.commit?.slice(0, 12)} "Release ${out.plan.version}"`);
      console.log(
        out.tagged
          ? `tagged ${out.plan.version} (annotated). Publish: \`git push origin HEAD ${out.plan.version}\`; the ` +
              `tag pipeline runs the preflight, the tests and the release job.`
          : `not tagged. Tag it later with: npm run catalog -- release ${out.plan.version} --tag-only`,
      );
    });
}

function describePlan(p: {
  version: string;
  previous?: string;
  required: string;
  changes: readonly { level: string; component: string; text: string }[];
  backfilled: boolean;
}): string {
  const lines = [
    p.previous
      ? `release ${p.version} after ${p.previous}: the changes need ` +
        `${p.required === 'patch' ? 'a patch' : `a ${p.required}`} release or more`
      : `release ${p.version}: the first release`,
  ];
  if (p.backfilled && p.previous)
    lines.push('(no catalog.history.yml: the history was rebuilt from the git tags and is written with this release)');
  for (const c of p.changes) lines.push(`  ${c.level.padEnd(5)} ${c.component}: ${c.text}`);
  if (p.previous && !p.changes.length) lines.push("  no change to any component's inputs");
  return lines.join('\n');
}
