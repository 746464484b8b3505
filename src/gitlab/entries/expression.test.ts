import { describe, expect, it } from 'vitest';
import { expressionProblem, isValidExpression } from './expression.js';

describe('rules:if expressions as GitLab lexes and parses them', () => {
  it.each([
    '$CI_COMMIT_BRANCH',
    '$CI_COMMIT_BRANCH == "main"',
    "$VAR != 'x' && ($A || $B)",
    '$CI_COMMIT_TAG =~ /^v\\d+\\.\\d+$/',
    '$CI_COMMIT_REF_NAME =~ /(?i)release/',
    '$X =~ /a\\/b/',
    '!$SKIP',
    '$VAR == null',
    '$[[ inputs.env ]] == "prod"',
  ])('accepts %s', (e) => expect(isValidExpression(e)).toBe(true));

  it.each([
    ['${CI_COMMIT_BRANCH} == "main"', 'Unknown lexeme found!'],
    ['$MY_VAR ==', 'Invalid left operand'],
    ['$MY_VAR == 123', 'Unknown lexeme found!'],
    ['($A || $B', 'Unprocessable token found in parse tree: parenthesis_open'],
    ['$A $B', 'Unreachable nodes in parse tree'],
    ['', 'it is empty'],
  ])('refuses %s (%s)', (e, why) => {
    expect(isValidExpression(e)).toBe(false);
    expect(expressionProblem(e)).toBe(why);
  });

  it('compiles /regexes/ as RE2: no lookaround, no backreferences', () => {
    expect(isValidExpression('$CI_COMMIT_REF =~ /^(?!master).+/')).toBe(false);
    expect(isValidExpression('$X =~ /(a)\\1/')).toBe(false);
    expect(expressionProblem('$CI_COMMIT_REF =~ /^(?!master).+/')).toMatch(/RE2/);
  });

  it('refuses more than 99 tokens', () => {
    expect(isValidExpression(Array(50).fill('$A').join(' || '))).toBe(true);
    expect(isValidExpression(Array(51).fill('$A').join(' || '))).toBe(false);
  });
});
