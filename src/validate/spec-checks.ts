// What GitLab rejects in a `spec:` header at publish or pipeline time, plus the
// catalog's own rules (every input explained). Works on the rendered header, so
// it checks a hand-written template as well as a generated one.
import { problem, type Problem, type ProblemCode } from '../internal/problem.js';
import type { InputType, Spec, SpecInput } from '../model/spec.js';
import {
  compileInputRegex,
  MAX_INPUT_DESCRIPTION,
  MAX_INPUTS,
  MAX_OPTIONS,
  MAX_SPEC_DESCRIPTION as MAX_DESCRIPTION,
  NAME_PATTERN,
  TYPES,
  validateInputs,
} from '../gitlab/inputs.js';

interface Where {
  readonly component: string;
  readonly file?: string;
}

function typeOf(v: unknown): InputType | 'other' {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return 'array';
  return 'other';
}

export function checkComponentName(name: string, where: Where): Problem[] {
  if (NAME_PATTERN.test(name)) return [];
  return [
    {
      code: 'component-name',
      severity: 'error',
      component: name,
      file: where.file,
      message: `name "${name}" is not a valid GitLab component name: only letters, digits, "_" and "-" are allowed`,
      fix: `rename it, e.g. "${name.replace(/[^A-Za-z0-9_-]+/g, '-')}"`,
    },
  ];
}

function checkInput(name: string, input: SpecInput, where: Where): Problem[] {
  const problems: Problem[] = [];
  const at = (code: ProblemCode, message: string, fix: string): void => {
    problems.push(problem(code, message, { ...where, path: `inputs.${name}`, fix }));
  };
  if (!NAME_PATTERN.test(name))
    at('input-name', `input name "${name}" may only use letters, digits, "_" and "-"`, 'rename the input');
  const type = input.type ?? 'string';
  if (!(TYPES as readonly InputType[]).includes(type)) {
    at(
      'input-type',
      `unknown input specification for \`${name}\` (valid types: array, boolean, number, string)`,
      'use one of the four types',
    );
    return problems;
  }
  if (!input.description?.trim())
    at(
      'input-description',
      'has no description; the catalog shows it in the inputs table',
      'add a description saying what the value does',
    );
  else if (input.description.length > MAX_INPUT_DESCRIPTION)
    at(
      'input-description',
      `description is ${input.description.length} characters; GitLab allows ${MAX_INPUT_DESCRIPTION}`,
      'shorten it',
    );
  if (input.rules && (input.options !== undefined || input.default !== undefined)) {
    at(
      'input-rules',
      '`rules` cannot be combined with a top-level `options` or `default`',
      'move options and default into the rules',
    );
  }
  if (input.options !== undefined) {
    if (type === 'boolean')
      at(
        'options-type',
        'Options can only be used with string and number inputs',
        'remove `options` from the boolean input',
      );
    if (input.options.length > MAX_OPTIONS)
      at(
        'options-count',
        `cannot define more than ${MAX_OPTIONS} options (has ${input.options.length})`,
        'use a regex instead of a long option list',
      );
    if (input.options.length === 0)
      at(
        'options-count',
        '`options` is empty, so no value would be accepted',
        'list the allowed values or remove `options`',
      );
    for (const o of input.options) {
      const expected = type === 'array' ? ['string', 'number'] : [type];
      if (!expected.includes(typeOf(o)))
        at('options-type', `option ${JSON.stringify(o)} is not a ${type}`, `make every option a ${type}`);
    }
  }
  if (input.regex !== undefined) {
    if (type !== 'string')
      at(
        'regex-type',
        'RegEx validation can only be used with string inputs',
        'remove `regex` or make the input a string',
      );
    try {
      compileInputRegex(input.regex);
    } catch (e) {
      at(
        'regex-invalid',
        `invalid regular expression: ${(e as Error).message}`,
        'fix the pattern (an RE2 pattern without surrounding slashes)',
      );
    }
  }
  if (input.default !== undefined) problems.push(...checkDefault(name, input, where));
  for (const [i, rule] of (input.rules ?? []).entries()) {
    if (rule.if === undefined && rule.options === undefined)
      at('input-rules', `rule[${i}]: fallback rule must define 'options'`, 'add `options` to the rule without `if`');
    if (rule.if !== undefined && rule.options === undefined && rule.default === undefined)
      at('input-rules', `rule[${i}]: rule with 'if' must define 'options' or 'default'`, 'add `options` or `default`');
    if (
      rule.options &&
      rule.default !== undefined &&
      rule.default !== null &&
      !rule.options.includes(rule.default as string | number)
    ) {
      at(
        'input-rules',
        `rule[${i}]: default ${JSON.stringify(rule.default)} is not one of its options`,
        'make the default one of the options',
      );
    }
  }
  return problems;
}

/**
 * Checks a default the way GitLab does at pipeline creation, through the linter's own
 * input validation (one implementation of GitLab's texts), and adds the fix.
 */
function checkDefault(name: string, input: SpecInput, where: Where): Problem[] {
  const type = input.type ?? 'string';
  // Structural errors (options on a boolean, regex on a number) are reported above with their own fix.
  const errors = validateInputs({ [name]: input }, {}).errors.filter((m) =>
    /default value|cannot be used because/.test(m),
  );
  return errors.map((message) => {
    let fix = "make the default satisfy the input's type, options and regex";
    if (/ is not an? /.test(message)) fix = `give a ${type}`;
    else if (/allowed options/.test(message)) fix = `use one of: ${(input.options ?? []).join(', ')}`;
    else if (/RegEx/.test(message)) fix = `match /${input.regex}/`;
    return problem('default-invalid', message, { ...where, path: `inputs.${name}`, fix });
  });
}

export function checkSpec(spec: Spec, where: Where): Problem[] {
  const problems: Problem[] = [];
  const at = (code: ProblemCode, path: string, message: string, fix: string): void => {
    problems.push(problem(code, message, { ...where, path, fix }));
  };
  if (!spec.description?.trim())
    at(
      'spec-description',
      'spec.description',
      'has no description; the catalog shows it above the inputs',
      'add a one-sentence description',
    );
  else if (spec.description.length > MAX_DESCRIPTION) {
    at(
      'spec-description',
      'spec.description',
      `is ${spec.description.length} characters; GitLab allows ${MAX_DESCRIPTION}`,
      'shorten it and move detail to readme.md',
    );
  }
  const inputs = spec.inputs;
  if (inputs !== undefined && Object.keys(inputs).length === 0) {
    at(
      'spec-inputs-empty',
      'spec.inputs',
      'an empty `spec:inputs` fails publishing with "Spec must be a valid json schema"',
      'declare inputs or remove `inputs`',
    );
  }
  if (inputs && Object.keys(inputs).length > MAX_INPUTS) {
    at(
      'spec-inputs-count',
      'spec.inputs',
      `declares ${Object.keys(inputs).length} inputs; GitLab allows ${MAX_INPUTS}`,
      'split the component',
    );
  }
  for (const [name, input] of Object.entries(inputs ?? {})) problems.push(...checkInput(name, input ?? {}, where));
  return problems;
}
