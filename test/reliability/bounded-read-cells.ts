/**
 * The cells of the bounded-read runs (bounded-reads.ts): every call kind
 * that reads a whole answer, the process environment that makes it reach a
 * loopback server, the request that triggers it, and which request gets
 * the hostile answer. Canary credentials throughout, so the scan of stdout
 * and stderr has something to find.
 */
import { createHash, generateKeyPairSync } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Received } from "./hostile-server.ts";
import { CANARY } from "./providers.ts";

type Json = Record<string, unknown>;

export interface ReadCell {
  name: string;
  /** The limit of src/http/body.ts the answer meets, as the message names it; or the message of a reader of its own. */
  what: "model listing" | "answer" | "credential answer" | RegExp;
  /** The action answers without the call when it fails (Bedrock CountTokens → local estimate): the log says why. */
  fallsBack?: true;
  /** The process environment; `home` is a fresh empty directory, `url` the hostile server. */
  env(url: string, home: string): Record<string, string>;
  request(url: string): { action: string; provider: string; params: Json };
  /** True for the request that gets the hostile answer; the others get `side` (or 404). */
  hostile(request: Received): boolean;
  side?(request: Received, url: string): { status: number; body: string } | undefined;
}

const MESSAGES = [{ role: "user", content: "Say hi" }];
const path = (request: Received): string => request.path.split("?")[0]!;
const json = (body: unknown) => ({ status: 200, body: JSON.stringify(body) });
const NO_IMDS = { AWS_EC2_METADATA_DISABLED: "true" };
const NO_GOOGLE_METADATA = { METADATA_SERVER_DETECTION: "none" };
const BEDROCK_CHAT = (url: string) => ({
  action: "stream_chat",
  provider: "bedrock",
  params: { model: "us.amazon.nova-micro-v1:0", region: "us-east-1", base_url: url, messages: MESSAGES, max_retries: 0 },
});
const VERTEX_CHAT = (url: string) => ({
  action: "stream_chat",
  provider: "vertex",
  params: { model: "gemini-2.5-pro", project: "test-project", location: "us-central1", base_url: url, messages: MESSAGES, max_retries: 0 },
});
const AWS_KEYS = { AWS_ACCESS_KEY_ID: CANARY.awsAccessKeyId, AWS_SECRET_ACCESS_KEY: CANARY.awsSecret, AWS_SESSION_TOKEN: CANARY.awsSession, ...NO_IMDS };
const COPILOT_PARAMS = (url: string) => ({ base_url: url, github_api_url: url, github_url: url });

function copilotExchange(request: Received, url: string): { status: number; body: string } | undefined {
  if (path(request) !== "/copilot_internal/v2/token") return undefined;
  return json({ token: `tid=CANARY.not.a.copilot.token.1;exp=9999999999`, endpoints: { api: url }, refresh_in: 1500, expires_at: 9_999_999_999, chat_enabled: true });
}

let googleKey: string | undefined;
function googlePrivateKey(): string {
  googleKey ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  return googleKey;
}

function writeFile(file: string, text: string): string {
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

export const CELLS: ReadCell[] = [
  // --- fetchJson: provider APIs
  {
    name: "anthropic list_models",
    what: "model listing",
    env: () => ({ ANTHROPIC_API_KEY: CANARY.anthropic }),
    request: (url) => ({ action: "list_models", provider: "anthropic", params: { base_url: url } }),
    hostile: (r) => path(r) === "/v1/models",
  },
  {
    name: "anthropic count_tokens",
    what: "answer",
    fallsBack: true,
    env: () => ({ ANTHROPIC_API_KEY: CANARY.anthropic }),
    request: (url) => ({ action: "count_tokens", provider: "anthropic", params: { model: "claude-sonnet-4-20250514", base_url: url, messages: MESSAGES } }),
    hostile: (r) => path(r) === "/v1/messages/count_tokens",
  },
  {
    name: "anthropic authenticate",
    what: "model listing",
    env: () => ({}),
    request: (url) => ({ action: "authenticate", provider: "anthropic", params: { base_url: url, credentials: { api_key: CANARY.anthropic } } }),
    hostile: (r) => path(r) === "/v1/models",
  },
  {
    name: "openai list_models",
    what: "model listing",
    env: () => ({ OPENAI_API_KEY: CANARY.openai }),
    request: (url) => ({ action: "list_models", provider: "openai", params: { base_url: `${url}/v1` } }),
    hostile: (r) => path(r) === "/v1/models",
  },
  {
    name: "openai authenticate",
    what: "model listing",
    env: () => ({}),
    request: (url) => ({ action: "authenticate", provider: "openai", params: { base_url: `${url}/v1`, credentials: { api_key: CANARY.openai } } }),
    hostile: (r) => path(r) === "/v1/models",
  },
  {
    name: "azure list_models (deployments)",
    what: "model listing",
    env: () => ({ AZURE_OPENAI_API_KEY: CANARY.azure }),
    request: (url) => ({ action: "list_models", provider: "azure", params: { base_url: url } }),
    hostile: (r) => path(r) === "/openai/deployments",
  },
  {
    name: "azure authenticate",
    what: "model listing",
    env: () => ({}),
    request: (url) => ({ action: "authenticate", provider: "azure", params: { base_url: url, credentials: { api_key: CANARY.azure } } }),
    hostile: (r) => path(r) === "/openai/v1/models",
  },
  {
    name: "bedrock list_models",
    what: "model listing",
    env: () => AWS_KEYS,
    request: (url) => ({ action: "list_models", provider: "bedrock", params: { base_url: url, region: "us-east-1" } }),
    hostile: (r) => path(r) === "/foundation-models",
  },
  {
    name: "bedrock authenticate",
    what: "model listing",
    env: () => ({ ...NO_IMDS }),
    request: (url) => ({
      action: "authenticate",
      provider: "bedrock",
      params: { base_url: url, region: "us-east-1", credentials: { access_key_id: CANARY.awsAccessKeyId, secret_access_key: CANARY.awsSecret } },
    }),
    hostile: (r) => path(r) === "/foundation-models",
  },
  {
    name: "bedrock count_tokens",
    what: "answer",
    fallsBack: true,
    env: () => AWS_KEYS,
    request: (url) => ({
      action: "count_tokens",
      provider: "bedrock",
      params: { model: "us.anthropic.claude-sonnet-4-20250514-v1:0", base_url: url, region: "us-east-1", messages: MESSAGES },
    }),
    hostile: (r) => path(r).endsWith("/count-tokens"),
  },
  {
    name: "vertex list_models",
    what: "model listing",
    env: () => NO_GOOGLE_METADATA,
    request: (url) => ({
      action: "list_models",
      provider: "vertex",
      params: { base_url: url, project: "test-project", location: "us-central1", credentials: { access_token: CANARY.google } },
    }),
    hostile: (r) => path(r).includes("/publishers/google/models"),
  },
  {
    name: "vertex count_tokens",
    what: "answer",
    fallsBack: true,
    env: () => NO_GOOGLE_METADATA,
    request: (url) => ({
      action: "count_tokens",
      provider: "vertex",
      params: { model: "gemini-2.5-pro", base_url: url, project: "test-project", location: "us-central1", credentials: { access_token: CANARY.google }, messages: MESSAGES },
    }),
    hostile: (r) => path(r).endsWith(":countTokens"),
  },
  {
    name: "copilot list_models (/models)",
    what: "model listing",
    env: () => ({ GH_COPILOT_TOKEN: CANARY.github }),
    request: (url) => ({ action: "list_models", provider: "copilot", params: COPILOT_PARAMS(url) }),
    hostile: (r) => path(r) === "/models",
    side: copilotExchange,
  },
  {
    name: "copilot token exchange",
    what: "credential answer",
    env: () => ({ GH_COPILOT_TOKEN: CANARY.github }),
    request: (url) => ({ action: "list_models", provider: "copilot", params: COPILOT_PARAMS(url) }),
    hostile: (r) => path(r) === "/copilot_internal/v2/token",
  },
  {
    name: "github device flow",
    what: "credential answer",
    env: () => ({}),
    request: (url) => ({ action: "authenticate", provider: "copilot", params: COPILOT_PARAMS(url) }),
    hostile: (r) => path(r) === "/login/device/code",
  },
  {
    // Its own reader and limit (src/actions/refresh-catalog.ts), on the same fetch path.
    name: "refresh_catalog",
    what: /refresh_catalog: the catalog from \S+ is larger than 32 MiB; stopped reading it; the catalog is unchanged/,
    env: () => ({}),
    request: (url) => ({ action: "refresh_catalog", provider: "anthropic", params: { url: `${url}/api.json` } }),
    hostile: (r) => path(r) === "/api.json",
  },
  // --- credential endpoints (src/auth/credential-http.ts)
  {
    name: "google service-account token_uri",
    what: "credential answer",
    env: (url, home) => ({
      ...NO_GOOGLE_METADATA,
      GOOGLE_APPLICATION_CREDENTIALS: writeFile(
        join(home, "sa.json"),
        JSON.stringify({
          type: "service_account",
          project_id: "test-project",
          private_key_id: "0123456789abcdef",
          private_key: googlePrivateKey(),
          client_email: "caller@test-project.iam.gserviceaccount.com",
          client_id: "1",
          token_uri: `${url}/token`,
        }),
      ),
    }),
    request: VERTEX_CHAT,
    hostile: (r) => path(r) === "/token",
  },
  {
    name: "google authorized_user token_uri",
    what: "credential answer",
    env: (url, home) => ({
      ...NO_GOOGLE_METADATA,
      GOOGLE_APPLICATION_CREDENTIALS: writeFile(
        join(home, "user.json"),
        JSON.stringify({
          type: "authorized_user",
          client_id: "1.apps.googleusercontent.com",
          client_secret: "CANARY.client.secret",
          refresh_token: "CANARY.refresh.token",
          token_uri: `${url}/token`,
        }),
      ),
    }),
    request: VERTEX_CHAT,
    hostile: (r) => path(r) === "/token",
  },
  {
    name: "google metadata server",
    what: "credential answer",
    env: (url) => ({ GCE_METADATA_HOST: url.replace(/^http:\/\//, "") }),
    request: VERTEX_CHAT,
    hostile: (r) => path(r).startsWith("/computeMetadata/"),
  },
  {
    name: "aws sts (web identity)",
    what: "credential answer",
    env: (url, home) => ({
      ...NO_IMDS,
      AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/plue",
      AWS_WEB_IDENTITY_TOKEN_FILE: writeFile(join(home, "web-identity"), "CANARY.web.identity.token"),
      AWS_ENDPOINT_URL_STS: url,
    }),
    request: BEDROCK_CHAT,
    hostile: (r) => r.method === "POST" && path(r) === "/",
  },
  {
    name: "aws sso portal",
    what: "credential answer",
    env: (url, home) => {
      const startUrl = "https://plue-test.awsapps.com/start";
      writeFile(
        join(home, ".aws", "config"),
        `[profile sso]\nsso_start_url = ${startUrl}\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = plue\nregion = us-east-1\n`,
      );
      const cacheName = createHash("sha1").update(startUrl).digest("hex");
      writeFile(
        join(home, ".aws", "sso", "cache", `${cacheName}.json`),
        JSON.stringify({ accessToken: "CANARY.sso.access.token", expiresAt: "2999-01-01T00:00:00Z", region: "us-east-1", startUrl }),
      );
      return { ...NO_IMDS, AWS_PROFILE: "sso", AWS_ENDPOINT_URL_SSO: url };
    },
    request: BEDROCK_CHAT,
    hostile: (r) => path(r) === "/federation/credentials",
  },
  {
    name: "aws instance metadata (IMDS)",
    what: "credential answer",
    env: (url) => ({ AWS_EC2_METADATA_SERVICE_ENDPOINT: url }),
    request: BEDROCK_CHAT,
    hostile: (r) => path(r) === "/latest/api/token",
  },
  {
    name: "aws container endpoint",
    what: "credential answer",
    env: (url) => ({ ...NO_IMDS, AWS_CONTAINER_CREDENTIALS_FULL_URI: `${url}/creds` }),
    request: BEDROCK_CHAT,
    hostile: (r) => path(r) === "/creds",
  },
];
