// The source and output flags every browse command shares (search, show, diff, snippet, site).
import type { Command } from 'commander';
import type { SourceOptions } from '../catalog/browse/source.js';

export function sourceFlags(cmd: Command): Command {
  return cmd
    .option('--from <path|url>', 'read another catalog project (a folder or a git URL) instead of this checkout')
    .option('--ref <ref>', 'branch, tag or SHA of --from (or of this checkout) to read')
    .option('--gitlab [group/project]', "read a GitLab instance's CI/CD Catalog (GITLAB_URL, GITLAB_TOKEN): one catalog project, or the whole instance for search");
}

export function formatFlag(cmd: Command): Command {
  return cmd.option('--format <format>', 'human or json', 'human');
}

export function sourceOptions(o: Record<string, unknown>, extra: Partial<SourceOptions> = {}): SourceOptions {
  return {
    ...(typeof o.from === 'string' ? { from: o.from } : {}),
    ...(typeof o.ref === 'string' ? { ref: o.ref } : {}),
    ...(o.gitlab !== undefined ? { gitlab: o.gitlab as string | boolean } : {}),
    ...extra,
  };
}

export function checkFormat(o: Record<string, unknown>): 'human' | 'json' {
  if (o.format !== 'human' && o.format !== 'json') throw new Error(`--format ${String(o.format)}: use human or json`);
  return o.format;
}

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
