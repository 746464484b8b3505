#!/usr/bin/env bash
# shellcheck shell=bash
# Stops a review environment: removes the merge request's prefix from the review bucket. Runs
# when someone stops the environment, when the merge request is merged or closed, or when
# auto_stop_in expires, possibly after the branch is gone (the job needs no checkout).
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=static-site-pipeline

: "${SITE_BUCKET:?}" "${SITE_PREFIX:?}"
[[ "$SITE_BUCKET" =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] ||
  fail "review-bucket '${SITE_BUCKET}' is not an S3 bucket name. Fix the 'review-bucket' input or the variable it names."
prefix="${SITE_PREFIX#/}"
prefix="${prefix%/}/"
# Never the whole bucket: a review prefix has at least two levels (review/<branch>/).
[[ "$prefix" == review/?*/ ]] || fail "refusing to delete s3://${SITE_BUCKET}/${prefix}: not a review prefix (review/<branch>/)."
safe_arg review-bucket "$SITE_BUCKET"
# shellcheck disable=SC2016 # a JMESPath literal, not a shell expression
count="$(aws_call s3api list-objects-v2 --bucket="$SITE_BUCKET" --prefix="$prefix" --query 'length(Contents || `[]`)' --output text)" ||
  aws_failed "listing s3://${SITE_BUCKET}/${prefix}" "" "grant s3:ListBucket on arn:aws:s3:::${SITE_BUCKET} to the review role"
if [ "$count" -gt 0 ]; then
  aws_call s3 rm "s3://${SITE_BUCKET}/${prefix}" --recursive --only-show-errors ||
    aws_failed "deleting s3://${SITE_BUCKET}/${prefix}" "some of the ${count} objects may be deleted already; the review site is partly gone." "grant s3:DeleteObject on arn:aws:s3:::${SITE_BUCKET}/review/* to the review role, then stop the environment again"
fi
say "review environment ${CI_ENVIRONMENT_NAME:-?} stopped: ${count} object(s) removed from s3://${SITE_BUCKET}/${prefix}"
