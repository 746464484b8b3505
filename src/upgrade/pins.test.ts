import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyEdits, pinEdits } from './edit.js';
import { parseAddress, refKind, scanPins } from './pins.js';

const dir = mkdtempSync(join(tmpdir(), 'pins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (files: Record<string, string>) => {
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), t);
  }
};

describe('pins', () => {
  it('names every reference form as GitLab does', () => {
    expect(
      [
        '1.2.3',
        'v1.2.3',
        '1.2.0-rc.1',
        '1.2',
        '1',
        '~latest',
        'a'.repeat(40),
        'abc1234',
        'main',
        'release/1.x',
        '$REF',
      ].map(refKind),
    ).toEqual([
      'exact',
      'exact',
      'exact',
      'partial',
      'partial',
      'latest',
      'sha',
      'sha',
      'branch',
      'branch',
      'variable',
    ]);
    expect(parseAddress('$CI_SERVER_FQDN/a/b/c/comp@1.0.0', 'gitlab.example.com')).toEqual({
      host: '$CI_SERVER_FQDN',
      server: 'gitlab.example.com',
      project: 'a/b/c',
      component: 'comp',
      ref: '1.0.0',
    });
    expect(parseAddress('${CI_SERVER_HOST}/a/b/comp@1', 'gitlab.example.com:8443')).toMatchObject({
      server: 'gitlab.example.com',
      project: 'a/b',
    });
    expect(parseAddress('gitlab.com/comp@1', 'gitlab.com')).toBeUndefined();
  });

  it('follows local includes (string, local:, globs), in header files too, and reports YAML it cannot read', () => {
    write({
      '.gitlab-ci.yml': 'include:\n  - ci/a.yml\n  - local: /ci/more/*.yml\n  - remote: https://example.com/x.yml\n',
      'ci/a.yml':
        'spec:\n  inputs:\n    v: { default: "1" }\n---\ninclude:\n  component: $CI_SERVER_FQDN/g/p/one@1.0.0\n',
      'ci/more/b.yml':
        'include:\n  - component: gitlab.example.com/g/p/two@~latest # a comment\n    inputs: { x: 1 }\n',
      'ci/more/broken.yml': 'include: [\n',
    });
    const r = scanPins([], { root: dir, serverFqdn: 'gitlab.example.com' });
    expect(r.files.flatMap((f) => f.pins.map((p) => `${p.file}:${p.line} ${p.component}@${p.ref} ${p.kind}`))).toEqual([
      'ci/a.yml:6 one@1.0.0 exact',
      'ci/more/b.yml:2 two@~latest latest',
    ]);
    expect(r.problems).toEqual([
      {
        file: 'ci/more/broken.yml',
        line: 2,
        message: expect.stringMatching(/^is not valid YAML: /),
        fix: 'fix the YAML (`catalog lint` shows where); its pins were not read',
      },
    ]);
    const b = r.files.find((f) => f.file === 'ci/more/b.yml')!;
    expect(b.pins[0]!.comment).toMatchObject({ text: '# a comment', version: undefined });
    expect(b.pins[0]!.inputs).toEqual({ x: 1 });
  });

  it('edits only the reference, the SHA comment and renamed keys', () => {
    const sha = 'b'.repeat(40);
    const text =
      `include:\n  - component: "$CI_SERVER_FQDN/g/p/c@${'a'.repeat(40)}"  #  pinned v1.0.0 for ` +
      `now\n    inputs: { old-name: 1, keep: 2 }\n`;
    write({ 'x.yml': text });
    const pin = scanPins(['x.yml'], { root: dir, serverFqdn: 'h' }).files[0]!.pins[0]!;
    const out = applyEdits(
      text,
      pinEdits(text, { pin, ref: sha, version: '1.2.0', tag: '1.2.0', renames: { 'old-name': 'new-name' } }),
    );
    expect(out).toBe(
      `include:\n  - component: "$CI_SERVER_FQDN/g/p/c@${sha}"  #  pinned v1.2.0 for now\n    inputs: { ` +
        `new-name: 1, keep: 2 }\n`,
    );
  });
});
