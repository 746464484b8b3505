#!/usr/bin/env bash
# shellcheck shell=bash
# The catalog's shell library. A job script sources it with the two lines
#   # shellcheck source=components/_shared/lib.sh
#   . "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
# and the build replaces them with this text (src/define/shell-library.ts), so GitLab runs one
# self-contained script. It may be embedded twice into one job (before_script and script run in
# the same shell): everything here is safe to load again.
#
# Rules a script follows to stay safe with hostile input values (the build checks them,
# src/validate/script-checks.ts):
# - a value reaches a command as `--option=value` or after `--`, never as the word after `--option`;
# - a value that reaches the AWS CLI goes through `safe_arg` first: a leading `-` or a
#   `file://`, `fileb://`, `http://`, `https://` prefix (which the CLI would read) is refused;
# - a number goes through `uint` before any arithmetic: `n="$(uint INPUT "$VALUE")"`;
# - a path goes through `path_arg` before `find`, and `cat` is given `--`;
# - the dotenv report is written with `dotenv_set` only;
# - temporary files live in "$CATALOG_JOB_DIR", removed when the job's shell exits.
# It does not change shell options: oidc-auth's before_script runs inside consumers' jobs.

# The component named in messages; each script sets it after sourcing the library.
catalog_component="${catalog_component:-catalog}"

say() { echo "${catalog_component}: $*"; }

fail() {
  echo "${catalog_component}: error: $*" >&2
  exit 1
}

# bad_input INPUT WHAT FIX
bad_input() {
  echo "${catalog_component}: error: input '$1': $2. Fix: $3." >&2
  exit 1
}

trim() {
  local s="$1"
  s="${s#"${s%%[![:space:]]*}"}"
  printf '%s' "${s%"${s##*[![:space:]]}"}"
}

# A list input (items separated by commas or newlines) -> one trimmed, non-empty item per line.
# `read` rather than word splitting, so an item such as /* is never expanded against the disk.
split_list() {
  local item
  while IFS= read -r item; do
    item="$(trim "$item")"
    [ -n "$item" ] && printf '%s\n' "$item"
  done < <(printf '%s\n' "$1" | tr ',' '\n')
  return 0
}

is_true() { [ "$1" = "true" ]; }

# uint INPUT VALUE [MIN [MAX]]: prints VALUE as a whole number, or fails naming the input.
# Checked as text first: bash arithmetic on an unchecked value such as 'PATH[$(cmd)]' runs cmd,
# and a leading 0 would make it octal. Use it as `n="$(uint wait-timeout "$X")"` under `set -e`.
uint() {
  local name="$1" value
  value="$(trim "$2")"
  [[ "$value" =~ ^[0-9]{1,9}$ ]] || bad_input "$name" "'$2' is not a whole number" "give a number such as 30"
  value=$((10#$value))
  if [ -n "${3:-}" ] && [ "$value" -lt "$3" ]; then bad_input "$name" "$value is less than $3" "give a number from $3${4:+ to $4}"; fi
  if [ -n "${4:-}" ] && [ "$value" -gt "$4" ]; then bad_input "$name" "$value is more than $4" "give a number from ${3:-0} to $4"; fi
  printf '%s' "$value"
}

# bool INPUT VALUE: prints true or false, or fails naming the input.
bool() {
  case "$2" in
    true | false) printf '%s' "$2" ;;
    *) bad_input "$1" "'$2' is not true or false" "give true or false" ;;
  esac
}

# safe_arg INPUT VALUE: refuses a value the AWS CLI would not take literally. Even as
# `--option=value`, the CLI reads `file://PATH` and `fileb://PATH` (and, in v1, fetches
# `http(s)://`) and uses the contents as the value; a leading `-` is refused too, so a value can
# never be mistaken for an option by any command.
safe_arg() {
  case "$2" in
    -*) bad_input "$1" "'$2' starts with '-', which a command could read as an option" "remove the leading '-'" ;;
    file://* | fileb://* | http://* | https://*)
      bad_input "$1" "'$2' starts with '${2%%//*}//', which makes the AWS CLI read that file or URL instead of the value" "give the value itself" ;;
  esac
  return 0
}

# single_line INPUT VALUE: refuses a line break in a value bound for the dotenv report, before
# anything changes (dotenv_set would refuse it only at the end, after the deploy).
single_line() {
  case "$2" in
    *$'\n'* | *$'\r'*) bad_input "$1" "contains a line break, which would add lines to the dotenv report that later jobs trust" "give a single line" ;;
  esac
  return 0
}

# path_arg INPUT VALUE: prints a relative path as ./PATH, so `find` and others never take it as an option.
path_arg() {
  [ -n "$2" ] || bad_input "$1" "is empty" "give a path relative to the project root"
  case "$2" in
    /*) printf '%s' "$2" ;;
    *) printf './%s' "$2" ;;
  esac
}

# A JSON string holding $1.
json_str() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//$'\n'/\\n}"
  s="${s//$'\r'/\\r}"
  s="${s//$'\t'/\\t}"
  printf '"%s"' "$s"
}

# dotenv_set FILE NAME VALUE: one line of the job's dotenv report. GitLab reads a line as
# NAME=VALUE up to the end of the line and expands `$` in the value in later jobs, so a newline
# would add a variable of the value's choosing (an error here) and `$` is written as `$$`.
dotenv_set() {
  local file="$1" name="$2" value="$3"
  [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || fail "dotenv: '$name' is not a variable name"
  case "$value" in
    *$'\n'* | *$'\r'*) fail "the value for $name in the dotenv report contains a line break; later jobs would read it as more variables. Remove the line break from the input that sets it." ;;
  esac
  printf '%s=%s\n' "$name" "${value//\$/\$\$}" >> "$file"
}

# The job-private directory: token files, the AWS CLI's credential cache and scratch files.
# Created once per job shell and removed when it exits, whether the job passed or failed.
# A script that must undo a half-done change when it stops (an error, SIGTERM on cancel) names a
# function in catalog_exit_hook: it runs first, given the exit status, while the credentials in
# the directory still work.
catalog_cleanup() {
  local rc="${1:-0}" hook="${catalog_exit_hook:-}"
  catalog_exit_hook=""
  if [ -n "$hook" ]; then "$hook" "$rc" || true; fi
  if [ -n "${CATALOG_JOB_DIR:-}" ]; then rm -rf -- "$CATALOG_JOB_DIR"; fi
  return 0
}
if [ -z "${CATALOG_JOB_DIR:-}" ] || [ ! -d "$CATALOG_JOB_DIR" ]; then
  CATALOG_JOB_DIR="$(mktemp -d "${TMPDIR:-/tmp}/catalog-job.XXXXXXXX")" || fail "cannot create a temporary directory under ${TMPDIR:-/tmp}"
  chmod 700 "$CATALOG_JOB_DIR"
  mkdir -p "$CATALOG_JOB_DIR/home"
  CATALOG_REAL_HOME="${HOME:-}"
  trap 'catalog_cleanup "$?"' EXIT
  # A cancelled job gets SIGTERM: clean up before going.
  trap 'catalog_cleanup 143; trap - EXIT; exit 143' TERM
  trap 'catalog_cleanup 130; trap - EXIT; exit 130' INT
fi

# Every `aws` call runs with HOME inside the job directory: the CLI caches assumed-role keys in
# $HOME/.aws/cli/cache, which on a shell runner would outlive the job. The user's own config and
# credentials files are still read from where they were.
aws() {
  env HOME="$CATALOG_JOB_DIR/home" \
    AWS_CONFIG_FILE="${AWS_CONFIG_FILE:-${CATALOG_REAL_HOME:-/nonexistent}/.aws/config}" \
    AWS_SHARED_CREDENTIALS_FILE="${AWS_SHARED_CREDENTIALS_FILE:-${CATALOG_REAL_HOME:-/nonexistent}/.aws/credentials}" \
    aws "$@"
}

# aws_call ARGS...: `aws ARGS...` with the error text kept for aws_failed (and not printed), so
# the caller can say what failed, what had already changed and what to do:
#   out="$(aws_call ecs update-service ...)" || aws_failed "updating ..." "what changed" "the fix"
aws_call() {
  aws "$@" 2> "$CATALOG_JOB_DIR/aws-error"
}

# The error text of the last aws_call that failed.
aws_error() {
  trim "$(cat -- "$CATALOG_JOB_DIR/aws-error" 2> /dev/null)"
}

# aws_failed WHAT CHANGED FIX: fails after an aws_call, blaming what AWS blamed. A refused or
# expired ID token is said to be one (not a missing cluster or bucket), as are missing
# permissions and throttling that outlasted the CLI's retries. CHANGED says what this job had
# already changed ("" when nothing); FIX is what to do about this step, after the cause's own advice.
aws_failed() {
  local what="$1" changed="${2:-}" fix="$3" error
  error="$(aws_error)"
  case "$error" in
    *ExpiredToken* | *InvalidIdentityToken* | *AssumeRoleWithWebIdentity* | *IDPRejectedClaim*)
      fix="AWS refused the job's GitLab ID token for role ${AWS_ROLE_ARN:-?} (expired, or not allowed by the role's trust policy); this is not about the resource named. Re-run the job for a fresh token (a token lives as long as the job's timeout), and check the trust policy's audience and '<host>:sub' for project_path:${CI_PROJECT_PATH:-<group/project>}" ;;
    *AccessDenied* | *"not authorized"* | *UnauthorizedOperation*)
      fix="the role ${AWS_ROLE_ARN:-?} lacks the permission AWS names above (the component's docs list the policy it needs); ${fix}" ;;
    *Throttl* | *SlowDown* | *RequestLimitExceeded* | *TooManyRequests* | *"Rate exceeded"*)
      fix="AWS was still throttling after ${AWS_MAX_ATTEMPTS:-5} attempts: re-run the job later or raise the attempts; ${fix}" ;;
  esac
  echo "${catalog_component}: error: ${what} failed: ${error:-no error text}" >&2
  if [ -n "$changed" ]; then echo "${catalog_component}: already changed: ${changed}" >&2; else echo "${catalog_component}: nothing was changed." >&2; fi
  fail "what to do: ${fix}."
}

# A JSON array of the strings given, for list parameters passed as one `--option=[...]` value.
json_array() {
  local item out=""
  for item in "$@"; do out+="$(json_str "$item"),"; done
  printf '[%s]' "${out%,}"
}

# git_job_token: lets git read this GitLab's projects over HTTPS with the job token (valid for
# this job only). It reaches git in the environment, never a command line or a file.
git_job_token() {
  if [ -n "${CI_JOB_TOKEN:-}" ] && [ -n "${CI_SERVER_URL:-}" ]; then
    GIT_CONFIG_COUNT=1
    GIT_CONFIG_KEY_0="http.${CI_SERVER_URL}/.extraHeader"
    GIT_CONFIG_VALUE_0="Authorization: Basic $(printf 'gitlab-ci-token:%s' "$CI_JOB_TOKEN" | base64 | tr -d '\n')"
    export GIT_CONFIG_COUNT GIT_CONFIG_KEY_0 GIT_CONFIG_VALUE_0
  fi
  return 0
}

# install_toolkit SPEC PROJECT SHA PREFIX: installs the catalog's toolkit into PREFIX and sets
# `catalog` to its command. SPEC is the `toolkit` input, an npm package spec (a tarball URL or
# path, or git+https://...#<sha>); empty means this catalog (PROJECT) at exactly the commit SHA the
# component was included at, so the toolkit and the component come from the same commit and
# nothing moves under a pinned include. PREFIX is a folder of the project, so the job's cache can
# keep the install; it is reused while the spec is the same.
install_toolkit() {
  local spec="$1" project="$2" sha="$3" prefix="$4"
  if [ -z "$spec" ]; then
    [[ "$sha" =~ ^[0-9a-f]{40}$ ]] || fail "the component's commit SHA is unknown ('${sha}'). Include the component as a catalog component, or set the 'toolkit' input."
    spec="git+${CI_SERVER_URL:?}/${project}.git#${sha}"
  else
    toolkit_spec "$spec"
  fi
  if [ "$(cat -- "$prefix/.spec" 2> /dev/null || true)" != "$spec" ]; then
    say "installing the toolkit from ${spec}"
    rm -rf -- "$prefix"
    mkdir -p -- "$prefix"
    npm install --prefix="$prefix" --omit=dev --no-audit --no-fund --no-save --loglevel=error -- "$spec" > /dev/null
    printf '%s' "$spec" > "$prefix/.spec"
  fi
  catalog="$prefix/node_modules/.bin/catalog"
  [ -x "$catalog" ] || fail "the toolkit was not installed from '${spec}' (no bin 'catalog'). Check the 'toolkit' input."
}

# toolkit_spec SPEC: the one check of a `toolkit` input for every component that installs the
# toolkit (install_toolkit): any npm package spec (an https:// or file:// tarball, a path,
# git+https://...#<sha>, name@version), but nothing npm would read as an option and nothing fetched
# without TLS, which anyone on the way could change into code that runs with the job's tokens.
toolkit_spec() {
  case "$1" in
    -*) bad_input toolkit "'$1' starts with '-', which npm would read as an option" "give an npm package spec: a tarball URL or path, or git+https://...#<sha>" ;;
    http://* | git://* | git+http://*)
      bad_input toolkit "'$1' is fetched without TLS, so anyone on the way could change the code the job runs with its tokens" "use https:// (or git+https://)" ;;
  esac
  return 0
}
