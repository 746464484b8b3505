// The semantic rules, in the order their findings are reported.
import { jobWithoutScript } from './job-without-script.js';
import { missingDependency } from './missing-dependency.js';
import { missingNeed } from './missing-need.js';
import type { Rule } from './rule.js';
import { unknownStage } from './unknown-stage.js';

export type { Rule } from './rule.js';
export const rules: readonly Rule[] = [jobWithoutScript, unknownStage, missingNeed, missingDependency];
