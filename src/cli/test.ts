import type { Command } from 'commander';
import { EXECUTORS } from '../harness/executors/names.js';

export function registerTest(program: Command): void {
  program
    .command('test')
    .description(
      "run components' scenarios (components/<name>/scenarios.ts) for real: jobs under gitlab-ci-local against " +
        'moto, with GitLab id tokens minted for them',
    )
    .argument('[component...]', 'only these components (default: all)')
    .option(
      '--shard <i/n>',
      'run the i-th of n deterministic slices (in GitLab: "$CI_NODE_INDEX/$CI_NODE_TOTAL" with parallel:)',
    )
    .option(
      '--grep <regex>',
      'only scenarios whose id ("<component> › <scenario>", as the progress lines print it) matches this ' +
        'JavaScript regular expression, case-sensitive, as vitest -t (plain text matches as a substring)',
    )
    .option(
      '--no-security',
      'skip the security property (the runs with hostile input values), for iterating on scenarios; CI runs it',
    )
    .option('--executor <name>', `how to run the jobs: ${EXECUTORS.join(', ')}`, 'gitlab-ci-local')
    .option('--junit <file>', 'JUnit XML report path', 'test-results/e2e/junit.xml')
    .option('--traces <dir>', 'where traces of failed scenarios are kept', 'test-results/e2e/traces')
    .option('--keep-traces', 'keep traces of passed scenarios too')
    .option('--root <dir>', 'project root', process.cwd())
    .action(
      async (
        components: string[],
        opts: {
          shard?: string;
          grep?: string;
          security: boolean;
          executor: string;
          junit: string;
          traces: string;
          keepTraces?: boolean;
          root: string;
        },
      ) => {
        // The harness (and the AWS SDK and gitlab-ci-local behind it) are development tools: loaded
        // only when this command runs, so `catalog lint` starts fast and works without them.
        const [{ executorByName }, { runSuite }] = await Promise.all([
          import('../harness/executors/index.js'),
          import('../harness/run.js'),
        ]);
        const report = await runSuite({
          root: opts.root,
          components,
          executor: executorByName(opts.executor),
          junitPath: opts.junit,
          tracesDir: opts.traces,
          ...(opts.shard ? { shard: opts.shard } : {}),
          ...(opts.grep !== undefined ? { grep: opts.grep } : {}),
          security: opts.security,
          ...(opts.keepTraces ? { keepTraces: true } : {}),
        });
        if (report.failed) process.exitCode = 1;
      },
    );
}
