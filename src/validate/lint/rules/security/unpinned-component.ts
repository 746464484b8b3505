// A component (or project file, or remote URL) included at a moving reference runs whatever
// its maintainers push next. GitLab's guidance: pin to a commit SHA (preferred) or a release tag.
import { isHash, type PipelineRule, type SecurityFinding } from './context.js';

const SHA = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;
const SEMVER = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
/** The pipeline's own commit: what a catalog's self-test includes. */
const SELF = /^\$(?:CI_COMMIT_SHA|\{CI_COMMIT_SHA\})$/;

export function isPinned(ref: string): boolean {
  return SHA.test(ref) || SEMVER.test(ref) || SELF.test(ref);
}

function why(ref: string): string {
  if (ref === '~latest') return '`~latest` moves with every release';
  if (/^\d+(\.\d+)?$/.test(ref)) return `\`${ref}\` is a partial version and moves with every matching release`;
  if (ref.startsWith('$')) return `\`${ref}\` is a variable the linter cannot see`;
  return `\`${ref}\` is a branch or a tag name that is not a version`;
}

const refOf = (address: string) => (address.includes('@') ? address.slice(address.lastIndexOf('@') + 1) : '');
/** `$CI_SERVER_FQDN/acme/tools/scan@1.2.3` and `gitlab.com/acme/tools/scan@1.2.3` are one include. */
const withoutHost = (address: string) => address.slice(address.indexOf('/') + 1);

export const unpinnedComponent: PipelineRule = ({ includes, written }) => {
  const out: SecurityFinding[] = [];
  const seen = new Set<string>();
  const component = (address: string, file?: string) => {
    if (seen.has(withoutHost(address))) return;
    seen.add(withoutHost(address));
    const ref = refOf(address);
    if (ref && isPinned(ref)) return;
    out.push({
      code: 'security-unpinned-component',
      ...(file ? { file } : {}),
      job: 'include',
      message: `component \`${address}\` is not pinned: ${ref ? why(ref) : 'it has no `@version`'}`,
      fix: 'pin it to a released version (`@1.4.2`) or, better, a commit SHA',
    });
  };
  // As written first (this also covers includes GitLab could not resolve offline), then nested ones.
  for (const w of written) {
    const list = isHash(w.content) ? w.content.include : undefined;
    for (const entry of Array.isArray(list) ? list : [list]) {
      if (!isHash(entry)) continue;
      if (typeof entry.component === 'string') component(entry.component, w.file);
      if (typeof entry.project !== 'string') continue;
      const ref = entry.ref === undefined ? undefined : String(entry.ref);
      if (ref !== undefined && isPinned(ref)) continue;
      out.push({
        code: 'security-unpinned-component',
        file: w.file,
        job: 'include',
        message:
          `project include \`${entry.project}\` ` +
          `${ref === undefined ? 'has no `ref:`, so it follows the default branch' : `is not pinned: ${why(ref)}`}`,
        fix: 'add `ref:` with a release tag or, better, a commit SHA',
      });
    }
  }
  for (const inc of includes) {
    if (inc.type === 'component') component(inc.location);
    else if (inc.type === 'remote' && !/[0-9a-f]{40}/.test(inc.location) && !seen.has(inc.location)) {
      seen.add(inc.location);
      out.push({
        code: 'security-unpinned-component',
        job: 'include',
        message: `remote include \`${inc.location}\` can change under the pipeline`,
        fix: 'include a copy from this project (`include: local`), or a URL that names a commit SHA',
      });
    }
  }
  for (const w of written) {
    const list = isHash(w.content) ? w.content.include : undefined;
    for (const entry of Array.isArray(list) ? list : [list]) {
      const url =
        typeof entry === 'string' && /^https?:\/\//.test(entry)
          ? entry
          : isHash(entry) && typeof entry.remote === 'string'
            ? entry.remote
            : undefined;
      if (url && !/[0-9a-f]{40}/.test(url) && !seen.has(url)) {
        seen.add(url);
        out.push({
          code: 'security-unpinned-component',
          file: w.file,
          job: 'include',
          message: `remote include \`${url}\` can change under the pipeline`,
          fix: 'include a copy from this project (`include: local`), or a URL that names a commit SHA',
        });
      }
    }
  }
  return out;
};
