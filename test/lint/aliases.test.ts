// YAML aliases are shared, not copied: a document is read in one pass, and the limits GitLab puts
// on the expanded document (size, depth 100) refuse alias and merge-key bombs before anything walks them.
import { describe, expect, it } from 'vitest';
import { validateEntries } from '../../src/gitlab/entries/index.js';
import { resolveMerge } from '../../src/gitlab/merge.js';
import { MAX_DEPTH, parseCi } from '../../src/gitlab/yaml.js';

/** The content, or the first problem's message as an error so the cases read as expectations. */
const parse = (text: string) => {
  const r = parseCi('aliases.yml', text);
  if (!r.ok) throw Object.assign(new Error(r.problems[0]!.message), { line: r.problems[0]!.line });
  return r.value.content as Record<string, unknown>;
};

describe('YAML aliases', () => {
  it('an alias is the anchored value, and later anchors with the same name replace earlier ones', () => {
    const doc = parse('a: &x [1, 2]\nb: *x\nc: &x {k: v}\nd: *x\n');
    expect(doc).toEqual({ a: [1, 2], b: [1, 2], c: { k: 'v' }, d: { k: 'v' } });
  });

  it('merge keys: explicit keys win, earlier sources win over later ones', () => {
    const doc = parse('.a: &a {x: 1, y: 1}\n.b: &b {y: 2, z: 2}\njob:\n  <<: [*a, *b]\n  x: 0\n');
    expect(doc.job).toEqual({ x: 0, y: 1, z: 2 });
  });

  it('a merge-key chain that merges the same map many times is as small as its keys (GitLab accepts it)', () => {
    const lines = ['b0: &b0 {k: v, j: w}'];
    for (let i = 1; i < 40; i++)
      lines.push(
        `b${i}: &b${i}\n  <<: [${Array(10)
          .fill(`*b${i - 1}`)
          .join(', ')}]`,
      );
    expect(parse(lines.join('\n')).b39).toEqual({ k: 'v', j: 'w' });
  });

  it('an alias bomb is refused by its expanded size, with the line of the node that crosses it', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    expect(() => parse(lines.join('\n'))).toThrow(
      /^config too large: more than 500000 YAML nodes after expanding aliases$/,
    );
    try {
      parse(lines.join('\n'));
    } catch (e) {
      expect((e as { line?: number }).line).toBeGreaterThan(1);
    }
  });

  it("depth counts through aliases, with GitLab's limit of 100", () => {
    const nested = (n: number) => `${'['.repeat(n)}x${']'.repeat(n)}`;
    expect(() => parse(`a: ${nested(MAX_DEPTH - 2)}\n`)).not.toThrow();
    expect(() => parse(`a: ${nested(MAX_DEPTH + 1)}\n`)).toThrow(/nested more than 100 levels deep/);
    const half = nested(60);
    expect(() => parse(`a: &deep ${half}\nb: ${'['.repeat(60)}*deep${']'.repeat(60)}\n`)).toThrow(
      /nested more than 100 levels deep/,
    );
  });

  it('an alias inside the node it names is refused, not followed forever', () => {
    expect(() => parse('a: &loop\n  b: *loop\n')).toThrow(/the alias \*loop is inside the node it refers to/);
  });

  it('a `!reference` inside an aliased block resolves in every job that uses the alias', () => {
    const doc = parse(
      [
        '.setup: {script: [echo setup]}',
        '.base: &base {before_script: [!reference [.setup, script], echo base], script: [echo]}',
        'a: *base',
        'b: {<<: *base, stage: build}',
        '',
      ].join('\n'),
    );
    const merged = resolveMerge(doc);
    expect(merged.ok).toBe(true);
    const config = merged.ok ? merged.value : {};
    for (const job of ['a', 'b'])
      expect((config[job] as Record<string, unknown>).before_script, job).toEqual([['echo setup'], 'echo base']);
  });

  it('a wrong value shared through an alias is reported for every job that uses it', () => {
    const doc = parse(
      [
        '.rules: &rules [{if: "$A == "}]',
        '.ok: &ok [{if: "$A == \'x\'"}]',
        'a: {script: [echo], rules: *rules}',
        'b: {script: [echo], rules: *rules}',
        'c: {script: [echo], rules: *ok}',
        'd: {script: [echo], rules: *ok}',
        '',
      ].join('\n'),
    );
    expect(validateEntries(doc).map((e) => e.message)).toEqual([
      'jobs:a:rules:rule if invalid expression syntax',
      'jobs:b:rules:rule if invalid expression syntax',
    ]);
  });
});
