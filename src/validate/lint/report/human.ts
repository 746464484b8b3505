import { formatProblem, type Problem } from '../../../internal/problem.js';
import type { LintResult } from '../index.js';

export interface HumanOptions {
  /** ANSI colours; the CLI turns them on only for a TTY without NO_COLOR. */
  readonly color?: boolean;
  /**
   * A line for every file, problems or not. Off, one clean file prints nothing and many files
   * print their problems and a one-line summary: what a pre-commit hook or an editor wants.
   * Default: on.
   */
  readonly verbose?: boolean;
}

// Reads options.color when it paints: the CLI's is a getter that looks at the terminal only then.
const paint = (options: HumanOptions, code: string) => (s: string) =>
  options.color ? `\u001b[${code}m${s}\u001b[0m` : s;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function renderHuman(results: readonly LintResult[], options: HumanOptions = {}): string {
  const verbose = options.verbose ?? true;
  const c = {
    red: paint(options, '31'),
    green: paint(options, '32'),
    yellow: paint(options, '33'),
    dim: paint(options, '2'),
  };
  const problem = (p: Problem) => {
    const text = formatProblem(p);
    const colored =
      p.severity === 'error' ? text.replace(/^error/, c.red('error')) : text.replace(/^warning/, c.yellow('warning'));
    return colored.replace(/ \[([^\]]+)\]$/, ` ${c.dim(`[$1]`)}`);
  };
  const lines: string[] = [];
  for (const r of results) {
    const errors = r.problems.filter((p) => p.severity === 'error').length;
    if (!verbose && !r.problems.length) continue;
    lines.push(
      r.valid
        ? `${c.green('✔')} ${r.file}: valid (${plural(r.jobs.length, 'job')}` +
            `${r.includes.length ? `, ${plural(r.includes.length, 'include')}` : ''})`
        : `${c.red('✖')} ${r.file}: invalid (${plural(errors, 'error')})`,
    );
    for (const p of r.problems) lines.push(`  ${problem(p)}`);
  }
  const bad = results.filter((r) => !r.valid).length;
  if (verbose) lines.push(bad ? `${bad} of ${results.length} file(s) invalid` : `${results.length} file(s) valid`);
  else if (results.length > 1) {
    const count = (s: string) => results.reduce((n, r) => n + r.problems.filter((p) => p.severity === s).length, 0);
    const warnings = count('warning');
    lines.push(
      `${plural(results.length, 'file')}: ${bad ? c.red(`${bad} invalid`) : c.green('all valid')}` +
        `${bad ? ` (${plural(count('error'), 'error')})` : ''}` +
        `${warnings ? `, ${c.yellow(plural(warnings, 'warning'))}` : ''}`,
    );
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
