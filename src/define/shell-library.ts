// The catalog's shell library (components/_shared/lib.sh): one `fail`, `trim`, `split_list`,
// safe argument, number and dotenv handling and job-private temp dir for every job script.
// Scripts source it so they run and lint alone; the build embeds it in their place, because
// GitLab runs a job's script text, not files beside it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../internal/paths.js';

/** Where the library lives, relative to the repository root. */
export const LIBRARY_FILE = 'components/_shared/lib.sh';

/** The two lines a script uses to source the library; the build replaces them with its text. */
export const SOURCE_LINES = [
  '# shellcheck source=components/_shared/lib.sh',
  '. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"',
] as const;

const SOURCE_RE = new RegExp(
  String.raw`^# shellcheck source=components\/_shared\/lib\.sh\n` +
    String.raw`\. "\$\(dirname "\$\{BASH_SOURCE\[0\]\}"\)\/\.\.\/_shared\/lib\.sh"\n`,
  'm',
);
const ANY_SOURCE_RE = /^\s*(?:\.|source)\s+\S/m;

let cached: string | undefined;

/** The library as embedded: its code without comments, framed by two marker comments. */
export function libraryText(): string {
  cached ??= readFileSync(join(REPO_ROOT, LIBRARY_FILE), 'utf8');
  // Comment-only and blank lines are dropped: the source file is where the library is read and
  // explained; every template and job trace would carry them again.
  const body = cached
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\s*#/.test(line))
    .join('\n');
  return `# ---- begin ${LIBRARY_FILE} (embedded by the build) ----\n${body}\n# ---- end ${LIBRARY_FILE} ----\n`;
}

/** Function names the library defines: scripts must not define their own. */
export function libraryFunctions(): string[] {
  return [...libraryText().matchAll(/^([a-z_][a-z0-9_]*)\(\)\s*\{/gm)].map((m) => m[1]!);
}

/** Upper-case variables the library sets, which scripts may read. */
export function libraryVariables(): string[] {
  return [...new Set([...libraryText().matchAll(/^\s*([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!))];
}

export class ScriptSourceError extends Error {}

/**
 * Replaces a script's library source lines with the library. Any other `source`/`.` is refused:
 * the file it names would not exist where GitLab runs the job.
 */
export function embedLibrary(text: string, file: string): string {
  const embedded = text.replace(SOURCE_RE, () => libraryText());
  const rest = embedded === text ? text : embedded.replace(libraryText(), '');
  if (ANY_SOURCE_RE.test(rest)) {
    throw new ScriptSourceError(
      `${file} sources a file other than the shared library, which would not exist where GitLab runs the job; ` +
        `source only the library, with exactly these lines:\n${SOURCE_LINES.join('\n')}`,
    );
  }
  return embedded;
}
