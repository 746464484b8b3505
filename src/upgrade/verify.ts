// The upgraded pipeline must lint clean with the target versions: the linter (the engine) runs on
// a copy of the project's pipeline files with the component templates at the referenced versions
// in its include cache, before and after the change. An error the change introduces blocks it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { lintBytes } from './gitlab.js';
import type { ScannedFile } from './pins.js';

export interface TemplateAt {
  readonly project: string;
  /** The reference as written after `@` (the linter's cache is keyed by it). */
  readonly ref: string;
  readonly path: string;
  readonly text: string;
}

export interface LintError {
  readonly file: string;
  readonly message: string;
}

/**
 * One folder per analysis holding a copy of the project's pipeline files and the include cache;
 * each lint rewrites what differs. One folder, so the linter's per-folder setup (git HEAD, the
 * catalog project) happens once.
 */
export class LintWorkspace {
  private readonly dir = mkdtempSync(join(tmpdir(), 'catalog-upgrade-lint-'));
  private readonly cacheDir = join(this.dir, '.cache', 'includes');
  private readonly current = new Map<string, string>();

  constructor(
    private readonly files: readonly ScannedFile[],
    private readonly serverFqdn: string,
  ) {}

  private put(path: string, text: string): void {
    if (this.current.get(path) === text) return;
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), text);
    this.current.set(path, text);
  }

  /**
   * Lints entry files as they would be with `overrides` and these templates in the include cache.
   * A template's cache path names its ref, so one written stays right for every later lint.
   */
  lint(
    entries: readonly string[],
    overrides: ReadonlyMap<string, string>,
    templates: readonly TemplateAt[],
  ): LintError[] {
    for (const f of this.files) this.put(f.file, overrides.get(f.file) ?? f.text);
    for (const t of templates) this.put(join('.cache', 'includes', 'components', t.project, t.ref, t.path), t.text);
    const errors: LintError[] = [];
    for (const entry of entries) {
      const text = overrides.get(entry) ?? this.files.find((f) => f.file === entry)?.text;
      if (text === undefined) continue;
      // projectPath '': every component is "foreign" and read from the cache written above.
      const r = lintBytes(entry, Buffer.from(text), {
        cwd: this.dir,
        serverFqdn: this.serverFqdn,
        projectPath: '',
        cacheDir: this.cacheDir,
      });
      for (const p of r.problems)
        if (p.severity === 'error') errors.push({ file: p.file ?? entry, message: p.message });
    }
    return errors;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// An error inside an included component is reported under its address, which names the version;
// the same error before and after an upgrade is the same error.
const key = (e: LintError) => `${e.file.replace(/@[^@\s:]+$/, '@')}\n${e.message.replace(/@[\w.~-]+/g, '@')}`;

/** Errors in `after` that `before` did not have. */
export function newErrors(before: readonly LintError[], after: readonly LintError[]): LintError[] {
  const seen = new Set(before.map(key));
  return after.filter((e) => !seen.has(key(e)));
}
