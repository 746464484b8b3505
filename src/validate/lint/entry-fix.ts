// The fix the linter suggests for each kind of GitLab keyword error (src/gitlab/entries).
import type { EntryError } from '../../gitlab/entries/index.js';

const FIXES: Readonly<Record<EntryError['code'], string>> = {
  'unknown-keys': 'remove or rename the keys GitLab does not know here (see the keyword reference for this section)',
  'keyword-value': 'give the keyword a value of the type and among the values GitLab accepts',
  'keys-together': 'keep only one of the keys that cannot be used together',
  'invalid-duration':
    'write a duration GitLab reads, such as `30 minutes`, `1h 30m`, `2 days` or `1 week` (`start_in` at ' +
    'most a week, `timeout` at most a month)',
  'invalid-expression':
    'write `$VARIABLE == "value"`, `=~ /RE2 pattern/`, `&&`, `||` and parentheses; RE2 has no lookaround or ' +
    'backreferences, and variables are `$NAME`, not `${NAME}`',
  'rules-with-only':
    'express the condition in `rules:` only: drop `only:`/`except:`, and move `start_in` into the rule with ' +
    '`when: delayed`',
  'start-in':
    '`start_in` goes with `when: delayed` (in the job, or in the rule when the job has `rules:`), and be at ' +
    'most one week',
  'variable-option': "make `value` one of the variable's `options`",
  'dependency-not-needed': 'add each job of `dependencies:` to `needs:`, or drop it from `dependencies:`',
};

export function entryFix(e: EntryError): string {
  return FIXES[e.code];
}
