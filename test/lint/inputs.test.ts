// GitLab's own input cases (spec/lib/gitlab/ci/config/interpolation/inputs_spec.rb), same texts.
import { describe, expect, it } from 'vitest';
import { validateInputs } from '../../src/gitlab/inputs.js';

const errors = (specs: unknown, args: Record<string, unknown> = {}) => validateInputs(specs, args).errors;

describe("validateInputs with GitLab's texts", () => {
  it('required, unknown and multiple errors', () => {
    expect(errors({ foo: null })).toEqual(['`foo` input: required value has not been provided']);
    expect(errors({ foo: null }, { foo: 'bar', test: 'bar' })).toEqual(['unknown input arguments: test']);
    expect(errors({ foo: null }, { test: 'bar', gitlab: '1' })).toEqual([
      'unknown input arguments: test, gitlab',
      '`foo` input: required value has not been provided',
    ]);
  });

  it('types of values and defaults', () => {
    expect(
      errors(
        { a_input: null, b_input: { default: 'test' }, c_input: { default: 123 } },
        { a_input: 123, b_input: 123, c_input: 'test' },
      ),
    ).toEqual([
      '`a_input` input: provided value is not a string',
      '`b_input` input: provided value is not a string',
      '`c_input` input: default value is not a string',
    ]);
    expect(errors({ n: { type: 'number' } }, { n: false })).toEqual(['`n` input: provided value is not a number']);
    expect(errors({ n: { type: 'number', default: 'NaN' } })).toEqual(['`n` input: default value is not a number']);
    expect(errors({ b: { type: 'boolean' } }, { b: 'string' })).toEqual(['`b` input: provided value is not a boolean']);
    expect(errors({ a: { type: 'array' } }, { a: 'string' })).toEqual(['`a` input: provided value is not an array']);
    expect(errors({ a: { type: 'array', default: 'string' } })).toEqual(['`a` input: default value is not an array']);
    expect(errors({ u: { type: 'datetime' } }, { u: '2023-10-31' })).toEqual([
      'unknown input specification for `u` (valid types: array, boolean, number, string)',
    ]);
  });

  it('options: "allowed options" for strings, "the allowed options" for numbers', () => {
    expect(errors({ foo: { default: 'coop', options: ['one', 'two'] } })).toEqual([
      '`foo` input: `coop` cannot be used because it is not in the list of allowed options',
    ]);
    expect(errors({ foo: { default: 'one', options: ['one', 'two'] } }, { foo: 'niet' })).toEqual([
      '`foo` input: `niet` cannot be used because it is not in the list of allowed options',
    ]);
    expect(errors({ foo: { default: 1, options: [1, 2, 3], type: 'number' } }, { foo: 'word' }).sort()).toEqual([
      '`foo` input: `word` cannot be used because it is not in the list of the allowed options',
      '`foo` input: provided value is not a number',
    ]);
    expect(errors({ foo: { default: true, options: [true, false], type: 'boolean' } })).toEqual([
      '`foo` input: Options can only be used with string and number inputs',
    ]);
    expect(validateInputs({ foo: { default: 1, options: [1, 2], type: 'number' } }, { foo: 2 }).values).toEqual({
      foo: 2,
    });
  });

  it('regex, checked on the raw value; RE2 rejects what it cannot run', () => {
    expect(errors({ t: { regex: '^input_value$' } }, { t: 'input' })).toEqual([
      '`t` input: provided value does not match required RegEx pattern',
    ]);
    expect(errors({ t: { default: 'input', regex: '^input_value$' } })).toEqual([
      '`t` input: default value does not match required RegEx pattern',
    ]);
    expect(errors({ t: { regex: '^input_value$', type: 'number' } }, { t: 999 })).toEqual([
      '`t` input: RegEx validation can only be used with string inputs',
    ]);
    expect(errors({ t: { regex: '^input_value$' } }, { t: 999 })).toEqual([
      '`t` input: provided value is not a string',
    ]);
    expect(errors({ t: { regex: 'a++' } }, { t: 'aaa' })).toEqual(['`t` input: invalid regular expression']);
    expect(errors({ t: { regex: '^(?=a)a$' } }, { t: 'a' })).toEqual(['`t` input: invalid regular expression']);
    expect(errors({ t: { regex: '^v\\d+$' } }, { t: 'v12' })).toEqual([]);
  });

  it('spec:inputs:rules pick options and default from the first matching rule', () => {
    const specs = {
      env: { options: ['development', 'production'], default: 'development' },
      size: {
        rules: [
          { if: "$[[ inputs.env ]] == 'development'", options: ['small', 'medium'], default: 'small' },
          { options: ['large'], default: 'large' },
        ],
      },
    };
    expect(validateInputs(specs, {}).values).toEqual({ env: 'development', size: 'small' });
    expect(validateInputs(specs, { env: 'production' }).values).toEqual({ env: 'production', size: 'large' });
    expect(errors(specs, { env: 'production', size: 'small' })).toEqual([
      '`size` input: `small` cannot be used because it is not in the list of allowed options',
    ]);
    expect(
      errors({
        size: {
          rules: [
            { if: "$[[ inputs.nope ]] == 'x'", default: 'a' },
            { options: ['a'], default: 'a' },
          ],
        },
      }),
    ).toEqual(['`size` input: rule[0] references undefined inputs: nope']);
  });
});
