import type { LintResult } from '../index.js';
import { renderCodeQuality } from './codequality.js';
import { renderHuman, type HumanOptions } from './human.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';

export const FORMATS = ['human', 'json', 'codequality', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

export type { HumanOptions } from './human.js';

export function render(format: Format, results: readonly LintResult[], human: HumanOptions = {}): string {
  switch (format) {
    case 'json':
      return renderJson(results);
    case 'codequality':
      return renderCodeQuality(results);
    case 'junit':
      return renderJunit(results);
    default:
      return renderHuman(results, human);
  }
}
