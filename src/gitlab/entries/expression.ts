// `rules:if` (and `only:variables`) expressions as GitLab reads them
// (Gitlab::Ci::Pipeline::Expression::{Lexer,Parser,Statement}): a statement is valid when it
// lexes (at most 99 tokens, every `/regex/` compiling as RE2) and parses to one tree. GitLab's
// message for anything else is "invalid expression syntax".
import { RE2Set } from 're2js';

type Kind = 'value' | 'logical_operator' | 'unary_operator' | 'parenthesis_open' | 'parenthesis_close';
interface Lexeme {
  readonly name: string;
  readonly pattern: RegExp;
  readonly kind: Kind;
  readonly precedence: number;
}

// In the lexer's order: the first that matches at the current position wins.
const LEXEMES: readonly Lexeme[] = [
  { name: 'parenthesis_open', pattern: /^\(/, kind: 'parenthesis_open', precedence: 901 },
  { name: 'parenthesis_close', pattern: /^\)/, kind: 'parenthesis_close', precedence: 900 },
  { name: 'input', pattern: /^\$\[\[\s*inputs\.[\w-]+\s*\]\]/, kind: 'value', precedence: 0 },
  { name: 'variable', pattern: /^\$\w+/, kind: 'value', precedence: 0 },
  { name: 'string', pattern: /^(?:"(?:.*?)")|^(?:'(?:.*?)')/, kind: 'value', precedence: 0 },
  { name: 'pattern', pattern: /^\/([^/]|\\\/)+[^\\]\/[ismU]*/, kind: 'value', precedence: 0 },
  { name: 'null', pattern: /^null/, kind: 'value', precedence: 0 },
  { name: 'boolean', pattern: /^\b(?:true|false)\b/, kind: 'value', precedence: 0 },
  { name: 'equals', pattern: /^==/, kind: 'logical_operator', precedence: 10 },
  { name: 'matches', pattern: /^=~/, kind: 'logical_operator', precedence: 10 },
  { name: 'not_equals', pattern: /^!=/, kind: 'logical_operator', precedence: 10 },
  { name: 'not_matches', pattern: /^!~/, kind: 'logical_operator', precedence: 10 },
  { name: 'and', pattern: /^&&/, kind: 'logical_operator', precedence: 11 },
  { name: 'or', pattern: /^\|\|/, kind: 'logical_operator', precedence: 12 },
  { name: 'not', pattern: /^!/, kind: 'unary_operator', precedence: 1 },
];
const MAX_TOKENS = 100;

interface Token {
  readonly text: string;
  readonly lexeme: Lexeme;
}

export class ExpressionError extends Error {}

function tokenize(statement: string): Token[] {
  const tokens: Token[] = [];
  let rest = statement;
  for (let i = 0; i < MAX_TOKENS; i++) {
    rest = rest.replace(/^\s+/, '');
    if (!rest) return tokens;
    let found: Token | undefined;
    for (const lexeme of LEXEMES) {
      const m = lexeme.pattern.exec(rest);
      if (m) {
        found = { text: m[0], lexeme };
        break;
      }
    }
    if (!found) throw new ExpressionError('Unknown lexeme found!');
    tokens.push(found);
    rest = rest.slice(found.text.length);
  }
  throw new ExpressionError('Too many tokens!');
}

/** Why RE2 refuses a `/pattern/flags` literal (UntrustedRegexp::RubySyntax), or undefined when it compiles. */
export function re2SyntaxError(literal: string): string | undefined {
  const m = /^\/(.*)\/([ismU]*)$/.exec(literal);
  if (!m) return 'not a /regular expression/';
  try {
    // RE2Set.add runs RE2's parser (every syntax and size error is the parser's) without compiling a program: the
    // compiler's first use decodes Unicode case-folding tables, several ms of a one-shot lint.
    new RE2Set().add(m[2] ? `(?${m[2]})${m[1]}` : m[1]!);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The parser's shunting-yard, then the tree build; throws ExpressionError where GitLab raises. */
function parse(tokens: readonly Token[]): void {
  const output: Token[] = [];
  const operators: Token[] = [];
  const consumes = (token: Token, top: Token | undefined) => !!top && token.lexeme.precedence >= top.lexeme.precedence;
  for (const token of tokens) {
    switch (token.lexeme.kind) {
      case 'value':
        output.push(token);
        break;
      case 'logical_operator':
        while (consumes(token, operators.at(-1))) output.push(operators.pop()!);
        operators.push(token);
        break;
      case 'parenthesis_open':
      case 'unary_operator':
        operators.push(token);
        break;
      case 'parenthesis_close':
        while (consumes(token, operators.at(-1))) output.push(operators.pop()!);
        if (!operators.length) throw new ExpressionError('Unmatched parenthesis');
        if (operators.at(-1)!.lexeme.kind === 'parenthesis_open') operators.pop();
        break;
    }
  }
  output.push(...operators.reverse());
  let results = 0;
  for (const token of output) {
    switch (token.lexeme.kind) {
      case 'value':
        if (token.lexeme.name === 'pattern') {
          const why = re2SyntaxError(token.text.replace(/\\\//g, '/'));
          if (why) throw new ExpressionError('Invalid regular expression!');
        }
        results++;
        break;
      case 'unary_operator':
        if (results < 1) throw new ExpressionError('Invalid operand');
        break;
      case 'logical_operator':
        if (results < 2) throw new ExpressionError('Invalid left operand');
        results--;
        break;
      default:
        throw new ExpressionError(`Unprocessable token found in parse tree: ${token.lexeme.kind}`);
    }
  }
  if (results > 1) throw new ExpressionError('Unreachable nodes in parse tree');
  if (results < 1) throw new ExpressionError('Empty parse tree');
}

// Pipelines repeat the same few `rules:if` texts in every job (often through one alias).
const verdicts = new Map<string, boolean>();
const MAX_REMEMBERED = 10_000;

/** Expression::Statement#valid?: GitLab's ExpressionValidator ("invalid expression syntax"). */
export function isValidExpression(statement: unknown): boolean {
  if (typeof statement !== 'string') return false;
  const known = verdicts.get(statement);
  if (known !== undefined) return known;
  const verdict = checkExpression(statement);
  if (verdicts.size >= MAX_REMEMBERED) verdicts.clear();
  verdicts.set(statement, verdict);
  return verdict;
}

function checkExpression(statement: string): boolean {
  try {
    const tokens = tokenize(statement);
    if (!tokens.length) return false;
    parse(tokens);
    return true;
  } catch (e) {
    if (e instanceof ExpressionError) return false;
    throw e;
  }
}

/** Why an expression is invalid, for the fix text; undefined when GitLab accepts it. */
export function expressionProblem(statement: unknown): string | undefined {
  if (typeof statement !== 'string') return 'it is not a string';
  try {
    const tokens = tokenize(statement);
    if (!tokens.length) return 'it is empty';
    for (const t of tokens) {
      if (t.lexeme.name !== 'pattern') continue;
      const why = re2SyntaxError(t.text.replace(/\\\//g, '/'));
      if (why)
        return `GitLab compiles ${t.text} with RE2, which refuses it (${why}); RE2 has no lookaround or backreferences`;
    }
    parse(tokens);
    return undefined;
  } catch (e) {
    if (e instanceof ExpressionError) return e.message;
    throw e;
  }
}
