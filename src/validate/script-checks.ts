// Rules for a component's job scripts, as GitLab runs them (the shared library embedded). They
// make the shell library's rules (components/_shared/lib.sh) hold for every component, so a new
// script cannot pass a hostile value to a command as an option, read a variable nobody declared
// or write the dotenv report by hand. Quoting itself is shellcheck's job (test/shellcheck.test.ts).
import { libraryFunctions, libraryVariables, LIBRARY_FILE } from '../define/shell-library.js';
import type { Problem, ProblemCode } from '../internal/problem.js';
import type { Job, Jobs } from '../model/job.js';

interface Where {
  readonly component: string;
  readonly file?: string;
}

/** Variables bash or the runner's shell set, which any script may read. */
const SHELL_VARIABLES = new Set([
  'HOME',
  'PATH',
  'PWD',
  'TMPDIR',
  'SECONDS',
  'RANDOM',
  'IFS',
  'BASH_SOURCE',
  'BASH_REMATCH',
  'PIPESTATUS',
  'UID',
  'USER',
  'OSTYPE',
  'LINENO',
]);

/** GitLab's predefined variables (https://docs.gitlab.com/ci/variables/predefined_variables/). */
const PREDEFINED = /^(CI|GITLAB)_[A-Z0-9_]+$/;

const SCRIPT_KEYS = ['before_script', 'script', 'after_script'] as const;

export interface JobScripts {
  readonly name: string;
  /** The job's scripts with the library's embedded text cut out: what the component wrote. */
  readonly text: string;
  readonly variables: ReadonlySet<string>;
  /** Variables that come from inputs (the job's `variables:` whose value references an input). */
  readonly inputVariables: ReadonlySet<string>;
  readonly dotenv: readonly string[];
}

const LIBRARY_BLOCK = new RegExp(
  `# ---- begin ${LIBRARY_FILE.replace(/[./]/g, '\\$&')}[^]*?# ---- end ` +
    `${LIBRARY_FILE.replace(/[./]/g, '\\$&')} ----\\n`,
  'g',
);

function scripts(job: Job): string[] {
  const out: string[] = [];
  for (const key of SCRIPT_KEYS) {
    const s = job[key];
    if (s !== undefined) out.push(...(typeof s === 'string' ? [s] : s));
  }
  return out;
}

/**
 * A job with the keys it `extends` from other jobs of the same component (one level deep is all components use, but any
 * depth works).
 */
function resolved(jobs: Jobs, name: string, seen: Set<string> = new Set()): Job {
  const job = jobs[name]!;
  if (job.extends === undefined || seen.has(name)) return job;
  seen.add(name);
  const parents = (typeof job.extends === 'string' ? [job.extends] : job.extends).filter((p) => p in jobs);
  let merged: Job = {};
  for (const p of parents) {
    const parent = resolved(jobs, p, seen);
    merged = { ...merged, ...parent, variables: { ...merged.variables, ...parent.variables } };
  }
  return { ...merged, ...job, variables: { ...merged.variables, ...job.variables } };
}

export function jobScripts(jobs: Jobs): JobScripts[] {
  return Object.keys(jobs).map((name) => {
    const job = resolved(jobs, name);
    const variables = new Set([...Object.keys(job.variables ?? {}), ...Object.keys(job.id_tokens ?? {})]);
    const inputVariables = new Set(
      Object.entries(job.variables ?? {})
        .filter(([, v]) => (typeof v === 'string' ? v : v.value).includes('$[[ inputs.'))
        .map(([k]) => k),
    );
    const dotenv = job.artifacts?.reports?.dotenv;
    return {
      name,
      text: scripts(job).join('\n').replace(LIBRARY_BLOCK, ''),
      variables,
      inputVariables,
      dotenv: dotenv === undefined ? [] : typeof dotenv === 'string' ? [dotenv] : [...dotenv],
    };
  });
}

/** Shell text without comment lines and with `\`-continued lines joined, keeping line numbers of the first line. */
function codeLines(text: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const start = i;
    let code = raw[i]!;
    while (code.endsWith('\\') && i + 1 < raw.length) code = `${code.slice(0, -1)} ${raw[++i]!.trimStart()}`;
    if (/^\s*#/.test(code)) continue;
    out.push({ line: start + 1, code });
  }
  return out;
}

/** Upper-case variables a script assigns (`NAME=`, `export NAME=`, `for NAME in`, `read ... NAME`). */
function assigned(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(
    /(?:^|[\s;(])(?:export\s+|local\s+|declare\s+(?:-\w+\s+)?)?([A-Z_][A-Z0-9_]*)(?:\[[^\]]*\])?\+?=/gm,
  ))
    out.add(m[1]!);
  for (const m of text.matchAll(/\bfor\s+([A-Z_][A-Z0-9_]*)\s+in\b/g)) out.add(m[1]!);
  return out;
}

/** Upper-case `$NAME` / `${NAME...}` the script reads, with the line of the first read. */
function reads(lines: { line: number; code: string }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const { line, code } of lines) {
    // Single-quoted text is literal (JMESPath queries, messages): no expansion there.
    const expanding = code.replace(/'[^']*'/g, "''");
    for (const m of expanding.matchAll(/(?<!\\)\$\{?!?([A-Z_][A-Z0-9_]*)/g)) if (!out.has(m[1]!)) out.set(m[1]!, line);
  }
  return out;
}

/** Variables that hold a path made safe for `find`: from path_arg, or inside the job directory. */
function safePathVariables(text: string): Set<string> {
  const safe = new Set(['CATALOG_JOB_DIR']);
  let grew = true;
  while (grew) {
    grew = false;
    const add = (name: string): void => {
      if (!safe.has(name)) {
        safe.add(name);
        grew = true;
      }
    };
    for (const m of text.matchAll(/\b([a-z_][a-z0-9_]*)="\$\(path_arg\s/g)) add(m[1]!);
    for (const m of text.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)="\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?[/"]/g))
      if (safe.has(m[2]!)) add(m[1]!);
    for (const m of text.matchAll(/\bfor\s+([a-z_][a-z0-9_]*)\s+in\s+"\$\{?([A-Za-z_][A-Za-z0-9_]*)/g))
      if (safe.has(m[2]!)) add(m[1]!);
  }
  return safe;
}

export interface ScriptCheckOptions {
  /** Variables the definition says its scripts read besides job, predefined and library variables. */
  readonly readsVariables?: readonly string[];
}

export function checkScripts(jobs: Jobs, where: Where, options: ScriptCheckOptions = {}): Problem[] {
  const problems: Problem[] = [];
  const libFunctions = new Set(libraryFunctions());
  const libVariables = new Set(libraryVariables());
  const allowed = new Set(options.readsVariables ?? []);
  const seen = new Set<string>();
  for (const job of jobScripts(jobs)) {
    const at = (code: ProblemCode, line: number, message: string, fix: string): void => {
      const key = `${code}:${message}`;
      if (seen.has(key)) return;
      seen.add(key);
      problems.push({
        code,
        severity: 'error',
        component: where.component,
        file: where.file,
        path: `jobs.${job.name}.script`,
        line,
        message,
        fix,
      });
    };
    const lines = codeLines(job.text);
    const declared = new Set([
      ...job.variables,
      ...assigned(job.text),
      ...libVariables,
      ...SHELL_VARIABLES,
      ...allowed,
    ]);
    for (const [name, line] of reads(lines)) {
      if (declared.has(name) || PREDEFINED.test(name)) continue;
      at(
        'undeclared-variable',
        line,
        `reads $${name}, which is not a job variable, a GitLab predefined variable, the shell library's or ` +
          `assigned by the job's scripts`,
        `map the input to it in the job's \`variables:\` (inputVariables), or list it in \`readsVariables\` of ` +
          `the definition if consumers set it as a CI/CD variable`,
      );
    }
    const safePaths = safePathVariables(job.text);
    for (const { line, code } of lines) {
      for (const m of code.matchAll(/(?:^|[\s(])(--[a-z][a-z0-9-]*)\s+"?\$/g)) {
        at(
          'option-value-separate',
          line,
          `passes a value as the word after ${m[1]} (\`${code.trim().slice(0, 80)}\`): a value starting with '-' ` +
            `would be read as another option`,
          `write ${m[1]}="$value"`,
        );
      }
      const fn = /^\s*(?:function\s+)?([a-z_][a-z0-9_]*)\s*\(\)\s*\{/.exec(code);
      if (fn && libFunctions.has(fn[1]!)) {
        at(
          'library-function-redefined',
          line,
          `defines ${fn[1]}(), which the shell library (${LIBRARY_FILE}) already defines`,
          `remove it and use the library's ${fn[1]}`,
        );
      }
      if (/(?:^|[\s;(])mktemp\b/.test(code) || /\btrap\b.*\bEXIT\b/.test(code)) {
        at(
          'job-temp-dir',
          line,
          'creates its own temporary files or EXIT trap',
          'put temporary files under "$CATALOG_JOB_DIR", which the shell library removes when the job ends (a ' +
            'second EXIT trap would replace its cleanup)',
        );
      }
      const find = /(?:^|[\s;(|])find\s+"?\$\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(code);
      if (find && !safePaths.has(find[1]!)) {
        at(
          'path-as-option',
          line,
          `gives find the path $${find[1]}, which find reads as an expression when it starts with '-'`,
          `make it with path_arg: ${find[1]}="$(path_arg INPUT "$VALUE")"`,
        );
      }
      if (/(?:^|[\s;(|])cat\s+"?\$/.test(code)) {
        at(
          'path-as-option',
          line,
          "gives cat a path that cat reads as an option when it starts with '-'",
          'write cat -- "$path"',
        );
      }
      for (const file of job.dotenv) {
        const target = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        if (
          new RegExp(`>>?\\s*"?${target}"?(\\s|$|;)`).test(code) &&
          !new RegExp(`^\\s*:\\s*>\\s*"?${target}"?\\s*$`).test(code)
        ) {
          at(
            'dotenv-write',
            line,
            `writes the dotenv report ${file} directly; a value with a line break would add variables that ` +
              `later jobs trust`,
            `use dotenv_set ${file} NAME "$value" (it refuses line breaks and escapes $)`,
          );
        }
      }
      for (const expr of [...code.matchAll(/\$?\(\((.*?)\)\)/g)]
        .map((m) => m[1]!)
        .concat([...code.matchAll(/\[\[(.*?-(?:eq|ne|lt|le|gt|ge)\b.*?)\]\]/g)].map((m) => m[1]!))) {
        for (const v of expr.matchAll(/\$?\{?\b([A-Z_][A-Z0-9_]*)\b/g)) {
          if (job.inputVariables.has(v[1]!)) {
            at(
              'unchecked-number',
              line,
              `uses $${v[1]} in arithmetic, where a value such as 'PATH[$(cmd)]' runs cmd`,
              `check it first: n="$(uint INPUT "$${v[1]}")", then use $n`,
            );
          }
        }
      }
      for (const v of code.matchAll(/(?:^|\s)--[a-z][a-z0-9-]*="\$\{?([A-Z_][A-Z0-9_]*)/g)) {
        const name = v[1]!;
        if (!/(?:^|[\s(])aws(?:_call)?\s/.test(code) || !job.inputVariables.has(name)) continue;
        const checked = new RegExp(
          `safe_arg\\s+\\S+\\s+"\\$\\{?${name}\\b|\\[\\[\\s+"\\$\\{?${name}\\b[^"]*"\\s+=~`,
        ).test(job.text);
        if (!checked) {
          at(
            'unchecked-aws-value',
            line,
            `passes $${name} to the AWS CLI unchecked: a value of file://PATH makes the CLI read that file`,
            `check it first with safe_arg INPUT "$${name}" or a [[ "$${name}" =~ ^...$ ]] pattern`,
          );
        }
      }
    }
  }
  return problems;
}
