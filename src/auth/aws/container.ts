/**
 * Container credentials (ECS tasks, EKS Pod Identity, Greengrass):
 * `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` against 169.254.170.2, or a
 * `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with an optional authorization token
 * (from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, re-read each time since
 * Pod Identity rotates it, else `AWS_CONTAINER_AUTHORIZATION_TOKEN`).
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
 */
import { readCredentialFile } from "../credential-file.ts";
import { BridgeError } from "../../protocol/errors.ts";
import { registerSecret } from "../../redact.ts";
import { awsHttp, parseAwsExpiration, parseAwsJson, requireAwsField, sigv4Credentials, awsStatusError, type AwsSourceContext, type SigV4Credentials } from "./source-context.ts";
import { isLoopbackHost } from "../../http/loopback.ts";

const ECS_HOST = "http://169.254.170.2";

/**
 * Plain http is allowed only to hosts that cannot be somebody else's
 * machine, as in the AWS SDKs: a FULL_URI elsewhere would hand the token to it.
 */
function isTrustedHttpHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return isLoopbackHost(host) || host === "169.254.170.2" || host === "169.254.170.23" || host === "fd00:ec2::23";
}

export function isContainerConfigured(ctx: AwsSourceContext): boolean {
  const env = ctx.deps.env;
  return Boolean(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
}

export async function containerCredentials(ctx: AwsSourceContext): Promise<SigV4Credentials> {
  const env = ctx.deps.env;
  const source = "container credentials endpoint";
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  const url = relative ? `${ECS_HOST}${relative.startsWith("/") ? "" : "/"}${relative}` : (env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? "");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BridgeError("AUTH_FAILED", `${source}: AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL`);
  }
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && isTrustedHttpHost(parsed.hostname))) {
    throw new BridgeError("AUTH_FAILED", `${source}: ${parsed.protocol}//${parsed.host} is not allowed; use https or a loopback / ECS / EKS address`);
  }

  const headers = new Headers({ accept: "application/json" });
  const token = await authorizationToken(ctx);
  if (token !== undefined) headers.set("authorization", token);
  const answer = await awsHttp(ctx, source, new Request(parsed, { headers }), ctx.metadataTimeoutMs);
  if (answer.status < 200 || answer.status > 299) throw awsStatusError(source, answer.status);
  const body = parseAwsJson(answer.text, source);
  return sigv4Credentials(
    requireAwsField(body, "AccessKeyId", source),
    requireAwsField(body, "SecretAccessKey", source),
    typeof body.Token === "string" ? body.Token : undefined,
    parseAwsExpiration(body.Expiration, source),
  );
}

async function authorizationToken(ctx: AwsSourceContext): Promise<string | undefined> {
  const env = ctx.deps.env;
  let token: string | undefined;
  if (env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) {
    const text = await readCredentialFile(ctx.deps, env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, "container authorization token file");
    if (text === null) {
      throw new BridgeError("AUTH_FAILED", `container authorization token file ${env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE} does not exist`);
    }
    token = text.trim();
  } else if (env.AWS_CONTAINER_AUTHORIZATION_TOKEN) {
    token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN.trim();
  }
  if (token === undefined || token === "") return undefined;
  if (/[\r\n]/.test(token)) throw new BridgeError("AUTH_FAILED", "container authorization token contains a line break");
  registerSecret(token);
  return token;
}
