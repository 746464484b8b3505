// What starts a pipeline, and the predefined variables GitLab gives its jobs for it: a push to a
// branch, a tag, or a merge request (a merge request pipeline runs on the source branch's commit,
// without CI_COMMIT_BRANCH). Job `rules:` read these variables; so do ID token claims.
// Source: doc/ci/variables/predefined_variables.md and doc/ci/pipelines/merge_request_pipelines.md.

export type PipelineEvent =
  | { readonly kind: 'push'; readonly branch: string }
  | { readonly kind: 'tag'; readonly tag: string }
  | { readonly kind: 'merge_request'; readonly iid: number; readonly source: string; readonly target?: string };

export interface EventVariables {
  /** Variables to set (overriding what a local runner derives from git). */
  readonly set: Readonly<Record<string, string>>;
  /** Predefined variables GitLab does not define for this event. */
  readonly unset: readonly string[];
  /** The ref the jobs run for, as ID tokens carry it (`ref`, `ref_type`, `ref_protected`). */
  readonly ref: string;
  readonly refType: 'branch' | 'tag';
  readonly refProtected: boolean;
}

/** CI_COMMIT_REF_SLUG: lower case, anything but a-z and 0-9 as `-`, at most 63 bytes, no `-` at either end. */
export function refSlug(ref: string): string {
  return ref
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
}

export interface ProjectRefs {
  readonly defaultBranch: string;
  /** Protected branches and tags (wildcards `*`); default: the default branch and every tag. */
  readonly protectedRefs?: readonly string[];
}

function isProtected(ref: string, refType: 'branch' | 'tag', project: ProjectRefs): boolean {
  if (!project.protectedRefs) return refType === 'tag' || ref === project.defaultBranch;
  return project.protectedRefs.some((p) =>
    new RegExp(
      `^${p
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    ).test(ref),
  );
}

export function eventVariables(event: PipelineEvent, project: ProjectRefs): EventVariables {
  const variables = (
    ref: string,
    refType: 'branch' | 'tag',
    set: Record<string, string>,
    unset: readonly string[],
  ): EventVariables => {
    const refProtected = isProtected(ref, refType, project);
    const base = {
      CI_COMMIT_REF_NAME: ref,
      CI_COMMIT_REF_SLUG: refSlug(ref),
      CI_COMMIT_REF_PROTECTED: String(refProtected),
      CI_DEFAULT_BRANCH: project.defaultBranch,
    };
    return { ref, refType, refProtected, set: { ...base, ...set }, unset };
  };
  switch (event.kind) {
    case 'push':
      return variables(event.branch, 'branch', { CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: event.branch }, [
        'CI_COMMIT_TAG',
        ...MR_VARIABLES,
      ]);
    case 'tag':
      return variables(event.tag, 'tag', { CI_PIPELINE_SOURCE: 'push', CI_COMMIT_TAG: event.tag }, [
        'CI_COMMIT_BRANCH',
        ...MR_VARIABLES,
      ]);
    case 'merge_request':
      return variables(
        event.source,
        'branch',
        {
          CI_PIPELINE_SOURCE: 'merge_request_event',
          CI_MERGE_REQUEST_IID: String(event.iid),
          CI_MERGE_REQUEST_ID: String(1000 + event.iid),
          CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: event.source,
          CI_MERGE_REQUEST_TARGET_BRANCH_NAME: event.target ?? project.defaultBranch,
          CI_MERGE_REQUEST_EVENT_TYPE: 'detached',
          CI_MERGE_REQUEST_REF_PATH: `refs/merge-requests/${event.iid}/head`,
        },
        ['CI_COMMIT_BRANCH', 'CI_COMMIT_TAG'],
      );
  }
}

const MR_VARIABLES = [
  'CI_MERGE_REQUEST_IID',
  'CI_MERGE_REQUEST_ID',
  'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME',
  'CI_MERGE_REQUEST_TARGET_BRANCH_NAME',
  'CI_MERGE_REQUEST_EVENT_TYPE',
  'CI_MERGE_REQUEST_REF_PATH',
];
