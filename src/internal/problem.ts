// Every check reports problems as data; the CLI renders them. A problem names
// where it is (file, component, input or field), what is wrong and the fix.
// Its code is one of PROBLEM_CODES, each explained in docs/rules/<code>.md.
import type { ProblemCode } from './problem-codes.js';

export { PROBLEM_CODES, type ProblemCode, type ProblemCodeDoc } from './problem-codes.js';

export type Severity = 'error' | 'warning';

export interface Problem {
  /** Stable id, e.g. `options-type`; used in reports and explained in docs/rules/<code>.md. */
  readonly code: ProblemCode;
  readonly severity: Severity;
  readonly message: string;
  /** How to fix it, as an instruction. */
  readonly fix?: string;
  readonly file?: string;
  readonly component?: string;
  /** The input, job or key path the problem is about, e.g. `inputs.region` or `deploy.script`. */
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
}

/** What a step that can fail returns: its value, or the problems that stopped it. */
export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly Problem[] };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failed = (...problems: Problem[]): Outcome<never> => ({ ok: false, problems });

/** An error problem; the severity most checks report. */
export function problem(
  code: ProblemCode,
  message: string,
  where: Omit<Problem, 'code' | 'message' | 'severity'> = {},
): Problem {
  return { code, severity: 'error', message, ...where };
}

export function formatProblem(p: Problem): string {
  const file = p.file && `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}`;
  const where = [file, p.component && `component "${p.component}"`, p.path].filter(Boolean).join(' › ');
  return `${p.severity}${where ? ` ${where}` : ''}: ${p.message}${p.fix ? ` (fix: ${p.fix})` : ''} [${p.code}]`;
}

/**
 * The one exception: a command cannot go on. It carries the problems; the CLI prints them and exits
 * non-zero. `summary` replaces the formatted problems as the message where a caller shows it alone.
 */
export class ProblemsError extends Error {
  constructor(
    readonly problems: readonly Problem[],
    summary?: string,
  ) {
    super(summary ?? problems.map(formatProblem).join('\n'));
  }
}
