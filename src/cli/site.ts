import type { Command } from 'commander';
import { print, sourceFlags, sourceOptions } from './browse-options.js';

export function registerSite(program: Command): void {
  sourceFlags(program.command('site'))
    .description(
      'generate the static catalog site (search, inputs per version, diffs, pinned includes); works from files ' +
        'and GitLab Pages',
    )
    .option('--out <dir>', 'the folder to write (replaced as a whole)', 'public')
    .action(async (o: Record<string, unknown>) => {
      const { loadCatalog } = await import('../catalog/browse/source.js');
      const { buildSite } = await import('../catalog/site/build-site.js');
      const started = performance.now();
      const r = buildSite(await loadCatalog(sourceOptions(o, {}, 'site')), String(o.out));
      print(
        `wrote ${r.pages} pages (${Math.round(r.bytes / 1024)} KB) to ${r.out} in ` +
          `${Math.round(performance.now() - started)} ms; open ${r.out}/index.html`,
      );
    });
}
