/**
 * `authorized_user` credentials, what `gcloud auth application-default
 * login` writes: an OAuth client and a user's refresh token, traded for an
 * access token under the refresh-token grant.
 * @see https://developers.google.com/identity/protocols/oauth2/web-server#offline
 */
import { registerSecret } from "../../redact.ts";
import { checkGoogleTokenUri, exchangeGoogleToken, GOOGLE_TOKEN_URI, type GoogleMintedToken, type GoogleSourceContext } from "./context.ts";
import type { GoogleKeyProblem } from "./service-account.ts";

export interface AuthorizedUserKey {
  client_id: string;
  client_secret: string;
  refresh_token: string;
  token_uri: string;
  quota_project_id?: string;
}

export function parseAuthorizedUserKey(json: Record<string, unknown>, problem: GoogleKeyProblem): AuthorizedUserKey {
  registerSecret(json.client_secret);
  registerSecret(json.refresh_token);
  const text = (field: string): string | undefined => {
    const value = json[field];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") throw problem(`${field} must be a string`);
    return value;
  };
  const clientId = text("client_id");
  const clientSecret = text("client_secret");
  const refreshToken = text("refresh_token");
  const missing = [clientId === undefined && "client_id", clientSecret === undefined && "client_secret", refreshToken === undefined && "refresh_token"].filter(Boolean);
  if (missing.length > 0) throw problem(`missing ${missing.join(", ")}`);
  const tokenUri = text("token_uri") ?? GOOGLE_TOKEN_URI;
  if (checkGoogleTokenUri(tokenUri) === undefined) throw problem("token_uri must be an https URL");
  const quotaProjectId = text("quota_project_id");
  return {
    client_id: clientId!,
    client_secret: clientSecret!,
    refresh_token: refreshToken!,
    token_uri: tokenUri,
    ...(quotaProjectId !== undefined && { quota_project_id: quotaProjectId }),
  };
}

export async function authorizedUserToken(ctx: GoogleSourceContext, key: AuthorizedUserKey, source: string): Promise<GoogleMintedToken> {
  const form = new URLSearchParams({
    grant_type: "refresh_token",
    client_id: key.client_id,
    client_secret: key.client_secret,
    refresh_token: key.refresh_token,
  });
  // invalid_grant here means the login expired or was revoked: only a new login helps.
  return exchangeGoogleToken(ctx, source, key.token_uri, form, "run `gcloud auth application-default login` to sign in again");
}
