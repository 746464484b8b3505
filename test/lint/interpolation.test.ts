// GitLab's interpolation semantics (lib/gitlab/ci/config/interpolation/*.rb and their specs).
import { describe, expect, it } from 'vitest';
import { evaluateBlock, interpolate, interpolateContent } from '../../src/gitlab/interpolation.js';
import { ProblemsError } from '../../src/internal/problem.js';

const ctx = {
  inputs: { name: 'world', n: 3, flag: true, list: ['a', 'b'], servers: [{ host: 'h1' }], path: "it's a $(test)" },
  variables: { CI_DEFAULT_BRANCH: 'main' },
};

describe('interpolation as GitLab does it', () => {
  it('a block that is the whole scalar keeps its type; embedded blocks become text', () => {
    expect(
      interpolate(
        {
          a: '$[[ inputs.n ]]',
          b: '$[[ inputs.flag ]]',
          c: '$[[ inputs.list ]]',
          d: 'n=$[[ inputs.n ]]',
          e: 'l=$[[ inputs.list ]]',
        },
        ctx,
      ),
    ).toEqual({ a: 3, b: true, c: ['a', 'b'], d: 'n=3', e: 'l=["a", "b"]' });
    expect(interpolate({ x: '$[[ inputs.name ]]-$[[ inputs.name ]]' }, ctx)).toEqual({ x: 'world-world' });
  });

  it('interpolates keys and leaves $[[ matrix.* ]] for parallel:matrix', () => {
    expect(interpolate({ 'job-$[[ inputs.name ]]': { script: 'echo $[[ matrix.ARCH ]]' } }, ctx)).toEqual({
      'job-world': { script: 'echo $[[ matrix.ARCH ]]' },
    });
  });

  it('functions: truncate, expand_vars, posix_escape, split, array indexing', () => {
    expect(evaluateBlock('inputs.name | truncate(1,3)', ctx)).toBe('orl');
    expect(evaluateBlock('inputs.name | truncate(9,3)', ctx)).toBe('');
    expect(evaluateBlock('inputs.name | truncate(0,3) | truncate(1,1)', ctx)).toBe('o');
    expect(
      evaluateBlock('inputs.b | expand_vars', {
        ...ctx,
        inputs: { b: 'on-$CI_DEFAULT_BRANCH-${CI_DEFAULT_BRANCH}-$UNKNOWN' },
      }),
    ).toBe('on-main-main-$UNKNOWN');
    expect(evaluateBlock('inputs.path | posix_escape', ctx)).toBe("it\\'s\\ a\\ \\$\\(test\\)");
    expect(evaluateBlock('inputs.e | posix_escape', { inputs: { e: '' } })).toBe("''");
    expect(evaluateBlock("inputs.s | split(',')", { inputs: { s: 'a, b ,,c' } })).toEqual(['a', 'b', 'c']);
    expect(evaluateBlock('inputs.list[1]', ctx)).toBe('b');
    expect(evaluateBlock('inputs.servers[0].host', ctx)).toBe('h1');
  });

  it("errors carry GitLab's texts", () => {
    const err = (data: string) => {
      try {
        evaluateBlock(data, ctx);
        return 'no error';
      } catch (e) {
        expect(e).toBeInstanceOf(ProblemsError);
        return (e as Error).message;
      }
    };
    expect(err('inputs.n | truncate(0,1)')).toBe(
      'error in `truncate` function: invalid input type: truncate can only be used with string inputs',
    );
    expect(err('inputs.n | expand_vars')).toBe(
      'error in `expand_vars` function: invalid input type: expand_vars can only be used with string inputs',
    );
    expect(err("inputs.name | split('')")).toBe(
      'error in `split` function: invalid argument: separator cannot be empty',
    );
    expect(err("inputs.name | split(',') | truncate(0,1)")).toBe(
      'split() must be the last function in a chain (it returns an array, not a string)',
    );
    expect(err('inputs.name | a | b | c | d')).toBe('too many functions in interpolation block');
    expect(err('inputs.name | shout')).toBe(
      'no function matching `shout`: check that the function name, arguments, and types are correct',
    );
    expect(err('inputs.nope')).toBe('unknown interpolation key: `nope`');
    expect(err('inputs')).toBe('invalid interpolation access pattern');
    expect(err('component.name')).toBe('unknown interpolation key: `component`');
    expect(err(`inputs.${'x'.repeat(1100)}`)).toBe('maximum interpolation expression size exceeded');
  });

  it('stops at the first invalid block and limits blocks and node size', () => {
    expect(interpolateContent({ a: '$[[ inputs.one ]]', b: '$[[ inputs.two ]]' }, ctx).errors).toEqual([
      'unknown interpolation key: `one`',
    ]);
    const many = Object.fromEntries(
      Array.from({ length: 10_001 }, (_, i) => [`k${i}`, `$[[ inputs.name | truncate(0,${i}) ]]`]),
    );
    expect(interpolateContent(many, ctx).errors).toEqual(['too many interpolation blocks']);
    expect(interpolateContent({ big: `$[[ inputs.name ]]${'x'.repeat(1024 * 1024)}` }, ctx).errors).toEqual([
      'config node too large',
    ]);
  });
});
