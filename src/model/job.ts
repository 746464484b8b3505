// GitLab CI job configuration, keys spelled exactly as GitLab spells them so a
// rendered job is a plain dump. https://docs.gitlab.com/ci/yaml/

/** `$[[ inputs.x ]]` (or any interpolation block) standing in for a typed value. */
export type Interpolated = `$[[ ${string} ]]`;

export type Script = string | readonly string[];

export interface Rule {
  readonly if?: string;
  readonly changes?: readonly string[] | { readonly paths: readonly string[]; readonly compare_to?: string };
  readonly exists?: readonly string[];
  readonly when?: 'on_success' | 'on_failure' | 'always' | 'manual' | 'delayed' | 'never' | Interpolated;
  readonly allow_failure?: boolean | Interpolated;
  readonly variables?: Readonly<Record<string, string>>;
  readonly start_in?: string;
}

export interface Environment {
  readonly name: string;
  readonly url?: string;
  readonly action?: 'start' | 'prepare' | 'stop' | 'verify' | 'access';
  readonly on_stop?: string;
  readonly auto_stop_in?: string;
  readonly deployment_tier?: 'production' | 'staging' | 'testing' | 'development' | 'other';
}

export interface IdToken {
  readonly aud: string | readonly string[];
}

export interface Artifacts {
  readonly paths?: readonly string[];
  readonly exclude?: readonly string[];
  readonly expire_in?: string;
  readonly expose_as?: string;
  readonly name?: string;
  readonly when?: 'on_success' | 'on_failure' | 'always';
  readonly untracked?: boolean;
  readonly reports?: {
    readonly dotenv?: string | readonly string[];
    readonly junit?: string | readonly string[];
    readonly codequality?: string | readonly string[];
    readonly terraform?: string | readonly string[];
    readonly sast?: string | readonly string[];
  };
  /** Who may download the artifacts: `developer` keeps plans and reports from guests and the public. */
  readonly access?: 'all' | 'developer' | 'none';
}

/** `cache:` (Entry::Cache): a key, the paths kept under it, and when they are pulled and pushed. */
export interface Cache {
  readonly key?: string | { readonly files: readonly string[]; readonly prefix?: string };
  readonly paths?: readonly string[];
  readonly untracked?: boolean;
  readonly unprotect?: boolean;
  readonly when?: 'on_success' | 'on_failure' | 'always';
  readonly policy?: 'pull' | 'push' | 'pull-push' | Interpolated;
  readonly fallback_keys?: readonly string[];
}

export interface Image {
  readonly name: string;
  readonly entrypoint?: readonly string[];
  readonly pull_policy?: 'always' | 'never' | 'if-not-present';
}

export type Need = string | { readonly job: string; readonly artifacts?: boolean; readonly optional?: boolean };

export interface Retry {
  readonly max?: 0 | 1 | 2 | Interpolated;
  readonly when?: readonly string[];
  readonly exit_codes?: readonly number[];
}

export interface Job {
  readonly stage?: string;
  readonly extends?: string | readonly string[];
  readonly image?: string | Image;
  readonly tags?: readonly string[] | Interpolated;
  readonly needs?: readonly Need[] | Interpolated;
  readonly dependencies?: readonly string[] | Interpolated;
  readonly rules?: readonly Rule[] | Interpolated;
  readonly when?: 'on_success' | 'on_failure' | 'always' | 'manual' | 'delayed' | 'never' | Interpolated;
  readonly allow_failure?: boolean | Interpolated | { readonly exit_codes: number | readonly number[] };
  readonly variables?: Readonly<
    Record<string, string | { readonly value: string; readonly description?: string; readonly expand?: boolean }>
  >;
  readonly id_tokens?: Readonly<Record<string, IdToken>>;
  readonly before_script?: Script;
  readonly script?: Script;
  readonly after_script?: Script;
  readonly environment?: string | Environment;
  readonly resource_group?: string;
  readonly artifacts?: Artifacts;
  readonly cache?: Cache | readonly Cache[];
  readonly retry?: 0 | 1 | 2 | Interpolated | Retry;
  readonly timeout?: string;
  readonly interruptible?: boolean | Interpolated;
  readonly coverage?: string;
  readonly parallel?: number | Interpolated;
}

/** The content document of a template: job names (or hidden `.names`) to jobs. */
export type Jobs = Readonly<Record<string, Job>>;
