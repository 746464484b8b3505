// The hostile values the security property feeds to every string input. Three runs per input,
// because each attack needs the value's start and would be masked by another's refusal: an
// option (`--debug`), a file reference (`file://`), and a shell/YAML/dotenv payload with
// quotes, newlines, `$[[ ]]`, unicode and length. Injected commands `cd` (to the job's own HOME)
// and `touch` a canary there, so no `/` is needed and nothing outside the job is written.
import { randomBytes } from 'node:crypto';

export type HostileKind = 'option' | 'file' | 'shell' | 'arithmetic';

export interface HostileValue {
  readonly kind: HostileKind;
  /** How reports name it. */
  readonly label: string;
  readonly value: string;
}

/** Files an injected command creates: `fz-x-<how>` in the job's HOME (or wherever it ran). */
export const EXEC_CANARY_PREFIX = 'fz-x-';

/** The AWS CLI's --debug log lines (`2026-... - MainThread - botocore.endpoint - DEBUG - ...`). */
export const CLI_DEBUG = /- (?:MainThread|Thread-\d+) - [\w.]+ - DEBUG - /;

/** A key the shell payload tries to add to dotenv reports. */
export const INJECTED_DOTENV_KEY = 'FUZZ_INJECTED_KEY';

export interface Canary {
  /** A file whose contents must never appear anywhere (trace, AWS requests, dotenv). */
  readonly file: string;
  readonly content: string;
}

export function newCanaryContent(): string {
  return `catalog-fuzz-canary-${randomBytes(12).toString('hex')}`;
}

/**
 * Every way a shell could run text: command substitution, backticks, quotes, separators, newlines,
 * arithmetic. Padded to `length` characters: GitLab's CI schema allows input values up to 1024.
 */
export function shellPayload(length = 1024): string {
  const x = (how: string) => `cd;touch ${EXEC_CANARY_PREFIX}${how}`;
  const core = [
    `fz'"$(${x('dollar-paren')})\`${x('backtick')}\`;${x('semicolon')};'";${x('after-quotes')};"`,
    `\n${x('newline')}\n`,
    `${INJECTED_DOTENV_KEY}=injected\n`,
    `|${x('pipe')}&&${x('and')}||${x('or')}&`,
    ` a[$(${x('arithmetic')})] $((1+1)) \${HOME} %s%n\\ `,
    ` $[[ inputs.stage ]] $[[ inputs.no-such-input ]] {{ x }} <script>x</script> `,
    ' üñîçødé 中文 😀 \u202e\u200b \t end',
  ].join('');
  return (core + ' pad'.repeat(Math.max(0, Math.ceil((length - core.length) / 4)))).slice(0, length);
}

export function hostileValues(canary: Canary): HostileValue[] {
  return [
    { kind: 'option', label: '--debug', value: '--debug' },
    { kind: 'file', label: 'file://', value: `file://${canary.file}` },
    { kind: 'shell', label: 'shell, quotes, newlines, $[[ ]], unicode, 1 KB', value: shellPayload() },
  ];
}

/**
 * For number inputs, which GitLab types: the job variable that carries one can still be set by a
 * CI/CD variable, which wins over the job's own. Bash arithmetic on `a[$(cmd)]` runs `cmd`.
 */
export function arithmeticValue(): HostileValue {
  return {
    kind: 'arithmetic',
    label: 'a[$(...)] in a CI/CD variable',
    value: `a[$(cd;touch ${EXEC_CANARY_PREFIX}arithmetic-variable)]`,
  };
}
