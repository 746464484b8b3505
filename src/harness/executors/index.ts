import type { Executor } from './executor.js';
import { GitlabApiExecutor } from './gitlab-api.js';
import { GitlabCiLocalExecutor } from './gitlab-ci-local.js';
import { RunnerExecExecutor } from './runner-exec.js';

export const EXECUTORS = ['gitlab-ci-local', 'runner-exec', 'gitlab-api'] as const;
export type ExecutorName = (typeof EXECUTORS)[number];

export function executorByName(name: string): Executor {
  switch (name) {
    case 'gitlab-ci-local':
      return new GitlabCiLocalExecutor();
    case 'runner-exec':
      return new RunnerExecExecutor();
    case 'gitlab-api':
      return new GitlabApiExecutor();
    default:
      throw new Error(`unknown executor "${name}" (fix: use one of ${EXECUTORS.join(', ')})`);
  }
}
