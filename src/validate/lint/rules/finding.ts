// The one place rules build their problems: an error about a job (its name is the path).
import { type Problem, type ProblemCode, problem } from '../../../internal/problem.js';

export const finding = (code: ProblemCode, job: string, message: string, fix: string): Problem =>
  problem(code, message, { path: job || undefined, fix });
