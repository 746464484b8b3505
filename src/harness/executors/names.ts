// The executor names alone, so the CLI can list them in its help without loading any executor.
export const EXECUTORS = ['gitlab-ci-local', 'runner-exec', 'gitlab-api'] as const;
export type ExecutorName = (typeof EXECUTORS)[number];
