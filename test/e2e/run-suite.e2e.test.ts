// The suite runner's output on a throwaway catalog (one component, one passing and one failing
// scenario): progress lines with elapsed time, summary, JUnit, traces kept only for the failure.
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSuite } from '../../src/harness/run.js';

const root = mkdtempSync(join(tmpdir(), 'catalog-suite-'));
const harnessDir = fileURLToPath(new URL('../../src/harness/', import.meta.url));
cpSync(fileURLToPath(new URL('./fixtures/templates', import.meta.url)), join(root, 'templates'), { recursive: true });
mkdirSync(join(root, 'components', 'whoami'), { recursive: true });
writeFileSync(
  join(root, 'components', 'whoami', 'scenarios.ts'),
  `import { defineScenarios } from ${JSON.stringify(join(harnessDir, 'scenario.ts'))};
export default defineScenarios('whoami', [
  { name: 'passes', setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole() }), expect: { status: 'success', \
trace: ['assumed-role/gitlab-deploy/'] } },
  { name: 'wrong <expectation>', setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole() }), expect: { status: \
'success', trace: ['text the job never prints'] } },
]);
`,
);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('catalog test output', () => {
  // Each runSuite starts its own emulator and runs real jobs: minutes on a loaded machine.
  it('prints a line per scenario and a summary, writes JUnit, keeps traces of the failure only', {
    timeout: 300_000,
  }, async () => {
    const lines: string[] = [];
    const report = await runSuite({ root, log: (l) => lines.push(l), keepFailedProjects: false, security: false });
    expect(report.passed).toBe(1);
    expect(report.failed).toBe(1);
    expect(lines[0]).toMatch(/^✓ \[1\/2\] whoami › passes \(\d+\.\ds\)$/);
    expect(lines[1]).toMatch(/^✗ \[2\/2\] whoami › wrong <expectation> \(\d+\.\ds\)$/);
    expect(lines.join('\n')).toContain('the job trace does not contain text the job never prints');
    expect(lines.at(-1)).toMatch(/^1 passed, 1 failed, 2 scenarios in \d+\.\ds$/);
    const junit = readFileSync(join(root, 'test-results', 'e2e', 'junit.xml'), 'utf8');
    expect(junit).toContain('<testsuite name="whoami" tests="2" failures="1"');
    expect(junit).toContain('name="wrong &lt;expectation&gt;"');
    expect(junit).toMatch(/<system-out>[\s\S]*assumed-role[\s\S]*<\/system-out>/);
    const traces = join(root, 'test-results', 'e2e', 'traces', 'whoami');
    expect(readdirSync(traces)).toEqual(['wrong-expectation']);
    expect(readdirSync(join(traces, 'wrong-expectation')).sort()).toEqual(['aws-calls.json', 'whoami.log']);
    expect(existsSync(join(traces, 'passes'))).toBe(false);
    expect(lines.join('\n')).not.toContain('consumer project: ');
  });

  it('--shard runs a disjoint slice', { timeout: 300_000 }, async () => {
    const a = await runSuite({ root, shard: '1/2', log: () => undefined, keepFailedProjects: false, security: false });
    const b = await runSuite({
      root,
      shard: '2/2',
      log: () => undefined,
      keepFailedProjects: false,
      security: false,
      junitPath: join(root, 'b.xml'),
    });
    expect([...a.scenarios, ...b.scenarios].map((s) => s.scenario).sort()).toEqual(['passes', 'wrong <expectation>']);
    expect(a.scenarios).toHaveLength(1);
  });
});
