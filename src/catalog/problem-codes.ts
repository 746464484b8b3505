// The problem codes the release, history and publish checks report, with the explanation that
// docs/rules/<code>.md renders (merged into the toolkit's table of codes in src/internal).

export const RELEASE_PROBLEM_CODES = {
  'release-bump': {
    title: 'The version is lower than the inputs\' changes require',
    source: 'catalog',
    explanation:
      '`catalog release` compares every component\'s inputs with the last release. A removed or renamed input, a newly ' +
      'required input, a changed type, narrowed options, an added or changed regex, changed input rules or a removed ' +
      'component need a major release; a new optional input or component, widened options, a removed regex, an input ' +
      'made optional or a deprecation need a minor; anything else a patch. The message lists the changes that need ' +
      'the higher bump. Release that bump (`catalog release major`), or undo the changes. See docs/release-history.md.',
  },
  'release-version': {
    title: 'The version cannot be released',
    source: 'catalog',
    explanation:
      'The version is not a semantic version as GitLab reads it ("Semver must follow semantic version"), or it is not ' +
      'newer than the last recorded release. Give MAJOR.MINOR.PATCH (an optional leading `v` and a pre-release are ' +
      'accepted), or `major`, `minor`, `patch`.',
  },
  'release-recorded': {
    title: 'The version is already recorded',
    source: 'catalog',
    explanation: 'catalog.history.yml already lists this version. Tag it with `catalog release <version> --tag-only`, or release a newer version.',
  },
  'release-tagged': {
    title: 'The tag already exists',
    source: 'catalog',
    explanation: 'A git tag of that name exists, and GitLab publishes a version once ("Release has already been published"). Release a newer version.',
  },
  'release-git': {
    title: 'The release needs a git repository',
    source: 'tool',
    explanation: '`catalog release` commits and tags; run it in the catalog\'s clone.',
  },
  'release-dirty': {
    title: 'The working tree has uncommitted changes',
    source: 'catalog',
    explanation: 'The release commit must hold exactly what is released: commit or stash changes to tracked files and new files under components/ or templates/ first.',
  },
  'release-history': {
    title: 'catalog.history.yml cannot be read',
    source: 'catalog',
    explanation:
      'The release history is written by `catalog release`; only `notes` may be edited by hand. The message names what ' +
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
      'The tagged commit\'s inputs are not those catalog.history.yml recorded for the version, so the history would ' +
      'lie. Tag the commit that recorded the release (`catalog release <version> --tag-only`), or record a new version.',
  },
  'publish-readme': {
    title: 'Project must have a README',
    source: 'GitLab',
    explanation: 'GitLab publishes a catalog version only when `README.md` (exactly that name) is at the root of the tagged commit.',
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
      'GitLab publishes only files matching `^templates/[\\w-]+(?:/template)?\\.yml$` ("Project must contain components. ' +
      'Ensure you are using the correct directory structure"). `.yaml` files and deeper folders are ignored.',
  },
  'publish-component-limit': {
    title: 'Release cannot contain more than 100 components',
    source: 'GitLab',
    explanation: 'GitLab publishes at most 100 components per project (COMPONENTS_LIMIT). Move some to a second catalog project.',
  },
  'publish-spec': {
    title: 'Build component error: Spec must be a valid json schema',
    source: 'GitLab',
    explanation:
      'At publish time GitLab validates each component\'s `spec:` against its catalog component schema: `inputs` must be ' +
      'a mapping (an empty `spec:inputs:` fails), a default must be an array, boolean, integer or string (a fractional ' +
      'number fails), at most 500 inputs, no unknown keys. The fix names the part that fails.',
  },
  'publish-semver': {
    title: 'Semver must follow semantic version',
    source: 'GitLab',
    explanation: 'The tag must match GitLab\'s SemVer.optional_prefixed: MAJOR.MINOR.PATCH with an optional leading `v`, pre-release and build.',
  },
  'publish-release-job': {
    title: 'No job creates the release with the `release:` keyword',
    source: 'GitLab',
    explanation:
      'GitLab publishes to the CI/CD Catalog only a release created by a job\'s `release:` keyword (or ' +
      '`glab release create --publish-to-catalog` in a job) on a tag pipeline; a release made with the API or the UI is ' +
      'silently not published. Add such a job to .gitlab-ci.yml.',
  },
  'publish-layout': {
    title: 'A file under templates/ is not published as a component',
    source: 'GitLab',
    explanation: 'Only `templates/<name>.yml` and `templates/<name>/template.yml` are components; when both exist GitLab uses the single file.',
  },
  deprecation: {
    title: 'A deprecation or rename points at nothing',
    source: 'catalog',
    explanation:
      'A deprecated input\'s `replacement` must be another input of the component, a deprecated component\'s another ' +
      'component (or a full include path); a `formerName` must be a valid name no current input has, claimed by one input.',
  },
  'deprecated-input': {
    title: 'The include sets a deprecated input',
    source: 'catalog',
    explanation:
      'The component marks the input deprecated (its description starts with "Deprecated:"), usually with a replacement. ' +
      'Stop setting it, or set the replacement: the next major release may remove it.',
  },
  'deprecated-component': {
    title: 'The include uses a deprecated component',
    source: 'catalog',
    explanation: 'The component\'s `spec:description` starts with "Deprecated:". Switch to its replacement before a major release removes it.',
  },
} as const satisfies Record<string, { readonly title: string; readonly source: 'GitLab' | 'catalog' | 'tool'; readonly explanation: string }>;

export type ReleaseProblemCode = keyof typeof RELEASE_PROBLEM_CODES;
