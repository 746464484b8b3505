// A semantic rule checks the merged pipeline for something ci.json cannot express.
// Its problems name the job in `path`; the linter adds the file and line where the job is.
import type { Problem } from '../../../internal/problem.js';

export type Rule = (config: Record<string, unknown>) => Problem[];
