// The `include:` a consumer pastes: pinned to a version tag, or to the tag's commit SHA with the
// version in a comment (what Renovate keeps up to date), with every required input present as a
// placeholder to fill in.
import { browseError, type ComponentVersion, type ComponentView } from './model.js';

export interface SnippetOptions {
  readonly pinSha?: boolean;
}

/** The placeholder for a required input: its type, so a wrong value is easy to spot. */
function placeholder(type: string): string {
  return `<${type === 'array' ? 'array' : type}>`;
}

export function includeSnippet(c: ComponentView, v: ComponentVersion, o: SnippetOptions = {}): string {
  if (o.pinSha && !v.sha) {
    throw browseError(
      `no commit is known for ${c.name}@${v.version} (the catalog source has no tag ${v.version})`,
      'pin the tag without --pin-sha, or read the catalog from a git clone with its tags (--from <path or URL>)',
      { component: c.name },
    );
  }
  const required = v.inputs.filter((i) => i.required);
  const head = `include:\n  - component: ${c.includeBase}@${o.pinSha ? `${v.sha} # ${v.version}` : v.version}\n`;
  if (!required.length) return head;
  // Placeholders are fixed plain scalars; a name that is not plain YAML is written as a JSON
  // string, which YAML reads as the same double-quoted key.
  const inputs = required
    .map(
      (i) =>
        `      ${/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(i.name) ? i.name : JSON.stringify(i.name)}: ` +
        `${placeholder(i.type)}`,
    )
    .join('\n');
  return `${head}    inputs:\n${inputs}\n`;
}
