// CHANGELOG.md, generated from catalog.history.yml: one section per release, newest first,
// breaking changes first. A release's section is also its tag message and its GitLab release
// description.
import type { Change } from './compare.js';
import { describedReleases, type History, type ReleaseRecord } from './history.js';

export const CHANGELOG_FILE = 'CHANGELOG.md';

const HEADINGS: Record<Change['level'], string> = {
  major: 'Breaking changes',
  minor: 'New',
  patch: 'Fixes and other changes',
};

function section(record: ReleaseRecord, changes: readonly Change[], project: string): string {
  const lines = [`## ${record.version} (${record.date})`, ''];
  if (record.notes.trim()) lines.push(record.notes.trim(), '');
  if (record.bump === 'initial') {
    lines.push('First release. Components:', '');
    for (const name of Object.keys(record.components).sort()) {
      const n = Object.keys(record.components[name]!.added ?? {}).length;
      lines.push(
        `- \`${name}\`: ${n} input${n === 1 ? '' : 's'}; include \`$CI_SERVER_FQDN/${project}/${name}@` +
          `${record.version}\``,
      );
    }
    lines.push('');
  }
  for (const level of ['major', 'minor', 'patch'] as const) {
    const of = changes.filter((c) => c.level === level);
    if (!of.length) continue;
    lines.push(`### ${HEADINGS[level]}`, '');
    for (const c of of) lines.push(`- \`${c.component}\`: ${c.text}`);
    lines.push('');
  }
  if (record.bump !== 'initial' && !changes.length) lines.push("No change to any component's inputs.", '');
  return lines.join('\n').trimEnd();
}

/** The section of one release, as written into CHANGELOG.md. */
export function releaseSection(h: History, version: string, project: string): string | undefined {
  const found = describedReleases(h).find((r) => r.record.version === version);
  return found && section(found.record, found.changes, project);
}

export function renderChangelog(h: History, project: string): string {
  const parts = [
    '<!-- Generated from catalog.history.yml by `npm run catalog -- build`. Do not edit: record releases with ' +
      '`npm run catalog -- release`. -->',
    '# Changelog',
    '',
    'Every released version of the components, newest first. Pin a version in your include (`@1.2.3`, or `@1` ' +
      'for the newest 1.x); a major version means some include must change: the breaking changes are listed first.',
  ];
  const releases = describedReleases(h);
  if (!releases.length) parts.push('', 'Nothing released yet.');
  for (const { record, changes } of releases) parts.push('', section(record, changes, project));
  return `${parts.join('\n')}\n`;
}
