// Typed input builders. Each builder records GitLab's `spec:inputs` entry and
// carries the TypeScript type of the value, so definitions stay type-checked.
import type { Deprecation } from '../catalog/contract.js';
import type { InputRule, InputType, SpecInput } from '../model/spec.js';

export interface InputDef<T = unknown> extends SpecInput {
  readonly type: InputType;
  /** Phantom field: the TypeScript type of the input's value. Never set. */
  readonly __value?: T;
  /** A realistic value for docs and checks when the input has no default. Not rendered into the template. */
  readonly example?: unknown;
  /** Marked deprecated: docs, catalog.yml and the catalog UI say so, and the linter warns a consumer who sets it. */
  readonly deprecated?: Deprecation;
  /** The name this input had in earlier releases; the release records the rename so upgrades can rewrite it. */
  readonly formerName?: string;
}

interface Common {
  /** Shown in the catalog's inputs table and in our docs. Required: an input nobody can explain is a bug. */
  readonly description: string;
  readonly rules?: readonly InputRule[];
  /** Marks the input deprecated, with its replacement: shown in the docs and the catalog, warned by the linter. */
  readonly deprecated?: Deprecation;
  /** The input's name in earlier releases, when it was renamed (a rename is a breaking change). */
  readonly formerName?: string;
}

export interface StringOptions extends Common {
  readonly default?: string;
  readonly options?: readonly string[];
  /** An RE2 pattern without surrounding slashes, checked by GitLab against the raw value. */
  readonly regex?: string;
  readonly example?: string;
}

export interface NumberOptions extends Common {
  readonly default?: number;
  readonly options?: readonly number[];
  readonly example?: number;
}

export interface BooleanOptions extends Common {
  readonly default?: boolean;
}

export interface ArrayOptions<T> extends Common {
  readonly default?: readonly T[];
  readonly options?: readonly (string | number)[];
  readonly example?: readonly T[];
}

function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export const input = {
  string(o: StringOptions): InputDef<string> {
    return strip({ type: 'string', ...o });
  },
  number(o: NumberOptions): InputDef<number> {
    return strip({ type: 'number', ...o });
  },
  boolean(o: BooleanOptions): InputDef<boolean> {
    return strip({ type: 'boolean', ...o });
  },
  array<T = string>(o: ArrayOptions<T>): InputDef<readonly T[]> {
    return strip({ type: 'array', ...o });
  },
};

export type InputDefs = Readonly<Record<string, InputDef>>;

/** The text GitLab replaces with the input's value at pipeline creation. */
export type InputRef<N extends string> = `$[[ inputs.${N} ]]`;

export type InputRefs<I extends InputDefs> = { readonly [K in keyof I & string]: InputRef<K> };

export function inputRefs<I extends InputDefs>(inputs: I): InputRefs<I> {
  const refs: Record<string, string> = {};
  for (const name of Object.keys(inputs)) refs[name] = `$[[ inputs.${name} ]]`;
  // A Proxy so a JavaScript caller (or a cast) that reads an undeclared input fails at definition time too.
  return new Proxy(Object.freeze(refs), {
    get(target, key) {
      if (typeof key === 'string' && !(key in target)) {
        throw new Error(`input "${key}" is not declared; declare it in \`inputs\` or remove the reference`);
      }
      return Reflect.get(target, key);
    },
  }) as InputRefs<I>;
}
