// Every component's scenarios (components/*/scenarios.ts), run for real: gitlab-ci-local,
// moto and minted GitLab id tokens. One emulator per vitest worker, reset between scenarios.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { join } from 'node:path';
import { discoverScenarios } from '../../src/harness/discover.js';
import { Harness } from '../../src/harness/harness.js';
import { REPO_ROOT } from '../../src/harness/tools.js';

const only = (process.env.CATALOG_E2E_COMPONENTS ?? '').split(',').filter(Boolean);
const refs = await discoverScenarios(REPO_ROOT, only);
let harness: Harness;

beforeAll(async () => {
  harness = await Harness.start({ templatesDir: join(REPO_ROOT, 'templates') });
});
afterAll(async () => harness?.stop());

for (const component of [...new Set(refs.map((r) => r.component))]) {
  describe(component, () => {
    for (const ref of refs.filter((r) => r.component === component)) {
      it(ref.scenario.name, { timeout: 180_000 }, async () => {
        const out = await harness.run(ref.component, ref.scenario);
        if (!out.passed) {
          throw new Error(`${out.failure}${out.projectDir ? `\n  consumer project kept at ${out.projectDir}` : ''}`);
        }
      });
    }
  });
}
