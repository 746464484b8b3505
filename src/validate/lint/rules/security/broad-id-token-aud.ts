// An ID token is accepted by every relying party named in its `aud`: a token minted with several
// audiences (or a wildcard) for one deploy can be replayed against all of them. One job, one
// audience: the one the role's OIDC provider lists.
import { isHash, jobsAndDefault, type PipelineRule, type SecurityFinding } from './context.js';

export const broadIdTokenAud: PipelineRule = ({ config }) => {
  const out: SecurityFinding[] = [];
  for (const [job, def] of jobsAndDefault(config)) {
    if (!isHash(def.id_tokens)) continue;
    for (const [token, spec] of Object.entries(def.id_tokens)) {
      const aud = isHash(spec) ? spec.aud : undefined;
      const list = (Array.isArray(aud) ? aud : aud === undefined ? [] : [aud]).map(String);
      if (list.length > 1)
        out.push({
          code: 'security-broad-id-token-aud',
          job,
          message:
            `${job} id_tokens ${token} has ${list.length} audiences (${list.join(', ')}): every one of ` +
            `them accepts the token`,
          fix:
            "give each token exactly one `aud`, the audience the role's OIDC provider lists; mint a second " +
            'token for a second service',
        });
      else if (list.some((a) => a.includes('*')))
        out.push({
          code: 'security-broad-id-token-aud',
          job,
          message: `${job} id_tokens ${token} has the wildcard audience \`${list[0]}\``,
          fix: "set `aud` to the exact audience the role's OIDC provider lists",
        });
    }
  }
  return out;
};
