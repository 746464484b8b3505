// `catalog lint --security`: one rule per file. Pipeline rules run on each linted pipeline or
// component template; file rules on each JSON file of the project (IAM trust policies).
import { broadIdTokenAud } from './broad-id-token-aud.js';
import { broadTrustPolicy } from './broad-trust-policy.js';
import type { JsonFileRule, PipelineRule } from './context.js';
import { credentialsInVariables } from './credentials-in-variables.js';
import { debugTrace } from './debug-trace.js';
import { downloadExec } from './download-exec.js';
import { inputInScript } from './input-in-script.js';
import { unpinnedComponent } from './unpinned-component.js';
import { unpinnedImage } from './unpinned-image.js';

export type { JsonFileContext, PipelineContext, SecurityFinding, WrittenFile } from './context.js';
export const pipelineRules: readonly PipelineRule[] = [
  inputInScript,
  downloadExec,
  credentialsInVariables,
  debugTrace,
  unpinnedComponent,
  unpinnedImage,
  broadIdTokenAud,
];
export const jsonFileRules: readonly JsonFileRule[] = [broadTrustPolicy];
