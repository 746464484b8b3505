// JUnit XML in the shape GitLab's `artifacts:reports:junit` reads: one testsuite per
// component, one testcase per scenario, the failure message and trace for failures.

export interface JunitCase {
  readonly component: string;
  readonly scenario: string;
  readonly durationMs: number;
  readonly failure?: string;
  readonly trace?: string;
  readonly skipped?: string;
}

const esc = (s: string) =>
  s
    // XML 1.0 forbids most control characters; traces can contain them.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

export function junitXml(cases: readonly JunitCase[], name = 'catalog e2e'): string {
  const byComponent = new Map<string, JunitCase[]>();
  for (const c of cases) byComponent.set(c.component, [...(byComponent.get(c.component) ?? []), c]);
  const secs = (ms: number) => (ms / 1000).toFixed(3);
  const total = (cs: readonly JunitCase[]) => cs.reduce((a, c) => a + c.durationMs, 0);
  const suites = [...byComponent].map(([component, cs]) => {
    const failures = cs.filter((c) => c.failure).length;
    const skipped = cs.filter((c) => c.skipped).length;
    const body = cs
      .map((c) => {
        const open = `    <testcase classname="${esc(component)}" name="${esc(c.scenario)}" time="${secs(c.durationMs)}"`;
        if (c.skipped) return `${open}>\n      <skipped message="${esc(c.skipped)}"/>\n    </testcase>`;
        if (!c.failure) return `${open}/>`;
        const out = c.trace ? `\n      <system-out>${esc(c.trace)}</system-out>` : '';
        return `${open}>\n      <failure message="${esc(c.failure.split('\n')[0] ?? '')}">${esc(c.failure)}</failure>${out}\n    </testcase>`;
      })
      .join('\n');
    return `  <testsuite name="${esc(component)}" tests="${cs.length}" failures="${failures}" skipped="${skipped}" time="${secs(total(cs))}">\n${body}\n  </testsuite>`;
  });
  const failures = cases.filter((c) => c.failure).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(name)}" tests="${cases.length}" failures="${failures}" time="${secs(total(cases))}">\n${suites.join('\n')}\n</testsuites>\n`;
}
