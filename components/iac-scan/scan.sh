#!/usr/bin/env bash
# shellcheck shell=bash
# Scans infrastructure code with checkov and cfn-lint and writes one GitLab SAST report
# (gl-sast-report.json, schema 15.2.1) and one Code Quality report. Offline, checkov reports no
# severity (its own GitLab output says "Unknown" for everything), so every finding gets one here:
# from the catalog's table of checkov IDs, else from what the check's name says it protects.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component='iac-scan'

: "${IAC_PATHS:?}" "${IAC_FRAMEWORKS:?}" "${IAC_FAIL_ON:?}" "${IAC_CHECKOV_VERSION:?}" "${IAC_CFN_LINT_VERSION:?}"
cfn_lint="$(bool cfn-lint "${IAC_CFN_LINT:-true}")"
case "$IAC_FAIL_ON" in
  critical | high | medium | low | info | none) ;;
  *) bad_input fail-on "'${IAC_FAIL_ON}' is not a severity" "give one of critical, high, medium, low, info, none" ;;
esac
for pair in "${IAC_CHECKOV_VERSION}:checkov-version" "${IAC_CFN_LINT_VERSION}:cfn-lint-version"; do
  [[ "${pair%%:*}" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || bad_input "${pair#*:}" "'${pair%%:*}' is not a release number" "give a version such as 3.3.30"
done
[[ "$IAC_FRAMEWORKS" =~ ^[a-z_]+( *, *[a-z_]+)*$ ]] || bad_input frameworks "'${IAC_FRAMEWORKS}' is not a comma-separated list of checkov frameworks" "give names such as terraform,cloudformation"
suppressions="${IAC_SUPPRESSIONS:-}"
case "$suppressions" in
  -* | /* | *..*) bad_input suppressions "'${suppressions}' is not a path inside the project" "give a relative path such as .iac-scan.yml" ;;
esac

paths=()
while IFS= read -r p; do
  case "$p" in
    -* | /* | *..* | *://*) bad_input paths "'${p}' is not a path inside the project" "give folders relative to the project root, such as infra or cdk.out" ;;
  esac
  [ -e "$p" ] || bad_input paths "'${p}' does not exist" "give folders that exist in the project (pass build outputs such as cdk.out/ as artifacts with needs:)"
  paths+=("$(path_arg paths "$p")")
done < <(split_list "$(printf '%s' "$IAC_PATHS" | tr ' ' ',')")
[ "${#paths[@]}" -gt 0 ] || bad_input paths "is empty" "give at least one folder, such as ."

# The tools at exactly the pinned versions: those on PATH when they match (an image that has
# them), otherwise a virtualenv in the job's cache folder, installed once per pair of versions.
# Versions are read from the package metadata: `checkov --version` takes seconds to import checkov.
python_of() {
  if [ -x "$(dirname -- "$1")/python3" ]; then printf '%s' "$(dirname -- "$1")/python3"; else command -v python3; fi
}
version_of() {
  [ -n "$1" ] || return 0
  "$(python_of "$1")" -c 'import importlib.metadata as m, sys; print(m.version(sys.argv[1]))' "$2" 2>/dev/null || true
}
checkov_bin="$(command -v checkov || true)"
cfn_lint_bin="$(command -v cfn-lint || true)"
if [ "$(version_of "$checkov_bin" checkov)" != "$IAC_CHECKOV_VERSION" ] || [ "$(version_of "$cfn_lint_bin" cfn-lint)" != "$IAC_CFN_LINT_VERSION" ]; then
  venv="$PWD/.iac-scan/venv-${IAC_CHECKOV_VERSION}-${IAC_CFN_LINT_VERSION}"
  if [ ! -x "$venv/bin/checkov" ] || [ ! -x "$venv/bin/cfn-lint" ]; then
    say "installing checkov ${IAC_CHECKOV_VERSION} and cfn-lint ${IAC_CFN_LINT_VERSION} (PyPI)"
    rm -rf -- "$venv"
    python3 -m venv -- "$venv" || fail "cannot create a Python virtualenv with the image's python3 (the image needs Python 3.9+ with venv; see the 'image' input)"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "checkov==${IAC_CHECKOV_VERSION}" "cfn-lint==${IAC_CFN_LINT_VERSION}" ||
      fail "pip could not install checkov==${IAC_CHECKOV_VERSION} and cfn-lint==${IAC_CFN_LINT_VERSION}. Check the versions exist on PyPI (or your PIP_INDEX_URL)."
  fi
  checkov_bin="$venv/bin/checkov"
  cfn_lint_bin="$venv/bin/cfn-lint"
fi
# The interpreter that runs checkov has PyYAML, which the suppressions file needs.
python_bin="$(python_of "$checkov_bin")"
say "checkov ${IAC_CHECKOV_VERSION}, cfn-lint ${IAC_CFN_LINT_VERSION}$(is_true "$cfn_lint" || echo ' (not run)')"

export IAC_SCAN_CHECKOV="$checkov_bin" IAC_SCAN_CFN_LINT="$cfn_lint_bin" IAC_SCAN_RUN_CFN_LINT="$cfn_lint"
export IAC_SCAN_VERSIONS="checkov=${IAC_CHECKOV_VERSION} cfn-lint=${IAC_CFN_LINT_VERSION}"
# The reporter: runs both tools, merges their findings and writes the reports. Values reach it as
# arguments and environment variables, never as program text.
"$python_bin" - "$IAC_FAIL_ON" "$IAC_FRAMEWORKS" "$suppressions" "${paths[@]}" <<'PY'
import datetime, fnmatch, hashlib, json, os, re, subprocess, sys, uuid

fail_on, frameworks, suppressions_file, *given = sys.argv[1:]
# Normalized: checkov's Kubernetes runner finds nothing under a path such as "./." (a "hidden" part).
scan_paths = [os.path.normpath(p) for p in given]
scan_paths = [f'./{p}' if p.startswith('-') else p for p in scan_paths]
LEVELS = ['Info', 'Low', 'Medium', 'High', 'Critical']
NAMESPACE = uuid.UUID('6f1c6d2e-8d0a-4c39-9a57-2f0f3c1b7d42')
started = datetime.datetime.now(datetime.timezone.utc)
messages = []


def say(text):
    print(f'iac-scan: {text}', flush=True)


def die(text):
    print(f'iac-scan: error: {text}', file=sys.stderr, flush=True)
    sys.exit(1)


# Severities of checkov checks, bundled because offline checkov has none. Taken from the
# check's risk: exposure to the internet, credentials and privilege first, then data protection,
# then hygiene. A check that is not listed is rated by RULES below, never "Unknown".
TABLE = {
    # Terraform / CloudFormation, AWS
    'CKV_AWS_1': 'High', 'CKV_AWS_41': 'Critical', 'CKV_AWS_45': 'High', 'CKV_AWS_46': 'High',
    'CKV_AWS_24': 'High', 'CKV_AWS_25': 'High', 'CKV_AWS_260': 'Medium', 'CKV_AWS_277': 'High',
    'CKV_AWS_20': 'High', 'CKV_AWS_57': 'Critical', 'CKV_AWS_53': 'High', 'CKV_AWS_54': 'High',
    'CKV_AWS_55': 'High', 'CKV_AWS_56': 'High', 'CKV2_AWS_6': 'High',
    'CKV_AWS_18': 'Low', 'CKV_AWS_21': 'Low', 'CKV_AWS_144': 'Low', 'CKV_AWS_145': 'Medium',
    'CKV_AWS_19': 'Medium', 'CKV2_AWS_61': 'Info', 'CKV2_AWS_62': 'Info',
    'CKV_AWS_17': 'High', 'CKV_AWS_16': 'Medium', 'CKV_AWS_157': 'Low', 'CKV_AWS_118': 'Low',
    'CKV_AWS_129': 'Low', 'CKV_AWS_161': 'Medium', 'CKV_AWS_226': 'Low', 'CKV_AWS_293': 'Low',
    'CKV_AWS_23': 'Info', 'CKV_AWS_382': 'Low', 'CKV2_AWS_5': 'Low', 'CKV2_AWS_12': 'Medium',
    'CKV_AWS_8': 'Medium', 'CKV_AWS_79': 'High', 'CKV_AWS_88': 'High', 'CKV_AWS_126': 'Low',
    'CKV_AWS_135': 'Low', 'CKV2_AWS_41': 'Low',
    'CKV_AWS_26': 'Medium', 'CKV_AWS_27': 'Medium', 'CKV_AWS_7': 'Medium', 'CKV_AWS_33': 'High',
    'CKV_AWS_40': 'Low', 'CKV_AWS_49': 'High', 'CKV_AWS_60': 'High', 'CKV_AWS_61': 'High',
    'CKV_AWS_62': 'High', 'CKV_AWS_63': 'High', 'CKV_AWS_107': 'High', 'CKV_AWS_108': 'High',
    'CKV_AWS_109': 'High', 'CKV_AWS_110': 'High', 'CKV_AWS_111': 'High', 'CKV_AWS_286': 'High',
    'CKV_AWS_287': 'High', 'CKV_AWS_288': 'High', 'CKV_AWS_289': 'High', 'CKV_AWS_290': 'High',
    'CKV_AWS_355': 'High', 'CKV_AWS_356': 'Medium', 'CKV2_AWS_40': 'High',
    'CKV_AWS_50': 'Low', 'CKV_AWS_115': 'Low', 'CKV_AWS_116': 'Low', 'CKV_AWS_117': 'Low',
    'CKV_AWS_173': 'Medium', 'CKV_AWS_272': 'Medium', 'CKV_AWS_363': 'Low',
    'CKV_AWS_2': 'Medium', 'CKV_AWS_103': 'Medium', 'CKV_AWS_91': 'Low', 'CKV_AWS_150': 'Low',
    'CKV_AWS_3': 'Medium', 'CKV_AWS_189': 'Medium', 'CKV_AWS_58': 'Medium',
    'CKV_AWS_39': 'High', 'CKV_AWS_38': 'High', 'CKV_AWS_37': 'Low',
    'CKV_AWS_136': 'Medium', 'CKV_AWS_51': 'Medium', 'CKV_AWS_163': 'Low',
    'CKV_AWS_35': 'Medium', 'CKV_AWS_36': 'Medium', 'CKV_AWS_67': 'Medium', 'CKV_AWS_252': 'Low',
    'CKV2_AWS_11': 'Low', 'CKV2_AWS_64': 'Low',
    # Kubernetes
    'CKV_K8S_16': 'High', 'CKV_K8S_17': 'High', 'CKV_K8S_18': 'High', 'CKV_K8S_19': 'High',
    'CKV_K8S_1': 'High', 'CKV_K8S_2': 'High', 'CKV_K8S_3': 'High', 'CKV_K8S_4': 'High',
    'CKV_K8S_5': 'Medium', 'CKV_K8S_6': 'Medium', 'CKV_K8S_7': 'High', 'CKV_K8S_20': 'Medium',
    'CKV_K8S_23': 'Medium', 'CKV_K8S_28': 'Medium', 'CKV_K8S_37': 'Medium', 'CKV_K8S_39': 'High',
    'CKV_K8S_35': 'Medium', 'CKV_K8S_38': 'Medium', 'CKV_K8S_27': 'High', 'CKV_K8S_155': 'High',
    'CKV_K8S_8': 'Low', 'CKV_K8S_9': 'Low', 'CKV_K8S_10': 'Low', 'CKV_K8S_11': 'Low',
    'CKV_K8S_12': 'Low', 'CKV_K8S_13': 'Low', 'CKV_K8S_14': 'Low', 'CKV_K8S_15': 'Low',
    'CKV_K8S_21': 'Low', 'CKV_K8S_22': 'Low', 'CKV_K8S_29': 'Low', 'CKV_K8S_30': 'Low',
    'CKV_K8S_31': 'Low', 'CKV_K8S_40': 'Low', 'CKV_K8S_43': 'Low',
    # Dockerfile
    'CKV_DOCKER_1': 'Medium', 'CKV_DOCKER_2': 'Low', 'CKV_DOCKER_3': 'Medium', 'CKV_DOCKER_4': 'Low',
    'CKV_DOCKER_5': 'Low', 'CKV_DOCKER_7': 'Low', 'CKV_DOCKER_8': 'Medium', 'CKV_DOCKER_9': 'Info',
    'CKV_DOCKER_10': 'Info', 'CKV_DOCKER_11': 'Low',
}

# What a check's name says it protects, in order: the first rule that matches rates it.
RULES = [
    ('Critical', r'hard[- ]?coded|secret|access key|private key|credential'),
    ('High', r'0\.0\.0\.0|::/0|public(ly)?[- ]?(access|read|write|accessible|ip|exposed)|internet|anonymous|'
             r'privileged|privilege escalation|root (user|account)|admin(istrative)? (access|privileges)|'
             r'full .*(access|privileges)|\bwildcard|\"\*\"|unrestricted|host(pid|ipc|network)'),
    ('Medium', r'encrypt|\bkms\b|\bcmk\b|\btls\b|\bssl\b|https|imdsv?2|metadata|\bmfa\b|password|'
               r'deletion protection|capabilit|security context|service account|token|authenticat|authoriz'),
    ('Low', r'log|monitor|versioning|backup|tag|description|health ?check|replication|lifecycle|'
            r'notification|limit|probe|x-?ray|tracing|retention|latest|digest|namespace|readonly|read-only'),
]


def severity_of(check_id, name):
    if check_id in TABLE:
        return TABLE[check_id], 'the catalog\'s severity table'
    text = (name or '').lower()
    for level, pattern in RULES:
        if re.search(pattern, text):
            return level, f'the catalog\'s rule for checks about "{re.search(pattern, text).group(0)}"'
    return 'Medium', 'the catalog\'s default for checks it has no rule for'


def rel(path):
    path = os.path.normpath(path)
    root = os.getcwd()
    if os.path.isabs(path):
        path = os.path.relpath(path, root)
    return path[2:] if path.startswith('./') else path


# Suppressions: every entry needs a reason; an expired one no longer applies and is reported.
suppressions = []
if suppressions_file and os.path.isfile(suppressions_file):
    import yaml
    try:
        with open(suppressions_file, encoding='utf-8') as f:
            doc = yaml.safe_load(f) or {}
    except yaml.YAMLError as e:
        die(f'{suppressions_file}: not valid YAML ({e}). Fix the file named by the \'suppressions\' input.')
    entries = doc.get('suppressions', []) if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        die(f'{suppressions_file}: expected a top-level "suppressions:" list of entries with id, reason, and optional path and expires.')
    today = started.date()
    for n, e in enumerate(entries, 1):
        where = f'{suppressions_file}: suppression {n}'
        if not isinstance(e, dict) or not isinstance(e.get('id'), str) or not e['id'].strip():
            die(f'{where} has no "id" (the checkov or cfn-lint rule, such as CKV_AWS_18 or E3012). Fix: add id: <rule>.')
        reason = e.get('reason')
        if not isinstance(reason, str) or not reason.strip():
            die(f'{where} ({e["id"]}) has no "reason". Every suppression says why the finding is accepted; fix: add reason: "<why>" to it, or remove it.')
        expires = e.get('expires')
        if expires is not None:
            try:
                expires = expires if isinstance(expires, datetime.date) else datetime.date.fromisoformat(str(expires))
            except ValueError:
                die(f'{where} ({e["id"]}): expires "{expires}" is not a date. Fix: write YYYY-MM-DD.')
            if expires < today:
                say(f'suppression {n} of {e["id"]} expired on {expires}; its findings count again ({reason.strip()})')
                continue
        suppressions.append({'id': e['id'].strip(), 'path': str(e.get('path') or '*'), 'reason': reason.strip()})
elif suppressions_file and suppressions_file != '.iac-scan.yml':
    die(f'the suppressions file {suppressions_file} does not exist. Fix the \'suppressions\' input, or create the file.')


def suppressed_by(rule_id, path):
    for s in suppressions:
        if s['id'] == rule_id and fnmatch.fnmatch(path, s['path']):
            return s['reason']
    return None


findings = []
status = 'success'


def add(tool, rule_id, name, description, path, start, end, severity, source, url=None, resource=None, solution=None):
    findings.append({
        'tool': tool, 'id': rule_id, 'name': name, 'description': description, 'file': path,
        'start': max(int(start or 1), 1), 'end': max(int(end or start or 1), int(start or 1), 1),
        'severity': severity, 'source': source, 'url': url, 'resource': resource, 'solution': solution,
    })


# checkov: one run over every path; findings in JSON on stdout, whatever it finds. Not --quiet:
# that drops the skipped checks, whose suppression comments are judged here.
fw = [f.strip() for f in frameworks.split(',') if f.strip()]
cmd = [os.environ['IAC_SCAN_CHECKOV'], '--output', 'json', '--compact', '--soft-fail', '--skip-download', '--framework', *fw]
for p in scan_paths:
    cmd += ['--file' if os.path.isfile(p) else '--directory', p]
run = subprocess.run(cmd, capture_output=True, text=True)
try:
    out = json.loads(run.stdout) if run.stdout.strip() else []
except json.JSONDecodeError:
    sys.stderr.write(run.stderr[-4000:])
    die(f'checkov did not produce a report (exit {run.returncode}); its output is above.')
reports = out if isinstance(out, list) else [out]
inline_without_reason = 0
for report in reports:
    if not isinstance(report, dict) or 'results' not in report:
        continue
    check_type = report.get('check_type', 'checkov')
    results = report['results']
    for error in results.get('parsing_errors', []):
        messages.append({'level': 'warn', 'value': f'checkov could not parse {rel(error)}; it was not scanned'})
    failed = list(results.get('failed_checks', []))
    for skipped in results.get('skipped_checks', []):
        comment = ((skipped.get('check_result') or {}).get('suppress_comment') or '').strip()
        if not comment or comment == 'No comment provided':
            # An inline skip without a reason is not a suppression here.
            inline_without_reason += 1
            failed.append(skipped)
        else:
            say(f'suppressed inline: {skipped["check_id"]} at {rel(skipped.get("file_abs_path") or skipped["file_path"])} ({comment})')
    for c in failed:
        lines = c.get('file_line_range') or [1, 1]
        severity, source = severity_of(c['check_id'], c.get('check_name'))
        if c.get('severity') and str(c['severity']).title() in LEVELS:
            severity, source = str(c['severity']).title(), 'checkov'
        add('checkov', c['check_id'], c.get('check_name') or c['check_id'],
            f'{c.get("check_name") or c["check_id"]} ({check_type}, resource `{c.get("resource", "?")}`).',
            rel(c.get('file_abs_path') or c['file_path'].lstrip('/')), lines[0], lines[-1], severity, source,
            url=c.get('guideline') if str(c.get('guideline') or '').startswith(('http://', 'https://')) else None,
            resource=c.get('resource'),
            solution=f'Fix {c.get("resource", "the resource")} so that it passes {c["check_id"]}, or suppress it with a reason.')
if inline_without_reason:
    say(f'{inline_without_reason} inline checkov:skip comment(s) without a reason were ignored: write checkov:skip=ID:<reason>')


# cfn-lint: every CloudFormation template under the paths (CDK's cdk.out included). A template is
# a mapping with AWSTemplateFormatVersion, or with Resources of AWS:: types; CloudFormation's
# short tags (!Ref, !Sub) are read as plain values.
class CfnLoader(getattr(__import__('yaml'), 'CSafeLoader', None) or __import__('yaml').SafeLoader):
    pass


CfnLoader.add_multi_constructor('!', lambda loader, suffix, node: None)


def is_template(path):
    try:
        with open(path, encoding='utf-8') as fh:
            text = fh.read(5_000_000)
        if 'AWS' not in text:
            return False
        import yaml
        doc = json.loads(text) if path.endswith('.json') else yaml.load(text, Loader=CfnLoader)
    except Exception:
        return False
    if not isinstance(doc, dict):
        return False
    resources = doc.get('Resources')
    return 'AWSTemplateFormatVersion' in doc or (isinstance(resources, dict) and any(
        isinstance(r, dict) and str(r.get('Type', '')).startswith(('AWS::', 'Custom::')) for r in resources.values()))


def templates():
    for p in scan_paths:
        walk = [(os.path.dirname(p), [], [os.path.basename(p)])] if os.path.isfile(p) else os.walk(p)
        for d, dirs, files in walk:
            # Hidden folders (.git, .terraform, the runner's own) and dependencies are not the project's templates.
            dirs[:] = [x for x in dirs if not x.startswith('.') and x != 'node_modules']
            for f in files:
                if f.endswith(('.yaml', '.yml', '.json', '.template')) and is_template(os.path.join(d, f)):
                    yield os.path.join(d, f)


CFN_SEVERITY = {'Error': 'Medium', 'Warning': 'Low', 'Informational': 'Info'}
if os.environ.get('IAC_SCAN_RUN_CFN_LINT') == 'true':
    found = sorted(set(templates()))
    if found:
        run = subprocess.run([os.environ['IAC_SCAN_CFN_LINT'], '--format', 'json', '--', *found], capture_output=True, text=True)
        try:
            matches = json.loads(run.stdout) if run.stdout.strip() else []
        except json.JSONDecodeError:
            sys.stderr.write(run.stderr[-4000:])
            die(f'cfn-lint did not produce a report (exit {run.returncode}); its output is above.')
        for m in matches:
            rule = m.get('Rule') or {}
            start = ((m.get('Location') or {}).get('Start') or {}).get('LineNumber', 1)
            end = ((m.get('Location') or {}).get('End') or {}).get('LineNumber', start)
            level = m.get('Level', 'Warning')
            add('cfn-lint', rule.get('Id', 'cfn-lint'), (rule.get('ShortDescription') or rule.get('Id') or 'cfn-lint')[:255],
                m.get('Message', ''), rel(m.get('Filename', '')), start, end, CFN_SEVERITY.get(level, 'Low'),
                f'cfn-lint\'s level {level}', url=rule.get('Source') if str(rule.get('Source') or '').startswith('http') else None,
                solution=rule.get('Description'))
        say(f'cfn-lint checked {len(found)} template(s)')

# One finding per rule, file, line and resource, however many times a tool reported it.
unique, seen = [], set()
for f in findings:
    key = (f['tool'], f['id'], f['file'], f['start'], f['resource'])
    if key not in seen:
        seen.add(key)
        unique.append(f)

kept, suppressed = [], []
for f in unique:
    reason = suppressed_by(f['id'], f['file'])
    (suppressed if reason else kept).append((f, reason))
for f, reason in suppressed:
    say(f'suppressed: {f["id"]} at {f["file"]}:{f["start"]} ({reason})')
kept = [f for f, _ in kept]
kept.sort(key=lambda f: (-LEVELS.index(f['severity']), f['file'], f['start'], f['id']))

ended = datetime.datetime.now(datetime.timezone.utc)
stamp = lambda t: t.strftime('%Y-%m-%dT%H:%M:%S')
tool_versions = dict(pair.split('=', 1) for pair in os.environ['IAC_SCAN_VERSIONS'].split())


def vulnerability(f):
    key = f'{f["tool"]}|{f["id"]}|{f["file"]}|{f["start"]}|{f["resource"] or ""}'
    identifier = {'type': f['tool'], 'name': f'{f["tool"]} {f["id"]}', 'value': f['id']}
    if f['url']:
        identifier['url'] = f['url']
    v = {
        'id': str(uuid.uuid5(NAMESPACE, key)),
        'name': f['name'][:255],
        'description': f'{f["description"]}\n\nSeverity {f["severity"]}, from {f["source"]}.'[:1048576],
        'severity': f['severity'],
        'solution': (f['solution'] or f'Fix the finding, or suppress {f["id"]} with a reason.')[:7000],
        'identifiers': [identifier],
        'location': {'file': f['file'], 'start_line': f['start'], 'end_line': f['end']},
    }
    return v


sast = {
    'version': '15.2.1',
    'schema': 'https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v15.2.1/dist/sast-report-format.json',
    'scan': {
        'analyzer': {'id': 'iac-scan', 'name': 'iac-scan (checkov + cfn-lint)', 'version': f'checkov-{tool_versions["checkov"]}+cfn-lint-{tool_versions["cfn-lint"]}', 'vendor': {'name': 'aws-delivery catalog'}},
        'scanner': {'id': 'checkov', 'name': 'checkov', 'version': tool_versions['checkov'], 'vendor': {'name': 'Prisma Cloud'}, 'url': 'https://www.checkov.io'},
        'type': 'sast',
        'start_time': stamp(started),
        'end_time': stamp(ended),
        'status': status,
        'messages': messages,
    },
    'vulnerabilities': [vulnerability(f) for f in kept],
}
CQ = {'Critical': 'blocker', 'High': 'critical', 'Medium': 'major', 'Low': 'minor', 'Info': 'info'}
codequality = [{
    'description': f'{f["id"]}: {f["name"]}'[:500],
    'check_name': f['id'],
    'fingerprint': hashlib.sha256(f'{f["tool"]}|{f["id"]}|{f["file"]}|{f["start"]}|{f["resource"] or ""}'.encode()).hexdigest(),
    'severity': CQ[f['severity']],
    'location': {'path': f['file'], 'lines': {'begin': f['start'], 'end': f['end']}},
} for f in kept]


def write(path, doc):
    # Beside the target, then renamed: a reader never sees half a report.
    tmp = f'{path}.tmp'
    with open(tmp, 'w', encoding='utf-8') as fh:
        json.dump(doc, fh, indent=2)
        fh.write('\n')
    os.replace(tmp, path)


write('gl-sast-report.json', sast)
write('gl-code-quality-report.json', codequality)

counts = {level: sum(1 for f in kept if f['severity'] == level) for level in reversed(LEVELS)}
say('findings: ' + ', '.join(f'{n} {level}' for level, n in counts.items()) + f' ({len(suppressed)} suppressed)')
for f in kept:
    say(f'{f["severity"]:<8} {f["id"]:<14} {f["file"]}:{f["start"]}  {f["name"]}')
say('wrote gl-sast-report.json (GitLab SAST) and gl-code-quality-report.json (Code Quality)')
if fail_on != 'none':
    threshold = LEVELS.index(fail_on.title())
    over = [f for f in kept if LEVELS.index(f['severity']) >= threshold]
    if over:
        die(f'{len(over)} finding(s) at {fail_on.title()} or above (the \'fail-on\' input). Fix them, or suppress each in {suppressions_file or ".iac-scan.yml"} with a reason.')
PY
