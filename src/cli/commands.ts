// One line per command. A new command is a new file in src/cli/ plus one line here.
import type { Command } from 'commander';
import { registerBuild } from './build.js';
import { registerLint } from './lint.js';
import { registerTest } from './test.js';

export const commands: ReadonlyArray<(program: Command) => void> = [registerBuild, registerLint, registerTest];
