// Sends a call to moto signed with the harness's own credentials. AssumeRoleWithWebIdentity is
// unsigned on AWS, but moto with IAM enforcement on refuses any unsigned request (HTTP 500 on a
// missing Authorization header), so the trust-policy rule, having judged the token as AWS
// would, hands the exchange to moto under the harness's administrator.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCall, ProxyResponse } from './aws-call.js';
import { sendRequest } from './net.js';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** SignatureV4's hash interface over node:crypto (HMAC when given a key). */
const bytes = (d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof d === 'string'
    ? d
    : ArrayBuffer.isView(d)
      ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
      : new Uint8Array(d);

class Sha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

/** Sends the call to moto as the client sent it. */
export function forwardAsIs(call: AwsCall, upstream: string): Promise<ProxyResponse> {
  const headers = { ...call.headers } as Record<string, string>;
  delete headers.expect;
  return send(call, new URL(upstream), headers);
}

export async function forwardSigned(
  call: AwsCall,
  upstream: string,
  credentials: Credentials,
  region = 'us-east-1',
): Promise<ProxyResponse> {
  const target = new URL(upstream);
  const signer = new SignatureV4({ credentials, region, service: call.service, sha256: Sha256 });
  const headers: Record<string, string> = { host: target.host };
  const type = call.headers['content-type'];
  if (typeof type === 'string') headers['content-type'] = type;
  const signed = await signer.sign({
    method: call.method,
    protocol: target.protocol,
    hostname: target.hostname,
    port: Number(target.port),
    path: call.path,
    query: Object.fromEntries(call.query),
    headers,
    body: call.body.toString('utf8'),
  });
  return send(call, target, signed.headers);
}

function send(call: AwsCall, target: URL, headers: Record<string, string>): Promise<ProxyResponse> {
  const search = call.query.toString();
  const path = `${call.path}${search ? `?${search}` : ''}`;
  return sendRequest({ host: target.hostname, port: target.port, method: call.method, path, headers }, call.body);
}
