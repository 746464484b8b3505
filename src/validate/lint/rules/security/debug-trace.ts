// CI_DEBUG_TRACE (and CI_DEBUG_SERVICES) make the runner print every command with its expanded
// values: masked variables, the ID token and the AWS keys end up in the job log.
import { variableBlocks, type PipelineRule } from './context.js';

const DEBUG = new Set(['CI_DEBUG_TRACE', 'CI_DEBUG_SERVICES']);

export const debugTrace: PipelineRule = ({ config }) =>
  variableBlocks(config).flatMap(({ owner, vars }) =>
    vars
      .filter(([name, value]) => DEBUG.has(name) && String(value).trim().toLowerCase() === 'true')
      .map(([name]) => ({
        code: 'security-debug-trace',
        job: owner,
        message:
          `${owner === 'variables' ? 'the global variables set' : `${owner} sets`} ${name}: the job log ` +
          `then shows secrets, ID tokens and credentials in clear`,
        fix:
          `remove ${name} from the file; to debug once, set it on a single manual pipeline run, never in a ` +
          `protected or deploying job`,
      })),
  );
