// Checks that deprecations and renames declared in the definitions point at something real.
import type { Component } from '../define/component.js';
import type { Problem } from '../internal/problem.js';

export function checkDeprecations(components: readonly Component[]): Problem[] {
  const problems: Problem[] = [];
  const names = new Set(components.map((c) => c.name));
  for (const c of components) {
    const at = (path: string | undefined, message: string, fix: string) =>
      problems.push({
        code: 'deprecation',
        severity: 'error',
        file: c.file,
        component: c.name,
        ...(path ? { path } : {}),
        message,
        fix,
      });
    const r = c.deprecated?.replacement;
    if (r !== undefined && (r === c.name || (!r.includes('/') && !names.has(r)))) {
      at(
        undefined,
        `is deprecated in favour of "${r}", which is not another component of this catalog`,
        'name an existing component, or a full include path for one in another catalog',
      );
    }
    const formers = new Map<string, string>();
    for (const [name, def] of Object.entries(c.inputs)) {
      const rep = def.deprecated?.replacement;
      if (rep !== undefined && (rep === name || !(rep in c.inputs))) {
        at(
          `inputs.${name}`,
          `is deprecated in favour of "${rep}", which is not another input of "${c.name}"`,
          `declare the input "${rep}" or name an existing one`,
        );
      }
      const f = def.formerName;
      if (f === undefined) continue;
      if (f in c.inputs)
        at(
          `inputs.${name}`,
          `declares the former name "${f}", but an input of that name still exists`,
          `remove the input "${f}" (the rename is what makes it breaking) or drop \`formerName\``,
        );
      else if (formers.has(f))
        at(
          `inputs.${name}`,
          `declares the former name "${f}", like input "${formers.get(f)}"`,
          'only one input can take over a former name',
        );
      else if (!/^[A-Za-z0-9_-]+$/.test(f))
        at(
          `inputs.${name}`,
          `declares the former name "${f}", which is not a valid input name`,
          'use the exact name the input had',
        );
      formers.set(f, name);
    }
  }
  return problems;
}
