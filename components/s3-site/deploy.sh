#!/usr/bin/env bash
# shellcheck shell=bash
# Deploys a built static site to S3 and invalidates CloudFront.
# Change detection is by content (MD5 against the object's ETag), not by size and
# modification time: a fresh CI checkout gives every file a new mtime, and
# `aws s3 sync` would upload the whole site on every pipeline.
set -euo pipefail

: > site.env

fail() {
  echo "s3-site: error: $*" >&2
  exit 1
}

: "${SITE_BUCKET:?}" "${SITE_SOURCE_DIR:?}"
# Inputs may be CI/CD variable references, so check the expanded values here.
[[ "$SITE_BUCKET" =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] ||
  fail "bucket '${SITE_BUCKET}' is not an S3 bucket name (3-63 of a-z 0-9 . -). Fix the 'bucket' input or the variable it names."
[[ "${SITE_DISTRIBUTION_ID:-}" =~ ^([A-Z0-9]{8,20})?$ ]] ||
  fail "distribution-id '${SITE_DISTRIBUTION_ID}' is not a CloudFront distribution id (such as E2EXAMPLE1234). Fix the 'distribution-id' input or the variable it names."

prefix="${SITE_PREFIX:-}"
prefix="${prefix#/}"
if [ -n "$prefix" ] && [ "${prefix%/}" = "$prefix" ]; then prefix="${prefix}/"; fi

# Guard: syncing an empty or missing folder with delete on would empty the bucket.
[ -d "$SITE_SOURCE_DIR" ] || fail "source-dir '${SITE_SOURCE_DIR}' does not exist. Build the site first (and pass it as an artifact with 'needs:'), or set the 'source-dir' input."
if [ -z "$(find "$SITE_SOURCE_DIR" -type f -print -quit)" ]; then
  fail "source-dir '${SITE_SOURCE_DIR}' is empty; refusing to deploy (with 'delete' on this would empty s3://${SITE_BUCKET}/${prefix})."
fi

split_list() {
  # Comma-separated input -> one trimmed item per line. `read` rather than an
  # unquoted expansion, which would expand a glob such as /* against the disk.
  local item items=()
  IFS=',' read -r -a items <<< "$1"
  for item in "${items[@]}"; do
    item="${item#"${item%%[![:space:]]*}"}"
    item="${item%"${item##*[![:space:]]}"}"
    [ -n "$item" ] && printf '%s\n' "$item"
  done
  return 0
}
mapfile -t excludes < <(split_list "${SITE_EXCLUDE:-}")
mapfile -t immutable < <(split_list "${SITE_IMMUTABLE_GLOBS:-}")

matches_any() {
  local path="$1" glob
  shift
  for glob in "$@"; do
    # shellcheck disable=SC2053 # the right side is a glob on purpose
    [[ "$path" == $glob ]] && return 0
  done
  return 1
}

cache_control_for() {
  case "$1" in
    *.html | *.htm) printf '%s' "$SITE_CACHE_CONTROL_HTML" ;;
    *)
      if matches_any "$1" "${immutable[@]}"; then printf '%s' "$SITE_CACHE_CONTROL_ASSETS"; else printf '%s' "$SITE_CACHE_CONTROL_DEFAULT"; fi
      ;;
  esac
}

if ! remote_listing="$(aws s3api list-objects-v2 --bucket "$SITE_BUCKET" --prefix "$prefix" \
  --query 'Contents[].[Key, ETag]' --output text 2>&1)"; then
  case "$remote_listing" in
    *NoSuchBucket*) fail "bucket '${SITE_BUCKET}' does not exist (or is in another account/region). Create it, or fix the 'bucket' input." ;;
    *AssumeRoleWithWebIdentity* | *InvalidIdentityToken* | *ExpiredToken*)
      fail "AWS refused the GitLab ID token for role ${AWS_ROLE_ARN:-?}: check the role's trust policy (the OIDC provider's audience must equal the 'audience' input; '<host>:sub' must match project_path:${CI_PROJECT_PATH:-<group/project>}:ref_type:<branch|tag>:ref:<name>, with StringLike for wildcards). AWS said: ${remote_listing}" ;;
    *AccessDenied* | *Forbidden*) fail "the role may not list s3://${SITE_BUCKET}/${prefix}: grant s3:ListBucket on the bucket (see the component's IAM policy). AWS said: ${remote_listing}" ;;
    *) fail "could not list s3://${SITE_BUCKET}/${prefix}: ${remote_listing}" ;;
  esac
fi

declare -A remote_etag=()
while IFS=$'\t' read -r key etag; do
  [ -z "$key" ] || [ "$key" = "None" ] && continue
  remote_etag["$key"]="${etag//\"/}"
done <<< "$remote_listing"

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
declare -A local_keys=()
uploads=0
unchanged=0
while IFS= read -r -d '' file; do
  rel="${file#"$SITE_SOURCE_DIR"/}"
  if [ "${#excludes[@]}" -gt 0 ] && matches_any "$rel" "${excludes[@]}"; then continue; fi
  key="${prefix}${rel}"
  local_keys["$key"]=1
  sum="$(md5sum "$file" | cut -d' ' -f1)"
  if [ "${remote_etag[$key]:-}" = "$sum" ]; then
    unchanged=$((unchanged + 1))
    continue
  fi
  # One staging folder per Cache-Control value, so each value is one recursive upload.
  cc="$(cache_control_for "$rel")"
  class="$(printf '%s' "$cc" | md5sum | cut -c1-12)"
  mkdir -p "$staging/$class/files/$(dirname "$rel")"
  cp -p "$file" "$staging/$class/files/$rel"
  printf '%s' "$cc" > "$staging/$class/cache-control"
  echo "upload  ${rel}  (Cache-Control: ${cc})"
  uploads=$((uploads + 1))
done < <(find "$SITE_SOURCE_DIR" -type f -print0 | sort -z)

deletes=()
if [ "$SITE_DELETE" = "true" ]; then
  for key in "${!remote_etag[@]}"; do
    [ -n "${local_keys[$key]:-}" ] && continue
    rel="${key#"$prefix"}"
    if [ "${#excludes[@]}" -gt 0 ] && matches_any "$rel" "${excludes[@]}"; then continue; fi
    deletes+=("$key")
    echo "delete  ${rel}"
  done
fi

echo "s3-site: ${uploads} to upload, ${#deletes[@]} to delete, ${unchanged} unchanged"
if [ "$SITE_DRY_RUN" = "true" ]; then
  echo "s3-site: dry run, nothing changed"
  exit 0
fi

for dir in "$staging"/*/; do
  [ -d "${dir}files" ] || continue
  aws s3 cp "${dir}files" "s3://${SITE_BUCKET}/${prefix}" --recursive --only-show-errors \
    --cache-control "$(cat "${dir}cache-control")"
done
for key in "${deletes[@]}"; do
  aws s3api delete-object --bucket "$SITE_BUCKET" --key "$key" > /dev/null
done

site_url="${SITE_URL:-}"
if [ -n "${SITE_DISTRIBUTION_ID:-}" ]; then
  if [ "$uploads" -eq 0 ] && [ "${#deletes[@]}" -eq 0 ] && [ "$SITE_INVALIDATE_UNCHANGED" != "true" ]; then
    echo "s3-site: nothing changed; no invalidation needed"
  else
    mapfile -t paths < <(split_list "${SITE_INVALIDATION_PATHS:-/*}")
    [ "${#paths[@]}" -gt 0 ] || paths=("/*")
    invalidation_id="$(aws cloudfront create-invalidation --distribution-id "$SITE_DISTRIBUTION_ID" \
      --paths "${paths[@]}" --query 'Invalidation.Id' --output text)"
    echo "s3-site: CloudFront invalidation ${invalidation_id} created for ${paths[*]}"
    echo "SITE_INVALIDATION_ID=${invalidation_id}" >> site.env
    if [ "$SITE_WAIT_FOR_INVALIDATION" = "true" ]; then
      # Our own loop rather than `aws cloudfront wait`, whose 20 s interval and
      # 10 min limit cannot be changed.
      deadline=$((SECONDS + SITE_WAIT_TIMEOUT))
      while :; do
        status="$(aws cloudfront get-invalidation --distribution-id "$SITE_DISTRIBUTION_ID" --id "$invalidation_id" \
          --query 'Invalidation.Status' --output text)"
        echo "s3-site: invalidation ${invalidation_id} is ${status}"
        # AWS says "Completed"; emulators have been seen to say "COMPLETED".
        [ "$(printf '%s' "$status" | tr '[:lower:]' '[:upper:]')" = "COMPLETED" ] && break
        if [ "$SECONDS" -ge "$deadline" ]; then
          fail "invalidation ${invalidation_id} did not complete within ${SITE_WAIT_TIMEOUT}s (the files are deployed; edge caches may serve old content a little longer). Raise 'wait-timeout' or turn off 'wait-for-invalidation'."
        fi
        sleep "$SITE_POLL_INTERVAL"
      done
    fi
  fi
fi
{
  echo "SITE_UPLOADED=${uploads}"
  echo "SITE_DELETED=${#deletes[@]}"
  [ -n "$site_url" ] && echo "SITE_URL=${site_url}"
} >> site.env
echo "s3-site: deployed to s3://${SITE_BUCKET}/${prefix}"
