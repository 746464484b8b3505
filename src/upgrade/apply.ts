// Writing the decided changes: atomically (temporary file and rename), only files whose content
// changes, and never a file whose bytes changed since they were read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { writeFileAtomic } from '../internal/fs.js';
import type { Analysis } from './analyze.js';

export function changedFiles(a: Analysis) {
  return a.files.filter((f) => f.after !== undefined && f.after !== f.before);
}

/** A unified diff of every change, as `git diff` would show it. */
export function unifiedDiff(a: Analysis): string {
  return changedFiles(a)
    .map((f) =>
      createTwoFilesPatch(`a/${f.file}`, `b/${f.file}`, f.before, f.after!, undefined, undefined, {
        context: 3,
      }).replace(/^=+\n/, ''),
    )
    .join('');
}

export class ChangedUnderneathError extends Error {}

export function writeChanges(a: Analysis): string[] {
  const written: string[] = [];
  for (const f of changedFiles(a)) {
    const path = join(a.root, f.file);
    if (readFileSync(path, 'utf8') !== f.before)
      throw new ChangedUnderneathError(
        `${f.file} changed while the upgrade was being decided; nothing was written to it (fix: run the command again)`,
      );
    writeFileAtomic(path, f.after!);
    written.push(f.file);
  }
  return written;
}
