// GitLab's `spec:` header, keys spelled exactly as GitLab spells them.
// https://docs.gitlab.com/ci/yaml/#spec

export type InputType = 'string' | 'number' | 'boolean' | 'array';

export type InputValue = string | number | boolean | readonly unknown[];

export interface InputRule {
  readonly if?: string;
  readonly options?: readonly (string | number)[];
  readonly default?: InputValue | null;
}

/** One entry of `spec:inputs`. */
export interface SpecInput {
  readonly type?: InputType;
  readonly description?: string;
  readonly default?: InputValue;
  readonly options?: readonly (string | number)[];
  readonly regex?: string;
  readonly rules?: readonly InputRule[];
}

export type ComponentField = 'name' | 'sha' | 'version' | 'reference';

export interface Spec {
  readonly description?: string;
  readonly component?: readonly ComponentField[];
  readonly inputs?: Readonly<Record<string, SpecInput>>;
}

export interface SpecHeader {
  readonly spec: Spec;
}
