/**
 * Stand-ins for Google's credential endpoints on 127.0.0.1: an OAuth token
 * endpoint that verifies each JWT assertion with jose against the public
 * half of a key generated here (and checks its claims the way Google does),
 * and checks refresh-token grants field by field; plus a metadata server that
 * insists on `Metadata-Flavor: Google`. Deps come from the AWS fakes.
 */
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { decodeProtectedHeader, importSPKI, jwtVerify } from "jose";
import { makeDeps, startFake, type FakeServer, type Received, type Reply, type TestDeps } from "../aws/fakes.ts";

export { startFake, type FakeServer, type Received, type Reply, type TestDeps };

export const T0 = Date.parse("2026-03-04T05:00:00Z");
export const SCOPE = "https://www.googleapis.com/auth/cloud-platform";
export const never = new AbortController().signal;

export interface TestKey {
  privatePem: string;
  publicPem: string;
}

const generated: TestKey[] = [];
/** RSA-2048 pairs, made once per process (jose refuses RS256 keys under 2048 bits). */
export function testKey(index: number): TestKey {
  while (generated.length <= index) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    generated.push({ privatePem: privateKey, publicPem: publicKey });
  }
  return generated[index]!;
}

export function pkcs1Pem(key: TestKey): string {
  return createPrivateKey(key.privatePem).export({ type: "pkcs1", format: "pem" }).toString();
}

export function ecPkcs8Pem(): string {
  return generateKeyPairSync("ec", { namedCurve: "P-256", privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey;
}

export interface ServiceAccountJson {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  [field: string]: unknown;
}

/** The shape of a key file as the Cloud console downloads it. */
export function serviceAccountJson(key: TestKey, tokenUri: string, overrides: Partial<ServiceAccountJson> = {}): ServiceAccountJson {
  return {
    type: "service_account",
    project_id: "key-project",
    private_key_id: "0123456789abcdef0123456789abcdef01234567",
    private_key: key.privatePem,
    client_email: "vertex-caller@key-project.iam.gserviceaccount.com",
    client_id: "109876543210987654321",
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: tokenUri,
    ...overrides,
  };
}

export interface Registered {
  /** The public half the endpoint holds for (iss, kid): a revoked or rotated key no longer matches it. */
  publicPem: string;
  token: string;
  expires_in?: number;
}

export interface RefreshClient {
  client_id: string;
  client_secret: string;
  refresh_token: string;
  token: string;
}

export interface TokenEndpoint extends FakeServer {
  tokenUri: string;
  /** Service accounts by `${iss}|${kid}` (kid empty when absent). */
  accounts: Map<string, Registered>;
  users: RefreshClient[];
  /** Claims and headers of every assertion that passed verification. */
  verified: Array<{ header: Record<string, unknown>; claims: Record<string, unknown> }>;
  clock: { now: number };
  /** Replaces the normal answer (to make the endpoint fail or stall). */
  override: ((request: Received) => Reply | Promise<Reply | undefined> | undefined) | undefined;
}

const refusal = (error: string, description: string, status = 400): Reply => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: JSON.stringify({ error, error_description: description }),
});

export async function startTokenEndpoint(): Promise<TokenEndpoint> {
  // Read through `self` so a test may swap the clock or the override at any time.
  let self: TokenEndpoint | undefined;
  const server = await startFake(async (request) => {
    const state = self!;
    const overridden = await state.override?.(request);
    if (overridden !== undefined) return overridden;
    if (request.method !== "POST" || request.path !== "/token") return { status: 404 };
    if (!request.headers["content-type"]?.startsWith("application/x-www-form-urlencoded")) return refusal("invalid_request", "form body expected");
    const form = new URLSearchParams(request.body);
    const grant = form.get("grant_type");
    if (grant === "urn:ietf:params:oauth:grant-type:jwt-bearer") {
      const fields = [...form.keys()].sort().join(",");
      if (fields !== "assertion,grant_type") return refusal("invalid_request", `unexpected fields ${fields}`);
      return verifyAssertion(form.get("assertion") ?? "");
    }
    if (grant === "refresh_token") {
      const fields = [...form.keys()].sort().join(",");
      if (fields !== "client_id,client_secret,grant_type,refresh_token") return refusal("invalid_request", `unexpected fields ${fields}`);
      const user = state.users.find((candidate) => candidate.client_id === form.get("client_id"));
      if (user === undefined || user.client_secret !== form.get("client_secret")) return refusal("invalid_client", "The OAuth client was not found.", 401);
      if (user.refresh_token !== form.get("refresh_token")) return refusal("invalid_grant", "Token has been expired or revoked.");
      return tokenReply(user.token, 3599);
    }
    return refusal("unsupported_grant_type", `Invalid grant_type: ${grant}`);
  });
  const tokenUri = `${server.url}/token`;
  self = Object.assign(server, {
    tokenUri,
    accounts: new Map<string, Registered>(),
    users: [] as RefreshClient[],
    verified: [] as TokenEndpoint["verified"],
    clock: { now: T0 },
    override: undefined as TokenEndpoint["override"],
  });
  const state = self;
  return self;

  async function verifyAssertion(assertion: string): Promise<Reply> {
    let header: Record<string, unknown>;
    try {
      header = decodeProtectedHeader(assertion) as Record<string, unknown>;
    } catch {
      return refusal("invalid_grant", "Invalid JWT: not a JWS.");
    }
    const iss = JSON.parse(Buffer.from(assertion.split(".")[1] ?? "", "base64url").toString("utf8") || "{}").iss as string;
    const account = state.accounts.get(`${iss}|${typeof header.kid === "string" ? header.kid : ""}`);
    if (account === undefined) return refusal("invalid_grant", "Invalid grant: account not found");
    let claims: Record<string, unknown>;
    try {
      const result = await jwtVerify(assertion, await importSPKI(account.publicPem, "RS256"), {
        algorithms: ["RS256"],
        issuer: iss,
        audience: tokenUri,
        currentDate: new Date(state.clock.now),
        requiredClaims: ["iat", "exp", "scope"],
      });
      claims = result.payload as Record<string, unknown>;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED") return refusal("invalid_grant", "Invalid JWT Signature.");
      return refusal("invalid_grant", `Invalid JWT: ${code}`);
    }
    if (claims.scope !== SCOPE) return refusal("invalid_scope", `unexpected scope ${String(claims.scope)}`);
    if ((claims.exp as number) - (claims.iat as number) !== 3600) {
      return refusal("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");
    }
    if (claims.iat !== Math.floor(state.clock.now / 1000)) return refusal("invalid_grant", "Invalid JWT: iat is not now");
    if (header.typ !== "JWT") return refusal("invalid_grant", "Invalid JWT: typ");
    state.verified.push({ header, claims });
    return tokenReply(account.token, account.expires_in);
  }
}

export function tokenReply(token: string, expiresIn: number | undefined): Reply {
  return {
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify({ access_token: token, ...(expiresIn !== undefined && { expires_in: expiresIn }), token_type: "Bearer" }),
  };
}

/** `expiresIn` null: the answer carries no expires_in. */
export function register(endpoint: TokenEndpoint, json: ServiceAccountJson, publicPem: string, token: string, expiresIn: number | null = 3599): void {
  endpoint.accounts.set(`${json.client_email}|${json.private_key_id}`, { publicPem, token, ...(expiresIn !== null && { expires_in: expiresIn }) });
}

/**
 * A metadata-server stand-in: like the real one it refuses requests without
 * `Metadata-Flavor: Google` and stamps the header on every answer.
 */
export async function startMetadataServer(options: {
  token?: string;
  expiresIn?: number;
  project?: string;
  reply?: (request: Received) => Reply | undefined;
}): Promise<FakeServer> {
  return startFake((request) => {
    const custom = options.reply?.(request);
    if (custom !== undefined) return custom;
    const flavor = { "metadata-flavor": "Google" };
    if (request.headers["metadata-flavor"] !== "Google") return { status: 403, headers: flavor, body: "Missing required header" };
    if (request.path === "/computeMetadata/v1/instance/service-accounts/default/token") {
      return {
        headers: { ...flavor, "content-type": "application/json" },
        body: JSON.stringify({ access_token: options.token ?? "ya29.metadata-token", expires_in: options.expiresIn ?? 3599, token_type: "Bearer" }),
      };
    }
    if (request.path === "/computeMetadata/v1/project/project-id" && options.project !== undefined) {
      return { headers: { ...flavor, "content-type": "application/text" }, body: options.project };
    }
    return { status: 404, headers: flavor, body: "Not Found" };
  });
}

/** AWS test deps with the metadata server switched off unless a test points at a fake one. */
export function googleDeps(options: { env?: Record<string, string>; files?: Record<string, string>; home?: string | null; now?: number }): TestDeps {
  const env = options.env ?? {};
  return makeDeps({
    ...options,
    now: options.now ?? T0,
    env: env.GCE_METADATA_HOST ? env : { METADATA_SERVER_DETECTION: "none", ...env },
  });
}
