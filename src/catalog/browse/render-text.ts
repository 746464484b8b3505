// What the browse commands print for people (the JSON for tools is the model itself).
import type { InputDiff } from './diff.js';
import type { ComponentVersion, ComponentView } from './model.js';
import type { SearchHit } from './search.js';

const value = (v: unknown): string =>
  v === undefined ? '' : typeof v === 'string' ? (v === '' ? '""' : v) : JSON.stringify(v);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.min(40, Math.max(...rows.map((r) => r[i]!.length))));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function renderSearch(hits: readonly SearchHit[], query: string): string {
  if (!hits.length)
    return `No component matches "${query}". Try fewer words, an AWS service (s3, ecs) or an input name.`;
  return table([
    ['COMPONENT', 'VERSION', 'SERVICES', 'DESCRIPTION'],
    ...hits.map((h) => [
      h.component.name,
      h.component.versions[0]!.version,
      h.component.services.join(',') || '-',
      h.component.description,
    ]),
  ]);
}

export function renderInputs(v: ComponentVersion): string {
  if (!v.inputs.length) return '  (no inputs)';
  return table([
    ['INPUT', 'TYPE', 'REQUIRED', 'DEFAULT', 'OPTIONS', 'DESCRIPTION'],
    ...v.inputs.map((i) => [
      i.name + (i.deprecated ? ' (deprecated)' : ''),
      i.type,
      i.required ? 'yes' : 'no',
      i.required ? '' : value(i.default),
      i.options?.map(value).join('|') ?? '',
      i.description + (i.deprecated ? ` Deprecated: ${i.deprecated}.` : ''),
    ]),
  ])
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

export function renderShow(c: ComponentView, v: ComponentVersion, snippet: string): string {
  const out = [
    `${c.name}@${v.version}${v.released ? '' : ' (unreleased)'}${c.deprecated ? `  DEPRECATED: ${c.deprecated}` : ''}`,
    `  ${c.description}`,
    `  category: ${c.category}   AWS: ${c.services.join(', ') || '-'}`,
    '',
    'Inputs:',
    renderInputs(v),
    '',
    'Include:',
    snippet
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  ];
  if (c.policy)
    out.push(
      '',
      'IAM policy (the role the job assumes):',
      JSON.stringify(c.policy, null, 2)
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  for (const e of c.examples)
    out.push(
      '',
      `Example: ${e.title}`,
      e.yaml
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  out.push('', `Versions: ${c.versions.map((x) => x.version + (x.date ? ` (${x.date})` : '')).join(', ')}`);
  if (v.changes.length)
    out.push('', `Changes in ${v.version}:`, ...v.changes.map((ch) => `  - [${ch.level}] ${ch.text}`));
  return out.join('\n');
}

export function renderDiff(
  c: ComponentView,
  from: ComponentVersion,
  to: ComponentVersion,
  diffs: readonly InputDiff[],
): string {
  const head = `${c.name}: inputs ${from.version} → ${to.version}`;
  if (!diffs.length) return `${head}\n  no input changes`;
  const mark = { added: '+', removed: '-', renamed: '~', changed: '~' } as const;
  const breaking = diffs.filter((d) => d.breaking).length;
  return [
    head,
    ...diffs.map(
      (d) =>
        `  ${mark[d.kind]} ${d.input.padEnd(24)} ${d.kind}${d.breaking ? ' BREAKING' : ''}: ${d.details.join('; ')}`,
    ),
    breaking
      ? `${breaking} breaking change${breaking > 1 ? 's' : ''}: your include must change.`
      : 'No breaking changes.',
  ].join('\n');
}
