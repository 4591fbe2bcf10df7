/**
 * The AWS SDK's own signer (@smithy/signature-v4 with @aws-crypto/sha256-js)
 * as the oracle for ours: sign the same request with it, or re-verify a
 * request a fake server received.
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";

/** aws4fetch 1.0.20's UNSIGNABLE_HEADERS; smithy signs some of these by default, so both must agree on the set. */
export const AWS4FETCH_UNSIGNABLE = new Set([
  "authorization",
  "content-type",
  "content-length",
  "user-agent",
  "presigned-expires",
  "expect",
  "x-amzn-trace-id",
  "range",
  "connection",
]);

export interface PlainRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface OracleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

function smithyRequest(request: PlainRequest) {
  const url = new URL(request.url);
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return {
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    // The path as it goes on the wire (already percent-encoded); smithy encodes it once more, as SigV4 asks.
    path: url.pathname,
    query,
    headers: { ...request.headers, host: url.host },
    ...(request.body !== undefined ? { body: request.body } : {}),
  };
}

/** Smithy's headers for the request; `signable`, when given, is exactly the set of headers to sign. */
export async function smithySign(
  request: PlainRequest,
  credentials: OracleCredentials,
  region: string,
  service: string,
  date: Date,
  signable?: Set<string>,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256, applyChecksum: false });
  const prepared = smithyRequest(request);
  if (signable) {
    prepared.headers = Object.fromEntries(Object.entries(prepared.headers).filter(([name]) => signable.has(name.toLowerCase()))) as typeof prepared.headers;
  }
  const signed = await signer.sign(prepared, {
    signingDate: date,
    ...(signable ? { signableHeaders: signable } : { unsignableHeaders: AWS4FETCH_UNSIGNABLE }),
  });
  return signed.headers as Record<string, string>;
}

/** `20260304T050607Z` → Date. */
export function parseAmzDate(value: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) throw new Error(`bad x-amz-date ${value}`);
  return new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`);
}

/**
 * Re-derive the Authorization a received request should carry, from its
 * signed headers, body and date, with the secret the server knows.
 */
export async function expectedAuthorization(
  received: { method: string; url: string; headers: Record<string, string>; body: string },
  credentials: OracleCredentials,
): Promise<{ expected: string; region: string; service: string }> {
  const authorization = received.headers.authorization ?? "";
  const match = /Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=/.exec(authorization);
  if (!match) throw new Error(`not a SigV4 Authorization header: ${authorization}`);
  const [, , , region, service, signedHeaders] = match as unknown as [string, string, string, string, string, string];
  const signable = new Set(signedHeaders.split(";"));
  const headers = Object.fromEntries(Object.entries(received.headers).filter(([name]) => signable.has(name)));
  const date = parseAmzDate(received.headers["x-amz-date"] ?? "");
  const signed = await smithySign({ method: received.method, url: received.url, headers, body: received.body }, credentials, region, service, date, signable);
  return { expected: signed.authorization ?? "", region, service };
}
