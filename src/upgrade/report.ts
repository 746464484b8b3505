// How an analysis reads: a line per pin for people, a stable JSON document for tools, and the
// merge request's table (component, from, to, breaking-change analysis, release notes).
import type { Analysis, PinReport } from './analyze.js';

export const FORMATS = ['human', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export interface Summary {
  readonly pins: number;
  readonly upgrades: number;
  readonly blocked: number;
  readonly floating: number;
  readonly errors: number;
  readonly filesChanged: number;
}

export const changes = (p: PinReport) => p.status === 'upgrade' || p.status === 'pin';

export function summarize(a: Analysis): Summary {
  const pins = a.files.flatMap((f) => f.pins);
  return {
    pins: pins.length,
    upgrades: pins.filter(changes).length,
    blocked: pins.filter((p) => p.status === 'blocked' || (changes(p) && p.blocked.length > 0)).length,
    floating: pins.filter((p) => p.status === 'floating' || p.status === 'unpinned').length,
    errors: pins.filter((p) => p.status === 'error').length + a.problems.length,
    filesChanged: a.files.filter((f) => f.after !== undefined && f.after !== f.before).length,
  };
}

function blockerLines(p: PinReport, indent: string): string[] {
  return p.blocked.flatMap((b) => [
    `${indent}${b.version} is blocked for this include:`,
    ...b.blockers.map(
      (x) => `${indent}  - ${x.message} (fix: ${x.fix})${x.gitlab ? `\n${indent}    GitLab: ${x.gitlab}` : ''}`,
    ),
  ]);
}

export function renderHuman(a: Analysis, mode: 'written' | 'dry-run' | 'check'): string {
  const out: string[] = [];
  for (const f of a.files) {
    for (const p of f.pins) {
      const mark = changes(p)
        ? '↑'
        : p.status === 'blocked'
          ? '✖'
          : p.status === 'error'
            ? '!'
            : p.status === 'up-to-date'
              ? '✔'
              : '~';
      out.push(`${mark} ${p.file}:${p.line} ${p.project}/${p.component}@${p.ref}: ${p.message}`);
      for (const n of p.notes) out.push(`    note: ${n}`);
      out.push(...blockerLines(p, '    '));
    }
  }
  for (const pr of a.problems) out.push(`! ${pr.file}${pr.line ? `:${pr.line}` : ''}: ${pr.message} (fix: ${pr.fix})`);
  const s = summarize(a);
  const verb =
    mode === 'written' ? 'written' : mode === 'dry-run' ? 'dry run, nothing written' : 'check, nothing written';
  out.push(
    `${s.pins} pin(s): ${s.upgrades} to upgrade in ${s.filesChanged} file(s) (${verb}), ${s.blocked} with ` +
      `blocked versions, ${s.floating} floating or unpinned, ${s.errors} error(s)`,
  );
  return `${out.join('\n')}\n`;
}

export function renderJson(a: Analysis, written: readonly string[]): string {
  return `${JSON.stringify(
    {
      summary: summarize(a),
      written,
      files: a.files.map((f) => ({
        file: f.file,
        changed: f.after !== undefined && f.after !== f.before,
        pins: f.pins,
      })),
      problems: a.problems,
    },
    null,
    2,
  )}\n`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n+/g, '<br>');

/** The merge request description: a table of the changes, then what was held back and why. */
export function mergeRequestDescription(a: Analysis): string {
  const pins = a.files.flatMap((f) => f.pins);
  const rows = pins.filter(changes).map((p) => {
    const analysis = [
      Object.keys(p.renames).length
        ? `renamed inputs rewritten: ${Object.entries(p.renames)
            .map(([x, y]) => `\`${x}\` → \`${y}\``)
            .join(', ')}`
        : 'inputs compatible',
      ...p.notes.filter((n) => !n.startsWith('input `')),
      ...p.blocked.map((b) => `${b.version} blocked: ${b.blockers.map((x) => x.message).join('; ')}`),
    ].join('<br>');
    const notes = p.releaseNotes.map((r) => `**${r.version}**: ${r.notes}`).join('<br>') || '—';
    return (
      `| \`${p.project}/${p.component}\` (${p.file}:${p.line}) | ${cell(p.from ?? p.ref)} | ` +
      `${cell(p.to ?? '')}${p.newRef && p.newRef !== p.to ? ` (\`${p.newRef.slice(0, 12)}\`)` : ''} | ` +
      `${cell(analysis)} | ${cell(notes)} |`
    );
  });
  const held = pins
    .filter((p) => p.status === 'blocked')
    .map(
      (p) =>
        `- \`${p.project}/${p.component}@${p.ref}\` (${p.file}:${p.line}): ${p.message}\n` +
        p.blocked.flatMap((b) => b.blockers.map((x) => `  - ${b.version}: ${x.message} (fix: ${x.fix})`)).join('\n'),
    );
  return [
    '<!-- catalog-upgrade -->',
    'Component upgrades proposed by `catalog upgrade`: each version was checked against the inputs this project ' +
      'passes and the pipeline lints clean with it.',
    '',
    '| Component | From | To | Breaking-change analysis | Release notes |',
    '|---|---|---|---|---|',
    ...rows,
    ...(held.length ? ['', '**Held back** (no version without a blocker for this project):', '', ...held] : []),
    '',
  ].join('\n');
}
