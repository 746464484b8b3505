import type { Command } from 'commander';
import { checkFormat, formatFlag, print, resolveComponentAt, sourceFlags } from './browse-options.js';

export function registerSnippet(program: Command): void {
  formatFlag(sourceFlags(program.command('snippet <component[@version]>')))
    .description(
      'a ready `include:` for a component, pinned to a version (or its commit SHA), required inputs as placeholders',
    )
    .option('--pin-sha', "pin the release's commit SHA, with the version in a comment")
    .action(async (ref: string, o: Record<string, unknown>) => {
      const format = checkFormat(o);
      const { component: c, version: v } = await resolveComponentAt(ref, o, 'snippet');
      const { includeSnippet } = await import('../catalog/browse/snippet.js');
      const text = includeSnippet(c, v, { pinSha: o.pinSha === true });
      print(
        format === 'json'
          ? JSON.stringify({ component: c.name, version: v.version, sha: v.sha ?? null, snippet: text }, null, 2)
          : text,
      );
    });
}
