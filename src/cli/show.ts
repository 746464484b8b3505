import type { Command } from 'commander';
import { checkFormat, formatFlag, print, resolveComponentAt, sourceFlags } from './browse-options.js';

export function registerShow(program: Command): void {
  formatFlag(sourceFlags(program.command('show <component[@version]>')))
    .description(
      'a component at a version (default: the newest release): inputs, include, IAM policy, examples, versions',
    )
    .action(async (ref: string, o: Record<string, unknown>) => {
      const format = checkFormat(o);
      const { component: c, version: v } = await resolveComponentAt(ref, o, 'show');
      const { includeSnippet } = await import('../catalog/browse/snippet.js');
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
