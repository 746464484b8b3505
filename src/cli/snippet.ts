import type { Command } from 'commander';
import { checkFormat, formatFlag, print, sourceFlags, sourceOptions } from './browse-options.js';

export function registerSnippet(program: Command): void {
  formatFlag(sourceFlags(program.command('snippet <component[@version]>')))
    .description(
      'a ready `include:` for a component, pinned to a version (or its commit SHA), required inputs as placeholders',
    )
    .option('--pin-sha', "pin the release's commit SHA, with the version in a comment")
    .action(async (ref: string, o: Record<string, unknown>) => {
      const format = checkFormat(o);
      const { findComponent, findVersion, parseComponentRef } = await import('../catalog/browse/model.js');
      const { loadCatalog } = await import('../catalog/browse/source.js');
      const { includeSnippet } = await import('../catalog/browse/snippet.js');
      const { name, version } = parseComponentRef(ref);
      const c = findComponent(await loadCatalog(sourceOptions(o, {}, 'snippet')), name);
      const v = findVersion(c, version);
      const text = includeSnippet(c, v, { pinSha: o.pinSha === true });
      print(
        format === 'json'
          ? JSON.stringify({ component: c.name, version: v.version, sha: v.sha ?? null, snippet: text }, null, 2)
          : text,
      );
    });
}
