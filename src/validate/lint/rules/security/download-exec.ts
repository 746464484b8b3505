// Download-and-execute (`curl … | sh`, `bash <(curl …)`, `sh -c "$(wget -O- …)"`) runs whatever
// the server returns today, with the job's credentials: nothing checks what was fetched.
import { jobsAndDefault, scriptLines, type PipelineRule, type SecurityFinding } from './context.js';

const FETCH = String.raw`\b(?:curl|wget)\b`;
const SHELL =
  String.raw`(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+(?:\S+=\S*\s+)*)?(?:ba|z|da|k|fi|a)?sh\b|` +
  String.raw`(?:sudo\s+)?(?:python[23]?|perl|ruby|node|php)\b`;
const PATTERNS = [
  new RegExp(String.raw`${FETCH}[^\n;&]*\|\s*(?:${SHELL})`), // curl … | sh
  new RegExp(String.raw`\b(?:(?:ba|z|k)?sh|source|\.)\s+(?:-\w+\s+)*<\(\s*${FETCH}`), // bash <(curl …)
  new RegExp(String.raw`\b(?:(?:ba|z|k)?sh|eval)\s+(?:-c\s+)?["']?\$\(\s*${FETCH}`), // sh -c "$(curl …)"
  // PowerShell: iex (iwr …)
  new RegExp(
    String.raw`\b(?:iex|Invoke-Expression)\b[^\n]*` +
      String.raw`\b(?:DownloadString|iwr|Invoke-WebRequest|irm|Invoke-RestMethod)\b`,
    'i',
  ),
];

export const downloadExec: PipelineRule = ({ config }) => {
  const out: SecurityFinding[] = [];
  for (const [name, job] of jobsAndDefault(config)) {
    for (const { key, line } of scriptLines(job)) {
      if (PATTERNS.some((p) => p.test(line))) {
        out.push({
          code: 'security-download-exec',
          job: name,
          message: `${name}:${key} runs a script straight from the network (\`${line.trim().slice(0, 80)}\`)`,
          fix:
            'download to a file, check its SHA-256 against a pinned value (`sha256sum -c`), then run it; or ' +
            'install a pinned package or image instead',
        });
      }
    }
  }
  return out;
};
