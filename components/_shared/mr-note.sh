#!/usr/bin/env bash
# shellcheck shell=bash
# mr_note KEY FILE: in a merge request pipeline, posts the Markdown FILE as a note on the merge
# request, or edits the note an earlier run posted under the same KEY, so a plan is one note that
# follows the merge request instead of one more note per pipeline. FILE starts with the line
# `<!-- KEY -->` (the caller writes it). GitLab's CI_JOB_TOKEN cannot write notes: the job needs a
# masked CI/CD variable CATALOG_MR_NOTE_TOKEN (a project access token with `api` scope).
# A job runs this file before the script that calls mr_note, in the same shell.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"

mr_note() {
  local key="$1" file="$2" api notes key_re note_id
  [ -n "${CI_MERGE_REQUEST_IID:-}" ] || return 0
  if [ -z "${CATALOG_MR_NOTE_TOKEN:-}" ]; then
    say "not posting ${file} to merge request !${CI_MERGE_REQUEST_IID}: define a masked CI/CD variable CATALOG_MR_NOTE_TOKEN (a project access token with api scope), or turn the note off ('mr-note: false')"
    return 0
  fi
  # CATALOG_GITLAB_API_URL: for runners that reach the API under another URL than CI_API_V4_URL.
  api="${CATALOG_GITLAB_API_URL:-${CI_API_V4_URL:?}}/projects/${CI_PROJECT_ID:?}/merge_requests/${CI_MERGE_REQUEST_IID}/notes"
  # The token goes in a header file, never on a command line that other processes can read.
  printf 'PRIVATE-TOKEN: %s\n' "$CATALOG_MR_NOTE_TOKEN" > "$CATALOG_JOB_DIR/mr-note-header"
  notes="$(curl -sS --fail -H @"$CATALOG_JOB_DIR/mr-note-header" "${api}?sort=desc&order_by=updated_at&per_page=100" 2> "$CATALOG_JOB_DIR/curl-error")" ||
    fail "reading the notes of merge request !${CI_MERGE_REQUEST_IID} failed ($(cat -- "$CATALOG_JOB_DIR/curl-error")). ${file} is in the job's artifacts. Check that CATALOG_MR_NOTE_TOKEN is valid, has api scope and at least Reporter access."
  # The note whose body starts with the marker; Rails may write '<' as \u003c in JSON.
  # shellcheck disable=SC2016 # a sed expression, not shell
  key_re="$(printf '%s' "$key" | sed 's/[][\\.*^$()+?{}|/]/\\&/g')"
  note_id="$(printf '%s' "$notes" | tr '{' '\n' | grep -E -- "\"body\":\"(<|\\\\u003c)!-- ${key_re} --" | grep -o '"id":[0-9]*' | head -n1 | cut -d: -f2 || true)"
  if [ -n "$note_id" ]; then
    curl -sS --fail -H @"$CATALOG_JOB_DIR/mr-note-header" --request PUT --data-urlencode "body@${file}" "${api}/${note_id}" > /dev/null 2> "$CATALOG_JOB_DIR/curl-error" ||
      fail "updating note ${note_id} of merge request !${CI_MERGE_REQUEST_IID} failed ($(cat -- "$CATALOG_JOB_DIR/curl-error")). ${file} is in the job's artifacts."
    say "merge request !${CI_MERGE_REQUEST_IID}: note ${note_id} updated with ${file}"
  else
    curl -sS --fail -H @"$CATALOG_JOB_DIR/mr-note-header" --request POST --data-urlencode "body@${file}" "$api" > /dev/null 2> "$CATALOG_JOB_DIR/curl-error" ||
      fail "posting ${file} to merge request !${CI_MERGE_REQUEST_IID} failed ($(cat -- "$CATALOG_JOB_DIR/curl-error")). ${file} is in the job's artifacts."
    say "merge request !${CI_MERGE_REQUEST_IID}: ${file} posted as a note"
  fi
}
