// GitLab id_tokens, emulated: gitlab-ci-local accepts `id_tokens:` but sets no variable, so the
// harness mints the JWT GitLab would give the job (same claims, RS256) and passes it in.
import { SignJWT, decodeJwt, exportJWK, generateKeyPair, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';

export const DEFAULT_ISSUER = 'https://gitlab.example.com';

/** The claims GitLab puts in an id token (doc/ci/secrets/id_token_authentication.md). */
export interface GitLabClaims {
  readonly iss: string;
  readonly aud: string | string[];
  readonly sub: string;
  readonly project_path: string;
  readonly namespace_path: string;
  readonly ref: string;
  readonly ref_type: 'branch' | 'tag';
  readonly ref_protected: 'true' | 'false';
  readonly environment?: string;
  readonly pipeline_id: string;
  readonly job_id: string;
  readonly sha?: string;
  readonly [claim: string]: unknown;
}

export interface TokenRequest {
  readonly aud: string | string[];
  /** `<group>/<project>` */
  readonly projectPath: string;
  readonly ref: string;
  readonly refType?: 'branch' | 'tag';
  readonly refProtected?: boolean;
  readonly environment?: string;
  readonly pipelineId: number;
  readonly jobId: number;
  readonly sha?: string;
  /** Lifetime in seconds; GitLab uses the job timeout, 5 minutes when none. */
  readonly ttlSeconds?: number;
  /** Replaces or adds claims, for scenarios that present a token from elsewhere. */
  readonly override?: Readonly<Record<string, unknown>>;
}

export function gitlabSub(projectPath: string, refType: 'branch' | 'tag', ref: string): string {
  return `project_path:${projectPath}:ref_type:${refType}:ref:${ref}`;
}

export class TokenIssuer {
  private constructor(
    readonly issuer: string,
    private readonly privateKey: CryptoKey,
    readonly publicJwk: JWK,
  ) {}

  static async create(issuer = DEFAULT_ISSUER): Promise<TokenIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), use: 'sig', alg: 'RS256' };
    return new TokenIssuer(issuer, privateKey as CryptoKey, jwk);
  }

  /** What GitLab serves at `/oauth/discovery/keys`. */
  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  claims(req: TokenRequest): GitLabClaims {
    const refType = req.refType ?? 'branch';
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: this.issuer,
      aud: req.aud,
      sub: gitlabSub(req.projectPath, refType, req.ref),
      project_path: req.projectPath,
      namespace_path: req.projectPath.split('/').slice(0, -1).join('/'),
      ref: req.ref,
      ref_type: refType,
      ref_path: `refs/${refType === 'branch' ? 'heads' : 'tags'}/${req.ref}`,
      ref_protected: req.refProtected === false ? 'false' : 'true',
      ...(req.environment ? { environment: req.environment } : {}),
      pipeline_id: String(req.pipelineId),
      pipeline_source: 'push',
      job_id: String(req.jobId),
      ...(req.sha ? { sha: req.sha } : {}),
      iat: now,
      nbf: now - 5,
      exp: now + (req.ttlSeconds ?? 300),
      ...req.override,
    } as GitLabClaims;
  }

  async mint(req: TokenRequest): Promise<string> {
    const { iss, aud, sub, ...rest } = this.claims(req);
    const jwt = new SignJWT({ ...rest })
      .setProtectedHeader({ alg: 'RS256', kid: this.publicJwk.kid, typ: 'JWT' })
      .setIssuer(iss)
      .setAudience(aud)
      .setSubject(sub)
      .setJti(randomUUID());
    return jwt.sign(this.privateKey);
  }
}

/** Reads a JWT's claims without verifying it: the proxy evaluates trust policies on them. */
export function decodeClaims(token: string): Record<string, unknown> | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}
