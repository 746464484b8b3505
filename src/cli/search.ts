import type { Command } from 'commander';
import { checkFormat, formatFlag, print, sourceFlags, sourceOptions } from './browse-options.js';

export function registerSearch(program: Command): void {
  formatFlag(sourceFlags(program.command('search [words...]')))
    .description('find components by name, description, AWS service, IAM action or input; best match first')
    .action(async (words: string[], o: Record<string, unknown>) => {
      const format = checkFormat(o);
      const query = words.join(' ');
      const { loadCatalog } = await import('../catalog/browse/source.js');
      const { search } = await import('../catalog/browse/search.js');
      const hits = search(await loadCatalog(sourceOptions(o, { search: query })), query);
      if (format === 'json') {
        print(
          JSON.stringify(
            hits.map((h) => ({
              name: h.component.name,
              version: h.component.versions[0]!.version,
              description: h.component.description,
              category: h.component.category,
              services: h.component.services,
              score: h.score,
              matched: h.matched,
            })),
            null,
            2,
          ),
        );
      } else {
        const { renderSearch } = await import('../catalog/browse/render-text.js');
        print(renderSearch(hits, query));
      }
    });
}
