import { describe, expect, it } from 'vitest';
import { pairs } from './lint.js';
import { colorEnabled } from './terminal.js';

describe('--input and --variable values', () => {
  it('inputs are YAML, as in `include: inputs:`', () => {
    expect(
      pairs(['n=3', 'b=true', 'a=[x, y]', 's=hello world', 'q="3"', 'e=', 'm={k: v}', 'd=2024-01-01'], '--input', true),
    ).toEqual({ n: 3, b: true, a: ['x', 'y'], s: 'hello world', q: '3', e: '', m: { k: 'v' }, d: '2024-01-01' });
  });

  it('variables are text, as CI/CD variables always are', () => {
    expect(pairs(['N=3', 'B=true', 'A=[x]'], '--variable', false)).toEqual({ N: '3', B: 'true', A: '[x]' });
  });

  it('a value that is not YAML, or a pair without a name, is refused with the fix', () => {
    expect(() => pairs(['x=[a'], '--input', true)).toThrow(/--input x=\[a: the value is not YAML .*\(fix: quote it/);
    expect(() => pairs(['=v'], '--input', true)).toThrow('--input =v: write it as name=value');
  });
});

describe('colours', () => {
  it('only on a TTY, never with NO_COLOR, forced with FORCE_COLOR', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);
  });
});
