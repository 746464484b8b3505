// Every problem code the toolkit reports, with the explanation `npm run catalog -- build` renders
// into docs/rules/<code>.md. Adding a check means adding its code here: the type of
// Problem.code is this table's keys, so an undocumented code does not compile.

export interface ProblemCodeDoc {
  /** One line: what is wrong. */
  readonly title: string;
  /**
   * Who decides: GitLab (we mirror its verdict offline), the catalog's own rules, its security checks, or the tool
   * itself.
   */
  readonly source: 'GitLab' | 'catalog' | 'security' | 'tool';
  /** Why it matters and how to fix it, in Markdown. */
  readonly explanation: string;
}

export const PROBLEM_CODES = {
  // ── GitLab's verdict on a CI configuration (the engine in src/gitlab) ──
  read: {
    title: 'The file cannot be read',
    source: 'tool',
    explanation:
      "The path does not exist, is not a file, or is over GitLab's 1 MB limit for a CI configuration file. " +
      'Pass an existing YAML file; split a large configuration into files joined with `include:`.',
  },
  yaml: {
    title: 'The YAML cannot be loaded',
    source: 'GitLab',
    explanation:
      'GitLab loads each file with a YAML parser that knows only the `!reference` tag, refuses files over 1 MB and ' +
      'measures the document after expanding aliases: more than 100 levels of nesting, or an alias or merge-key ' +
      'expansion that multiplies the document ("alias bomb"), is refused. The message gives the line and column. ' +
      'Fix the syntax there, or flatten the nesting or the aliases.',
  },
  header: {
    title: 'The `spec:` header is malformed',
    source: 'GitLab',
    explanation:
      'The first document of a file with a header may contain only `spec:`, and `spec:` only `inputs`, `include`, ' +
      '`component` and `description`. Each input takes `type`, `default`, `description`, `options`, `regex` and ' +
      '`rules`; names use letters, digits, `_` and `-`; at most 50 options. GitLab refuses the file otherwise.',
  },
  'spec-include': {
    title: 'An input file of `spec:include` cannot be used',
    source: 'GitLab',
    explanation:
      '`spec:include` (GitLab 18.9) reads input definitions from `local`, `remote` or `project` files that contain ' +
      'only `inputs:`. An input may be defined once across those files and the inline `spec:inputs`.',
  },
  inputs: {
    title: "The include's inputs do not match the `spec:inputs`",
    source: 'GitLab',
    explanation:
      "GitLab checks every `include: inputs:` against the included file's `spec:inputs`: unknown arguments, " +
      'required inputs without a value, values (and defaults) of the wrong type, not among the `options`, or not ' +
      "matching the `regex` (RE2: no lookaround, no backreferences). The message is GitLab's own text. Pass only " +
      'declared inputs with values of the declared type.',
  },
  interpolation: {
    title: 'An `$[[ ... ]]` block cannot be interpolated',
    source: 'GitLab',
    explanation:
      'Interpolation blocks may read only `inputs.*` (and, in a component, the `component.*` fields its ' +
      "`spec:component` declares), with at most three of GitLab's functions (`expand_vars`, `truncate`, " +
      '`posix_escape`, `split`). GitLab stops at the first invalid block and also limits the number of blocks and ' +
      'the size of the result.',
  },
  'duplicate-job': {
    title: 'Two jobs get the same name after interpolation',
    source: 'GitLab',
    explanation:
      'Job names may come from inputs (`"$[[ inputs.job-name ]]":`). When two keys interpolate to the same name, ' +
      'GitLab keeps only the last job, silently. Give each job a distinct name.',
  },
  empty: {
    title: 'The file has no content',
    source: 'GitLab',
    explanation:
      'An empty `.gitlab-ci.yml` or an empty included file is an error in GitLab. Add jobs or remove the include.',
  },
  format: {
    title: 'The top level is not a mapping',
    source: 'GitLab',
    explanation:
      'A CI configuration (and every included file) must be a mapping of job names and keywords. GitLab says ' +
      '"Invalid configuration format" for the root file and "does not have valid YAML syntax" for an include.',
  },
  include: {
    title: 'An include cannot be resolved',
    source: 'GitLab',
    explanation:
      'The entry is malformed, names a file that does not exist, is not `.yml`/`.yaml`, or names a component, ' +
      'project, version or remote file that is not available. Offline, `project`, `remote`, `template` and foreign ' +
      '`component` includes are read from the cache folder; lint with `--remote` to ask GitLab instead.',
  },
  'too-many-includes': {
    title: 'More includes than GitLab allows',
    source: 'GitLab',
    explanation:
      'GitLab expands at most 150 included files per pipeline (nested ones count). Include fewer files, or ' +
      'combine small ones.',
  },
  'include-cycle': {
    title: 'Files include each other in a cycle',
    source: 'GitLab',
    explanation:
      'GitLab follows the cycle until it reaches its include limit and then reports "Maximum of 150 nested includes ' +
      'are allowed!". We name the cycle instead. Remove one of the includes in it.',
  },
  merge: {
    title: '`extends` or `!reference` cannot be resolved',
    source: 'GitLab',
    explanation:
      '`extends` must name existing mappings, without a cycle, at most 10 levels deep; `!reference [job, key]` ' +
      'must point at an existing value, without a cycle, at most 10 levels deep, and may not expand the ' +
      'configuration past 500000 nodes. The message names the job at fault.',
  },
  'too-deep': {
    title: 'The configuration nests or expands too deeply',
    source: 'GitLab',
    explanation:
      'The merged configuration is too deep to process. Simplify the nesting of `extends`, `!reference` and aliases.',
  },
  'ci-schema': {
    title: "A keyword does not match GitLab's CI schema",
    source: 'GitLab',
    explanation:
      "The merged configuration is validated against GitLab's own JSON schema for `.gitlab-ci.yml` (ci.json): an " +
      'unknown key, a value of the wrong type, or a value outside the allowed set. For a component, its jobs are ' +
      'validated with the inputs at their default or example values.',
  },
  'no-jobs': {
    title: 'No visible job',
    source: 'GitLab',
    explanation:
      'A pipeline needs at least one job whose name does not start with a dot ("jobs config should contain at least ' +
      'one visible job"); a component must define at least one job.',
  },
  'job-without-script': {
    title: 'A job has nothing to run',
    source: 'GitLab',
    explanation:
      'Every visible job needs `script:`, `run:` or `trigger:`. Add one, or hide a template job with a leading dot ' +
      'and use it through `extends`.',
  },
  'unknown-stage': {
    title: 'A job names a stage that does not exist',
    source: 'GitLab',
    explanation:
      "A job's `stage` must be one of `stages:` (default `build`, `test`, `deploy`, plus `.pre` and `.post`). " +
      'Add the stage or fix the name.',
  },
  'undefined-need': {
    title: 'A job needs a job that does not exist',
    source: 'GitLab',
    explanation:
      'Every entry of `needs:` must name a job of the pipeline, unless it is `optional: true` or refers to another ' +
      'pipeline or project. GitLab refuses to create the pipeline otherwise.',
  },
  'undefined-dependency': {
    title: 'A job depends on a job that does not exist',
    source: 'GitLab',
    explanation: 'Every entry of `dependencies:` must name a job of the pipeline. Define the job or remove the entry.',
  },
  'dependency-stage': {
    title: 'A dependency runs in a later stage',
    source: 'GitLab',
    explanation:
      "A job can only take artifacts (`dependencies:`, or a child pipeline's `trigger:include:job`) from jobs of the " +
      'current or earlier stages, with `needs:` or without. Move the dependency to an earlier stage.',
  },
  // GitLab's keyword checks (src/gitlab/entries) and cross-job checks (src/validate/lint/rules).
  'unknown-keys': {
    title: 'A section has keys GitLab does not know',
    source: 'GitLab',
    explanation:
      'GitLab checks the keys of each section against its own list (a job, `cache`, `artifacts`, ' +
      '`artifacts:reports`, ' +
      "`environment`, `needs`, `rules`, `default`, `workflow`, a variable's data) and refuses the pipeline with " +
      '"<location> config contains unknown keys: <keys>". The list is GitLab\'s, which is stricter than the CI JSON ' +
      'schema in places and looser in others (`artifacts:public`). Remove the key or fix its spelling.',
  },
  'keyword-value': {
    title: 'A keyword has a value GitLab refuses',
    source: 'GitLab',
    explanation:
      'The value has the wrong type, is not one of the allowed values, or breaks a limit (`retry` at most 2, `cache` ' +
      'at most 4 entries, an `expose_as` name, an environment name, a cache `policy` that is not `pull`, `push`, ' +
      "`pull-push` or a variable). The message is GitLab's own, with its location prefix (`jobs:<job>:<key>`).",
  },
  'keys-together': {
    title: 'Keys that cannot be used together',
    source: 'GitLab',
    explanation:
      'GitLab refuses `script` with `trigger` or `run`, `before_script`/`after_script` with `run`, and ' +
      '`artifacts:public` ' +
      'with `artifacts:access`: "these keys cannot be used together". Keep one.',
  },
  'invalid-duration': {
    title: 'A duration GitLab cannot read',
    source: 'GitLab',
    explanation:
      '`timeout`, `artifacts:expire_in` and `start_in` are read with ChronicDuration: numbers with units ' +
      'such as `30 minutes`, ' +
      '`1h 30m`, `2 days and 3 hours` or `1:30`; a word it does not know (`7 elephants`) or a zero duration ' +
      'is refused. ' +
      '`expire_in` also takes `never`; `timeout` may be at most a month.',
  },
  'invalid-expression': {
    title: 'A `rules:if` expression GitLab cannot parse',
    source: 'GitLab',
    explanation:
      'GitLab lexes `if:` (and `only:variables`) into variables (`$NAME`, not `${NAME}`), quoted strings, `null`, ' +
      '`/regex/` patterns, `==`, `!=`, `=~`, `!~`, `&&`, `||`, `!` and parentheses, at most 99 tokens. Patterns are ' +
      'compiled with RE2: lookahead, lookbehind and backreferences are refused. Anything else is "invalid expression ' +
      'syntax" and the pipeline is not created.',
  },
  'rules-with-only': {
    title: '`rules` together with `only`, `except` or a job-level `start_in`',
    source: 'GitLab',
    explanation:
      'A job with `rules:` may not also use `only:`/`except:` or a job-level `start_in:` ("config key may ' +
      'not be used ' +
      'with `rules`"). Express the conditions in `rules:` and put `start_in` in the rule that says `when: delayed`.',
  },
  'start-in': {
    title: '`start_in` without `when: delayed`, or a week or more',
    source: 'GitLab',
    explanation:
      '`start_in` is only allowed with `when: delayed` (on the job, or on the rule of a job with `rules:`), ' +
      'is required ' +
      'there, and may be at most one week ("start in should not exceed the limit").',
  },
  'variable-option': {
    title: "A variable's value is not one of its `options`",
    source: 'GitLab',
    explanation:
      'A top-level variable with `options:` (the values offered when running a pipeline by hand) must have ' +
      'its `value` ' +
      'among them: "variables:<name> config value must be present in options". Job variables take only ' +
      '`value` and `expand`.',
  },
  'dependency-not-needed': {
    title: '`dependencies` names a job that is not in `needs`',
    source: 'GitLab',
    explanation:
      'When a job has both `needs:` and `dependencies:`, every job in `dependencies` must also be in ' +
      '`needs` (from the ' +
      'same pipeline): "dependencies the <jobs> should be part of needs". Add it to `needs` or drop it.',
  },
  'need-stage': {
    title: 'A job needs a job of a later stage',
    source: 'GitLab',
    explanation:
      'A job (or one of its rules) may need jobs of its own stage or earlier ones only: "<job> job: need ' +
      '<name> is not ' +
      'defined in current or prior stages". Move one of the jobs, or drop the need.',
  },
  'duplicate-needs': {
    title: 'A job needs the same job twice',
    source: 'GitLab',
    explanation:
      "Each job may appear once in a `needs:` list (by name or as `job:`), in the job's own list and in each rule's: " +
      '"<job> has the following needs duplicated: <names>."',
  },
  'circular-needs': {
    title: 'Jobs need each other in a loop',
    source: 'GitLab',
    explanation:
      'The jobs\' `needs:` form a cycle (or a job needs itself), so no order can run them: "The pipeline ' +
      'has circular ' +
      'dependencies: ...". Remove one need in the loop.',
  },
  'on-stop': {
    title: '`environment:on_stop` does not name a job that stops the environment',
    source: 'GitLab',
    explanation:
      'The job named in `on_stop` must exist, have an `environment` of the same name, and declare `action: ' +
      'stop`. GitLab ' +
      'checks in that order and reports the first failure ("on_stop job <name> is not defined", "does not have ' +
      'environment defined", "have different environment name", "needs to have action stop defined").',
  },
  'component-remote': {
    title: "The catalog's git remote cannot be fetched",
    source: 'tool',
    explanation:
      'Component versions are resolved in a mirror of the catalog given with `--component-remote`. The fetch ' +
      'failed and no earlier mirror exists. Check the URL and your access, or lint with `--component-repo <clone>`.',
  },
  'remote-lint': {
    title: "GitLab's CI Lint API did not answer",
    source: 'tool',
    explanation:
      "`catalog lint --remote` asks GitLab's CI Lint API. The request failed (authentication, permissions, project " +
      'id, a timeout or repeated server errors); the message says which and never contains the token.',
  },

  // ── The catalog's own rules for component definitions (src/validate) ──
  'catalog-config': {
    title: 'catalog.config.ts is missing or malformed',
    source: 'catalog',
    explanation:
      "The catalog's name, project path and version come from `catalog.config.ts`, which must `export default " +
      'defineCatalog({...})`.',
  },
  'component-count': {
    title: 'More components than GitLab releases',
    source: 'GitLab',
    explanation:
      'GitLab publishes at most 100 components per catalog project ("Release cannot contain more than 100 ' +
      'components"). Move some to a second catalog.',
  },
  'component-file': {
    title: 'A component folder has no usable definition',
    source: 'catalog',
    explanation:
      'Every folder under `components/` holds a `component.ts` whose default export is `defineComponent({...})`.',
  },
  'component-folder': {
    title: 'A component lives in a folder of another name',
    source: 'catalog',
    explanation:
      'A component named `x` lives in `components/x/`, so its files, docs and template paths agree. Rename the ' +
      'folder or the component.',
  },
  'component-load': {
    title: 'A definition throws when loaded',
    source: 'catalog',
    explanation: 'Importing `component.ts` failed; the message carries the error. Fix the definition.',
  },
  'component-name': {
    title: 'The component name is not one GitLab accepts',
    source: 'GitLab',
    explanation: 'Component names use letters, digits, `_` and `-` only; GitLab cannot include any other.',
  },
  'input-name': {
    title: 'An input name is not one GitLab accepts',
    source: 'GitLab',
    explanation: 'Input names use letters, digits, `_` and `-` only ("key must be an alphanumeric string").',
  },
  'input-type': {
    title: 'An input has an unknown type',
    source: 'GitLab',
    explanation: 'Inputs are `string`, `number`, `boolean` or `array`.',
  },
  'input-description': {
    title: 'An input has no description, or one that is too long',
    source: 'catalog',
    explanation:
      "The catalog shows every input's description in its inputs table, so an input nobody explained is a bug. " +
      'GitLab allows at most 1024 characters.',
  },
  'input-example': {
    title: 'A required input has no example',
    source: 'catalog',
    explanation:
      'The docs show a working include for each component; a required input needs an `example` value to show.',
  },
  'input-rules': {
    title: "An input's `rules` are malformed",
    source: 'GitLab',
    explanation:
      '`spec:inputs:<x>:rules` cannot be combined with a top-level `options` or `default`; a rule without `if` must ' +
      'define `options`; a rule with `if` must define `options` or `default`; a default must be one of its options.',
  },
  'options-type': {
    title: '`options` on an input that cannot have them, or of the wrong type',
    source: 'GitLab',
    explanation:
      'Options apply to string and number inputs (and the items of arrays), and every option must be of ' +
      "the input's type.",
  },
  'options-count': {
    title: 'Too many or no options',
    source: 'GitLab',
    explanation: 'GitLab allows at most 50 options; an empty list would accept no value. Use a `regex` for long lists.',
  },
  'regex-type': {
    title: '`regex` on an input that is not a string',
    source: 'GitLab',
    explanation: 'RegEx validation can only be used with string inputs.',
  },
  'regex-invalid': {
    title: 'The `regex` is not a pattern GitLab can run',
    source: 'GitLab',
    explanation:
      'GitLab matches input patterns with RE2, which has no lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`) and no ' +
      'backreferences (`\\1`, `\\k<name>`). Write the pattern without them, and without surrounding slashes.',
  },
  'default-invalid': {
    title: 'A default does not satisfy its own input',
    source: 'GitLab',
    explanation:
      'GitLab checks defaults like given values: of the declared type, among the options, matching the regex. ' +
      'Fix the default.',
  },
  'spec-description': {
    title: 'The component has no description, or one that is too long',
    source: 'catalog',
    explanation:
      'The catalog shows `spec:description` above the inputs; GitLab allows at most 256 characters. Move ' +
      'detail to readme.md.',
  },
  'spec-inputs-empty': {
    title: 'An empty `spec:inputs`',
    source: 'GitLab',
    explanation:
      'Publishing fails with "Spec must be a valid json schema" when `spec:inputs` is empty. Declare ' +
      'inputs or remove it.',
  },
  'spec-inputs-count': {
    title: 'More inputs than GitLab allows',
    source: 'GitLab',
    explanation: 'A component may declare at most 500 inputs. Split the component.',
  },
  'stage-input': {
    title: 'Jobs are not placed by a `stage` input',
    source: 'catalog',
    explanation:
      "Consumers choose where a component's jobs run. Declare a `stage` input and use it as every job's `stage` " +
      '(`placementInputs` does both).',
  },
  'job-name-input': {
    title: 'A job name is fixed',
    source: 'catalog',
    explanation:
      'Including a component twice (two environments, two sites) must not make its jobs collide. Name visible jobs ' +
      "from an input, e.g. `[inputs['job-name']]`.",
  },
  'job-script': {
    title: 'A component job has no script',
    source: 'catalog',
    explanation: 'A visible job of a component needs `script:` (or `extends` of a job that has one).',
  },
  'global-keyword': {
    title: 'A component sets a global keyword',
    source: 'catalog',
    explanation:
      '`default`, `variables`, `stages`, `image`, `services`, `cache`, `before_script`, `after_script` and ' +
      "`workflow` at the top level of a template change every job of the consumer's pipeline. Set them on the " +
      "component's own jobs.",
  },
  'input-in-script': {
    title: 'An input is interpolated into shell text',
    source: 'catalog',
    explanation:
      'A value such as `$(rm -rf /)` in an input would run. Pass inputs to scripts through job `variables:` and ' +
      'quote the variable (`"$NAME"`) in the script.',
  },
  'image-pinned': {
    title: 'An image is not pinned',
    source: 'catalog',
    explanation:
      'An image without a tag, or with `:latest`, may differ in every pipeline. Pin a version tag or a digest.',
  },
  'unused-input': {
    title: 'An input no job uses',
    source: 'catalog',
    explanation: 'A consumer setting it would see no effect. Use it in a job or remove it.',
  },
  'readme-markers': {
    title: 'README.md has no generated component list',
    source: 'catalog',
    explanation:
      'GitLab requires a root README.md to publish a catalog; the build keeps its component list current between two ' +
      'marker lines. Add the markers from src/generate/render-readme.ts.',
  },
  'policy-missing': {
    title: 'A component has no policy.json',
    source: 'catalog',
    explanation:
      'Every component that calls AWS documents the IAM policy its role needs in `policy.json` beside the definition.',
  },
  'policy-missing-action': {
    title: 'A script calls an action its policy does not allow',
    source: 'catalog',
    explanation: 'The deploy would fail with AccessDenied. Add the action to `policy.json`.',
  },
  'policy-extra-action': {
    title: 'The policy allows an action no script calls',
    source: 'catalog',
    explanation:
      'Least privilege: an action nobody needs is privilege an attacker could use. Remove it from `policy.json`.',
  },
  'policy-wildcard': {
    title: 'The policy allows a wildcard action',
    source: 'catalog',
    explanation: 'List the exact actions the scripts call instead of `*` or `service:*`.',
  },
  'resource-group-key': {
    title: 'A `resource_group` key GitLab would refuse',
    source: 'GitLab',
    explanation:
      'GitLab refuses a `resource_group` key that is empty, ends in `/` or contains characters such as `:`, and then ' +
      'creates the job without the lock, so two deploys can overlap. The build renders the key with every value the ' +
      'inputs admit (defaults, examples, options, what the regex allows). Constrain the inputs with a `regex`.',
  },
  'environment-name': {
    title: 'An environment name GitLab would refuse',
    source: 'GitLab',
    explanation:
      'Environment names may contain only letters, digits, spaces and `-` `_` `/` `$` `{` `}` `.`; GitLab ' +
      'refuses the pipeline ' +
      'otherwise. The build renders the name with every value the inputs admit. Constrain the inputs with a `regex`.',
  },
  'undeclared-variable': {
    title: 'A script reads a variable nobody sets',
    source: 'catalog',
    explanation:
      'Every `$VAR` a job script reads must be a job variable (mapped from an input), a GitLab predefined variable, ' +
      "the shell library's, assigned by the scripts, or listed in the definition's `readsVariables` when consumers " +
      'set it as a CI/CD variable. Otherwise a typo or a missing mapping reads an empty value.',
  },
  'option-value-separate': {
    title: 'A value passed as the word after an option',
    source: 'catalog',
    explanation:
      'In `--option "$value"`, a value that starts with `-` is read as another option (an input of ' +
      '`--debug` turns on ' +
      'the AWS CLI\'s debug log, which prints credentials). Write `--option="$value"`.',
  },
  'library-function-redefined': {
    title: 'A script redefines a shell library function',
    source: 'catalog',
    explanation:
      'The build embeds the shared shell library in every script that uses it; a script defining `fail`, `trim` or ' +
      "another library function of its own behaves differently from the others. Use the library's function.",
  },
  'job-temp-dir': {
    title: 'A script makes its own temporary files or EXIT trap',
    source: 'catalog',
    explanation:
      "Token files and the CLI's credential cache must not outlive the job. Put temporary files under " +
      '`"$CATALOG_JOB_DIR"`, which the shell library removes on exit; a second EXIT trap would replace that cleanup.',
  },
  'path-as-option': {
    title: 'A path a command reads as an option',
    source: 'catalog',
    explanation:
      '`find "$DIR"` and `cat "$FILE"` read a value starting with `-` as an expression or an option. Make paths with ' +
      'the library\'s `path_arg`, or write `cat -- "$path"`.',
  },
  'dotenv-write': {
    title: 'A script writes the dotenv report directly',
    source: 'catalog',
    explanation:
      'Later jobs receive dotenv variables with precedence over their own; a value with a line break would add ' +
      'variables of its own (a replaced role ARN). Use `dotenv_set FILE NAME "$value"`, which refuses line breaks.',
  },
  'unchecked-number': {
    title: 'A value is used in shell arithmetic unchecked',
    source: 'catalog',
    explanation:
      'Bash evaluates array subscripts in arithmetic, so a value such as `PATH[$(cmd)]` runs `cmd`. Check it first ' +
      "with the library's `uint`, then use the checked value.",
  },
  'unchecked-aws-value': {
    title: 'A value reaches the AWS CLI unchecked',
    source: 'catalog',
    explanation:
      "The AWS CLI reads `file://PATH` and `fileb://PATH` parameter values from the runner's disk. Check inputs " +
      "passed to it with the library's `safe_arg`, or with a pattern that admits only expected values.",
  },

  // ── Releases, history and publishing (src/catalog) ──
  'release-bump': {
    title: "The version is lower than the inputs' changes require",
    source: 'catalog',
    explanation:
      "`catalog release` compares every component's inputs with the last release. A removed or renamed " +
      'input, a newly ' +
      'required input, a changed type, narrowed options, an added or changed regex, changed input rules or a removed ' +
      'component need a major release; a new optional input or component, widened options, a removed regex, an input ' +
      'made optional or a deprecation need a minor; anything else a patch. The message lists the changes that need ' +
      'the higher bump. Release that bump (`catalog release major`), or undo the changes. See docs/release-history.md.',
  },
  'release-version': {
    title: 'The version cannot be released',
    source: 'catalog',
    explanation:
      'The version is not a semantic version as GitLab reads it ("Semver must follow semantic ' +
      'version"), or it is not ' +
      'newer than the last recorded release. Give MAJOR.MINOR.PATCH (an optional leading `v` and a pre-release are ' +
      'accepted), or `major`, `minor`, `patch`.',
  },
  'release-recorded': {
    title: 'The version is already recorded',
    source: 'catalog',
    explanation:
      'catalog.history.yml already lists this version. Tag it with `catalog release <version> --tag-only`, or ' +
      'release a newer version.',
  },
  'release-tagged': {
    title: 'The tag already exists',
    source: 'catalog',
    explanation:
      'A git tag of that name exists, and GitLab publishes a version once ("Release has already been ' +
      'published"). Release a newer version.',
  },
  'release-git': {
    title: 'The release needs a git repository',
    source: 'tool',
    explanation: "`catalog release` commits and tags; run it in the catalog's clone.",
  },
  'release-dirty': {
    title: 'The working tree has uncommitted changes',
    source: 'catalog',
    explanation:
      'The release commit must hold exactly what is released: commit or stash changes to tracked files and new ' +
      'files under components/ or templates/ first.',
  },
  'release-history': {
    title: 'catalog.history.yml cannot be read',
    source: 'catalog',
    explanation:
      'The release history is written by `catalog release`; only `notes` may be edited by hand. The ' +
      'message names what ' +
      'is wrong (YAML, the format in docs/release-history.md, versions not newest first). Restore it from git.',
  },
  'release-not-recorded': {
    title: 'The tag is not a recorded release',
    source: 'catalog',
    explanation:
      'A tag pipeline publishes only versions `catalog release` recorded, so the CHANGELOG and catalog.yml say what ' +
      'changed. Record the version with `catalog release <version>` and tag the commit it makes.',
  },
  'release-drift': {
    title: 'The definitions differ from what the release recorded',
    source: 'catalog',
    explanation:
      "The tagged commit's inputs are not those catalog.history.yml recorded for the version, so the history would " +
      'lie. Tag the commit that recorded the release (`catalog release <version> --tag-only`), or record ' +
      'a new version.',
  },
  'publish-readme': {
    title: 'Project must have a README',
    source: 'GitLab',
    explanation:
      'GitLab publishes a catalog version only when `README.md` (exactly that name) is at the root of the ' +
      'tagged commit.',
  },
  'publish-description': {
    title: 'Project must have a description',
    source: 'GitLab',
    explanation:
      'GitLab refuses to publish a catalog project without a description. In a pipeline the preflight reads ' +
      '`$CI_PROJECT_DESCRIPTION`; locally, the `description` in catalog.config.ts. Set it in Settings > General.',
  },
  'publish-components': {
    title: 'Project must contain components',
    source: 'GitLab',
    explanation:
      'GitLab publishes only files matching `^templates/[\\w-]+(?:/template)?\\.yml$` ("Project must ' +
      'contain components. ' +
      'Ensure you are using the correct directory structure"). `.yaml` files and deeper folders are ignored.',
  },
  'publish-component-limit': {
    title: 'Release cannot contain more than 100 components',
    source: 'GitLab',
    explanation:
      'GitLab publishes at most 100 components per project (COMPONENTS_LIMIT). Move some to a second catalog project.',
  },
  'publish-spec': {
    title: 'Build component error: Spec must be a valid json schema',
    source: 'GitLab',
    explanation:
      "At publish time GitLab validates each component's `spec:` against its catalog component schema: " +
      '`inputs` must be ' +
      'a mapping (an empty `spec:inputs:` fails), a default must be an array, boolean, integer or string ' +
      '(a fractional ' +
      'number fails), at most 500 inputs, no unknown keys. The fix names the part that fails.',
  },
  'publish-semver': {
    title: 'Semver must follow semantic version',
    source: 'GitLab',
    explanation:
      "The tag must match GitLab's SemVer.optional_prefixed: MAJOR.MINOR.PATCH with an optional leading `v`, " +
      'pre-release and build.',
  },
  'publish-release-job': {
    title: 'No job creates the release with the `release:` keyword',
    source: 'GitLab',
    explanation:
      "GitLab publishes to the CI/CD Catalog only a release created by a job's `release:` keyword (or " +
      '`glab release create --publish-to-catalog` in a job) on a tag pipeline; a release made with the ' +
      'API or the UI is ' +
      'silently not published. Add such a job to .gitlab-ci.yml.',
  },
  'publish-layout': {
    title: 'A file under templates/ is not published as a component',
    source: 'GitLab',
    explanation:
      'Only `templates/<name>.yml` and `templates/<name>/template.yml` are components; when both exist GitLab ' +
      'uses the single file.',
  },
  deprecation: {
    title: 'A deprecation or rename points at nothing',
    source: 'catalog',
    explanation:
      "A deprecated input's `replacement` must be another input of the component, a deprecated component's another " +
      'component (or a full include path); a `formerName` must be a valid name no current input has, ' +
      'claimed by one input.',
  },
  'deprecated-input': {
    title: 'The include sets a deprecated input',
    source: 'catalog',
    explanation:
      'The component marks the input deprecated (its description starts with "Deprecated:"), usually with ' +
      'a replacement. ' +
      'Stop setting it, or set the replacement: the next major release may remove it.',
  },
  'deprecated-component': {
    title: 'The include uses a deprecated component',
    source: 'catalog',
    explanation:
      'The component\'s `spec:description` starts with "Deprecated:". Switch to its replacement before a major ' +
      'release removes it.',
  },

  // ── `catalog lint --security` (src/validate/lint/rules/security, one rule per file) ──
  'security-input-in-script': {
    title: 'An input is interpolated into shell text',
    source: 'security',
    explanation:
      '`$[[ inputs.x ]]` is pasted into the script before the shell reads it, so a value such as `x; curl … | sh` ' +
      "runs as a command. Pass the input through the job's `variables:` and quote the variable in the script " +
      '(`"$X"`), or use `$[[ inputs.x | posix_escape ]]` without surrounding quotes (quotes around it ' +
      'undo its quoting).',
  },
  'security-download-exec': {
    title: 'A script runs code straight from the network',
    source: 'security',
    explanation:
      "`curl … | sh`, `bash <(curl …)` and the like run whatever the server returns today, with the job's " +
      'credentials. Download to a file, check its SHA-256 against a pinned value, then run it; or use a pinned ' +
      'package or image.',
  },
  'security-credentials-in-variables': {
    title: 'A credential is written in `variables:`',
    source: 'security',
    explanation:
      'A value shaped like a real credential (an AWS key, a GitLab token, a private key, …) in ' +
      '`variables:` is in the ' +
      'repository, its history and every fork. Revoke it, then use OIDC (`id_tokens` and a role) or a masked, ' +
      'protected CI/CD variable. The finding names the variable, never its value.',
  },
  'security-debug-trace': {
    title: '`CI_DEBUG_TRACE` or `CI_DEBUG_SERVICES` is on',
    source: 'security',
    explanation:
      'Debug tracing prints every command with its expanded values: masked variables, the ID token and the AWS keys ' +
      'end up in the job log. Remove it from the file; to debug once, set it on a single manual pipeline run.',
  },
  'security-unpinned-component': {
    title: 'A component or include can change under the pipeline',
    source: 'security',
    explanation:
      'A component at a branch or `~latest`, a project include without a pinned `ref:`, or a remote URL runs ' +
      'whatever its maintainers push next. Pin a released version (`@1.4.2`) or, better, a commit SHA.',
  },
  'security-unpinned-image': {
    title: 'An image is not pinned',
    source: 'security',
    explanation:
      'An image without a tag, or tagged `latest`, is whatever was pushed last. Pin a version tag or, better, a ' +
      'digest (`@sha256:…`).',
  },
  'security-broad-id-token-aud': {
    title: 'An ID token has several audiences or a wildcard audience',
    source: 'security',
    explanation:
      'Every relying party named in `aud` accepts the token, so a token minted for one deploy can be replayed ' +
      "against the others. Give each token exactly one `aud`, the one the role's OIDC provider lists.",
  },
  'security-broad-trust-policy': {
    title: 'An IAM trust policy lets more than this project assume the role',
    source: 'security',
    explanation:
      "A role trusted by GitLab's OIDC provider must be assumable by this project only: without a `sub` condition, " +
      'or with a wildcard in its project part, other projects (or a whole group) can assume it; without an `aud` ' +
      "condition any audience is accepted. Condition on `aud` and on `sub` with this project's path. IAM evaluates " +
      'only `aud` and `sub` for a generic OIDC provider.',
  },

  // ── Browsing a catalog (src/catalog/browse) ──
  'catalog-browse': {
    title: 'The catalog to browse cannot be read',
    source: 'tool',
    explanation:
      '`catalog search`, `show`, `diff`, `snippet` and `site` read a catalog from a folder, a git URL at a ref, or ' +
      "GitLab's GraphQL API. The message says which source failed (no catalog.yml, an unknown ref, a refused token, " +
      'an unknown component) and the fix names what to pass instead.',
  },
} as const satisfies Record<string, ProblemCodeDoc>;

export type ProblemCode = keyof typeof PROBLEM_CODES;
