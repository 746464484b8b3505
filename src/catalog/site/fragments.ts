// HTML fragments the page renders on the server (readable without JavaScript) and the browser
// re-renders when the version or diff selection changes. Each function is self-contained (no
// imports, no module-level helpers): the site ships their source text to the browser, so both
// renderings are the same code.
import type { InputDiff } from '../browse/diff.js';
import type { InputView } from '../browse/model.js';

/** The `<tbody>` rows of a version's inputs table; descriptions are shared across versions by name. */
export function inputRowsHtml(
  inputs: readonly Omit<InputView, 'description'>[],
  descriptions: Readonly<Record<string, string>>,
): string {
  const esc = (s: string): string =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const val = (v: unknown): string =>
    v === undefined ? '' : `<code>${esc(typeof v === 'string' ? (v === '' ? '""' : v) : JSON.stringify(v))}</code>`;
  if (!inputs.length) return '<tr><td colspan="5">This version has no inputs.</td></tr>';
  return inputs
    .map((i) => {
      const desc = esc(descriptions[i.name] ?? (i.formerName ? (descriptions[i.formerName] ?? '') : ''));
      const extra = [
        i.options ? `One of: ${i.options.map(val).join(', ')}.` : '',
        i.regex ? `Must match <code>${esc(i.regex)}</code>.` : '',
        i.formerName ? `Formerly <code>${esc(i.formerName)}</code>.` : '',
        i.deprecated ? `<strong>Deprecated:</strong> ${esc(i.deprecated)}.` : '',
      ]
        .filter(Boolean)
        .join(' ');
      return (
        `<tr data-input="${esc(i.name)}"><th scope="row"><code>${esc(i.name)}</code></th><td>${esc(i.type)}` +
        `</td><td>${i.required ? '<strong>yes</strong>' : 'no'}</td><td>${i.required ? '' : val(i.default)}` +
        `</td><td>${desc}${extra ? ` <span class="extra">${extra}</span>` : ''}</td></tr>`
      );
    })
    .join('');
}

/** The list of input changes between two versions; breaking ones carry a visible mark. */
export function diffListHtml(diffs: readonly InputDiff[], from: string, to: string): string {
  const esc = (s: string): string =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  if (from === to) return '<p>Pick two different versions.</p>';
  if (!diffs.length) return `<p>No input changes from ${esc(from)} to ${esc(to)}.</p>`;
  const breaking = diffs.filter((d) => d.breaking).length;
  const items = diffs
    .map(
      (d) =>
        `<li class="diff-${d.kind}${d.breaking ? ' breaking' : ''}" data-input="${esc(d.input)}" data-kind="` +
        `${d.kind}"><code>${esc(d.input)}</code> <span class="kind">${d.kind}</span>` +
        `${d.breaking ? ' <strong class="badge-breaking">breaking</strong>' : ''}: ${esc(d.details.join('; '))}</li>`,
    )
    .join('');
  const summary = breaking
    ? `<strong>${breaking} breaking change${breaking > 1 ? 's' : ''}</strong>: includes must change to upgrade from ` +
      `${esc(from)} to ${esc(to)}.`
    : `No breaking changes from ${esc(from)} to ${esc(to)}.`;
  return `<p>${summary}</p><ul class="diff">${items}</ul>`;
}
