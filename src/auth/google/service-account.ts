/**
 * Service-account keys: the JSON key Google issues becomes an RS256 JWT
 * (signed with jose from the PKCS#8 `private_key`), exchanged at the key's
 * `token_uri` under the JWT-bearer grant for an access token.
 * @see https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests
 */
import type { BridgeError } from "../../protocol/errors.ts";
import { registerSecret } from "../../redact.ts";
import { checkGoogleTokenUri, exchangeGoogleToken, GOOGLE_CLOUD_PLATFORM_SCOPE, GOOGLE_TOKEN_URI, type GoogleMintedToken, type GoogleSourceContext } from "./context.ts";

/** The fields of a service-account key file we use (wire spelling). */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri: string;
  project_id?: string;
  quota_project_id?: string;
}

/** Builds the error for a key that cannot be used, phrased for where the key came from. */
export type GoogleKeyProblem = (problem: string, cause?: unknown) => BridgeError;

const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** Google accepts assertions valid for at most an hour. */
const ASSERTION_LIFETIME_S = 3600;

export function parseServiceAccountKey(json: Record<string, unknown>, problem: GoogleKeyProblem): ServiceAccountKey {
  const text = (field: string): string | undefined => {
    const value = json[field];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") throw problem(`${field} must be a string`);
    return value;
  };
  // Register before any check can fail, so no later message can carry it.
  registerSecret(json.private_key);
  const clientEmail = text("client_email");
  // Keys pasted through an env var or a form often arrive with their newlines escaped.
  const privateKey = text("private_key")?.replace(/\\n/g, "\n");
  registerSecret(privateKey);
  const missing = [clientEmail === undefined && "client_email", privateKey === undefined && "private_key"].filter(Boolean);
  if (missing.length > 0) throw problem(`missing ${missing.join(" and ")}`);
  checkPkcs8Armour(privateKey!, problem);
  const tokenUri = text("token_uri") ?? GOOGLE_TOKEN_URI;
  if (checkGoogleTokenUri(tokenUri) === undefined) throw problem("token_uri must be an https URL");
  const keyId = text("private_key_id");
  const projectId = text("project_id");
  const quotaProjectId = text("quota_project_id");
  return {
    client_email: clientEmail!,
    private_key: privateKey!,
    token_uri: tokenUri,
    ...(keyId !== undefined && { private_key_id: keyId }),
    ...(projectId !== undefined && { project_id: projectId }),
    ...(quotaProjectId !== undefined && { quota_project_id: quotaProjectId }),
  };
}

/** The armour tells most wrong keys apart before any crypto runs, with a message that says what to do. */
function checkPkcs8Armour(pem: string, problem: GoogleKeyProblem): void {
  if (pem.includes("-----BEGIN PRIVATE KEY-----")) return;
  if (pem.includes("-----BEGIN RSA PRIVATE KEY-----")) {
    throw problem("private_key is a PKCS#1 key (BEGIN RSA PRIVATE KEY); convert it to PKCS#8 (BEGIN PRIVATE KEY) with `openssl pkcs8 -topk8 -nocrypt`");
  }
  if (pem.includes("-----BEGIN ENCRYPTED PRIVATE KEY-----")) throw problem("private_key is encrypted; an unencrypted PKCS#8 key is needed");
  throw problem("private_key is not a PEM PKCS#8 key (-----BEGIN PRIVATE KEY-----)");
}

/** The signed assertion: header `{alg, typ, kid}`, claims iss/scope/aud/iat/exp, as Google documents them. */
export async function signServiceAccountAssertion(key: ServiceAccountKey, nowMs: number, problem: GoogleKeyProblem): Promise<string> {
  // Loaded on first use: only service-account sessions sign, and evaluating jose costs every start-up ~4 ms.
  const { importPKCS8, SignJWT } = await import("jose");
  let signingKey: CryptoKey;
  try {
    signingKey = await importPKCS8(key.private_key, "RS256");
  } catch (error) {
    // jose's and WebCrypto's messages name the format, never key bytes, so the cause can be kept.
    throw problem("private_key is not a valid PKCS#8 RSA key", error);
  }
  const iat = Math.floor(nowMs / 1000);
  const assertion = await new SignJWT({ scope: GOOGLE_CLOUD_PLATFORM_SCOPE })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", ...(key.private_key_id !== undefined && { kid: key.private_key_id }) })
    .setIssuer(key.client_email)
    .setAudience(key.token_uri)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ASSERTION_LIFETIME_S)
    .sign(signingKey);
  // The assertion is itself a credential for its hour.
  registerSecret(assertion);
  return assertion;
}

export async function serviceAccountToken(ctx: GoogleSourceContext, key: ServiceAccountKey, source: string, problem: GoogleKeyProblem): Promise<GoogleMintedToken> {
  const assertion = await signServiceAccountAssertion(key, ctx.deps.now(), problem);
  const form = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion });
  return exchangeGoogleToken(ctx, source, key.token_uri, form);
}
