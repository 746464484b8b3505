// Recognises which AWS API call an HTTP request is, for the three wire protocols the
// AWS CLI speaks to the services we deploy to, and builds each protocol's error shape.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type Protocol = 'query' | 'json' | 'rest-xml' | 'rest-json';

export interface AwsCall {
  readonly service: string;
  readonly action: string;
  readonly protocol: Protocol;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Form parameters of a query-protocol call (STS, IAM, CloudFormation). */
  readonly params: URLSearchParams;
}

export interface ProxyResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const QUERY_SERVICES: Record<string, string> = {
  AssumeRoleWithWebIdentity: 'sts',
  AssumeRole: 'sts',
  GetCallerIdentity: 'sts',
  GetSessionToken: 'sts',
};

function header(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

function scopeService(headers: IncomingHttpHeaders, query: URLSearchParams): string | undefined {
  const auth = header(headers, 'authorization') || query.get('X-Amz-Credential') || '';
  const m =
    /Credential=?[^/\s]*\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth) ??
    /^[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth);
  return m?.[1];
}

export function identifyCall(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): AwsCall {
  const u = new URL(url, 'http://proxy.invalid');
  const query = u.searchParams;
  const base = { method, path: u.pathname, query, headers, body };
  const target = header(headers, 'x-amz-target');
  const contentType = header(headers, 'content-type');
  const signed = scopeService(headers, query);
  if (target) {
    const action = target.split('.').pop() ?? target;
    return { ...base, protocol: 'json', action, service: signed ?? 'unknown', params: new URLSearchParams() };
  }
  const params = contentType.includes('x-www-form-urlencoded')
    ? new URLSearchParams(body.toString('utf8'))
    : new URLSearchParams();
  const queryAction = params.get('Action') ?? query.get('Action');
  if (queryAction) {
    return {
      ...base,
      protocol: 'query',
      action: queryAction,
      service: signed ?? QUERY_SERVICES[queryAction] ?? 'unknown',
      params,
    };
  }
  const service = signed ?? 'unknown';
  if (service === 's3')
    return { ...base, protocol: 'rest-xml', service, action: s3Action(method, u.pathname, query, headers), params };
  if (service === 'cloudfront')
    return { ...base, protocol: 'rest-xml', service, action: cloudfrontAction(method, u.pathname), params };
  if (service === 'lambda')
    return { ...base, protocol: 'rest-json', service, action: lambdaAction(method, u.pathname), params };
  // Other REST services are named by method and path with ids blanked out.
  const shape = u.pathname.replace(/\/[^/]*\d[^/]*/g, '/{id}');
  return { ...base, protocol: 'rest-json', service, action: `${method} ${shape}`, params };
}

function s3Action(method: string, path: string, q: URLSearchParams, headers: IncomingHttpHeaders): string {
  const [, bucket = '', ...key] = path.split('/');
  if (!bucket) return 'ListBuckets';
  if (key.join('/') === '') {
    if (method === 'PUT') return 'CreateBucket';
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'DELETE') return 'DeleteBucket';
    if (method === 'POST' && q.has('delete')) return 'DeleteObjects';
    if (q.has('location')) return 'GetBucketLocation';
    if (q.get('list-type') === '2') return 'ListObjectsV2';
    return method === 'GET' ? 'ListObjects' : `${method} bucket`;
  }
  if (method === 'PUT')
    return headers['x-amz-copy-source'] ? 'CopyObject' : q.has('uploadId') ? 'UploadPart' : 'PutObject';
  if (method === 'GET') return 'GetObject';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'DELETE') return 'DeleteObject';
  if (method === 'POST') return q.has('uploads') ? 'CreateMultipartUpload' : 'CompleteMultipartUpload';
  return `${method} object`;
}

function cloudfrontAction(method: string, path: string): string {
  const p = path.replace(/^\/\d{4}-\d{2}-\d{2}/, '');
  if (/^\/distribution\/[^/]+\/invalidation\/[^/]+$/.test(p)) return 'GetInvalidation';
  if (/^\/distribution\/[^/]+\/invalidation$/.test(p))
    return method === 'POST' ? 'CreateInvalidation' : 'ListInvalidations';
  if (/^\/distribution\/[^/]+\/config$/.test(p))
    return method === 'PUT' ? 'UpdateDistribution' : 'GetDistributionConfig';
  if (/^\/distribution\/[^/]+$/.test(p)) return method === 'DELETE' ? 'DeleteDistribution' : 'GetDistribution';
  if (p === '/distribution') return method === 'POST' ? 'CreateDistribution' : 'ListDistributions';
  return `${method} ${p}`;
}

/** Lambda's REST routes (API version prefix, function name or URL-encoded ARN) by operation name. */
const LAMBDA_ROUTES: ReadonlyArray<[RegExp, Record<string, string>]> = [
  [/^\/functions\/?$/, { GET: 'ListFunctions', POST: 'CreateFunction' }],
  [/^\/functions\/[^/]+\/?$/, { GET: 'GetFunction', DELETE: 'DeleteFunction' }],
  [/^\/functions\/[^/]+\/configuration\/?$/, { GET: 'GetFunctionConfiguration', PUT: 'UpdateFunctionConfiguration' }],
  [/^\/functions\/[^/]+\/code\/?$/, { PUT: 'UpdateFunctionCode' }],
  [/^\/functions\/[^/]+\/versions\/?$/, { GET: 'ListVersionsByFunction', POST: 'PublishVersion' }],
  [/^\/functions\/[^/]+\/aliases\/?$/, { GET: 'ListAliases', POST: 'CreateAlias' }],
  [/^\/functions\/[^/]+\/aliases\/[^/]+$/, { GET: 'GetAlias', PUT: 'UpdateAlias', DELETE: 'DeleteAlias' }],
  [/^\/functions\/[^/]+\/invocations\/?$/, { POST: 'Invoke' }],
  [/^\/functions\/[^/]+\/policy\/?$/, { GET: 'GetPolicy', POST: 'AddPermission' }],
  [/^\/functions\/[^/]+\/policy\/[^/]+$/, { DELETE: 'RemovePermission' }],
  [
    /^\/functions\/[^/]+\/concurrency\/?$/,
    { GET: 'GetFunctionConcurrency', PUT: 'PutFunctionConcurrency', DELETE: 'DeleteFunctionConcurrency' },
  ],
  [/^\/functions\/[^/]+\/code-signing-config$/, { GET: 'GetFunctionCodeSigningConfig' }],
  [/^\/tags\/.+$/, { GET: 'ListTags', POST: 'TagResource', DELETE: 'UntagResource' }],
];

function lambdaAction(method: string, path: string): string {
  const p = path.replace(/^\/\d{4}-\d{2}-\d{2}/, '');
  for (const [route, byMethod] of LAMBDA_ROUTES) if (route.test(p) && byMethod[method]) return byMethod[method]!;
  return `${method} ${p.replace(/\/[^/]*\d[^/]*/g, '/{id}')}`;
}

const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The error body each protocol's SDK parsers expect, so the CLI prints the real message. */
export function awsError(
  call: Pick<AwsCall, 'protocol' | 'service'>,
  status: number,
  code: string,
  message: string,
): ProxyResponse {
  const requestId = randomUUID();
  const common = { 'x-amzn-requestid': requestId };
  switch (call.protocol) {
    case 'json':
      return {
        status,
        headers: { ...common, 'content-type': 'application/x-amz-json-1.1' },
        body: Buffer.from(JSON.stringify({ __type: code, message })),
      };
    case 'rest-json':
      return {
        status,
        headers: { ...common, 'content-type': 'application/json', 'x-amzn-errortype': code },
        body: Buffer.from(JSON.stringify({ message, Message: message })),
      };
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: CloudFront's errors are the query protocol's
    case 'rest-xml':
      if (call.service === 's3') {
        return {
          status,
          headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
          body: Buffer.from(
            `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}` +
              `</Message><RequestId>${requestId}</RequestId></Error>`,
          ),
        };
      }
    // falls through: CloudFront answers like the query protocol
    case 'query':
      return {
        status,
        headers: { ...common, 'content-type': 'text/xml' },
        body: Buffer.from(
          `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}` +
            `</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        ),
      };
  }
}

/** The code and status each service uses when it throttles. */
export function throttleError(call: Pick<AwsCall, 'protocol' | 'service'>): ProxyResponse {
  if (call.service === 's3') return awsError(call, 503, 'SlowDown', 'Please reduce your request rate.');
  if (call.service === 'lambda') return awsError(call, 429, 'TooManyRequestsException', 'Rate exceeded');
  if (call.protocol === 'json') return awsError(call, 400, 'ThrottlingException', 'Rate exceeded');
  return awsError(call, 400, 'Throttling', 'Rate exceeded');
}

export function accessDeniedError(
  call: Pick<AwsCall, 'protocol' | 'service' | 'action'>,
  message?: string,
): ProxyResponse {
  const code = call.protocol === 'json' ? 'AccessDeniedException' : 'AccessDenied';
  return awsError(call, 403, code, message ?? `User is not authorized to perform: ${call.service}:${call.action}`);
}
