// Rewrites pins in place: only the reference after `@`, its trailing version comment and renamed
// input keys change; every other byte (comments, quotes, anchors, blank lines, line endings) stays.
import type { Pin, Span } from './pins.js';

export interface Edit extends Span {
  readonly text: string;
}

export interface PinChange {
  readonly pin: Pin;
  readonly ref: string;
  /** The version the new reference stands for, for a SHA pin's comment. */
  readonly version?: string;
  readonly tag?: string;
  /** former input name -> new name */
  readonly renames?: Readonly<Record<string, string>>;
}

const COMMENT_VERSION = /\bv?((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?)\b/;

/** The edits one pin change needs. */
export function pinEdits(text: string, c: PinChange): Edit[] {
  const edits: Edit[] = [{ ...c.pin.refSpan, text: c.ref }];
  const isSha = /^[0-9a-f]{40}$/.test(c.ref);
  const comment = c.pin.comment;
  if (isSha && c.version && comment?.version) {
    // Keep the comment's own words and `v` style; change only the version in it.
    const m = COMMENT_VERSION.exec(comment.text)!;
    const at = comment.start + m.index + m[0].indexOf(m[1]!);
    edits.push({ start: at, end: at + m[1]!.length, text: c.version });
  } else if (isSha && c.version) {
    const label = c.tag?.startsWith('v') ? c.tag : `v${c.version}`;
    if (comment) edits.push({ start: comment.start, end: comment.start + 1, text: `# ${label} —` });
    else edits.push({ start: c.pin.scalarEnd, end: c.pin.scalarEnd, text: ` # ${label}` });
  }
  for (const [former, next] of Object.entries(c.renames ?? {})) {
    const span = c.pin.inputKeys[former];
    if (!span) continue;
    const src = text.slice(span.start, span.end);
    edits.push({ ...span, text: src.replace(former, next) });
  }
  return edits;
}

/** Applies non-overlapping edits. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let out = text;
  let limit = Infinity;
  for (const e of sorted) {
    if (e.end > limit) throw new Error(`overlapping edits at offset ${e.start}`);
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    limit = e.start;
  }
  return out;
}
