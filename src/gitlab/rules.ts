// GitLab's `rules:` where the engine evaluates them itself: the `if:` of an input rule
// (`spec:inputs:<x>:rules`, which sees only inputs) and an include's rules that can never match.
// Job rules depend on the pipeline's variables and are left to the executor that runs the jobs.

const INPUT_REF = /\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]/g;

/** The inputs an `if:` expression reads. */
export function inputsReferenced(expr: string): string[] {
  return [...expr.matchAll(INPUT_REF)].map((m) => m[1]!);
}

/** The `if:` of an input rule: `$[[ inputs.x ]] == 'v'`, `!=`, `&&`, `||`, parentheses. */
export function evaluateCondition(expr: string, inputs: Record<string, unknown>): boolean {
  const tokens =
    expr.match(/\$\[\[\s*inputs\.[A-Za-z0-9_-]+\s*\]\]|'[^']*'|"[^"]*"|==|!=|&&|\|\||\(|\)|[^\s()=!&|]+/g) ?? [];
  let i = 0;
  const value = (): unknown => {
    const t = tokens[i++];
    if (t === undefined) return null;
    if (t === '(') {
      const v = or();
      i++;
      return v;
    }
    const ref = /^\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]$/.exec(t);
    if (ref) return inputs[ref[1]!] ?? null;
    if (/^'.*'$|^".*"$/.test(t)) return t.slice(1, -1);
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'null') return null;
    if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
    return t;
  };
  const cmp = (): boolean | unknown => {
    const left = value();
    const op = tokens[i];
    if (op === '==' || op === '!=') {
      i++;
      const right = value();
      const eq = String(left) === String(right);
      return op === '==' ? eq : !eq;
    }
    return left;
  };
  const and = (): boolean => {
    let v = !!cmp();
    while (tokens[i] === '&&') {
      i++;
      v = !!cmp() && v;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (tokens[i] === '||') {
      i++;
      v = and() || v;
    }
    return v;
  };
  return or();
}

/** An include whose every rule is a bare `when: never` is never included, whatever the variables. */
export function includeNeverMatches(entry: Readonly<Record<string, unknown>>): boolean {
  const rules = entry.rules;
  return (
    Array.isArray(rules) &&
    rules.every(
      (r) =>
        !!r &&
        typeof r === 'object' &&
        (r as Record<string, unknown>).when === 'never' &&
        !('if' in r) &&
        !('exists' in r) &&
        !('changes' in r),
    )
  );
}
