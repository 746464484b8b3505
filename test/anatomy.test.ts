// Every component has the same parts (as Renovate checks each manager's module metadata): its
// definition, job scripts, policy.json, readme.md, scenarios and an example. A folder missing
// one is a component the catalog cannot document, check or run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readYaml } from '../src/gitlab/yaml.js';
import { loadComponents } from '../src/generate/load.js';
import { discoverScenarios } from '../src/harness/discover.js';
import { actionsInScript } from '../src/validate/policy-checks.js';

const root = join(import.meta.dirname, '..');
const folders = readdirSync(join(root, 'components'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
  .map((d) => d.name)
  .sort();
const { components, problems } = await loadComponents(root);

describe('component anatomy', () => {
  it('finds the components', () => {
    expect(folders.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    expect(components.map((c) => c.name)).toEqual(folders);
  });

  describe.each(folders)('components/%s', (name) => {
    const dir = join(root, 'components', name);
    const c = components.find((x) => x.name === name)!;

    it('has its definition, named after the folder', () => {
      expect(existsSync(join(dir, 'component.ts'))).toBe(true);
      expect(c.name).toBe(name);
      expect(c.description.length).toBeGreaterThan(0);
    });

    it('has job scripts beside it, each using the shared shell library', () => {
      expect(c.scripts.length).toBeGreaterThan(0);
      for (const s of c.scripts) {
        const text = readFileSync(join(dir, s), 'utf8');
        expect(text, `${name}/${s}`).toContain('. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"');
      }
      const onDisk = readdirSync(dir).filter((f) => f.endsWith('.sh'));
      for (const f of onDisk)
        expect(readFileSync(join(dir, f), 'utf8'), `${name}/${f}`).toMatch(
          /^#!\/usr\/bin\/env bash\n# shellcheck shell=bash\n/,
        );
    });

    it('has policy.json, an IAM policy document, exactly when its jobs call AWS (with the CLI or another tool)', () => {
      const scripts = Object.values(c.jobs).flatMap((job) =>
        (['before_script', 'script', 'after_script'] as const).flatMap((k) => [job[k] ?? []].flat()),
      );
      if (!scripts.some((text) => actionsInScript(String(text)).size) && !Object.values(c.toolActions).flat().length) {
        // A job that calls no AWS API needs no role: least privilege is no policy at all.
        expect(existsSync(join(dir, 'policy.json'))).toBe(false);
        return;
      }
      expect(existsSync(join(dir, 'policy.json'))).toBe(true);
      const policy = c.policy as { Version?: string; Statement?: unknown[] };
      expect(policy.Version).toBe('2012-10-17');
      expect(policy.Statement?.length).toBeGreaterThan(0);
    });

    it('has readme.md with prose for its docs page', () => {
      expect(c.readme?.trim().length ?? 0).toBeGreaterThan(100);
    });

    it('has scenarios the harness finds', async () => {
      expect(existsSync(join(dir, 'scenarios.ts'))).toBe(true);
      const scenarios = await discoverScenarios(root, [name]);
      expect(scenarios.length).toBeGreaterThan(0);
    });

    it('has at least one example in examples.yml that includes it, each one valid YAML', () => {
      expect(existsSync(join(dir, 'examples.yml'))).toBe(true);
      expect(c.examples.length).toBeGreaterThan(0);
      for (const e of c.examples) {
        expect(e.yaml).toContain(`/${name}@VERSION`);
        expect(readYaml(`${name}/examples.yml: ${e.title}`, e.yaml).ok, e.title).toBe(true);
      }
    });
  });
});
