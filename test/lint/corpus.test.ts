import { describe, expect, it } from 'vitest';
import { corpusCases, runCorpus, specCases } from './corpus.js';

describe("fidelity corpus: our verdicts and messages against GitLab's", () => {
  const outcomes = runCorpus();

  it('agrees with GitLab on every case (reports the agreement)', () => {
    const agreed = outcomes.filter((o) => o.agrees).length;
    const pct = ((agreed / outcomes.length) * 100).toFixed(1);
    console.log(`corpus agreement: ${agreed}/${outcomes.length} (${pct}%)`);
    for (const o of outcomes.filter((x) => !x.agrees)) console.log(`  disagrees: ${o.case.name}: ${o.why}`);
    expect(outcomes.length).toBeGreaterThanOrEqual(50);
    expect(outcomes.filter((o) => !o.agrees).map((o) => `${o.case.name}: ${o.why}`)).toEqual([]);
  });

  it('has positive and negative cases, and cases gitlab-ci-local gets wrong', () => {
    const cases = corpusCases();
    expect(cases.filter((c) => c.verdict === 'valid').length).toBeGreaterThanOrEqual(10);
    expect(cases.filter((c) => c.verdict === 'invalid').length).toBeGreaterThanOrEqual(30);
    const gclWrong = cases.filter((c) => c.gitlabCiLocal && c.gitlabCiLocal !== c.verdict).map((c) => c.name);
    expect(gclWrong).toEqual(
      expect.arrayContaining(['invalid-component-unknown-input', 'valid-truncate', 'valid-expand-vars']),
    );
  });

  it.each(corpusCases().map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const o = outcomes.find((x) => x.case.name === c.name)!;
    expect(o.why ?? 'agrees').toBe('agrees');
  });

  it('prefixes component input errors with the component address, as GitLab does', () => {
    const o = outcomes.find((x) => x.case.name === 'invalid-component-required-input')!;
    expect(o.result.problems[0]!.message).toMatch(
      /^`gitlab\.com\/corpus\/catalog\/greet@[0-9a-f]{40}`: `name` input: required value has not been provided$/,
    );
    expect(o.result.problems[0]).toMatchObject({ file: 'templates/greet/template.yml', line: 5 });
  });
});

describe("corpus from GitLab's own specs: verdicts and texts against what the specs expect", () => {
  const cases = specCases();
  const outcomes = runCorpus(cases);

  it('agrees with every case (reports the agreement)', () => {
    const agreed = outcomes.filter((o) => o.agrees).length;
    console.log(
      `spec corpus agreement: ${agreed}/${outcomes.length} (${((agreed / outcomes.length) * 100).toFixed(1)}%)`,
    );
    for (const o of outcomes.filter((x) => !x.agrees)) console.log(`  disagrees: ${o.case.name}: ${o.why}`);
    expect(outcomes.length).toBeGreaterThanOrEqual(150);
    expect(outcomes.filter((o) => !o.agrees).map((o) => `${o.case.name} [${o.case.source}]: ${o.why}`)).toEqual([]);
  });

  it('cites a GitLab spec for every case and has both verdicts', () => {
    for (const c of cases) expect(c.source, c.name).toMatch(/^spec\/lib\/gitlab\/ci\/\S+_spec\.rb/);
    expect(cases.filter((c) => c.verdict === 'valid').length).toBeGreaterThanOrEqual(30);
    expect(cases.filter((c) => c.verdict === 'invalid').length).toBeGreaterThanOrEqual(100);
  });
});
