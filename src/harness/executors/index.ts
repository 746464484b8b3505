import type { Executor } from './executor.js';
import { GitlabApiExecutor } from './gitlab-api.js';
import { GitlabCiLocalExecutor } from './gitlab-ci-local.js';
import { RunnerExecExecutor } from './runner-exec.js';

import { EXECUTORS } from './names.js';

export { EXECUTORS, type ExecutorName } from './names.js';

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
