// PROBLEM_CODES -> docs/rules/<code>.md and docs/rules/README.md: one page per problem code
// the toolkit can report, so a code in a report leads to its explanation.
import { PROBLEM_CODES, type ProblemCode } from '../internal/problem.js';

const GENERATED = '<!-- Generated from src/internal/problem-codes.ts by `npm run catalog -- build`. Do not edit. -->';

export function rulePath(code: ProblemCode): string {
  return `docs/rules/${code}.md`;
}

const codes = () => (Object.keys(PROBLEM_CODES) as ProblemCode[]).sort();

export function renderRule(code: ProblemCode): string {
  const doc = PROBLEM_CODES[code];
  const decidedBy = {
    GitLab:
      "GitLab: the linter and the build report what GitLab would refuse, with GitLab's own text where it has one.",
    catalog: "this catalog's own rules: component definitions (`npm run catalog -- build`), releases and deprecations.",
    security: 'the security checks (`npm run catalog -- lint --security`): what an attacker could use.',
    tool: 'the toolkit itself, when it cannot read or fetch what it needs.',
  }[doc.source];
  return [
    GENERATED,
    `# \`${code}\`: ${doc.title}`,
    '',
    doc.explanation,
    '',
    `Decided by ${decidedBy}`,
    '',
    '[All problem codes](README.md)',
    '',
  ].join('\n');
}

export function renderRulesIndex(): string {
  const rows = codes().map(
    (c) => `| [\`${c}\`](${c}.md) | ${PROBLEM_CODES[c].source} | ${PROBLEM_CODES[c].title.replace(/\|/g, '\\|')} |`,
  );
  return [
    GENERATED,
    '# Problem codes',
    '',
    'Every problem `catalog build`, `catalog lint` and `catalog test` report ends with its code, e.g. ' +
      '`[undefined-need]`.',
    '',
    '| Code | Decided by | What is wrong |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** Every rules page, path -> content. */
export function renderRules(): Map<string, string> {
  const files = new Map<string, string>([['docs/rules/README.md', renderRulesIndex()]]);
  for (const c of codes()) files.set(rulePath(c), renderRule(c));
  return files;
}
