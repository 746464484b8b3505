// One line per command. A new command is a new file in src/cli/ plus one line here.
import type { Command } from 'commander';
import { registerBuild } from './build.js';
import { registerDiff } from './diff.js';
import { registerLint } from './lint.js';
import { registerRelease } from './release.js';
import { registerSearch } from './search.js';
import { registerShow } from './show.js';
import { registerSite } from './site.js';
import { registerSnippet } from './snippet.js';
import { registerTest } from './test.js';
import { registerUpgrade } from './upgrade.js';

/** Each command by its name, which its register function gives it. */
export const commands: Readonly<Record<string, (program: Command) => void>> = {
  build: registerBuild,
  lint: registerLint,
  test: registerTest,
  release: registerRelease,
  search: registerSearch,
  show: registerShow,
  diff: registerDiff,
  snippet: registerSnippet,
  site: registerSite,
  upgrade: registerUpgrade,
};
