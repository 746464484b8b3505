// Every check reports problems as data; the CLI renders them. A problem names
// where it is (file, component, input or field), what is wrong and the fix.

export type Severity = 'error' | 'warning';

export interface Problem {
  /** Stable id, e.g. `options-on-boolean`; used in reports and docs. */
  readonly code: string;
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

export function formatProblem(p: Problem): string {
  const where = [p.file && `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}`, p.component && `component "${p.component}"`, p.path]
    .filter(Boolean)
    .join(' › ');
  return `${p.severity}${where ? ` ${where}` : ''}: ${p.message}${p.fix ? ` (fix: ${p.fix})` : ''} [${p.code}]`;
}

/** Thrown when a command cannot go on; the CLI prints the problems and exits non-zero. */
export class ProblemsError extends Error {
  constructor(readonly problems: readonly Problem[], summary?: string) {
    super(summary ?? problems.map(formatProblem).join('\n'));
  }
}
