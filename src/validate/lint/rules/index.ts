// The semantic rules, in the order their findings are reported: `entryRules` are checks of
// GitLab's entries (reported with the keyword errors); `crossJobRules` are YamlProcessor's logical
// validations, which GitLab makes only once every keyword is valid.
import { circularNeeds } from './circular-needs.js';
import { jobWithoutScript } from './job-without-script.js';
import { missingDependency } from './missing-dependency.js';
import { missingNeed } from './missing-need.js';
import { onStop } from './on-stop.js';
import type { Rule } from './rule.js';
import { unknownStage } from './unknown-stage.js';

export type { Rule } from './rule.js';
export const entryRules: readonly Rule[] = [jobWithoutScript];
export const crossJobRules: readonly Rule[] = [unknownStage, missingDependency, missingNeed, onStop, circularNeeds];
/** Every rule, in report order. */
export const rules: readonly Rule[] = [...entryRules, ...crossJobRules];
