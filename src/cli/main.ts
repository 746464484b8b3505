#!/usr/bin/env node
// The `catalog` command. Each subcommand lives in its own file and registers itself here;
// a command file parses flags, calls a module and renders the result, nothing more.
import { Command } from 'commander';
import { ProblemsError, formatProblem } from '../internal/problem.js';
import { commands } from './commands.js';

const program = new Command('catalog')
  .description('Author, check, run and publish the AWS delivery component catalog')
  .showHelpAfterError()
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof ProblemsError) {
    for (const p of e.problems) console.error(formatProblem(p));
    process.exitCode = 1;
  } else if (e && typeof e === 'object' && 'code' in e && String((e as { code: unknown }).code).startsWith('commander.')) {
    process.exitCode = (e as { exitCode?: number }).exitCode ?? 1;
  } else {
    console.error(`error: ${(e as Error).message ?? e}`);
    process.exitCode = 1;
  }
}
