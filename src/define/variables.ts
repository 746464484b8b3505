// Inputs reach job scripts only through job variables (never as script text). This maps inputs
// to variables by one rule, `<PREFIX>_<INPUT_IN_UPPER_SNAKE_CASE>`, so a component lists the
// inputs its script reads instead of writing each mapping by hand.
import type { InputDefs, InputRefs } from './input.js';

export type JobVariable = string | { readonly value: string; readonly expand: false };

export interface InputVariableOptions<K extends string> {
  /**
   * Inputs passed literally (`expand: false`): GitLab does not expand `$NAME` in their values,
   * so `pa$word` stays `pa$word`. For values that are data (passwords, environment values),
   * not references to CI/CD variables.
   */
  readonly literal?: readonly K[];
}

/** `source-dir` with prefix `SITE` -> `SITE_SOURCE_DIR`. */
export function variableName(prefix: string, input: string): string {
  return `${prefix}_${input.replace(/-/g, '_').toUpperCase()}`;
}

export function inputVariables<I extends InputDefs, K extends keyof I & string>(
  prefix: string,
  inputs: InputRefs<I>,
  names: readonly K[],
  options: InputVariableOptions<K> = {},
): Record<string, JobVariable> {
  const out: Record<string, JobVariable> = {};
  for (const name of names) {
    const value = inputs[name];
    out[variableName(prefix, name)] = options.literal?.includes(name) ? { value, expand: false } : value;
  }
  return out;
}

/**
 * inputVariables for every input but `except`: for a job whose script reads all of its component's
 * own inputs, while shared builders pass the others (placement, image, authentication).
 */
export function inputVariablesExcept<I extends InputDefs>(
  prefix: string,
  inputs: InputRefs<I>,
  except: readonly string[],
  options: InputVariableOptions<keyof I & string> = {},
): Record<string, JobVariable> {
  const names = (Object.keys(inputs) as (keyof I & string)[]).filter((name) => !except.includes(name));
  return inputVariables(prefix, inputs, names, options);
}
