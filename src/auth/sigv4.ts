/**
 * Authorizes one AWS request, per attempt: SigV4 through aws4fetch's
 * `AwsV4Signer`, or a Bedrock API key as a plain bearer token (no SigV4 at
 * all then: `Authorization: Bearer <key>`, Bedrock user guide
 * docs.aws.amazon.com/bedrock/latest/userguide/api-keys-use.html).
 *
 * The service and region are always given: aws4fetch would otherwise guess
 * them from the host, and the Bedrock runtime host (`bedrock-runtime.…`)
 * signs as service `bedrock`, not `bedrock-runtime`. Paths must arrive
 * already percent-encoded (`encodeURIComponent(modelId)`, so `:` is `%3A`);
 * for every service but S3 aws4fetch encodes the path once more for the
 * canonical request (`%3A` → `%253A`), which is what AWS expects.
 */
import { AwsV4Signer } from "aws4fetch";
import type { AwsCredentials } from "./aws-credentials.ts";

/** SigV4's basic ISO 8601 form, `20260102T030405Z`. */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[:-]|\.\d{3}/g, "");
}

/**
 * A new Request carrying the authorization (and `x-amz-date` /
 * `x-amz-security-token` for SigV4). The input's body is read to hash it;
 * its signal is carried over. Every header present is signed except the ones
 * aws4fetch leaves out (content-type, content-length, user-agent, ...).
 */
export async function signBedrockRequest(request: Request, creds: AwsCredentials, region: string, service = "bedrock", now?: Date): Promise<Request> {
  const body = request.body === null ? undefined : await request.arrayBuffer();
  if (creds.kind === "bearer") {
    const headers = new Headers(request.headers);
    headers.set("authorization", `Bearer ${creds.token}`);
    return rebuild(request, request.url, headers, body);
  }
  const signer = new AwsV4Signer({
    method: request.method,
    url: request.url,
    headers: request.headers,
    ...(body !== undefined && { body }),
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    ...(creds.sessionToken !== undefined && { sessionToken: creds.sessionToken }),
    service,
    region,
    ...(now !== undefined && { datetime: amzDate(now) }),
  });
  const signed = await signer.sign();
  return rebuild(request, signed.url.toString(), signed.headers, body);
}

function rebuild(request: Request, url: string, headers: Headers, body: ArrayBuffer | undefined): Request {
  return new Request(url, {
    method: request.method,
    headers,
    ...(body !== undefined && { body }),
    signal: request.signal,
    redirect: request.redirect,
  });
}
