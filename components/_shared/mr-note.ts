// What a job that posts a plan as a merge request note (mr-note.sh) declares besides the script:
// the variables the script reads and the artifacts reviewers open.
import type { Artifacts } from '../../src/model/index.js';

/** The CI/CD variables mr-note.sh reads: the token that may write notes, and GitLab's API URL (tests set it). */
export const MR_NOTE_READS = ['CATALOG_MR_NOTE_TOKEN', 'CATALOG_GITLAB_API_URL'];

/**
 * The artifacts of a job that plans a change for review: the summary (the note's text), kept even
 * when the plan fails and exposed in the merge request as `title`, and the dotenv report the job
 * that applies the plan reads.
 */
export function planArtifacts(summary: string, title: string, dotenv: string): Artifacts {
  return { when: 'always', paths: [summary], expose_as: title, reports: { dotenv } };
}
