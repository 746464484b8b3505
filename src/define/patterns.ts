// The values inputs take, as RE2 patterns (GitLab checks `regex` against the raw input), named once so
// every component that takes an S3 bucket or a role ARN checks it the same way. Job scripts check the
// expanded values again.

/** An IAM role ARN, in any partition. */
export const IAM_ROLE_ARN = '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$';

/** An AWS region name (`eu-west-1`, `us-gov-west-1`). */
export const AWS_REGION = '^[a-z]{2}(-[a-z]+)+-[0-9]+$';

/** An S3 bucket name (3-63 characters). */
export const S3_BUCKET = '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';

/** A CloudFront distribution id. */
export const CLOUDFRONT_DISTRIBUTION = '^[A-Z0-9]{8,20}$';

/** A release number `major.minor.patch`, for the pinned version of a tool. */
export const RELEASE_VERSION = '^[0-9]+\\.[0-9]+\\.[0-9]+$';

/**
 * A path relative to the project root, of at most `maxLength` characters when given: it cannot start
 * as an option (`-`), nor hold a scheme (`:`), a variable or a space.
 */
export function projectPath(maxLength?: number): string {
  return `^[A-Za-z0-9_.][A-Za-z0-9_./-]${maxLength === undefined ? '*' : `{0,${maxLength - 1}}`}$`;
}

/** Space-separated project files (globs allowed), none starting with `-`; empty for the default. */
export const PROJECT_FILES = '^([A-Za-z0-9_.][A-Za-z0-9_./*-]*( +[A-Za-z0-9_.][A-Za-z0-9_./*-]*)*)?$';

/** An npm package spec (a version, a tarball URL or path, `git+https://...#ref`); empty for the default. */
export const NPM_PACKAGE_SPEC = '^([A-Za-z0-9_.+@:/#$%{}=-][A-Za-z0-9_.+@:/#$%{}=~-]*)?$';

/** The pattern, or an empty value (for an input whose empty default means "none" or "the default"). */
export function orEmpty(pattern: string): string {
  return `^(${pattern.replace(/^\^/, '').replace(/\$$/, '')})?$`;
}

/**
 * Widens a value pattern to also accept a CI/CD variable reference such as `$AWS_ROLE_ARN`.
 * GitLab checks `regex` against the raw input before variables are expanded, so a strict
 * pattern would reject the most common way teams pass account-specific values; the job
 * script validates the expanded value instead.
 */
export function orVariable(valuePattern: string): string {
  const body = valuePattern.replace(/^\^/, '').replace(/\$$/, '');
  return `^(${body}|\\$[A-Za-z_][A-Za-z0-9_]*|\\$\\{[A-Za-z_][A-Za-z0-9_]*\\})$`;
}
