// The one JUnit XML writer, in the shape GitLab's `artifacts:reports:junit` reads: suites of test
// cases, a failure's first line as its message and the whole text as its body. Times are written
// only when the cases have them (a lint run has none).

export interface JunitTestCase {
  readonly classname: string;
  readonly name: string;
  readonly timeMs?: number;
  readonly failure?: { readonly message: string; readonly body: string };
  readonly skipped?: string;
  /** The trace, as `<system-out>`. */
  readonly output?: string;
}

export interface JunitSuite {
  readonly name: string;
  readonly cases: readonly JunitTestCase[];
}

/** Escapes text for an attribute or element; XML 1.0 forbids most control characters, so they go. */
export function xmlEscape(s: string): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

const secs = (ms: number) => (ms / 1000).toFixed(3);
const totalMs = (cases: readonly JunitTestCase[]) => cases.reduce((a, c) => a + (c.timeMs ?? 0), 0);
const attrs = (pairs: ReadonlyArray<readonly [string, string | number | undefined]>) =>
  pairs
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');

function testcase(c: JunitTestCase): string {
  const open = `    <testcase${attrs([
    ['classname', c.classname],
    ['name', c.name],
    ['time', c.timeMs === undefined ? undefined : secs(c.timeMs)],
  ])}`;
  if (c.skipped) return `${open}>\n      <skipped message="${xmlEscape(c.skipped)}"/>\n    </testcase>`;
  if (!c.failure) return `${open}/>`;
  const out = c.output ? `\n      <system-out>${xmlEscape(c.output)}</system-out>` : '';
  return (
    `${open}>\n      <failure message="${xmlEscape(c.failure.message)}">${xmlEscape(c.failure.body)}` +
    `</failure>${out}\n    </testcase>`
  );
}

export function junitXml(suites: readonly JunitSuite[], name?: string): string {
  const all = suites.flatMap((s) => s.cases);
  const timed = all.some((c) => c.timeMs !== undefined);
  const failures = (cases: readonly JunitTestCase[]) => cases.filter((c) => c.failure).length;
  const body = suites.map((s) => {
    const head = attrs([
      ['name', s.name],
      ['tests', s.cases.length],
      ['failures', failures(s.cases)],
      ['skipped', timed ? s.cases.filter((c) => c.skipped).length : undefined],
      ['time', timed ? secs(totalMs(s.cases)) : undefined],
    ]);
    return `  <testsuite${head}>\n${s.cases.map(testcase).join('\n')}\n  </testsuite>`;
  });
  const head = attrs([
    ['name', name],
    ['tests', all.length],
    ['failures', failures(all)],
    ['time', timed ? secs(totalMs(all)) : undefined],
  ]);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${head}>\n${body.join('\n')}\n</testsuites>\n`;
}
