import type { Command } from 'commander';
import { checkFormat, formatFlag, print, sourceFlags, sourceOptions } from './browse-options.js';

export function registerDiff(program: Command): void {
  formatFlag(sourceFlags(program.command('diff <component> <from> <to>')))
    .description("what changed in a component's inputs between two versions; breaking changes first and marked")
    .action(async (name: string, from: string, to: string, o: Record<string, unknown>) => {
      const format = checkFormat(o);
      const { findComponent, findVersion } = await import('../catalog/browse/model.js');
      const { loadCatalog } = await import('../catalog/browse/source.js');
      const { diffInputs } = await import('../catalog/browse/diff.js');
      const c = findComponent(await loadCatalog(sourceOptions(o, {}, 'diff')), name);
      const a = findVersion(c, from);
      const b = findVersion(c, to);
      const diffs = diffInputs(a, b);
      if (format === 'json')
        print(
          JSON.stringify(
            {
              component: c.name,
              from: a.version,
              to: b.version,
              breaking: diffs.some((d) => d.breaking),
              changes: diffs,
            },
            null,
            2,
          ),
        );
      else {
        const { renderDiff } = await import('../catalog/browse/render-text.js');
        print(renderDiff(c, a, b, diffs));
      }
    });
}
