/**
 * Which source wins when several are configured: every source is live
 * (loopback token endpoint, loopback metadata server) and hands out its own
 * token, so the token returned names the source that was used.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createGoogleCredentialResolver } from "../../../src/auth/google-credentials.ts";
import type { BridgeError } from "../../../src/protocol/errors.ts";
import type { ProviderParams } from "../../../src/protocol/request.ts";
import { googleDeps, never, register, serviceAccountJson, startMetadataServer, startTokenEndpoint, testKey, type FakeServer, type TokenEndpoint } from "./fakes.ts";

const HOME_ADC = "/home/u/.config/gcloud/application_default_credentials.json";
const APPDATA = "C:\\Users\\u\\AppData\\Roaming";
const APPDATA_ADC = `${APPDATA}/gcloud/application_default_credentials.json`;
const KEY_FILE = "/keys/sa.json";
const USER = { client_id: "client.apps.googleusercontent.com", client_secret: "user-client-secret", refresh_token: "1//user-refresh-token" };

let endpoint: TokenEndpoint;
let metadata: FakeServer;
let files: { paramsKey: Record<string, unknown>; envKey: string; user: string; otherUser: string };

beforeAll(async () => {
  endpoint = await startTokenEndpoint();
  metadata = await startMetadataServer({ token: "ya29.from-metadata" });
  const paramsKey = serviceAccountJson(testKey(0), endpoint.tokenUri, { client_email: "params@p.iam.gserviceaccount.com" });
  const envKey = serviceAccountJson(testKey(0), endpoint.tokenUri, { client_email: "env@p.iam.gserviceaccount.com" });
  register(endpoint, paramsKey, testKey(0).publicPem, "ya29.from-params-key");
  register(endpoint, envKey, testKey(0).publicPem, "ya29.from-env-key");
  endpoint.users.push({ ...USER, token: "ya29.from-gcloud-user" });
  endpoint.users.push({ ...USER, client_id: "other.apps.googleusercontent.com", token: "ya29.from-appdata-user" });
  files = {
    paramsKey,
    envKey: JSON.stringify(envKey),
    user: JSON.stringify({ type: "authorized_user", ...USER, token_uri: endpoint.tokenUri }),
    otherUser: JSON.stringify({ type: "authorized_user", ...USER, client_id: "other.apps.googleusercontent.com", token_uri: endpoint.tokenUri }),
  };
});
afterAll(async () => {
  await endpoint.close();
  await metadata.close();
});

interface Setup {
  params?: "service_account" | "access_token";
  gac?: "service_account" | "authorized_user";
  homeAdc?: boolean;
  appdataAdc?: boolean;
  metadata?: boolean;
  home?: null;
}

const ORDER: Array<[string, Setup, string]> = [
  ["everything: params key first", { params: "service_account", gac: "service_account", homeAdc: true, metadata: true }, "ya29.from-params-key"],
  ["params access token, used as given", { params: "access_token", gac: "service_account", homeAdc: true, metadata: true }, "ya29.params-access-token"],
  ["no params: GOOGLE_APPLICATION_CREDENTIALS before gcloud", { gac: "service_account", homeAdc: true, metadata: true }, "ya29.from-env-key"],
  ["GOOGLE_APPLICATION_CREDENTIALS may name an authorized_user file", { gac: "authorized_user", metadata: true }, "ya29.from-gcloud-user"],
  ["gcloud ADC before the metadata server", { homeAdc: true, metadata: true }, "ya29.from-gcloud-user"],
  ["~/.config/gcloud before %APPDATA%\\gcloud", { homeAdc: true, appdataAdc: true }, "ya29.from-gcloud-user"],
  ["%APPDATA%\\gcloud when there is no home file", { appdataAdc: true, metadata: true }, "ya29.from-appdata-user"],
  ["%APPDATA%\\gcloud with no home directory at all", { appdataAdc: true, home: null }, "ya29.from-appdata-user"],
  ["the metadata server last", { metadata: true }, "ya29.from-metadata"],
];

function depsFor(setup: Setup) {
  const env: Record<string, string> = {};
  const fileMap: Record<string, string> = {};
  if (setup.gac !== undefined) {
    env.GOOGLE_APPLICATION_CREDENTIALS = KEY_FILE;
    fileMap[KEY_FILE] = setup.gac === "service_account" ? files.envKey : files.user;
  }
  if (setup.homeAdc) fileMap[HOME_ADC] = files.user;
  if (setup.appdataAdc) {
    env.APPDATA = APPDATA;
    fileMap[APPDATA_ADC] = files.otherUser;
  }
  if (setup.metadata) env.GCE_METADATA_HOST = metadata.url.replace("http://", "");
  return googleDeps({ env, files: fileMap, ...(setup.home === null && { home: null }) });
}

function paramsFor(setup: Setup): ProviderParams {
  if (setup.params === "service_account") return { credentials: { service_account: files.paramsKey } };
  if (setup.params === "access_token") return { credentials: { access_token: "ya29.params-access-token" } };
  return {};
}

describe("source order", () => {
  for (const [name, setup, token] of ORDER) {
    test(name, async () => {
      const before = { endpoint: endpoint.calls.length, metadata: metadata.calls.length };
      const access = await createGoogleCredentialResolver(depsFor(setup), { metadataTimeoutMs: 500 }).resolve(paramsFor(setup), never);
      expect(access.token).toBe(token);
      // Sources after the winner are never called.
      if (token !== "ya29.from-metadata") expect(metadata.calls.length).toBe(before.metadata);
      if (setup.params === "access_token") expect(endpoint.calls.length).toBe(before.endpoint);
    });
  }

  test("nothing configured → AUTH_REQUIRED listing every place tried", async () => {
    const error = (await createGoogleCredentialResolver(googleDeps({}))
      .resolve({}, never)
      .catch((thrown: unknown) => thrown)) as BridgeError;
    expect(error.code).toBe("AUTH_REQUIRED");
    expect(error.message).toBe(
      "no Google credentials found; tried params.credentials; GOOGLE_APPLICATION_CREDENTIALS (not set); " +
        `gcloud application default credentials (${HOME_ADC} not found); the GCE metadata server (METADATA_SERVER_DETECTION=none). ` +
        "To fix: run `gcloud auth application-default login`, set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, " +
        "or pass params.credentials.service_account or params.credentials.access_token",
    );
  });

  test("no home directory is said so", async () => {
    const error = (await createGoogleCredentialResolver(googleDeps({ home: null }))
      .resolve({}, never)
      .catch((thrown: unknown) => thrown)) as BridgeError;
    expect(error.message).toContain("gcloud application default credentials (no home directory known)");
  });
});

describe("params.credentials", () => {
  const INVALID: Array<[string, Record<string, unknown>, string, string]> = [
    ["both kinds", { service_account: {}, access_token: "ya29.x-token" }, "params.credentials", "params.credentials: give either service_account or access_token, not both"],
    ["neither", { api_key: "AIzaSomething" }, "params.credentials", "params.credentials: expected service_account (the key JSON, as an object or a string) or access_token"],
    ["an empty access_token", { access_token: " " }, "params.credentials.access_token", "params.credentials.access_token: must be a non-empty string"],
    ["a numeric access_token", { access_token: 5 }, "params.credentials.access_token", "params.credentials.access_token: must be a non-empty string"],
  ];
  for (const [name, credentials, field, message] of INVALID) {
    test(`${name} → INVALID_REQUEST`, async () => {
      const error = (await createGoogleCredentialResolver(googleDeps({}))
        .resolve({ credentials }, never)
        .catch((thrown: unknown) => thrown)) as BridgeError;
      expect(error.code).toBe("INVALID_REQUEST");
      expect(error.field).toBe(field);
      expect(error.message).toBe(message);
    });
  }

  test("an access token carries GOOGLE_CLOUD_QUOTA_PROJECT, and is marked as the only one there is", async () => {
    const access = await createGoogleCredentialResolver(googleDeps({ env: { GOOGLE_CLOUD_QUOTA_PROJECT: "quota-p" } })).resolve(
      { credentials: { access_token: "ya29.given-token" } },
      never,
    );
    expect(access).toEqual({ token: "ya29.given-token", quotaProject: "quota-p", fixed: true });
  });
});
