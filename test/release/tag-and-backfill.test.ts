// Recording a release without a tag and tagging it later; rebuilding the history from tags.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseHistory } from '../../src/catalog/history.js';
import { checkRecorded, planRelease, release, tagRecorded } from '../../src/catalog/release.js';
import { ProblemsError } from '../../src/internal/problem.js';
import { ThrowawayCatalog } from './fixture.js';

const DATE = '2026-01-02';
const greeting = (def: string) => ({
  inputs: { greeting: `input.string({ default: '${def}', description: 'Greeting.' })` },
});
let cat: ThrowawayCatalog;
afterEach(() => cat.dispose());

describe('--no-tag, then --tag-only', () => {
  it('tags the commit that recorded the release, even after later commits, with the changelog section', async () => {
    cat = new ThrowawayCatalog();
    cat.component('alpha', greeting('hello'));
    cat.commit('alpha');
    const out = await release({ root: cat.root, target: '0.1.0', date: DATE, tag: false });
    expect(out.tagged).toBe(false);
    expect(cat.git('tag', '--list')).toBe('');
    const recording = cat.git('rev-parse', 'HEAD').trim();
    cat.component('alpha', greeting('hi'));
    cat.commit('a later change');
    expect((await checkRecorded(cat.root, '0.1.0'))[0]?.message).toBe(
      'the definitions at this commit differ from what 0.1.0 recorded: alpha: input `greeting`: default changed ' +
        'from `hello` to `hi`',
    );
    const tagged = tagRecorded(cat.root, '0.1.0');
    expect(tagged.commit).toBe(recording);
    expect(cat.git('rev-parse', '0.1.0^{commit}').trim()).toBe(recording);
    expect(cat.git('cat-file', '-t', '0.1.0')).toBe('tag\n');
    expect(cat.git('tag', '-l', '--format=%(contents)', '0.1.0')).toContain(
      '## 0.1.0 (2026-01-02)\n\nFirst release. Components:',
    );
    expect(() => tagRecorded(cat.root, '0.1.0')).toThrow('tag 0.1.0 already exists');
    expect(() => tagRecorded(cat.root, '0.2.0')).toThrow('0.2.0 is not recorded in catalog.history.yml');
    cat.git('checkout', '--quiet', '0.1.0');
    expect(await checkRecorded(cat.root, '0.1.0')).toEqual([]);
  });
});

describe('no history file: backfilled from the semver tags', () => {
  it('rebuilds every tagged version from its templates and decides the next bump against the newest tag', async () => {
    cat = new ThrowawayCatalog();
    // Releases made by hand, without the command: only tags and templates.
    cat.write(
      'templates/alpha/template.yml',
      'spec:\n  inputs:\n    stage:\n      default: test\n    greeting:\n      default: hello\n      options: ' +
        '[hello, hi]\n---\nalpha:\n  stage: $[[ inputs.stage ]]\n  script:\n    - echo "$[[ inputs.greeting ]]"\n',
    );
    cat.write(
      'templates/old.yml',
      'spec:\n  inputs:\n    stage:\n      default: test\n---\nold:\n  stage: $[[ inputs.stage ]]\n  ' +
        'script: [echo old]\n',
    );
    cat.commit('first');
    cat.git('tag', '-a', '1.0.0', '-m', 'first');
    cat.write(
      'templates/alpha/template.yml',
      'spec:\n  inputs:\n    stage:\n      default: test\n    greeting:\n      default: hello\n      options: ' +
        '[hello, hi, hey]\n---\nalpha:\n  stage: $[[ inputs.stage ]]\n  script:\n    - echo "$[[ inputs.greeting ]]"\n',
    );
    cat.git('add', '-A');
    cat.git('commit', '--quiet', '-m', 'second');
    cat.git('tag', 'v1.1.0');
    cat.git('tag', 'not-a-version');
    // Now the catalog adopts the toolkit: definitions replace the hand-written templates.
    cat.remove('templates');
    cat.component('alpha', {
      inputs: {
        greeting: `input.string({ default: 'hello', options: ['hello', 'hi', 'hey'], description: 'Greeting.' })`,
      },
    });
    cat.commit('adopt the toolkit');
    expect(existsSync(join(cat.root, 'catalog.history.yml'))).toBe(false);

    const p = await planRelease({ root: cat.root, target: 'major', date: DATE });
    expect(p.backfilled).toBe(true);
    expect(p.previous).toBe('v1.1.0');
    // The component `old` is gone, and `alpha` gained the `job-name` input.
    expect(p.required).toBe('major');
    expect(p.changes.map((c) => `${c.level} ${c.component}: ${c.text}`)).toEqual([
      'major old: component `old` removed',
      'minor alpha: new optional input `job-name` (default `alpha`)',
    ]);
    await expect(planRelease({ root: cat.root, target: 'minor', date: DATE })).rejects.toThrow(
      'needs a major release (2.0.0 or later)',
    );

    const out = await release({ root: cat.root, target: 'major', date: DATE });
    expect(out.plan.version).toBe('2.0.0');
    const h = parseHistory(readFileSync(join(cat.root, 'catalog.history.yml'), 'utf8'));
    expect(h.releases.map((r) => [r.version, r.bump])).toEqual([
      ['2.0.0', 'major'],
      ['v1.1.0', 'minor'],
      ['1.0.0', 'initial'],
    ]);
    expect(h.releases[1]!.components).toEqual({
      alpha: {
        changed: { greeting: { type: 'string', required: false, default: 'hello', options: ['hello', 'hi', 'hey'] } },
      },
    });
    expect(h.releases[2]!.components.old).toEqual({
      status: 'added',
      added: { stage: { type: 'string', required: false, default: 'test' } },
    });
  });

  it('refuses a minor over the backfilled history when the change is breaking', async () => {
    cat = new ThrowawayCatalog();
    cat.write(
      'templates/alpha.yml',
      'spec:\n  inputs:\n    stage:\n      default: test\n    job-name:\n      default: alpha\n    ' +
        'greeting:\n      default: hello\n---\nalpha:\n  stage: $[[ inputs.stage ]]\n  script: [echo hi]\n',
    );
    cat.commit('first');
    cat.git('tag', '0.3.0');
    cat.remove('templates');
    cat.component('alpha', { inputs: {} });
    cat.commit('drop greeting');
    const e = await planRelease({ root: cat.root, target: 'minor', date: DATE }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProblemsError);
    expect((e as ProblemsError).problems[0]!.message).toBe(
      '0.4.0 would claim minor after 0.3.0, but the inputs changed in a way that needs a major release (1.0.0 or ' +
        'later):\n  - alpha: input `greeting` removed',
    );
  });
});
