// The e2e report: one JUnit testsuite per component, one testcase per scenario, with the failure
// message and the trace for failures (written by the shared writer in internal/junit.ts).
import { junitXml as writeJunit, type JunitSuite } from '../internal/junit.js';

export interface JunitCase {
  readonly component: string;
  readonly scenario: string;
  readonly durationMs: number;
  readonly failure?: string;
  readonly trace?: string;
  readonly skipped?: string;
}

export function junitXml(cases: readonly JunitCase[], name = 'catalog e2e'): string {
  const byComponent = new Map<string, JunitCase[]>();
  for (const c of cases) byComponent.set(c.component, [...(byComponent.get(c.component) ?? []), c]);
  const suites: JunitSuite[] = [...byComponent].map(([component, cs]) => ({
    name: component,
    cases: cs.map((c) => ({
      classname: component,
      name: c.scenario,
      timeMs: c.durationMs,
      ...(c.skipped ? { skipped: c.skipped } : {}),
      ...(c.failure ? { failure: { message: c.failure.split('\n')[0] ?? '', body: c.failure } } : {}),
      ...(c.trace && c.failure ? { output: c.trace } : {}),
    })),
  }));
  return writeJunit(suites, name);
}
