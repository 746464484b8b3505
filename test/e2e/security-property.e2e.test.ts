// The security property must find what it is there to find: on a throwaway component with one
// flaw per input (fixtures/templates/leaky), each flaw is reported in words that name the input,
// the value and what happened; the same values in a harmless place are not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Harness } from '../../src/harness/harness.js';
import type { Scenario } from '../../src/harness/scenario.js';
import { securityScenarios } from '../../src/harness/security/probes.js';

const templatesDir = fileURLToPath(new URL('./fixtures/templates', import.meta.url));
const baseline: Scenario = {
  name: 'baseline',
  setup: async (ctx) => ({ 'role-arn': await ctx.oidcRole() }),
  expect: { status: 'success' },
};
const probes = securityScenarios(templatesDir, 'leaky', baseline);
let harness: Harness;

beforeAll(async () => {
  harness = await Harness.start({ templatesDir, keepFailedProjects: false });
});
afterAll(async () => harness?.stop());

const probe = (name: string) => {
  const s = probes.find((p) => p.name === name);
  expect(s, `no probe named "${name}"; have: ${probes.map((p) => p.name).join(', ')}`).toBeDefined();
  return s!;
};
const SHELL = 'shell, quotes, newlines, $[[ ]], unicode, 1 KB';

describe('the security property on a component with one flaw per input', () => {
  it('probes every string input with each hostile value', () => {
    expect(probes.map((p) => p.name).sort()).toEqual(
      [
        ...['role-arn', 'command', 'options', 'prefix', 'url'].flatMap((i) =>
          ['--debug', 'file://', SHELL].map((v) => `security: input ${i} = ${v}`),
        ),
        'security: variable LEAKY_WAIT (input wait) = a[$(...)] in a CI/CD variable',
      ].sort(),
    );
  });

  it('finds a command that runs: the canary files name each way the shell ran it', { timeout: 120_000 }, async () => {
    const out = await harness.run('leaky', probe(`security: input command = ${SHELL}`));
    expect(out.passed).toBe(false);
    // eval stops at the first line's unbalanced quotes; the line after the newline runs.
    expect(out.failure).toMatch(
      new RegExp(
        String.raw`input "command" = shell.*: the value ran as a command \(canary files ` +
          String.raw`\.gitlab-ci-local\/job-dirs\/run1-1\/home\/fz-x-newline\)`,
      ),
    );
  });

  it('finds an input that became an AWS CLI option (--debug), and the credentials --debug printed', {
    timeout: 120_000,
  }, async () => {
    const out = await harness.run('leaky', probe('security: input options = --debug'));
    expect(out.passed).toBe(false);
    expect(out.failure).toMatch(
      /input "options" = --debug: the value became an AWS CLI option: --debug output in the trace/,
    );
  });

  it('finds a file:// value the AWS CLI read and sent', { timeout: 120_000 }, async () => {
    const out = await harness.run('leaky', probe('security: input prefix = file://'));
    expect(out.passed).toBe(false);
    expect(out.failure).toMatch(
      /input "prefix" = file:\/\/: the contents of a local file \([^)]*canary\.txt\) showed up in [^\n]*an AWS request/,
    );
  });

  it('finds a newline that added a key to the dotenv report', { timeout: 120_000 }, async () => {
    const out = await harness.run('leaky', probe(`security: input url = ${SHELL}`));
    expect(out.passed).toBe(false);
    expect(out.failure).toMatch(
      new RegExp(
        String.raw`input "url" = shell.*: dotenv injection: leaky\/leaky\.env: (a line that is not ` +
          'KEY=value|the injected key FUZZ_INJECTED_KEY)',
      ),
    );
  });

  it('finds a number a CI/CD variable can replace with an arithmetic expression that runs a command', {
    timeout: 120_000,
  }, async () => {
    const out = await harness.run(
      'leaky',
      probe('security: variable LEAKY_WAIT (input wait) = a[$(...)] in a CI/CD variable'),
    );
    expect(out.passed).toBe(false);
    expect(out.failure).toMatch(
      new RegExp(
        String.raw`input "wait" = a\[\$\(\.\.\.\)\] in a CI\/CD variable \(CI\/CD variable LEAKY_WAIT over ` +
          String.raw`the job's\): the value ran as a command \(canary files [^)]*fz-x-arithmetic-variable`,
      ),
    );
  });

  it('passes the same kind of value where it is harmless (a quoted --prefix value)', { timeout: 120_000 }, async () => {
    const out = await harness.run('leaky', probe(`security: input prefix = ${SHELL}`));
    expect(out.failure).toBeUndefined();
  });
});
