/**
 * IAM Identity Center (SSO) profiles: the token `aws sso login` cached under
 * `~/.aws/sso/cache/<sha1 hex>.json` (of the `sso_session` name, or of the
 * legacy `sso_start_url`) is traded at the SSO portal for role credentials.
 * We never refresh the token ourselves; an expired one asks for a new login.
 * @see https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/API_GetRoleCredentials.html
 */
import { readCredentialFile } from "../credential-file.ts";
import { BridgeError } from "../../protocol/errors.ts";
import { registerSecret } from "../../redact.ts";
import type { AwsProfileFiles } from "./profile-files.ts";
import {
  awsHttp,
  awsServiceHost,
  checkAwsRegion,
  joinAwsPath,
  parseAwsExpiration,
  parseAwsJson,
  requireAwsField,
  sigv4Credentials,
  awsStatusError,
  type AwsSourceContext,
  type SigV4Credentials,
} from "./source-context.ts";

export function isSsoProfile(profile: Record<string, string>): boolean {
  return Boolean(profile.sso_session || profile.sso_start_url);
}

async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

export async function ssoCredentials(ctx: AwsSourceContext, profileName: string, profile: Record<string, string>, files: AwsProfileFiles): Promise<SigV4Credentials> {
  const source = `SSO profile "${profileName}"`;
  const login = `run \`aws sso login --profile ${profileName}\``;
  let settings: Record<string, string> = profile;
  let cacheKey = profile.sso_start_url ?? "";
  if (profile.sso_session) {
    const session = files.ssoSessions.get(profile.sso_session);
    if (session === undefined) {
      throw new BridgeError("AUTH_FAILED", `${source}: no [sso-session ${profile.sso_session}] section in ${files.configPath ?? "the AWS config file"}`);
    }
    settings = { ...profile, ...session };
    cacheKey = profile.sso_session;
  }
  const missing = ["sso_start_url", "sso_region", "sso_account_id", "sso_role_name"].filter((key) => !settings[key]);
  if (missing.length > 0) throw new BridgeError("AUTH_FAILED", `${source}: missing ${missing.join(", ")}`);
  const home = ctx.deps.home;
  if (home === undefined) throw new BridgeError("AUTH_FAILED", `${source}: no home directory known, so no SSO token cache`);

  const cachePath = joinAwsPath(home, ".aws", "sso", "cache", `${await sha1Hex(cacheKey)}.json`);
  const text = await readCredentialFile(ctx.deps, cachePath, "SSO token cache", ctx.signal);
  if (text === null) throw new BridgeError("AUTH_REQUIRED", `${source}: no cached SSO token (${cachePath}); ${login}`);
  const cache = parseAwsJson(text, `SSO token cache ${cachePath}`);
  const accessToken = requireAwsField(cache, "accessToken", `SSO token cache ${cachePath}`);
  registerSecret(accessToken);
  const expiresAt = parseAwsExpiration(cache.expiresAt, `SSO token cache ${cachePath}`);
  if (expiresAt !== undefined && expiresAt <= ctx.deps.now()) {
    throw new BridgeError("AUTH_REQUIRED", `${source}: the SSO token expired at ${new Date(expiresAt).toISOString()}; ${login}`);
  }

  // The region goes into a host name: checked against the AWS partitions' region shapes first (source-context.ts).
  const region = checkAwsRegion(settings.sso_region!, `${source}: sso_region`);
  const base = (ctx.ssoEndpoint ?? `https://${awsServiceHost("portal.sso", region)}`).replace(/\/+$/, "");
  const query = new URLSearchParams({ account_id: settings.sso_account_id!, role_name: settings.sso_role_name! });
  const request = new Request(`${base}/federation/credentials?${query}`, {
    headers: { "x-amz-sso_bearer_token": accessToken, accept: "application/json" },
  });
  const answer = await awsHttp(ctx, source, request, ctx.serviceTimeoutMs);
  if (answer.status === 401 || answer.status === 403) {
    throw new BridgeError("AUTH_REQUIRED", `${source}: the SSO portal rejected the cached token (HTTP ${answer.status}); ${login}`, {
      status: answer.status,
    });
  }
  if (answer.status < 200 || answer.status > 299) throw awsStatusError(`${source}: SSO portal`, answer.status);
  const role = parseAwsJson(answer.text, `${source}: SSO portal`).roleCredentials;
  if (typeof role !== "object" || role === null) throw new BridgeError("AUTH_FAILED", `${source}: SSO portal answer has no roleCredentials`);
  const fields = role as Record<string, unknown>;
  return sigv4Credentials(
    requireAwsField(fields, "accessKeyId", source),
    requireAwsField(fields, "secretAccessKey", source),
    requireAwsField(fields, "sessionToken", source),
    parseAwsExpiration(fields.expiration, source),
  );
}
