// Registers one slice of every component's scenarios as vitest tests. Four test files each take
// a slice (round-robin over the sorted ids, so each gets a share of every component), each with
// its own emulator, so the workers (vitest.config.ts) stay busy until the end.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { join } from 'node:path';
import { discoverScenarios, shard } from '../../src/harness/discover.js';
import { Harness } from '../../src/harness/harness.js';
import { saveTraces, slug } from '../../src/harness/run.js';
import { REPO_ROOT } from '../../src/harness/tools.js';

export async function scenarioSuite(slice: string): Promise<void> {
  // CATALOG_E2E_COMPONENTS=s3-site,oidc-auth narrows a local run.
  const only = (process.env.CATALOG_E2E_COMPONENTS ?? '').split(',').filter(Boolean);
  const refs = shard(await discoverScenarios(REPO_ROOT, only), slice);
  let harness: Harness;

  beforeAll(async () => {
    if (refs.length) harness = await Harness.start({ templatesDir: join(REPO_ROOT, 'templates') });
  });
  afterAll(async () => harness?.stop());

  for (const component of [...new Set(refs.map((r) => r.component))]) {
    describe(component, () => {
      for (const ref of refs.filter((r) => r.component === component)) {
        it(ref.scenario.name, { timeout: 180_000 }, async () => {
          const out = await harness.run(ref.component, ref.scenario);
          if (!out.passed) {
            const traces = saveTraces(
              join(REPO_ROOT, 'test-results', 'e2e', 'traces', ref.component, slug(ref.scenario.name)),
              out,
            );
            throw new Error(
              `${out.failure}${traces ? `\n  traces: ${traces}` : ''}` +
                `${out.projectDir ? `\n  consumer project kept at ${out.projectDir}` : ''}`,
            );
          }
        });
      }
    });
  }
}
