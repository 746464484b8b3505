// The inputs diff between two versions of a component, as a consumer reads it: what they must
// change in their include. Breaking: a removed or renamed input, a new required input, an input
// made required, a changed type, fewer options, a new or changed regex.
import type { ComponentVersion, InputView } from './model.js';

export type DiffKind = 'added' | 'removed' | 'renamed' | 'changed';

export interface InputDiff {
  readonly input: string;
  readonly kind: DiffKind;
  readonly breaking: boolean;
  /** What changed, in words. */
  readonly details: readonly string[];
  /** The input's former name, for a rename. */
  readonly from?: string;
}

type Inputs = Pick<ComponentVersion, 'inputs'>;

/**
 * Self-contained (no imports, no module-level helpers): the static site ships this very function
 * to the browser (its source text), so the page's diff and `catalog diff` cannot disagree.
 */
export function diffInputs(from: Inputs, to: Inputs): InputDiff[] {
  const show = (v: unknown): string => JSON.stringify(v) ?? 'none';
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const changes = (a: InputView, b: InputView): { breaking: boolean; details: string[] } => {
    const details: string[] = [];
    let breaking = false;
    const add = (text: string, breaks = false): void => {
      details.push(text);
      breaking = breaking || breaks;
    };
    if (a.type !== b.type) add(`type ${a.type} → ${b.type}`, true);
    if (!a.required && b.required) add('now required (no default)', true);
    if (a.required && !b.required) add(`now optional (default ${show(b.default)})`);
    if (!a.required && !b.required && !same(a.default, b.default))
      add(`default ${show(a.default)} → ${show(b.default)}`);
    if (!same(a.options, b.options)) {
      const gone = (a.options ?? []).filter((o) => !(b.options ?? []).some((x) => same(x, o)));
      if (!a.options) add(`now limited to ${(b.options ?? []).map(show).join(', ')}`, true);
      else if (!b.options) add('no longer limited to options');
      else add(`options ${a.options.map(show).join(', ')} → ${b.options.map(show).join(', ')}`, gone.length > 0);
    }
    if (a.regex !== b.regex)
      add(
        b.regex === undefined ? 'regex removed' : `regex ${a.regex === undefined ? 'added' : 'changed'}: ${b.regex}`,
        b.regex !== undefined,
      );
    if (!a.deprecated && b.deprecated) add(`deprecated: ${b.deprecated}`);
    return { breaking, details };
  };
  const before = new Map(from.inputs.map((i) => [i.name, i]));
  const after = new Map(to.inputs.map((i) => [i.name, i]));
  const out: InputDiff[] = [];
  const renamedFrom = new Set<string>();
  for (const b of to.inputs) {
    const old = before.get(b.name);
    if (old) {
      const c = changes(old, b);
      if (c.details.length) out.push({ input: b.name, kind: 'changed', ...c });
    } else if (b.formerName && before.has(b.formerName) && !after.has(b.formerName)) {
      renamedFrom.add(b.formerName);
      const c = changes(before.get(b.formerName)!, b);
      out.push({
        input: b.name,
        kind: 'renamed',
        from: b.formerName,
        breaking: true,
        details: [`renamed from ${b.formerName}`, ...c.details],
      });
    } else {
      out.push({
        input: b.name,
        kind: 'added',
        breaking: b.required,
        details: [b.required ? 'new required input' : `new optional input (default ${show(b.default)})`],
      });
    }
  }
  for (const a of from.inputs) {
    if (!after.has(a.name) && !renamedFrom.has(a.name))
      out.push({ input: a.name, kind: 'removed', breaking: true, details: ['delete it from your include'] });
  }
  const order = ['removed', 'renamed', 'changed', 'added'];
  return out.sort(
    (x, y) =>
      Number(y.breaking) - Number(x.breaking) ||
      order.indexOf(x.kind) - order.indexOf(y.kind) ||
      (x.input < y.input ? -1 : x.input > y.input ? 1 : 0),
  );
}
