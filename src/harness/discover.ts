// Finds every component's scenarios by convention (components/<name>/scenarios.ts, default
// export from defineScenarios), so a new component's scenarios need no edit anywhere else.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { modulePath } from '../internal/paths.js';
import type { ComponentScenarios, Scenario } from './scenario.js';
import { baselineOf, securityScenarios } from './security/probes.js';

export interface ScenarioRef {
  readonly component: string;
  readonly scenario: Scenario;
  /** `<component> › <scenario>` */
  readonly id: string;
}

/**
 * Every component's scenarios and, unless `security` is false, the security property's runs
 * (security/probes.ts), so the property runs wherever the scenarios do and shards with them.
 */
export async function discoverScenarios(
  root: string,
  only: readonly string[] = [],
  opts: { security?: boolean } = {},
): Promise<ScenarioRef[]> {
  const componentsDir = join(root, 'components');
  const names = existsSync(componentsDir) ? readdirSync(componentsDir).sort() : [];
  const unknown = only.filter((c) => !names.includes(c));
  if (unknown.length) {
    throw new Error(
      `no component named ${unknown.map((u) => `"${u}"`).join(', ')} (fix: use one of ` +
        `${names.join(', ') || 'none: components/ is empty'})`,
    );
  }
  const out: ScenarioRef[] = [];
  for (const name of names) {
    if (only.length && !only.includes(name)) continue;
    const file = join(componentsDir, name, 'scenarios.ts');
    if (!existsSync(file)) continue;
    const mod = (await import(pathToFileURL(modulePath(file)).href)) as { default?: ComponentScenarios };
    const def = mod.default;
    if (!def || !Array.isArray(def.scenarios)) {
      throw new Error(`components/${name}/scenarios.ts must \`export default defineScenarios('${name}', [...])\``);
    }
    if (def.component !== name) {
      throw new Error(
        `components/${name}/scenarios.ts defines scenarios for "${def.component}" (fix: defineScenarios('` +
          `${name}', ...))`,
      );
    }
    for (const s of def.scenarios) out.push({ component: name, scenario: s, id: `${name} › ${s.name}` });
    if (opts.security === false) continue;
    for (const s of securityFor(root, name, def)) {
      out.push({ component: name, scenario: s, id: `${name} › ${s.name}` });
    }
  }
  return out;
}

/** The security property's runs for a component (security/probes.ts), on its first succeeding scenario. */
function securityFor(root: string, name: string, def: ComponentScenarios): Scenario[] {
  const first = baselineOf(def.scenarios);
  const baseline =
    first && def.security?.inputs ? { ...first, inputs: { ...first.inputs, ...def.security.inputs } } : first;
  if (!baseline) {
    const why =
      `components/${name}/scenarios.ts has no scenario that succeeds in one run, which the security ` +
      `property builds on (fix: add one)`;
    return [
      {
        name: 'security: hostile input values',
        expect: { status: 'success' },
        setup: () => Promise.reject(new Error(why)),
      },
    ];
  }
  return securityScenarios(join(root, 'templates'), name, baseline);
}

/** Components that have templates but no scenarios: "done" means scenarios exist. */
export function componentsWithoutScenarios(root: string): string[] {
  const componentsDir = join(root, 'components');
  if (!existsSync(componentsDir)) return [];
  return readdirSync(componentsDir)
    .filter((n) => existsSync(join(root, 'templates', n)) && !existsSync(join(componentsDir, n, 'scenarios.ts')))
    .sort();
}

/**
 * `--grep`: the scenarios whose id (`<component> › <scenario>`) matches `pattern`, a JavaScript
 * regular expression (as vitest's `-t`), so plain text matches as a substring. A pattern that is
 * no regular expression, or that matches nothing, is an error: a typo must not pass as a green run.
 */
export function grep<T extends { id: string }>(items: readonly T[], pattern: string | undefined): T[] {
  if (pattern === undefined) return [...items];
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (e) {
    throw new Error(
      `--grep "${pattern}" is not a regular expression (${(e as Error).message}; fix: escape the special ` +
        `characters with \\, e.g. --grep 'a\\[\\$\\(')`,
    );
  }
  const found = items.filter((r) => re.test(r.id));
  if (!found.length)
    throw new Error(
      `--grep "${pattern}" matches none of the ${items.length} scenarios (it is matched as a regular ` +
        `expression against "<component> › <scenario>"; the ids are in the progress lines of a run)`,
    );
  return found;
}

/**
 * Shard `i/n` (1-based): scenarios sorted by id, dealt round-robin, so every shard gets the
 * same share and the split depends only on the set of scenario ids.
 */
export function shard<T extends { id: string }>(items: readonly T[], spec: string | undefined): T[] {
  if (!spec) return [...items];
  const m = /^(\d+)\/(\d+)$/.exec(spec);
  const i = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || n < 1 || i < 1 || i > n)
    throw new Error(
      `--shard "${spec}" is not i/n with 1 <= i <= n (e.g. --shard 2/4; in GitLab use --shard ` +
        `"$CI_NODE_INDEX/$CI_NODE_TOTAL")`,
    );
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sorted.filter((_, k) => k % n === i - 1);
}
