// `lint --security`: runs the security rules (rules/security/) on a linted pipeline, and on the
// project's IAM trust policies (JSON files), as problems in the same reports as GitLab's verdict.
import type { Problem } from '../../internal/problem.js';
import type { IncludeEnv } from '../../gitlab/includes/resolve.js';
import { parseCi } from '../../gitlab/yaml.js';
import type { BuiltPipeline } from '../../gitlab/pipeline.js';
import { jsonFileRules, pipelineRules, type SecurityFinding, type WrittenFile } from './rules/security/index.js';

type Where = (job?: string) => { file: string; line?: number; column?: number };

function written(file: string, bytes: Uint8Array): WrittenFile | undefined {
  const parsed = parseCi(file, bytes);
  // Unparseable: the linter already reports it.
  return parsed.ok ? { file, header: parsed.value.header, content: parsed.value.content } : undefined;
}

function toProblem(f: SecurityFinding, where: Where, component: string | undefined): Problem {
  const at = f.file && f.file !== where().file ? { file: f.file, line: f.line } : where(f.job);
  return {
    code: f.code,
    severity: f.severity ?? 'error',
    message: f.message,
    fix: f.fix,
    path: f.path ?? f.job,
    component,
    ...at,
  };
}

export function pipelineSecurityProblems(
  file: string,
  bytes: Uint8Array,
  built: BuiltPipeline,
  env: IncludeEnv,
  where: Where,
  component?: string,
): Problem[] {
  const files = [written(file, bytes)];
  // Local includes are this project's own files: their scripts are checked as written too.
  for (const inc of built.includes) {
    if (inc.type !== 'local') continue;
    const b = env.source.read(inc.location);
    if (b) files.push(written(inc.location, b));
  }
  const ok = files.filter((w): w is WrittenFile => !!w);
  // A pipeline GitLab would refuse (an include not available offline, say) is still checked as written.
  const config =
    built.config ??
    (ok[0] && typeof ok[0].content === 'object' && ok[0].content ? (ok[0].content as Record<string, unknown>) : {});
  const ctx = { config, written: ok, includes: built.includes, projectPath: env.projectPath };
  return pipelineRules.flatMap((rule) => rule(ctx)).map((f) => toProblem(f, where, component));
}

/** Project JSON files that hold an IAM policy allowing AssumeRoleWithWebIdentity, with their problems. */
export function trustPolicyProblems(env: IncludeEnv): Array<{ file: string; problems: Problem[] }> {
  const out: Array<{ file: string; problems: Problem[] }> = [];
  for (const file of env.source.list()) {
    if (!file.endsWith('.json') || file.startsWith('schemas/') || file.includes('node_modules/')) continue;
    const bytes = env.source.read(file);
    if (!bytes || bytes.length > 1024 * 1024) continue;
    const text = Buffer.from(bytes).toString('utf8');
    if (!text.includes('AssumeRoleWithWebIdentity') && !/"sts:\*"|"\*"/.test(text)) continue;
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      continue; // not JSON we can read: not ours to judge
    }
    const findings = jsonFileRules.flatMap((rule) => rule({ file, document, projectPath: env.projectPath }));
    if (!findings.length && !text.includes('AssumeRoleWithWebIdentity')) continue;
    const line = text.slice(0, Math.max(0, text.indexOf('AssumeRoleWithWebIdentity'))).split('\n').length;
    out.push({
      file,
      problems: findings.map((f) => ({
        code: f.code,
        severity: f.severity ?? 'error',
        message: f.message,
        fix: f.fix,
        path: f.path,
        file,
        line,
      })),
    });
  }
  return out;
}
