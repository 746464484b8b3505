// Bundles the compiled CLI for a fast one-shot `catalog lint` (part of `npm run compile`, after tsc).
//   node scripts/bundle-cli.mjs [dist folder, default dist]
// A one-shot lint is mostly Node starting up: loading about 150 small ES modules (the CLI, the lint
// path, yaml, commander, semver, picomatch) and compiling them costs more than the lint itself.
// So esbuild links tsc's output of src/cli/main.js and everything the lint path imports into one
// CommonJS file, <dist>/src/cli/main.cjs, with the precompiled CI schema validator, and main.js becomes a small
// CommonJS loader (a package.json beside it says so: an ES module entry costs Node's ES module loader) that compiles it
// with a V8 code cache made here (main.cjs.cache, what Node 22's module compile cache does; Node 20 has
// none). When the cache does not fit the Node that runs it, V8 rejects it and compiles as usual.
// What other commands load when they run (the harness, the generator, browse, release, upgrade,
// @gitbeaker/rest) stays outside the bundle: those imports still name tsc's files next to it, so
// `catalog test` needs the dev dependencies and `catalog lint` never does.
// A later plain `tsc` overwrites main.js with the unbundled CLI, which works the same, only slower.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(root, process.argv[2] ?? 'dist');
/** The package the dist folder belongs to (package.json, schemas/): a copy of this checkout in tests. */
const project = dirname(dist);
const cliDir = join(dist, 'src', 'cli');
const entry = join(cliDir, 'main.js');
const bundle = join(cliDir, 'main.cjs');
const LOADER_MARK = '// catalog bin: runs the bundle';
/**
 * Only the lint command's modules are bundled; every other module a command imports when it runs stays a file of its
 * own.
 */
const BUNDLED_DYNAMIC = new Set(['validate/lint/run.js']);
/**
 * Modules a one-shot lint of a typical file never calls, initialised on first use instead of when the bundle starts:
 * child_process (commander's subcommand executables, git when HEAD is not in the files) brings net, dgram and the
 * streams with it; semver builds its regular expressions (component versions), `yaml` is the slow reader (errors,
 * header positions), re2js checks `rules:if` regexes, picomatch glob includes.
 */
const LAZY_BUILTINS = ['child_process'];
const LAZY_PACKAGES = ['semver', 'yaml', 're2js', 'picomatch'];
/**
 * The bundle's free names, given by the loader: the bin's URL (every bundled module's import.meta.url) and import().
 */
const IMPORT = '__catalogImport';

function fail(message) {
  console.error(`bundle-cli: ${message}`);
  process.exit(1);
}

function writeAtomic(file, data, mode) {
  writeFileSync(`${file}.tmp`, data, mode ? { mode } : {});
  renameSync(`${file}.tmp`, file);
}

if (readFileSync(entry, 'utf8').includes(LOADER_MARK))
  fail(`${relative(root, entry)} is already the bundle's loader: run tsc first (npm run compile does both)`);

const work = mkdtempSync(join(tmpdir(), 'catalog-bundle-'));
process.once('exit', () => rmSync(work, { recursive: true, force: true }));
// In the dist folder, not the temporary one: esbuild names each module in the bundle by its path, and a temporary
// folder's random name made every bundle (and so every packed package) differ.
const injected = join(dist, '.ci-validator.mjs');
process.once('exit', () => rmSync(injected, { force: true }));
writeFileSync(
  injected,
  `export const __catalogCiValidator = () => require(` +
    `${JSON.stringify(join(project, 'schemas', 'gitlab-ci.validate.cjs'))});\n`,
);

const src = join(dist, 'src');
const result = await build({
  entryPoints: [entry],
  write: false,
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  define: { 'import.meta.url': '__catalogBinUrl' },
  // Without comments: packages' JSDoc mentions import() (re2js: `import('./index.js').RE2JS`), which the
  // check below would take for a call.
  minifyWhitespace: true,
  // The precompiled CI schema validator, linked in and run on first use (see src/gitlab/ci-schema.ts).
  inject: [injected],
  // Packages come from this checkout's node_modules, also for a dist folder compiled elsewhere.
  nodePaths: [join(root, 'node_modules')],
  plugins: [
    {
      name: 'lazy-modules',
      setup(b) {
        const names = [...LAZY_BUILTINS.map((n) => `(?:node:)?${n}`), ...LAZY_PACKAGES].join('|');
        const req = createRequire(join(root, 'package.json'));
        b.onResolve({ filter: new RegExp(`^(?:${names})$`) }, async (a) => {
          const name = a.path.replace(/^node:/, '');
          if (a.namespace === 'lazy-module') {
            // Inside the stand-in: the real module, a builtin (external) or the package's file (bundled, and run by
            // esbuild's require wrapper only when the stand-in first loads it).
            if (LAZY_BUILTINS.includes(name)) return { path: `node:${name}`, external: true };
            return b.resolve(name, { kind: 'require-call', resolveDir: a.pluginData.resolveDir, pluginData: 'real' });
          }
          if (a.pluginData === 'real') return undefined;
          return { path: name, namespace: 'lazy-module', pluginData: { resolveDir: a.resolveDir } };
        });
        // A stand-in with the same exports, as getters (esbuild's interop copies getters, never values), and callable
        // when the module is a function (picomatch).
        b.onLoad({ filter: /.*/, namespace: 'lazy-module' }, (a) => {
          const real = req(LAZY_BUILTINS.includes(a.path) ? `node:${a.path}` : a.path);
          const keys = Object.keys(real).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== '__esModule');
          return {
            loader: 'js',
            resolveDir: a.pluginData.resolveDir,
            pluginData: a.pluginData,
            contents:
              `let m;\nconst load = () => (m ??= require(${JSON.stringify(a.path)}));\n` +
              (typeof real === 'function'
                ? 'const lazy = function (...args) {\n' +
                  '  return new.target ? new (load())(...args) : load().apply(this, args);\n};\n'
                : 'const lazy = {};\n') +
              keys
                .map((k) => `Object.defineProperty(lazy, '${k}', { enumerable: true, get: () => load().${k} });\n`)
                .join('') +
              (real.__esModule ? "Object.defineProperty(lazy, '__esModule', { value: true });\n" : '') +
              'module.exports = lazy;\n',
          };
        });
      },
    },
    {
      name: 'lazy-commands',
      setup(b) {
        b.onResolve({ filter: /.*/ }, (a) => {
          if (a.kind !== 'dynamic-import') return undefined;
          if (!a.path.startsWith('.')) return { path: a.path, external: true };
          const target = relative(src, resolve(a.resolveDir, a.path)).split('\\').join('/');
          if (BUNDLED_DYNAMIC.has(target)) return undefined;
          // Relative to the bundle, next to main.js, so the import still names tsc's file.
          return { path: `./${relative(cliDir, resolve(a.resolveDir, a.path)).split('\\').join('/')}`, external: true };
        });
      },
    },
  ],
  metafile: true,
});

const dev = Object.keys(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).devDependencies ?? {});
const bundledDev = Object.keys(result.metafile.inputs).filter((f) => dev.some((d) => f.includes(`node_modules/${d}/`)));
if (bundledDev.length)
  fail(
    `the lint path imports dev dependencies, which consumers install without (keep them out of it): ` +
      `${bundledDev.join(', ')}`,
  );

// Code compiled by vm.Script cannot call import() on Node 20 (it needs --experimental-vm-modules),
// so each import() left in the bundle, all of them the externals above, calls the loader's instead.
let code = result.outputFiles[0].text.replace(/^#!.*\n/, '');
const lazy = [
  ...new Set(
    Object.values(result.metafile.outputs)[0]
      .imports.filter((i) => i.kind === 'dynamic-import' && i.external)
      .map((i) => i.path),
  ),
];
for (const specifier of lazy)
  code = code.replaceAll(`import(${JSON.stringify(specifier)})`, `${IMPORT}(${JSON.stringify(specifier)})`);
const left = /\bimport\s*\(/.exec(code);
if (left) fail(`the bundle still calls import() at offset ${left.index}: ${code.slice(left.index, left.index + 80)}`);
writeAtomic(bundle, code);

// The loader, and a copy of it that writes the cache, wrap the bundle identically (V8 checks the
// source's length and the flags, and rejects a cache that does not fit).
function loaderText(bundlePath, after = '') {
  return `#!/usr/bin/env node
${LOADER_MARK} main.cjs with its V8 code cache (generated by scripts/bundle-cli.mjs, \`npm run compile\`)
// CommonJS (see package.json here): an ES module entry costs a one-shot lint Node's ES module loader.
'use strict';
const { readFileSync } = require('node:fs');
const { dirname } = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');
const file = ${bundlePath};
const url = pathToFileURL(file);
const source = readFileSync(file, 'utf8');
let cachedData;
try {
  cachedData = readFileSync(\`\${file}.cache\`);
} catch {
  // No cache: V8 compiles the bundle as usual.
}
const script = new Script(\`(function (exports, require, module, __filename, __dirname, __catalogBinUrl, ${IMPORT}) \\
{\${source}\\n})\`, { filename: file, cachedData });
const bundled = { exports: {} };
const load = (specifier) => import(specifier.startsWith('.') ? new URL(specifier, url).href : specifier);
script.runInThisContext()(bundled.exports, require('node:module').createRequire(file), bundled, file, dirname(file), \
new URL('main.js', url).href, load);
${after}`;
}

// The cache holds what one lint of a typical pipeline compiles: a function the training lint never ran is compiled
// when a lint first needs it (re2js's parser for a `rules:if` regex cost a lint more than the regex). So the pipeline
// below uses what pipelines commonly do: a local include, a component of its own catalog at the commit with inputs,
// extends, !reference, needs, rules with a regex, artifacts, cache, environment, interpolation.
const TRAINING = {
  'catalog.yml': 'project: group/catalog\n',
  '.gitlab-ci.yml': `include:
  - local: ci/test.yml
  - component: $CI_SERVER_FQDN/group/catalog/build@$CI_COMMIT_SHA
    inputs:
      stage: build
      node-version: "20.19.0"
workflow:
  rules:
    - if: $CI_COMMIT_TAG =~ /^v?\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?$/
    - if: $CI_PIPELINE_SOURCE == "merge_request_event" || $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
stages: [build, test, deploy]
default:
  interruptible: true
variables:
  IMAGE: node:20.19.0-bookworm
deploy:
  stage: deploy
  image: $IMAGE
  needs: [build-app, unit]
  script:
    - !reference [.setup, script]
    - ./deploy.sh "$CI_ENVIRONMENT_NAME"
  environment:
    name: production
    url: https://example.com
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $DEPLOY != "false"
      when: manual
    - when: never
`,
  'ci/test.yml': `.setup:
  script: [npm ci --no-audit]
.node:
  image: node:20.19.0-bookworm
  cache:
    key:
      files: [package-lock.json]
    paths: [.npm/]
unit:
  extends: .node
  stage: test
  needs: [build-app]
  script:
    - !reference [.setup, script]
    - npm test
  artifacts:
    when: always
    reports:
      junit: junit.xml
`,
  'templates/build/template.yml': `spec:
  inputs:
    stage:
      default: build
    node-version:
      type: string
      regex: ^\\d+\\.\\d+\\.\\d+$
    parallel:
      type: number
      default: 1
---
build-app:
  stage: $[[ inputs.stage ]]
  image: node:$[[ inputs.node-version ]]-bookworm
  parallel: $[[ inputs.parallel ]]
  script: [npm ci, npm run build]
  artifacts:
    paths: [dist/]
    expire_in: 1 week
`,
};
{
  for (const [path, text] of Object.entries(TRAINING)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), text);
  }
  const cache = `${bundle}.cache`;
  writeFileSync(
    join(work, 'make.cjs'),
    loaderText(
      JSON.stringify(bundle),
      `process.once('exit', () => { if (script.cachedDataRejected !== true) require('node:fs').writeFileSync(` +
        `${JSON.stringify(`${cache}.tmp`)}, script.createCachedData()); });\n`,
    ),
  );
  rmSync(cache, { force: true });
  try {
    execFileSync(process.execPath, [join(work, 'make.cjs'), 'lint', '.gitlab-ci.yml'], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NO_COLOR: '1' },
    });
  } catch (e) {
    fail(`the bundle's lint of its training pipeline failed (exit ${e.status}):\n${e.stdout ?? ''}`);
  }
  renameSync(`${cache}.tmp`, cache);
  writeFileSync(
    join(work, 'check.cjs'),
    loaderText(JSON.stringify(bundle), 'if (script.cachedDataRejected !== false) process.exitCode = 3;\n'),
  );
  try {
    execFileSync(process.execPath, [join(work, 'check.cjs'), '--help'], { cwd: work, stdio: 'ignore' });
  } catch (e) {
    fail(`V8 rejected the code cache it just made (exit ${e.status})`);
  }
}
writeAtomic(entry, loaderText("require('node:path').join(__dirname, 'main.cjs')"), 0o755);
// The package is ES modules ("type": "module"); this folder's files are read as CommonJS, the loader above. No
// "type" field: a later plain tsc writes an ES module main.js again, which Node (20.19 and later) still runs, with a
// warning that it detected its syntax.
writeAtomic(
  join(cliDir, 'package.json'),
  `${JSON.stringify({ '//': 'the bin main.js is CommonJS, written by scripts/bundle-cli.mjs (npm run compile)' })}\n`,
);
// tsc's source map described the unbundled main.js.
rmSync(`${entry}.map`, { force: true });
