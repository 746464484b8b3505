// Would this consumer's include still work at the target version? GitLab's own input validation
// (the engine's) says whether the include is refused; the current version's spec says why, in
// the consumer's terms: an input it sets was removed, a newly required one it does not set, a type,
// options or regex its value no longer meets, or a changed default it relies on.
import type { SpecInput } from '../model/spec.js';
import { gitlabInputErrors } from './gitlab.js';

export type BlockerKind =
  | 'component-removed'
  | 'removed-input'
  | 'new-required-input'
  | 'type-changed'
  | 'option-not-allowed'
  | 'regex-mismatch'
  | 'default-changed'
  | 'invalid-spec'
  | 'lint';

export interface Blocker {
  readonly kind: BlockerKind;
  readonly input?: string;
  /** What breaks, for this consumer. */
  readonly message: string;
  /** GitLab's own error for the include, when GitLab would refuse it. */
  readonly gitlab?: string;
  readonly fix: string;
}

export interface CompatResult {
  readonly blockers: Blocker[];
  /** Input keys to rewrite: former name -> new name (declared renames only). */
  readonly renames: Readonly<Record<string, string>>;
  /** Defaults that change under the consumer when they were allowed (--allow-default-changes). */
  readonly notes: string[];
}

export interface CompatInput {
  readonly component: string;
  readonly from?: string;
  readonly to: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** The inputs at the current version, when known. */
  readonly current?: Readonly<Record<string, SpecInput | null>>;
  readonly target: Readonly<Record<string, SpecInput | null>>;
  /** Renames declared by the catalog's history between the two versions: new name -> former name. */
  readonly declaredRenames?: Readonly<Record<string, string>>;
  readonly allowDefaultChanges?: boolean;
}

const show = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
const typeOf = (s: SpecInput | null | undefined) => s?.type ?? 'string';
const hasDefault = (s: SpecInput | null | undefined) => !!s && s.default !== undefined;

export function checkCompat(c: CompatInput): CompatResult {
  const renames: Record<string, string> = {};
  for (const [next, former] of Object.entries(c.declaredRenames ?? {})) {
    if (former in c.args && !(former in c.target) && next in c.target && !(next in c.args)) renames[former] = next;
  }
  const args: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.args)) args[renames[k] ?? k] = v;
  const at = `${c.component} ${c.to}`;
  const stay = c.from ? `, or stay on ${c.from}` : '';
  const blockers: Blocker[] = [];
  for (const error of gitlabInputErrors(c.target, args)) {
    const unknown = /^unknown input arguments: (.*)$/.exec(error);
    if (unknown) {
      for (const name of unknown[1]!.split(', ')) {
        const was = c.current && name in c.current;
        blockers.push({
          kind: 'removed-input',
          input: name,
          gitlab: error,
          message:
            `input \`${name}\` ${was || !c.current ? 'was removed' : 'is not declared'} in ${at}, and ` +
            `this include sets it`,
          fix: `remove \`${name}:\` from the include's inputs (check the release notes for its replacement)${stay}`,
        });
      }
      continue;
    }
    const m = /^`([^`]+)` input: (.*)$/.exec(error);
    const name = m?.[1];
    const what = m?.[2] ?? error;
    const spec = name ? c.target[name] : undefined;
    if (name && what === 'required value has not been provided') {
      const wasOptional = c.current && name in c.current ? ' (it was optional)' : ' (new)';
      blockers.push({
        kind: 'new-required-input',
        input: name,
        gitlab: error,
        message: `input \`${name}\` is required in ${at}${wasOptional}, and this include does not set it`,
        fix:
          `set \`${name}:\` in the include's inputs` +
          `${spec?.description ? ` (${spec.description.split('\n')[0]})` : ''}${stay}`,
      });
    } else if (name && /^provided value is not an? /.test(what)) {
      const before = c.current?.[name] ? ` (was ${typeOf(c.current[name])})` : '';
      blockers.push({
        kind: 'type-changed',
        input: name,
        gitlab: error,
        message: `input \`${name}\` is a ${typeOf(spec)} in ${at}${before}; this include passes ${show(args[name])}`,
        fix: `pass a ${typeOf(spec)} for \`${name}\`${stay}`,
      });
    } else if (name && what.includes('not in the list of')) {
      blockers.push({
        kind: 'option-not-allowed',
        input: name,
        gitlab: error,
        message:
          `input \`${name}\` allows only ${(spec?.options ?? []).map(show).join(', ')} in ${at}; this ` +
          `include passes ${show(args[name])}`,
        fix: `choose one of the allowed options for \`${name}\`${stay}`,
      });
    } else if (name && what === 'provided value does not match required RegEx pattern') {
      const value = args[name];
      blockers.push({
        kind: 'regex-mismatch',
        input: name,
        gitlab: error,
        message: `input \`${name}\` must match /${spec?.regex ?? ''}/ in ${at}; this include passes ${show(value)}`,
        fix: `change the value of \`${name}\` to match${stay}`,
      });
    } else {
      blockers.push({
        kind: 'invalid-spec',
        input: name,
        gitlab: error,
        message: `${at} cannot be included: ${error}`,
        fix: `report it to the component's maintainers${stay}`,
      });
    }
  }
  const notes: string[] = [];
  if (c.current) {
    for (const [name, spec] of Object.entries(c.target)) {
      if (name in args) continue;
      const before = c.current[name];
      if (!(name in c.current) || !hasDefault(before) || !hasDefault(spec)) continue;
      if (JSON.stringify(before!.default) === JSON.stringify(spec!.default)) continue;
      const old = before!.default;
      const text =
        `input \`${name}\` defaults to ${show(spec!.default)} in ${at} (was ${show(old)}), ` +
        'and this include relies on the default';
      if (c.allowDefaultChanges) notes.push(text);
      else
        blockers.push({
          kind: 'default-changed',
          input: name,
          message: text,
          fix:
            `set \`${name}: ${typeof old === 'string' ? old : JSON.stringify(old)}\` ` +
            'to keep the old behaviour, or accept the new default with --allow-default-changes',
        });
    }
  }
  return { blockers, renames, notes };
}
