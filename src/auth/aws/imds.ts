/**
 * EC2 instance metadata, IMDSv2 only (session token first; we never fall
 * back to the unauthenticated v1 calls). Off EC2 the address answers
 * nothing, so each call has a short timer and "no answer" means the source
 * is absent, not that it failed.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html
 */
import { BridgeError } from "../../protocol/errors.ts";
import { registerSecret } from "../../redact.ts";
import { awsHttp, parseAwsExpiration, parseAwsJson, requireAwsField, sigv4Credentials, awsStatusError, type AwsSourceContext, type SigV4Credentials } from "./source-context.ts";

const DEFAULT_ENDPOINT = "http://169.254.169.254";
const TOKEN_TTL_SECONDS = "21600";
const SOURCE = "EC2 instance metadata";

export type ImdsResult = { credentials: SigV4Credentials } | { unavailable: string };

export function imdsDisabled(ctx: AwsSourceContext): boolean {
  return (ctx.deps.env.AWS_EC2_METADATA_DISABLED ?? "").trim().toLowerCase() === "true";
}

export async function imdsCredentials(ctx: AwsSourceContext): Promise<ImdsResult> {
  const base = (ctx.deps.env.AWS_EC2_METADATA_SERVICE_ENDPOINT || DEFAULT_ENDPOINT).replace(/\/+$/, "");
  let token: string;
  try {
    const answer = await awsHttp(
      ctx,
      SOURCE,
      new Request(`${base}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": TOKEN_TTL_SECONDS } }),
      ctx.metadataTimeoutMs,
    );
    if (answer.status < 200 || answer.status > 299) return { unavailable: `${SOURCE}: token request answered HTTP ${answer.status}` };
    token = answer.text.trim();
  } catch (error) {
    // Not on EC2 (nothing listens, or a firewall drops the packets): the source is simply not there.
    if (error instanceof BridgeError && (error.code === "TIMEOUT" || error.code === "NETWORK_ERROR")) {
      return { unavailable: error.message };
    }
    throw error;
  }
  registerSecret(token);
  const headers = { "x-aws-ec2-metadata-token": token, accept: "application/json" };
  const list = await awsHttp(ctx, SOURCE, new Request(`${base}/latest/meta-data/iam/security-credentials/`, { headers }), ctx.metadataTimeoutMs);
  if (list.status === 404) return { unavailable: `${SOURCE}: no IAM role attached to this instance` };
  if (list.status < 200 || list.status > 299) throw awsStatusError(`${SOURCE} role list`, list.status);
  const role = list.text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find(Boolean);
  if (role === undefined) return { unavailable: `${SOURCE}: no IAM role attached to this instance` };

  const source = `${SOURCE} role "${role}"`;
  const answer = await awsHttp(ctx, source, new Request(`${base}/latest/meta-data/iam/security-credentials/${encodeURIComponent(role)}`, { headers }), ctx.metadataTimeoutMs);
  if (answer.status < 200 || answer.status > 299) throw awsStatusError(source, answer.status);
  const body = parseAwsJson(answer.text, source);
  if (body.Code !== undefined && body.Code !== "Success") {
    throw new BridgeError("AUTH_FAILED", `${source}: answer Code is ${JSON.stringify(String(body.Code))}`);
  }
  return {
    credentials: sigv4Credentials(
      requireAwsField(body, "AccessKeyId", source),
      requireAwsField(body, "SecretAccessKey", source),
      typeof body.Token === "string" ? body.Token : undefined,
      parseAwsExpiration(body.Expiration, source),
    ),
  };
}
