import type { Command } from 'commander';
import { drift, plan, write } from '../generate/build.js';
import { formatProblem, ProblemsError } from '../internal/problem.js';

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('generate templates/, docs, catalog.yml and input schemas from components/, after checking them the way GitLab would')
    .option('--check', 'write nothing; fail when the committed files differ from what the definitions generate')
    .option('--root <dir>', 'project root', process.cwd())
    .action(async (opts: { check?: boolean; root: string }) => {
      const p = await plan(opts.root);
      const errors = p.problems.filter((x) => x.severity === 'error');
      for (const w of p.problems.filter((x) => x.severity === 'warning')) console.error(formatProblem(w));
      if (errors.length) throw new ProblemsError(errors, `${errors.length} problem(s); nothing was written`);
      if (opts.check) {
        const d = drift(opts.root, p);
        if (d.length) {
          for (const x of d) console.error(`error ${x.path}: ${x.state === 'missing' ? 'is missing' : 'differs from what the definitions generate'} (fix: run \`npm run catalog -- build\` and commit the result) [generated-drift]`);
          process.exitCode = 1;
          return;
        }
        console.log(`ok: ${p.components.length} components, ${p.files.size} generated files match their definitions`);
        return;
      }
      const written = write(opts.root, p);
      for (const f of written) console.log(`wrote ${f}`);
      console.log(`ok: ${p.components.length} components checked, ${written.length} of ${p.files.size} files changed`);
    });
}
