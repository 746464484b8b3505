// `catalog release` in a throwaway git repository: successive definitions, one change at a
// time, each released with the bump it needs; the lower bump is refused with its reasons.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import semver from 'semver';
import { parse as parseYaml } from 'yaml';
import { contractAt, parseHistory } from '../../src/catalog/history.js';
import { inputsAt, parseCatalogIndex } from '../../src/catalog/read.js';
import { planRelease, release } from '../../src/catalog/release.js';
import { ProblemsError } from '../../src/internal/problem.js';
import { lint } from '../../src/validate/lint/index.js';
import { ThrowawayCatalog } from './fixture.js';

const DATE = '2026-01-02';
let cat: ThrowawayCatalog;
const read = (f: string) => readFileSync(join(cat.root, f), 'utf8');

// The definitions, mutated step by step.
const alpha: Record<string, string> = {
  greeting: `input.string({ default: 'hello', options: ['hello', 'hi'], description: 'Greeting.' })`,
  target: `input.string({ regex: '^[a-z]+$', example: 'world', description: 'Who to greet.' })`,
  count: `input.number({ default: 1, description: 'How many times.' })`,
  mode: `input.string({ default: 'fast', description: 'Mode.' })`,
};
const beta: Record<string, string> = { level: `input.string({ default: 'info', description: 'Log level.' })` };
let betaDeprecated: string | undefined;
let withBeta = true;
let withGamma = false;

function define(): void {
  cat.component('alpha', { inputs: alpha });
  if (withBeta) cat.component('beta', { inputs: beta, deprecated: betaDeprecated });
  else cat.remove('components/beta');
  if (withGamma) cat.component('gamma', { inputs: { size: `input.number({ default: 3, description: 'Size.' })` } });
  cat.commit('change the definitions');
}

async function refusal(target: string): Promise<string> {
  try {
    await planRelease({ root: cat.root, target, date: DATE });
  } catch (e) {
    if (e instanceof ProblemsError) return e.problems.map((p) => `${p.message} (fix: ${p.fix}) [${p.code}]`).join('\n');
    throw e;
  }
  throw new Error(`release ${target} was not refused`);
}

async function released(target: string) {
  const out = await release({ root: cat.root, target, date: DATE });
  return {
    version: out.plan.version,
    required: out.plan.required,
    changes: out.plan.changes.map((c) => `${c.level} ${c.component}: ${c.text}`),
  };
}

beforeAll(() => {
  cat = new ThrowawayCatalog();
});
afterAll(() => cat.dispose());

describe('catalog release in a throwaway repository', () => {
  it('records the first release: history, changelog, catalog.yml, docs pinned, commit and annotated tag', async () => {
    define();
    const r = await released('minor');
    expect(r).toEqual({ version: '0.1.0', required: 'initial', changes: [] });
    expect(cat.git('log', '-1', '--format=%s')).toBe('Release 0.1.0\n');
    expect(cat.git('status', '--porcelain')).toBe('');
    expect(cat.git('cat-file', '-t', '0.1.0')).toBe('tag\n');
    expect(cat.git('rev-parse', '0.1.0^{commit}')).toBe(cat.git('rev-parse', 'HEAD'));
    const message = cat.git('tag', '-l', '--format=%(contents)', '0.1.0');
    expect(message.trimEnd()).toBe(`Release 0.1.0

## 0.1.0 (2026-01-02)

First release. Components:

- \`alpha\`: 6 inputs; include \`$CI_SERVER_FQDN/acme/tools/alpha@0.1.0\`
- \`beta\`: 3 inputs; include \`$CI_SERVER_FQDN/acme/tools/beta@0.1.0\``);
    const h = parseHistory(read('catalog.history.yml'));
    expect(h.releases).toHaveLength(1);
    expect(h.releases[0]).toMatchObject({ version: '0.1.0', date: DATE, bump: 'initial', notes: '' });
    expect(h.releases[0]!.components.alpha!.added!.target).toEqual({
      type: 'string',
      required: true,
      regex: '^[a-z]+$',
    });
    expect(read('docs/components/alpha.md')).toContain('component: $CI_SERVER_FQDN/acme/tools/alpha@0.1.0');
    expect(read('README.md')).toContain('component: $CI_SERVER_FQDN/acme/tools/alpha@0.1.0');
    expect(read('CHANGELOG.md')).toContain('## 0.1.0 (2026-01-02)');
    const index = parseCatalogIndex(read('catalog.yml'));
    expect(index.version).toBe('0.1.0');
    expect(index.releases).toEqual([{ version: '0.1.0', date: DATE, bump: 'initial', notes: '' }]);
  });

  it('patch: a changed default', async () => {
    alpha.count = `input.number({ default: 2, description: 'How many times.' })`;
    define();
    expect(await released('patch')).toEqual({
      version: '0.1.1',
      required: 'patch',
      changes: ['patch alpha: input `count`: default changed from `1` to `2`'],
    });
  });

  it('patch: a description or job change only', async () => {
    alpha.mode = `input.string({ default: 'fast', description: 'How fast to run.' })`;
    define();
    expect(await released('patch')).toEqual({ version: '0.1.2', required: 'patch', changes: [] });
    expect(read('CHANGELOG.md')).toContain("## 0.1.2 (2026-01-02)\n\nNo change to any component's inputs.");
  });

  it('minor: a new optional input; a patch is refused with the reason and the fix', async () => {
    alpha.color = `input.string({ default: 'red', description: 'Colour.' })`;
    define();
    expect(await refusal('patch')).toBe(
      '0.1.3 would claim patch after 0.1.2, but the inputs changed in a way that needs a minor release (0.2.0 or ' +
        'later):\n  - alpha: new optional input `color` (default `red`) (fix: run `catalog release minor` ' +
        '(0.2.0), or undo the changes listed) [release-bump]',
    );
    expect(await refusal('0.1.3')).toContain('needs a minor release (0.2.0 or later)');
    expect(await released('minor')).toEqual({
      version: '0.2.0',
      required: 'minor',
      changes: ['minor alpha: new optional input `color` (default `red`)'],
    });
  });

  it('minor: a new component', async () => {
    withGamma = true;
    define();
    expect(await refusal('patch')).toContain('needs a minor release');
    expect(await released('minor')).toEqual({
      version: '0.3.0',
      required: 'minor',
      changes: ['minor gamma: new component `gamma`'],
    });
  });

  it('minor: widened options', async () => {
    alpha.greeting = `input.string({ default: 'hello', options: ['hello', 'hi', 'hey'], description: 'Greeting.' })`;
    define();
    expect(await refusal('patch')).toContain('needs a minor release');
    expect(await released('minor')).toEqual({
      version: '0.4.0',
      required: 'minor',
      changes: ['minor alpha: input `greeting`: option `hey` added'],
    });
  });

  it('minor: a deprecated input, shown in the template, the docs and catalog.yml', async () => {
    alpha.mode =
      `input.string({ default: 'fast', description: 'How fast to run.', deprecated: { replacement: ` +
      `'color', note: 'removed in 2.0' } })`;
    define();
    expect(await refusal('patch')).toContain('needs a minor release');
    expect(await released('minor')).toEqual({
      version: '0.5.0',
      required: 'minor',
      changes: ['minor alpha: input `mode` is deprecated: use the `color` input instead; removed in 2.0'],
    });
    expect(read('templates/alpha/template.yml')).toContain(
      'description: "Deprecated: use the `color` input instead; removed in 2.0. How fast to run."',
    );
    expect(read('docs/components/alpha.md')).toContain(
      '| `mode` | string | no | `fast` |  | Deprecated: use the `color` input instead; removed in 2.0. How ' +
        'fast to run. |',
    );
    const index = parseYaml(read('catalog.yml')) as {
      components: Array<{ name: string; inputs: Record<string, { deprecated?: unknown }> }>;
    };
    expect(index.components.find((c) => c.name === 'alpha')!.inputs.mode!.deprecated).toEqual({
      replacement: 'color',
      note: 'removed in 2.0',
    });
    // A consumer of 0.5.0 who sets it is warned by the linter; one who does not is not.
    const consumer = (inputs: string) => {
      cat.write(
        'consumer.yml',
        `include:\n  - component: $CI_SERVER_FQDN/acme/tools/alpha@0.5.0\n    inputs:\n      target: world\n${inputs}`,
      );
      const [r] = lint(['consumer.yml'], { cwd: cat.root, projectPath: 'acme/tools' });
      cat.remove('consumer.yml');
      return r!.problems.map((p) => `${p.severity} ${p.message} [${p.code}]`);
    };
    expect(consumer('      mode: slow\n')).toEqual([
      'warning `gitlab.com/acme/tools/alpha@0.5.0`: input `mode` is deprecated: use the `color` input instead; ' +
        'removed in 2.0 [deprecated-input]',
    ]);
    expect(consumer('      color: blue\n')).toEqual([]);
  });

  it('minor: a deprecated component', async () => {
    betaDeprecated = `{ replacement: 'gamma' }`;
    define();
    expect(await refusal('patch')).toContain('needs a minor release');
    expect(await released('minor')).toEqual({
      version: '0.6.0',
      required: 'minor',
      changes: ['minor beta: component `beta` is deprecated: use the `gamma` component instead'],
    });
    expect(read('docs/components/beta.md')).toContain('> **Deprecated**: use the `gamma` component instead.');
    cat.write('consumer.yml', 'include:\n  - component: $CI_SERVER_FQDN/acme/tools/beta@0.6.0\n');
    const [r] = lint(['consumer.yml'], { cwd: cat.root, projectPath: 'acme/tools' });
    cat.remove('consumer.yml');
    expect(r!.problems.map((p) => `${p.severity} ${p.message} [${p.code}]`)).toEqual([
      'warning `gitlab.com/acme/tools/beta@0.6.0`: the component is deprecated: use the `gamma` component ' +
        'instead [deprecated-component]',
    ]);
  });

  it('patch: an input no longer deprecated', async () => {
    alpha.mode = `input.string({ default: 'fast', description: 'How fast to run.' })`;
    define();
    expect(await released('patch')).toEqual({
      version: '0.6.1',
      required: 'patch',
      changes: ['patch alpha: input `mode` is no longer deprecated'],
    });
  });

  it('minor: a required input made optional', async () => {
    alpha.target = `input.string({ default: 'world', regex: '^[a-z]+$', description: 'Who to greet.' })`;
    define();
    expect(await refusal('patch')).toContain('needs a minor release');
    expect(await released('minor')).toEqual({
      version: '0.7.0',
      required: 'minor',
      changes: ['minor alpha: input `target` is now optional (default `world`)'],
    });
  });

  it('minor: a regex removed', async () => {
    alpha.target = `input.string({ default: 'world', description: 'Who to greet.' })`;
    define();
    expect(await released('minor')).toEqual({
      version: '0.8.0',
      required: 'minor',
      changes: ['minor alpha: input `target`: regex `^[a-z]+$` removed'],
    });
  });

  it('minor: the options restriction removed', async () => {
    alpha.greeting = `input.string({ default: 'hello', description: 'Greeting.' })`;
    define();
    expect(await released('minor')).toEqual({
      version: '0.9.0',
      required: 'minor',
      changes: ['minor alpha: input `greeting` is no longer restricted to a list of options'],
    });
  });

  it('major: options where there were none; minor and a lying explicit version are refused', async () => {
    alpha.color = `input.string({ default: 'red', options: ['red', 'blue'], description: 'Colour.' })`;
    define();
    expect(await refusal('minor')).toBe(
      '0.10.0 would claim minor after 0.9.0, but the inputs changed in a way that needs a major release (1.0.0 ' +
        'or later):\n  - alpha: input `color` is now restricted to the options `red`, `blue` (fix: run `catalog ' +
        'release major` (1.0.0), or undo the breaking changes listed) [release-bump]',
    );
    expect(await refusal('0.9.1')).toContain('needs a major release (1.0.0 or later)');
    expect(await released('major')).toEqual({
      version: '1.0.0',
      required: 'major',
      changes: ['major alpha: input `color` is now restricted to the options `red`, `blue`'],
    });
  });

  it('major: narrowed options', async () => {
    alpha.color = `input.string({ default: 'red', options: ['red'], description: 'Colour.' })`;
    define();
    expect(await refusal('minor')).toContain('needs a major release');
    expect(await released('major')).toEqual({
      version: '2.0.0',
      required: 'major',
      changes: ['major alpha: input `color`: option `blue` removed'],
    });
  });

  it('major: a regex added, then changed', async () => {
    alpha.mode = `input.string({ default: 'fast', regex: '^(fast|slow)$', description: 'How fast to run.' })`;
    define();
    expect(await refusal('minor')).toContain('needs a major release');
    expect(await released('major')).toEqual({
      version: '3.0.0',
      required: 'major',
      changes: ['major alpha: input `mode` must now match the regex `^(fast|slow)$`'],
    });
    alpha.mode = `input.string({ default: 'fast', regex: '^(fast|slow|auto)$', description: 'How fast to run.' })`;
    define();
    expect(await refusal('patch')).toContain('needs a major release');
    expect(await released('major')).toEqual({
      version: '4.0.0',
      required: 'major',
      changes: [
        'major alpha: input `mode`: regex changed from `^(fast|slow)$` to `^(fast|slow|auto)$` (it may reject ' +
          'values the old one accepted)',
      ],
    });
  });

  it('major: a changed type', async () => {
    alpha.count = `input.string({ default: '2', description: 'How many times.' })`;
    define();
    expect(await refusal('minor')).toContain('needs a major release');
    const r = await released('major');
    expect(r.version).toBe('5.0.0');
    expect(r.changes).toEqual([
      'major alpha: input `count`: type changed from number to string',
      'patch alpha: input `count`: default changed from `2` to `2`',
    ]);
  });

  it('major: an optional input made required', async () => {
    alpha.color = `input.string({ options: ['red'], example: 'red', description: 'Colour.' })`;
    define();
    expect(await refusal('minor')).toContain('needs a major release');
    expect(await released('major')).toEqual({
      version: '6.0.0',
      required: 'major',
      changes: ['major alpha: input `color` is now required (it had a default)'],
    });
  });

  it('major: a new required input', async () => {
    alpha.region = `input.string({ example: 'eu', description: 'Region.' })`;
    define();
    expect(await refusal('minor')).toContain('needs a major release');
    expect(await released('major')).toEqual({
      version: '7.0.0',
      required: 'major',
      changes: ['major alpha: new required input `region`'],
    });
  });

  it('major: a renamed input, recorded as a rename for upgrades', async () => {
    delete alpha.mode;
    alpha.speed =
      `input.string({ default: 'fast', regex: '^(fast|slow|auto)$', description: 'How fast to run.', ` +
      `formerName: 'mode' })`;
    define();
    expect(await refusal('minor')).toContain('needs a major release');
    expect(await released('major')).toEqual({
      version: '8.0.0',
      required: 'major',
      changes: ['major alpha: input `mode` renamed to `speed`'],
    });
    expect(parseHistory(read('catalog.history.yml')).releases[0]!.components.alpha).toEqual({
      renamed: { speed: 'mode' },
    });
    const index = parseYaml(read('catalog.yml')) as {
      components: Array<{ name: string; inputs: Record<string, { formerName?: string }> }>;
    };
    expect(index.components.find((c) => c.name === 'alpha')!.inputs.speed!.formerName).toBe('mode');
  });

  it('major: a removed input', async () => {
    delete alpha.greeting;
    define();
    expect(await refusal('minor')).toContain('needs a major release');
    expect(await released('major')).toEqual({
      version: '9.0.0',
      required: 'major',
      changes: ['major alpha: input `greeting` removed'],
    });
  });

  it('major: a removed component; a pre-release of the right major is honest', async () => {
    withBeta = false;
    define();
    expect(await refusal('minor')).toContain('  - beta: component `beta` removed');
    expect(await released('10.0.0-rc.1')).toEqual({
      version: '10.0.0-rc.1',
      required: 'major',
      changes: ['major beta: component `beta` removed'],
    });
    const index = parseYaml(read('catalog.yml')) as {
      components: Array<{ name: string }>;
      removedComponents: Array<{ name: string; versions: Array<{ version: string; status?: string }> }>;
    };
    expect(index.components.map((c) => c.name)).toEqual(['alpha', 'gamma']);
    expect(index.removedComponents.map((c) => [c.name, c.versions.map((v) => v.version)])).toEqual([
      ['beta', ['10.0.0-rc.1', '0.6.0', '0.1.0']],
    ]);
  });

  it('the changelog lists every release newest first, breaking changes first', async () => {
    alpha.extra = `input.string({ default: 'x', description: 'Extra.' })`;
    delete alpha.target;
    define();
    await release({ root: cat.root, target: 'major', date: DATE, notes: 'Drops `target`; adds `extra`.' });
    const changelog = read('CHANGELOG.md');
    expect(changelog.indexOf('## 10.0.0 (2026-01-02)')).toBeLessThan(changelog.indexOf('## 10.0.0-rc.1'));
    expect(changelog).toContain(`## 10.0.0 (2026-01-02)

Drops \`target\`; adds \`extra\`.

### Breaking changes

- \`alpha\`: input \`target\` removed

### New

- \`alpha\`: new optional input \`extra\` (default \`x\`)
`);
    expect(cat.git('tag', '-l', '--format=%(contents)', '10.0.0')).toContain(
      '### Breaking changes\n\n- `alpha`: input `target` removed',
    );
  });

  it(
    'every tag exists, annotated, on its release commit, and catalog.yml at each tag tells that ' + "version's inputs",
    () => {
      const tags = cat.git('tag', '--list').trim().split('\n').sort(semver.compare);
      expect(tags).toEqual([
        '0.1.0',
        '0.1.1',
        '0.1.2',
        '0.2.0',
        '0.3.0',
        '0.4.0',
        '0.5.0',
        '0.6.0',
        '0.6.1',
        '0.7.0',
        '0.8.0',
        '0.9.0',
        '1.0.0',
        '2.0.0',
        '3.0.0',
        '4.0.0',
        '5.0.0',
        '6.0.0',
        '7.0.0',
        '8.0.0',
        '9.0.0',
        '10.0.0-rc.1',
        '10.0.0',
      ]);
      const history = parseHistory(read('catalog.history.yml'));
      for (const tag of tags) {
        expect(cat.git('cat-file', '-t', tag)).toBe('tag\n');
        expect(cat.git('log', '-1', '--format=%s', tag)).toBe(`Release ${tag}\n`);
        const atTag = parseCatalogIndex(cat.git('show', `${tag}:catalog.yml`));
        expect(atTag.version).toBe(tag);
        for (const name of ['alpha', 'beta', 'gamma']) {
          expect(inputsAt(atTag, name, tag)).toEqual(contractAt(history, tag)[name]?.inputs);
        }
      }
    },
  );

  it('refuses: a version already released, a non-semantic version, an older version, a dirty tree', async () => {
    expect(await refusal('10.0.0')).toBe(
      '10.0.0 is already recorded in catalog.history.yml (fix: to tag that recorded release, run `catalog ' +
        'release 10.0.0 --tag-only`; to release new changes, pick a newer version) [release-recorded]',
    );
    expect(await refusal('11.0')).toBe(
      '"11.0": Semver must follow semantic version (fix: give MAJOR.MINOR.PATCH (e.g. 1.4.0, 2.0.0-rc.1) or one ' +
        'of major, minor, patch) [release-version]',
    );
    expect(await refusal('9.5.0')).toBe(
      '9.5.0 is not newer than the last release 10.0.0 (fix: release a version after 10.0.0, e.g. `catalog ' +
        'release patch` (10.0.1)) [release-version]',
    );
    cat.write('components/alpha/component.ts', read('components/alpha/component.ts').replace("'Extra.'", "'More.'"));
    await expect(release({ root: cat.root, target: 'patch', date: DATE })).rejects.toThrow(
      'the working tree has uncommitted changes: components/alpha/component.ts',
    );
    cat.git('checkout', '--', '.');
  });
});
