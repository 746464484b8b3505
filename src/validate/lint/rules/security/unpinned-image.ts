// An image without a tag, or tagged `latest`, is whatever was pushed last: the job can change
// (or be replaced) without a change to the pipeline. A digest (`@sha256:`) is the strongest pin.
import { isHash, jobsAndDefault, type PipelineRule, type SecurityFinding } from './context.js';

/** Why a reference is not pinned, or undefined when it is (a digest, or a tag other than latest). */
export function unpinnedReason(ref: string): string | undefined {
  if (ref.includes('$')) return undefined; // a variable: the linter cannot see the value
  if (/@sha256:[0-9a-f]{64}$/.test(ref)) return undefined;
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  if (colon < 0) return 'has no tag, so it means `latest`';
  if (last.slice(colon + 1) === 'latest') return 'is tagged `latest`';
  return undefined;
}

const names = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : isHash(v) && typeof v.name === 'string' ? [v.name] : [];

export const unpinnedImage: PipelineRule = ({ config }) => {
  const out: SecurityFinding[] = [];
  const check = (owner: string, key: string, ref: string) => {
    const reason = unpinnedReason(ref);
    if (reason)
      out.push({
        code: 'security-unpinned-image',
        job: owner,
        message: `${owner}:${key} \`${ref}\` ${reason}`,
        fix: 'pin a version tag (`node:20.19.0-bookworm`) or, better, a digest (`node@sha256:…`)',
      });
  };
  const scan = (owner: string, holder: Record<string, unknown>) => {
    for (const ref of names(holder.image)) check(owner, 'image', ref);
    for (const s of Array.isArray(holder.services) ? holder.services : [])
      for (const ref of names(s)) check(owner, 'services', ref);
  };
  scan('(global)', config);
  for (const [name, job] of jobsAndDefault(config)) scan(name, job);
  return out;
};
