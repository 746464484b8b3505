// The examples are what a consumer copies from the docs page and the catalog: each one must be a
// pipeline GitLab accepts, passing only inputs the components declare, with values of their types
// and patterns, and clean under the catalog's own security rules. Each is linted as a consumer's
// .gitlab-ci.yml that includes this catalog's components at the commit being tested, so the
// linter reads them from the working tree (what is about to be released).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadComponents } from '../src/generate/load.js';
import { lint, lintEnv } from '../src/validate/lint/index.js';

const root = join(import.meta.dirname, '..');
const { components } = await loadComponents(root);
const dir = mkdtempSync(join(tmpdir(), 'catalog-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases = components.flatMap((c) => c.examples.map((e, i) => ({ component: c.name, i, example: e })));

describe('component examples lint clean', () => {
  it('finds examples', () => {
    expect(cases.length).toBeGreaterThanOrEqual(components.length);
  });

  it.each(cases)('$component: $example.title', ({ component, i, example }) => {
    const options = { cwd: root, security: true, variables: { CI_SERVER_FQDN: 'gitlab.com' } };
    const file = join(dir, `${component}-${i}.yml`);
    writeFileSync(file, `${example.yaml.replaceAll('@VERSION', `@${lintEnv(options).headSha}`)}\n`);
    const [result] = lint([file], options);
    const messages = result!.problems.map((p) => `${p.severity} ${p.message}`);
    expect(messages, `components/${component}/examples.yml: "${example.title}"`).toEqual([]);
    // The example includes this catalog's components, and they were read, not skipped.
    expect(result!.includes.some((r) => r.location.includes('/platform/aws-delivery/'))).toBe(true);
  });
});
