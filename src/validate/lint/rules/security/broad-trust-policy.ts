// An IAM role trusted by GitLab's OIDC provider must be assumable by this project only: a trust
// policy without a `sub` condition, or with a wildcard in the project part of `sub`, lets other
// projects on the GitLab instance (or a whole group) assume it; without an `aud` condition any
// audience is accepted. IAM evaluates only `aud` and `sub` for a generic OIDC provider.
import { isHash, type JsonFileRule, type SecurityFinding } from './context.js';

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every IAM policy statement in a JSON document (a bare policy, or nested in CloudFormation or Terraform JSON). */
function statements(doc: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isHash(v)) {
      if ('Statement' in v) out.push(...list(v.Statement as unknown).filter(isHash));
      Object.values(v).forEach(walk);
    }
  };
  walk(doc);
  return out;
}

const webIdentity = (s: Record<string, unknown>) =>
  s.Effect === 'Allow' &&
  list(s.Action as string | string[] | undefined).some(
    (a) => a === 'sts:AssumeRoleWithWebIdentity' || a === 'sts:*' || a === '*',
  );

/** The project part of a `sub` value: `project_path:group/app:ref_type:branch:ref:main` -> `group/app`. */
function projectOf(sub: string): string | undefined {
  return /^project_path:([^:]*)(?::|$)/.exec(sub)?.[1];
}

export const broadTrustPolicy: JsonFileRule = ({ file, document, projectPath }) => {
  const out: SecurityFinding[] = [];
  statements(document)
    .filter(webIdentity)
    .forEach((s, i) => {
      const where = `statement ${typeof s.Sid === 'string' ? `"${s.Sid}"` : i + 1}`;
      const finding = (message: string, fix: string, severity: 'error' | 'warning' = 'error') =>
        out.push({
          code: 'security-broad-trust-policy',
          file,
          path: where,
          message: `${where} ${message}`,
          fix,
          severity,
        });
      const principal = s.Principal;
      if (
        principal === '*' ||
        (isHash(principal) && list(principal.Federated as string | string[] | undefined).includes('*'))
      ) {
        finding(
          'trusts any identity provider (`Principal: *`)',
          "name the GitLab OIDC provider's ARN as `Principal: { Federated: … }`",
        );
        return;
      }
      const conditions = isHash(s.Condition) ? s.Condition : {};
      const subs: Array<{ op: string; values: string[] }> = [];
      let hasAud = false;
      for (const [op, block] of Object.entries(conditions)) {
        if (!isHash(block)) continue;
        for (const [key, value] of Object.entries(block)) {
          if (key.endsWith(':aud')) hasAud = true;
          if (key.endsWith(':sub')) subs.push({ op, values: list(value as string | string[]).map(String) });
        }
      }
      if (!hasAud)
        finding(
          'has no `<host>:aud` condition, so a token minted for any audience is accepted',
          'add `StringEquals: { "<host>:aud": "<the audience your jobs request>" }`',
        );
      if (!subs.length) {
        finding(
          'has no `<host>:sub` condition: every project on the GitLab instance can assume the role',
          `add \`StringEquals: { "<host>:sub": "project_path:${projectPath || '<group>/<project>'}` +
            `:ref_type:branch:ref:<branch>" }\``,
        );
        return;
      }
      for (const { op, values } of subs) {
        const like = /Like/.test(op);
        if (/Not/.test(op)) {
          finding(
            `uses ${op} on \`sub\`, which allows every project it does not name`,
            'allow the one project with StringEquals (or StringLike for its refs) instead',
          );
          continue;
        }
        for (const value of values) {
          const project = projectOf(value);
          if (project === undefined) {
            if (like && /[*?]/.test(value))
              finding(
                `allows \`sub\` \`${value}\`, which matches every project`,
                `start the pattern with \`project_path:${projectPath || '<group>/<project>'}:\``,
              );
            continue;
          }
          if (like && /[*?]/.test(project))
            finding(
              `allows \`sub\` \`${value}\`: the project part \`${project}\` matches more projects than this one`,
              `name the project exactly: \`project_path:${projectPath || project.replace(/[*?].*$/, '<project>')}` +
                ':…`',
            );
          else if (projectPath && project !== projectPath && !/[*?]/.test(project))
            finding(
              `trusts project \`${project}\`, not this project (\`${projectPath}\`)`,
              'check that this role is meant for that project; a role per project keeps a compromise of one from ' +
                'reaching the other',
              'warning',
            );
        }
      }
    });
  return out;
};
