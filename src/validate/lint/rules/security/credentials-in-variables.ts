// Credentials written into `variables:` are in the repository, its history, every fork and the
// merged YAML anyone with read access can see. Findings name the variable, never its value.
import { variableBlocks, type PipelineRule, type SecurityFinding } from './context.js';

/** Shapes of real credentials, recognised by their value. */
const SHAPES: ReadonlyArray<[RegExp, string]> = [
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key ID'],
  [/\bglpat-[0-9A-Za-z_-]{20,}/, 'a GitLab personal access token'],
  [/\bgl(?:dt|ptt|rt|cbt|oas|soat|imt|ft|agent)-[0-9A-Za-z_-]{20,}/, 'a GitLab token'],
  [/\bGR1348941[0-9A-Za-z_-]{20,}/, 'a GitLab runner registration token'],
  [/\b(?:gh[pousr]_[0-9A-Za-z]{36,}|github_pat_[0-9A-Za-z_]{40,})/, 'a GitHub token'],
  [/\bxox[abprs]-[0-9A-Za-z-]{10,}/, 'a Slack token'],
  [/\bnpm_[0-9A-Za-z]{36}\b/, 'an npm token'],
  [/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/, 'a private key'],
  [/"auths"\s*:\s*\{[^}]*"auth"\s*:\s*"[^"]+"/, 'registry credentials (DOCKER_AUTH_CONFIG)'],
];

/** Names that hold a secret whatever the value looks like. */
const SECRET_NAME = new RegExp(
  '(?:^|_)(?:PASSWORD|PASSWD|SECRET|SECRET_KEY|SECRET_ACCESS_KEY|SESSION_TOKEN|TOKEN|API_?KEY|' +
    'PRIVATE_KEY|ACCESS_KEY|CREDENTIALS?)$',
  'i',
);
/** A value that only refers to something else (a variable, a file path, an input) holds no secret itself. */
const REFERENCE = /^\s*(?:\$\{?[A-Za-z_]\w*\}?|\$\[\[[^\]]*\]\]|\/\S*|\.{0,2}\/\S*)\s*$/;

export function credentialKind(name: string, value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value);
  for (const [shape, kind] of SHAPES) if (shape.test(text)) return kind;
  if (SECRET_NAME.test(name) && text.trim().length >= 8 && !REFERENCE.test(text) && !/\$\[\[|\$\{?[A-Za-z_]/.test(text))
    return 'a literal secret';
  return undefined;
}

export const credentialsInVariables: PipelineRule = ({ config }) => {
  const out: SecurityFinding[] = [];
  for (const { owner, vars } of variableBlocks(config)) {
    for (const [name, value] of vars) {
      const kind = credentialKind(name, value);
      if (kind)
        out.push({
          code: 'security-credentials-in-variables',
          job: owner,
          message:
            `${owner === 'variables' ? 'global' : `${owner} job`} variable ${name} holds ${kind} in the ` +
            `file (value not shown)`,
          fix:
            `revoke it now (it is in the repository history), then use OIDC (\`id_tokens\` and a role) or a ` +
            `masked, protected CI/CD variable set in the project settings`,
        });
    }
  }
  return out;
};
