#!/usr/bin/env node
// The `catalog` command. Each subcommand lives in its own file and registers itself here;
// a command file parses flags, loads the module it needs when it runs, and renders the result.
// `npm run compile` bundles this file with the lint path into one CommonJS file (see
// scripts/bundle-cli.mjs): no top-level await here, since CommonJS has none.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { ProblemsError, formatProblem } from '../internal/problem.js';
import { commands } from './commands.js';

/**
 * The version in the package's package.json: the nearest one above this file that names a package (src/cli/ from
 * `npm run catalog`, dist/src/cli/ from the bin, whose folder has a package.json of its own that only sets the type).
 */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

const program = new Command('catalog')
  .description('Author, check, run and publish the AWS delivery component catalog')
  // Commander prints the version as `${version}`: the package.json is read only when someone asks.
  .version({ toString: packageVersion } as unknown as string, '-V, --version', "print the toolkit's version")
  .showHelpAfterError()
  .exitOverride();

// A command named first on the command line is the only one built: its options and help are all commander needs to
// run it, and building every command's options costs a one-shot lint a few ms. Anything else (no command, --help,
// `help`, an unknown name) gets them all.
const named = process.argv[2];
if (named && Object.hasOwn(commands, named)) commands[named]!(program);
else for (const register of Object.values(commands)) register(program);

/** A package the command needs but this install lacks: `npm install --omit=dev` leaves out the test tools. */
function missingPackage(e: unknown): string | undefined {
  const err = e as { code?: string; message?: string };
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' && err?.code !== 'MODULE_NOT_FOUND') return undefined;
  return /Cannot find (?:package|module) '([^']+)'/.exec(err.message ?? '')?.[1];
}

/**
 * The bundled bin has its own copy of ProblemsError, and the modules a command loads when it runs
 * (compiled apart) have theirs: recognise both.
 */
function isProblemsError(e: unknown): e is ProblemsError {
  return (
    e instanceof ProblemsError ||
    (e instanceof Error && e.constructor.name === 'ProblemsError' && Array.isArray((e as ProblemsError).problems))
  );
}

program.parseAsync(process.argv).catch((e: unknown) => {
  const missing = missingPackage(e);
  if (isProblemsError(e)) {
    for (const p of e.problems) console.error(formatProblem(p));
    process.exitCode = 1;
  } else if (
    e &&
    typeof e === 'object' &&
    'code' in e &&
    String((e as { code: unknown }).code).startsWith('commander.')
  ) {
    process.exitCode = (e as { exitCode?: number }).exitCode ?? 1;
  } else if (missing) {
    console.error(
      `error: \`catalog ${process.argv[2] ?? ''}\` needs ${missing}, which this install does not have (fix: run ` +
        `it in a clone of the catalog after \`npm ci\`; an install without dev dependencies has \`catalog lint\` only)`,
    );
    process.exitCode = 1;
  } else {
    console.error(`error: ${(e as Error).message ?? e}`);
    process.exitCode = 1;
  }
});
