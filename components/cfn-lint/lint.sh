#!/usr/bin/env bash
# shellcheck shell=bash
# Runs the pinned cfn-lint over the templates and turns its findings into a GitLab Code Quality
# report (cfn-lint has no such format): the widget in merge requests shows them on their lines.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=cfn-lint

version="${LINT_CFN_LINT_VERSION:-}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || bad_input cfn-lint-version "'${version}' is not a release number" "give a cfn-lint release such as 1.58.0"
report="${LINT_REPORT:-}"
if ! [[ "$report" =~ ^[A-Za-z0-9_.][A-Za-z0-9_./-]*\.json$ ]] || [[ "$report" == *..* ]]; then
  bad_input report "'${report}' is not a .json path inside the project" "give a relative path such as gl-code-quality-report.json"
fi
case "${LINT_FAIL_ON:-}" in error | warning | never) ;; *) bad_input fail-on "'${LINT_FAIL_ON:-}' is not error, warning or never" "give one of those" ;; esac
regions=()
while IFS= read -r r; do
  [[ "$r" =~ ^(ALL_REGIONS|[a-z]{2}(-[a-z]+)+-[0-9]+)$ ]] || bad_input regions "'${r}' is not a region" "give regions such as us-east-1, eu-west-1, or ALL_REGIONS"
  regions+=("$r")
done < <(split_list "${LINT_REGIONS:-us-east-1}")
ignores=()
while IFS= read -r r; do
  [[ "$r" =~ ^[A-Z][0-9]{4}$ ]] || bad_input ignore-checks "'${r}' is not a cfn-lint rule id" "give ids such as W3005, separated by commas"
  ignores+=("$r")
done < <(split_list "${LINT_IGNORE_CHECKS:-}")
templates=()
while IFS= read -r t; do
  if ! [[ "$t" =~ ^[A-Za-z0-9_.*][A-Za-z0-9_./*{}-]*$ ]] || [[ "$t" == *..* ]]; then
    bad_input templates "'${t}' is not a path or glob inside the project" "give paths such as infra/**/*.yaml, separated by commas"
  fi
  templates+=("$t")
done < <(split_list "${LINT_TEMPLATES:-}")
[ "${#templates[@]}" -gt 0 ] || bad_input templates "is empty" "give the templates to check, such as template.yaml"

# The pinned cfn-lint: the image's own when it is that version, otherwise a cached virtualenv.
version_of() { "$1" --version 2> /dev/null | awk '{print $2}'; }
bin="$(command -v cfn-lint || true)"
if [ -z "$bin" ] || [ "$(version_of "$bin")" != "$version" ]; then
  venv="${CI_PROJECT_DIR:-$PWD}/.cfn-lint/venv-${version}"
  if [ ! -x "$venv/bin/cfn-lint" ] || [ "$(version_of "$venv/bin/cfn-lint")" != "$version" ]; then
    say "installing cfn-lint ${version} (PyPI)"
    rm -rf -- "$venv"
    python3 -m venv -- "$venv" || fail "cannot create a Python virtualenv with the image's python3 (the image needs Python 3.9+ with venv; see the 'image' input)"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "cfn-lint==${version}" ||
      fail "pip could not install cfn-lint==${version}. Check that the release exists on PyPI (or your PIP_INDEX_URL)."
  fi
  bin="$venv/bin/cfn-lint"
fi
say "cfn-lint $(version_of "$bin"): ${templates[*]} (regions ${regions[*]})"

args=(--format=json --regions="$(IFS=,; printf '%s' "${regions[*]}")")
[ "${#ignores[@]}" -eq 0 ] || args+=(--ignore-checks="$(IFS=,; printf '%s' "${ignores[*]}")")
set +e
# cfn-lint expands the globs itself (`**` included), so they are passed unexpanded after `--`.
"$bin" "${args[@]}" -- "${templates[@]}" > "$CATALOG_JOB_DIR/findings.json" 2> "$CATALOG_JOB_DIR/stderr"
code=$?
set -e
# Exit codes are bit flags: 2 error, 4 warning, 8 informational; 1 means cfn-lint itself failed.
if [ $((code & 1)) -ne 0 ] || [ ! -s "$CATALOG_JOB_DIR/findings.json" ]; then
  cat -- "$CATALOG_JOB_DIR/stderr" >&2
  fail "cfn-lint could not check ${templates[*]} (exit ${code}; its message is above). Check that the 'templates' input names CloudFormation templates that exist."
fi

mkdir -p "$(dirname -- "$report")"
python3 - "$CATALOG_JOB_DIR/findings.json" "$report.tmp" << 'PY'
import hashlib, json, sys
findings = json.load(open(sys.argv[1]))
severity = {'Error': 'major', 'Warning': 'minor', 'Informational': 'info'}
issues = []
for f in findings:
    rule = f.get('Rule', {})
    start = f.get('Location', {}).get('Start', {})
    # A configuration error (a glob matching nothing) names no file: it is about the job's inputs.
    path, line = f.get('Filename') or '.gitlab-ci.yml', int(start.get('LineNumber') or 1)
    rid, message = rule.get('Id', 'cfn-lint'), f.get('Message', '')
    print(f"{path}:{line}:{start.get('ColumnNumber', 1)}: {f.get('Level', 'Error').lower()} {rid}: {message}")
    issues.append({
        'type': 'issue',
        'check_name': f'cfn-lint {rid}',
        'description': f'{rid} {message}',
        'categories': ['Bug Risk'] if f.get('Level') == 'Error' else ['Style'],
        'severity': severity.get(f.get('Level'), 'minor'),
        'fingerprint': hashlib.sha256(f'{rid}|{path}|{line}|{message}'.encode()).hexdigest(),
        'location': {'path': path.removeprefix('./'), 'lines': {'begin': line}},
    })
json.dump(issues, open(sys.argv[2], 'w'), indent=2)
PY
mv -- "$report.tmp" "$report"

errors=$(((code & 2) != 0))
warnings=$(((code & 4) != 0))
say "report written to ${report}"
case "$LINT_FAIL_ON" in
  error) [ "$errors" -eq 0 ] || fail "cfn-lint found errors (listed above): CloudFormation would reject these templates or fail to deploy them. Fix them, or ignore a rule with 'ignore-checks'." ;;
  warning) [ "$((errors + warnings))" -eq 0 ] || fail "cfn-lint found errors or warnings (listed above), and 'fail-on' is warning. Fix them, or ignore a rule with 'ignore-checks'." ;;
esac
say "no findings that fail the job (fail-on: ${LINT_FAIL_ON})"
