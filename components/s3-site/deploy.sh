#!/usr/bin/env bash
# shellcheck shell=bash
# Deploys a built static site to S3 and invalidates CloudFront.
# Change detection is by content (MD5 against the object's ETag), not by size and
# modification time: a fresh CI checkout gives every file a new mtime, and
# `aws s3 sync` would upload the whole site on every pipeline.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=s3-site

: > site.env

: "${SITE_BUCKET:?}" "${SITE_SOURCE_DIR:?}"
# Inputs may be CI/CD variable references, and a CI/CD variable of the same name overrides a job
# variable, so every value is checked here as the job sees it.
[[ "$SITE_BUCKET" =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] ||
  fail "bucket '${SITE_BUCKET}' is not an S3 bucket name (3-63 of a-z 0-9 . -). Fix the 'bucket' input or the variable it names."
[[ "${SITE_DISTRIBUTION_ID:-}" =~ ^([A-Z0-9]{8,20})?$ ]] ||
  fail "distribution-id '${SITE_DISTRIBUTION_ID}' is not a CloudFront distribution id (such as E2EXAMPLE1234). Fix the 'distribution-id' input or the variable it names."
wait_timeout="$(uint wait-timeout "${SITE_WAIT_TIMEOUT:-}")"
poll_interval="$(uint poll-interval "${SITE_POLL_INTERVAL:-}" 1)"
delete="$(bool delete "${SITE_DELETE:-}")"
dry_run="$(bool dry-run "${SITE_DRY_RUN:-}")"
invalidate_unchanged="$(bool invalidate-unchanged "${SITE_INVALIDATE_UNCHANGED:-}")"
wait_invalidation="$(bool wait-for-invalidation "${SITE_WAIT_FOR_INVALIDATION:-}")"
for pair in "${SITE_CACHE_CONTROL_HTML:-}:cache-control-html" "${SITE_CACHE_CONTROL_ASSETS:-}:cache-control-assets" "${SITE_CACHE_CONTROL_DEFAULT:-}:cache-control-default"; do
  safe_arg "${pair##*:}" "${pair%:*}"
done

single_line environment-url "${SITE_ENVIRONMENT_URL:-}"

prefix="${SITE_PREFIX:-}"
safe_arg prefix "$prefix"
prefix="${prefix#/}"
if [ -n "$prefix" ] && [ "${prefix%/}" = "$prefix" ]; then prefix="${prefix}/"; fi
safe_arg prefix "$prefix"

# Guard: syncing an empty or missing folder with delete on would empty the bucket.
source_dir="$(path_arg source-dir "$SITE_SOURCE_DIR")"
[ -d "$source_dir" ] || fail "source-dir '${SITE_SOURCE_DIR}' does not exist. Build the site first (and pass it as an artifact with 'needs:'), or set the 'source-dir' input."
if [ -z "$(find "$source_dir" -type f -print -quit)" ]; then
  fail "source-dir '${SITE_SOURCE_DIR}' is empty; refusing to deploy (with 'delete' on this would empty s3://${SITE_BUCKET}/${prefix})."
fi

mapfile -t excludes < <(split_list "${SITE_EXCLUDE:-}")
mapfile -t immutable < <(split_list "${SITE_IMMUTABLE_GLOBS:-}")
mapfile -t paths < <(split_list "${SITE_INVALIDATION_PATHS:-/*}")
[ "${#paths[@]}" -gt 0 ] || paths=("/*")
for path in "${paths[@]}"; do
  [[ "$path" == /* ]] || bad_input invalidation-paths "'$path' does not start with '/'" "give paths such as /* or /index.html, separated by commas"
done

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

if ! remote_listing="$(aws_call s3api list-objects-v2 --bucket="$SITE_BUCKET" --prefix="$prefix" \
  --query 'Contents[].[Key, ETag]' --output text)"; then
  aws_error="$(aws_error)"
  case "$aws_error" in
    *NoSuchBucket*) fail "bucket '${SITE_BUCKET}' does not exist (or is in another account/region). Create it, or fix the 'bucket' input." ;;
    *AssumeRoleWithWebIdentity* | *InvalidIdentityToken* | *ExpiredToken*)
      fail "AWS refused the GitLab ID token for role ${AWS_ROLE_ARN:-?}: check the role's trust policy (the OIDC provider's audience must equal the 'audience' input; '<host>:sub' must match project_path:${CI_PROJECT_PATH:-<group/project>}:ref_type:<branch|tag>:ref:<name>, with StringLike for wildcards). AWS said: ${aws_error}" ;;
    *AccessDenied* | *Forbidden*) fail "the role may not list s3://${SITE_BUCKET}/${prefix}: grant s3:ListBucket on the bucket (see the component's IAM policy). AWS said: ${aws_error}" ;;
    *) fail "could not list s3://${SITE_BUCKET}/${prefix}: ${aws_error}" ;;
  esac
fi

declare -A remote_etag=()
while IFS=$'\t' read -r key etag; do
  [ -z "$key" ] || [ "$key" = "None" ] && continue
  remote_etag["$key"]="${etag//\"/}"
done <<< "$remote_listing"

staging="$CATALOG_JOB_DIR/staging"
mkdir -p "$staging"
declare -A local_keys=()
uploads=0
unchanged=0
while IFS= read -r -d '' file; do
  rel="${file#"$source_dir"/}"
  if [ "${#excludes[@]}" -gt 0 ] && matches_any "$rel" "${excludes[@]}"; then continue; fi
  key="${prefix}${rel}"
  local_keys["$key"]=1
  sum="$(md5sum < "$file" | cut -d' ' -f1)"
  if [ "${remote_etag[$key]:-}" = "$sum" ]; then
    unchanged=$((unchanged + 1))
    continue
  fi
  # One staging folder per Cache-Control value, so each value is one recursive upload.
  cc="$(cache_control_for "$rel")"
  class="$(printf '%s' "$cc" | md5sum | cut -c1-12)"
  mkdir -p "$staging/$class/files/$(dirname "./$rel")"
  cp -p "$file" "$staging/$class/files/$rel"
  printf '%s' "$cc" > "$staging/$class/cache-control"
  echo "upload  ${rel}  (Cache-Control: ${cc})"
  uploads=$((uploads + 1))
done < <(find "$source_dir" -type f -print0 | sort -z)

deletes=()
if is_true "$delete"; then
  for key in "${!remote_etag[@]}"; do
    [ -n "${local_keys[$key]:-}" ] && continue
    rel="${key#"$prefix"}"
    if [ "${#excludes[@]}" -gt 0 ] && matches_any "$rel" "${excludes[@]}"; then continue; fi
    # The key goes to the CLI as --key=KEY, where it would read a file:// or fileb:// value
    # from the runner's disk: refuse before anything changes.
    case "$key" in
      file://* | fileb://* | http://* | https://*)
        fail "object s3://${SITE_BUCKET}/${key} is not in the site and would be deleted, but the AWS CLI would read its key as a file or URL. Nothing was changed; delete that object by hand (console or SDK), or add it to 'exclude'." ;;
    esac
    deletes+=("$key")
    echo "delete  ${rel}"
  done
fi

say "${uploads} to upload, ${#deletes[@]} to delete, ${unchanged} unchanged"
if is_true "$dry_run"; then
  say "dry run, nothing changed"
  exit 0
fi

uploaded=0
for dir in "$staging"/*/; do
  [ -d "${dir}files" ] || continue
  count="$(find "${dir}files" -type f | wc -l)"
  aws_call s3 cp "${dir}files" "s3://${SITE_BUCKET}/${prefix}" --recursive --only-show-errors \
    --cache-control="$(cat -- "${dir}cache-control")" ||
    aws_failed "uploading to s3://${SITE_BUCKET}/${prefix}" \
      "$([ "$uploaded" -gt 0 ] && echo "${uploaded} of ${uploads} changed files were uploaded before this batch; ")some of this batch's ${count} files may be uploaded too, so the site may mix old and new files. Nothing was deleted and CloudFront was not invalidated." \
      "fix the cause and re-run the job: files already uploaded are unchanged and skipped"
  uploaded=$((uploaded + count))
done
deleted=0
for key in "${deletes[@]}"; do
  aws_call s3api delete-object --bucket="$SITE_BUCKET" --key="$key" > /dev/null ||
    aws_failed "deleting s3://${SITE_BUCKET}/${key}" \
      "the new site is uploaded (${uploads} changed files) and ${deleted} of ${#deletes[@]} removed files were deleted; the rest are still in the bucket$([ -n "${SITE_DISTRIBUTION_ID:-}" ] && echo ", and CloudFront was not invalidated, so edge caches may serve old pages until they expire")." \
      "grant s3:DeleteObject on arn:aws:s3:::${SITE_BUCKET}/${prefix}* (or set 'delete: false'), then re-run the job: it deletes what is left and invalidates"
  deleted=$((deleted + 1))
done

if [ -n "${SITE_DISTRIBUTION_ID:-}" ]; then
  if [ "$uploads" -eq 0 ] && [ "${#deletes[@]}" -eq 0 ] && ! is_true "$invalidate_unchanged"; then
    say "nothing changed; no invalidation needed"
  else
    items=""
    for path in "${paths[@]}"; do items+="$(json_str "$path"),"; done
    batch="{\"Paths\":{\"Quantity\":${#paths[@]},\"Items\":[${items%,}]},\"CallerReference\":$(json_str "s3-site-${CI_JOB_ID:-local}-$(date +%s)")}"
    invalidation_id="$(aws_call cloudfront create-invalidation --distribution-id="$SITE_DISTRIBUTION_ID" \
      --invalidation-batch="$batch" --query 'Invalidation.Id' --output text)" ||
      aws_failed "creating the CloudFront invalidation of ${paths[*]} on ${SITE_DISTRIBUTION_ID}" \
        "the site in s3://${SITE_BUCKET}/${prefix} is deployed (${uploads} files uploaded, ${#deletes[@]} deleted), but edge caches may serve old content until their TTLs expire." \
        "create the invalidation by hand (aws cloudfront create-invalidation --distribution-id=${SITE_DISTRIBUTION_ID} --paths='/*'), or re-run the job with 'invalidate-unchanged: true'"
    say "CloudFront invalidation ${invalidation_id} created for ${paths[*]}"
    dotenv_set site.env SITE_INVALIDATION_ID "$invalidation_id"
    if is_true "$wait_invalidation"; then
      # Our own loop rather than `aws cloudfront wait`, whose 20 s interval and
      # 10 min limit cannot be changed.
      deadline=$((SECONDS + wait_timeout))
      while :; do
        status="$(aws cloudfront get-invalidation --distribution-id="$SITE_DISTRIBUTION_ID" --id="$invalidation_id" \
          --query 'Invalidation.Status' --output text)"
        say "invalidation ${invalidation_id} is ${status}"
        # AWS says "Completed"; emulators have been seen to say "COMPLETED".
        [ "$(printf '%s' "$status" | tr '[:lower:]' '[:upper:]')" = "COMPLETED" ] && break
        if [ "$SECONDS" -ge "$deadline" ]; then
          fail "invalidation ${invalidation_id} did not complete within ${wait_timeout}s (the files are deployed; edge caches may serve old content a little longer). Raise 'wait-timeout' or turn off 'wait-for-invalidation'."
        fi
        sleep "$poll_interval"
      done
    fi
  fi
fi
dotenv_set site.env SITE_UPLOADED "$uploads"
dotenv_set site.env SITE_DELETED "${#deletes[@]}"
if [ -n "${SITE_ENVIRONMENT_URL:-}" ]; then dotenv_set site.env SITE_URL "$SITE_ENVIRONMENT_URL"; fi
say "deployed to s3://${SITE_BUCKET}/${prefix}"
