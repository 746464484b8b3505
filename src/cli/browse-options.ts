// The source and output flags every browse command shares (search, show, diff, snippet, site).
import type { Command } from 'commander';
import type { ComponentVersion, ComponentView } from '../catalog/browse/model.js';
import type { SourceOptions } from '../catalog/browse/source.js';

export function sourceFlags(cmd: Command): Command {
  return cmd
    .option('--from <path|url>', 'read another catalog project (a folder or a git URL) instead of this checkout')
    .option('--ref <ref>', 'branch, tag or SHA of --from (or of this checkout) to read')
    .option('--gitlab', "read a GitLab instance's CI/CD Catalog through its GraphQL API (GITLAB_URL, GITLAB_TOKEN)")
    .option(
      '--project <group/project>',
      "with --gitlab: the catalog project to read (search without it: the projects GitLab's search finds)",
    );
}

export function formatFlag(cmd: Command): Command {
  return cmd.option('--format <format>', 'human or json', 'human');
}

/** `command` is named when it needs one catalog project (all but search). */
export function sourceOptions(
  o: Record<string, unknown>,
  extra: Partial<SourceOptions> = {},
  command?: string,
): SourceOptions {
  const project = typeof o.project === 'string' ? o.project : undefined;
  if (project && !o.gitlab)
    throw new Error(`--project ${project} reads from GitLab (fix: add --gitlab, with GITLAB_URL and GITLAB_TOKEN set)`);
  if (o.gitlab && !project && command)
    throw new Error(
      `catalog ${command} --gitlab needs the catalog project (fix: add --project <group/project>; \`catalog ` +
        `search <words> --gitlab\` finds one)`,
    );
  return {
    ...(typeof o.from === 'string' ? { from: o.from } : {}),
    ...(typeof o.ref === 'string' ? { ref: o.ref } : {}),
    ...(o.gitlab ? { gitlab: project ?? true } : {}),
    ...extra,
  };
}

/** `<component[@version]>` in the catalog the flags name: the component, at that version or its newest release. */
export async function resolveComponentAt(
  ref: string,
  o: Record<string, unknown>,
  command: string,
): Promise<{ component: ComponentView; version: ComponentVersion }> {
  const { findComponent, findVersion, parseComponentRef } = await import('../catalog/browse/model.js');
  const { loadCatalog } = await import('../catalog/browse/source.js');
  const { name, version } = parseComponentRef(ref);
  const component = findComponent(await loadCatalog(sourceOptions(o, {}, command)), name);
  return { component, version: findVersion(component, version) };
}

export function checkFormat(o: Record<string, unknown>): 'human' | 'json' {
  if (o.format !== 'human' && o.format !== 'json') throw new Error(`--format ${String(o.format)}: use human or json`);
  return o.format;
}

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
