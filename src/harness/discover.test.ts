import { describe, expect, it } from 'vitest';
import { grep, shard } from './discover.js';
import { junitXml } from './junit.js';

const items = Array.from({ length: 7 }, (_, i) => ({ id: `c › scenario ${i}` }));

describe('--shard', () => {
  it('splits every scenario into exactly one shard, evenly, the same way every time', () => {
    const parts = [1, 2, 3].map((i) => shard(items, `${i}/3`).map((x) => x.id));
    expect(parts.flat().sort()).toEqual(items.map((x) => x.id).sort());
    expect(parts.map((p) => p.length)).toEqual([3, 2, 2]);
    expect(shard([...items].reverse(), '2/3').map((x) => x.id)).toEqual(parts[1]);
  });
  it('rejects a malformed shard with the fix', () => {
    expect(() => shard(items, '4/3')).toThrow(/--shard "4\/3" is not i\/n .*CI_NODE_INDEX/);
    expect(() => shard(items, 'a')).toThrow(/not i\/n/);
  });
});

describe('--grep', () => {
  const ids = [
    { id: 'ecs-deploy › a migration task runs before the update' },
    { id: 'ecs-deploy › security: input migration-command = --debug' },
    { id: 'ecs-deploy › security: input cluster = file://' },
    { id: 's3-site › security: input bucket = --debug' },
  ];
  const names = (pattern: string) => grep(ids, pattern).map((r) => r.id);

  it('matches plain text as a substring of "<component> › <scenario>"', () => {
    expect(names('migration')).toEqual([ids[0]!.id, ids[1]!.id]);
    expect(names('s3-site › security')).toEqual([ids[3]!.id]);
  });
  it('is a regular expression, as vitest -t is', () => {
    expect(names('^ecs-deploy › security: input (cluster|migration-command) = ')).toEqual([ids[1]!.id, ids[2]!.id]);
    expect(names('--debug$')).toEqual([ids[1]!.id, ids[3]!.id]);
  });
  it('refuses a pattern that is not a regular expression, and one that matches nothing', () => {
    expect(() => grep(ids, 'a[$(')).toThrow(/--grep "a\[\$\(" is not a regular expression .*fix: escape/);
    expect(() => grep(ids, 'no such scenario')).toThrow(/--grep "no such scenario" matches none of the 4 scenarios/);
  });
  it('keeps everything without a pattern', () => {
    expect(grep(ids, undefined)).toEqual(ids);
  });
});

describe('JUnit report', () => {
  it('has one suite per component with failures and escaped traces', () => {
    const xml = junitXml([
      { component: 's3-site', scenario: 'ok', durationMs: 1200 },
      {
        component: 's3-site',
        scenario: 'bad <one>',
        durationMs: 800,
        failure: 'expected "x"\nmore',
        trace: 'a & b \u0007',
      },
    ]);
    expect(xml).toContain('<testsuite name="s3-site" tests="2" failures="1" skipped="0" time="2.000">');
    expect(xml).toContain('<testcase classname="s3-site" name="bad &lt;one&gt;" time="0.800">');
    expect(xml).toContain('<failure message="expected &quot;x&quot;">');
    expect(xml).toContain('<system-out>a &amp; b </system-out>');
  });
});
