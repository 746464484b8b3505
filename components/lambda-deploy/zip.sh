#!/usr/bin/env bash
# shellcheck shell=bash
# Reproducible zip of a directory, with nothing but bash, coreutils and gzip (the AWS CLI image
# has no zip and no python). The same files give the same bytes on every run and checkout:
# entries sorted by byte order, every timestamp 1980-01-01 00:00, modes reduced to 644/755, no
# owners or extra fields. So Lambda's CodeSha256 changes only when the code does, and an
# unchanged commit publishes no version.
#
# Each entry is compressed by `gzip -n`, whose output is a 10-byte header, the raw deflate
# stream a zip entry holds, then the CRC-32 (the one zip uses) and the size: the stream and the
# CRC are copied into the zip as they are.

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"

# zip_le16 N / zip_le32 N: N as little-endian bytes.
zip_le16() {
  local f
  printf -v f '\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255))
  # shellcheck disable=SC2059 # the format holds only the \x escapes built above
  printf "$f"
}
zip_le32() {
  local f
  printf -v f '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255))
  # shellcheck disable=SC2059 # the format holds only the \x escapes built above
  printf "$f"
}

# zip_directory DIR OUT WORKDIR: writes the zip of DIR's files to OUT. Symbolic links are
# followed when they stay inside DIR and refused otherwise (they would pull in files from the
# runner). Prints the number of files.
zip_directory() {
  local LC_ALL=C
  local dir="$1" out="$2" work="$3" root rel real mode size gzsize csize crc offset=0 count=0 central="$3/central"
  command -v gzip > /dev/null || fail "building the zip needs gzip, which the job image lacks; use an image with gzip (the default one has it) or give a .zip file as 'code'"
  root="$(cd -- "$dir" && pwd -P)" || fail "cannot enter '$dir'"
  : > "$out"
  : > "$central"
  local -a files=()
  while IFS= read -r -d '' rel; do
    files+=("${rel#./}")
  done < <(cd -- "$root" && find . \( -type f -o -type l \) -print0 | LC_ALL=C sort -z)
  [ "${#files[@]}" -gt 0 ] || fail "'$dir' holds no files: there is nothing to deploy"
  [ "${#files[@]}" -le 65535 ] || fail "'$dir' holds ${#files[@]} files; a zip without zip64 holds at most 65535"
  for rel in "${files[@]}"; do
    case "$rel" in *$'\n'* | *\\*) fail "the file name '${rel//$'\n'/\\n}' in '$dir' has a line break or backslash, which Lambda's unzip would not read back" ;; esac
    real="$(realpath -e -- "$root/$rel" 2> /dev/null)" || fail "'$dir/$rel' is a broken symbolic link"
    case "$real" in "$root"/*) ;; *) fail "'$dir/$rel' links to '$real', outside '$dir'; copy the file in instead of linking it" ;; esac
    [ -f "$real" ] || continue
    if [ -x "$real" ]; then mode=$((8#100755)); else mode=$((8#100644)); fi
    size="$(stat -L -c %s -- "$real")"
    gzip -n -6 -c -- < "$real" > "$work/entry.gz"
    gzsize="$(stat -c %s -- "$work/entry.gz")"
    csize=$((gzsize - 18))
    crc="$(od -An -tu4 -j $((gzsize - 8)) -N4 -- "$work/entry.gz" | tr -d ' ')"
    { [ "$size" -lt 4294967295 ] && [ "$csize" -lt 4294967295 ]; } || fail "'$dir/$rel' is larger than 4 GiB"
    {
      zip_le32 $((0x04034b50)); zip_le16 20; zip_le16 $((0x0800)); zip_le16 8; zip_le16 0; zip_le16 $((0x21))
      zip_le32 "$crc"; zip_le32 "$csize"; zip_le32 "$size"; zip_le16 "${#rel}"; zip_le16 0
      printf '%s' "$rel"
      tail -c +11 -- "$work/entry.gz" | head -c "$csize"
    } >> "$out"
    {
      zip_le32 $((0x02014b50)); zip_le16 $((0x031e)); zip_le16 20; zip_le16 $((0x0800)); zip_le16 8; zip_le16 0; zip_le16 $((0x21))
      zip_le32 "$crc"; zip_le32 "$csize"; zip_le32 "$size"; zip_le16 "${#rel}"; zip_le16 0; zip_le16 0; zip_le16 0; zip_le16 0
      zip_le32 $((mode << 16)); zip_le32 "$offset"
      printf '%s' "$rel"
    } >> "$central"
    offset="$(stat -c %s -- "$out")"
    count=$((count + 1))
  done
  local cdsize
  cdsize="$(stat -c %s -- "$central")"
  cat -- "$central" >> "$out"
  {
    zip_le32 $((0x06054b50)); zip_le16 0; zip_le16 0; zip_le16 "$count"; zip_le16 "$count"
    zip_le32 "$cdsize"; zip_le32 "$offset"; zip_le16 0
  } >> "$out"
  rm -f -- "$work/entry.gz" "$central"
  printf '%s' "$count"
}
