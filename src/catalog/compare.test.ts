import { describe, expect, it } from 'vitest';
import { applyDiff, describeDiff, diffComponent } from './compare.js';
import type { ComponentContract } from './contract.js';

const c = (inputs: ComponentContract['inputs'], deprecated?: ComponentContract['deprecated']): ComponentContract =>
  deprecated ? { inputs, deprecated } : { inputs };
const levels = (a: ComponentContract | undefined, b: ComponentContract | undefined, renames = {}) => {
  const d = diffComponent(a, b, renames);
  return d ? describeDiff('x', a, d).map((ch) => `${ch.level}: ${ch.text}`) : [];
};

describe('compare', () => {
  it(
    'conditional rules: a change is breaking (the toolkit cannot build input rules yet, so this is ' +
      'checked on contracts)',
    () => {
      const rule = (opts: string[]) => [
        { if: '$[[ inputs.mode ]] == "a"', options: opts, default: 's' },
        { options: ['s', 'm'], default: 'm' },
      ];
      const a = c({ size: { type: 'string', required: false, rules: rule(['s', 'm']) } });
      const b = c({ size: { type: 'string', required: false, rules: rule(['s']) } });
      expect(levels(a, b)).toEqual([
        'major: input `size`: conditional rules changed (they may narrow the allowed values)',
      ]);
    },
  );

  it('an array input: options on items, and an unchanged contract is no change', () => {
    const a = c({ list: { type: 'array', required: false, default: ['a'], options: ['a', 'b'] } });
    expect(levels(a, a)).toEqual([]);
    expect(levels(a, c({ list: { type: 'array', required: false, default: ['a'], options: ['a'] } }))).toEqual([
      'major: input `list`: option `b` removed',
    ]);
  });

  it('a rename needs the former name to be gone; otherwise it is an added input', () => {
    const a = c({ old: { type: 'string', required: false, default: 'x' } });
    const both = c({
      old: { type: 'string', required: false, default: 'x' },
      new: { type: 'string', required: false, default: 'x' },
    });
    expect(levels(a, both, { new: 'old' })).toEqual(['minor: new optional input `new` (default `x`)']);
    const renamedAndRequired = c({ new: { type: 'string', required: true } });
    expect(levels(a, renamedAndRequired, { new: 'old' })).toEqual([
      'major: input `old` renamed to `new`',
      'major: input `new` is now required (it had a default)',
    ]);
  });

  it('replaying a diff gives the new contract', () => {
    const a = c({ one: { type: 'string', required: true }, two: { type: 'number', required: false, default: 1 } });
    const b = c(
      {
        uno: { type: 'string', required: true },
        two: { type: 'number', required: false, default: 2 },
        three: { type: 'boolean', required: false, default: true },
      },
      { replacement: 'y' },
    );
    const d = diffComponent(a, b, { uno: 'one' })!;
    expect(applyDiff(a, d)).toEqual(b);
    expect(applyDiff(b, diffComponent(b, a)!)).toEqual(a);
    expect(applyDiff(a, diffComponent(a, undefined)!)).toBeUndefined();
  });
});
