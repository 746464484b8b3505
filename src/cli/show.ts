import type { Command } from 'commander';
import { checkFormat, formatFlag, print, sourceFlags, sourceOptions } from './browse-options.js';

export function registerShow(program: Command): void {
  formatFlag(sourceFlags(program.command('show <component[@version]>')))
    .description(
      'a component at a version (default: the newest release): inputs, include, IAM policy, examples, versions',
    )
    .action(async (ref: string, o: Record<string, unknown>) => {
      const format = checkFormat(o);
      const { findComponent, findVersion, parseComponentRef } = await import('../catalog/browse/model.js');
      const { loadCatalog } = await import('../catalog/browse/source.js');
      const { includeSnippet } = await import('../catalog/browse/snippet.js');
      const { name, version } = parseComponentRef(ref);
      const c = findComponent(await loadCatalog(sourceOptions(o, {}, 'show')), name);
      const v = findVersion(c, version);
      if (format === 'json') {
        const { versions, ...rest } = c;
        print(
          JSON.stringify(
            {
              ...rest,
              version: v,
              versions: versions.map((x) => ({ version: x.version, released: x.released, date: x.date, sha: x.sha })),
            },
            null,
            2,
          ),
        );
      } else {
        const { renderShow } = await import('../catalog/browse/render-text.js');
        print(renderShow(c, v, includeSnippet(c, v)));
      }
    });
}
