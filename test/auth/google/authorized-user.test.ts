/**
 * gcloud's `authorized_user` application-default credentials through the
 * refresh-token grant, against the loopback token endpoint (which checks
 * every form field).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createGoogleCredentialResolver, googleAuthHeaders } from "../../../src/auth/google-credentials.ts";
import type { BridgeError } from "../../../src/protocol/errors.ts";
import { googleDeps, never, startTokenEndpoint, type TokenEndpoint } from "./fakes.ts";

const ADC = "/home/u/.config/gcloud/application_default_credentials.json";
const USER = {
  client_id: "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com",
  client_secret: "d-FL95Q19q7MQmFpd7hHD0Ty",
  refresh_token: "1//0gUserRefreshTokenValue-abcdefghijklmnop",
};

let endpoint: TokenEndpoint;
beforeAll(async () => {
  endpoint = await startTokenEndpoint();
  endpoint.users.push({ ...USER, token: "ya29.user-token" });
});
afterAll(() => endpoint.close());

const adcFile = (extra: Record<string, unknown> = {}): string => JSON.stringify({ type: "authorized_user", ...USER, token_uri: endpoint.tokenUri, ...extra });

test("refresh-token grant with exactly grant_type, client_id, client_secret, refresh_token", async () => {
  const before = endpoint.calls.length;
  const access = await createGoogleCredentialResolver(googleDeps({ files: { [ADC]: adcFile() } })).resolve({}, never);
  expect(access).toEqual({ token: "ya29.user-token" });
  const call = endpoint.calls[before]!;
  expect(call.method).toBe("POST");
  expect(call.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  expect(Object.fromEntries(new URLSearchParams(call.body))).toEqual({ grant_type: "refresh_token", ...USER });
});

test("quota_project_id becomes quotaProject and the x-goog-user-project header; GOOGLE_CLOUD_QUOTA_PROJECT overrides it", async () => {
  const files = { [ADC]: adcFile({ quota_project_id: "billing-project" }) };
  const access = await createGoogleCredentialResolver(googleDeps({ files })).resolve({}, never);
  expect(access).toEqual({ token: "ya29.user-token", quotaProject: "billing-project" });
  expect(googleAuthHeaders(access)).toEqual({ authorization: "Bearer ya29.user-token", "x-goog-user-project": "billing-project" });
  const overridden = await createGoogleCredentialResolver(googleDeps({ files, env: { GOOGLE_CLOUD_QUOTA_PROJECT: "env-quota" } })).resolve({}, never);
  expect(overridden.quotaProject).toBe("env-quota");
  expect(googleAuthHeaders({ token: "t" })).toEqual({ authorization: "Bearer t" });
});

test("CLOUDSDK_CONFIG replaces ~/.config/gcloud", async () => {
  const deps = googleDeps({ env: { CLOUDSDK_CONFIG: "/etc/gcloud-ci/" }, files: { "/etc/gcloud-ci/application_default_credentials.json": adcFile(), [ADC]: "not json" } });
  expect((await createGoogleCredentialResolver(deps).resolve({}, never)).token).toBe("ya29.user-token");
});

test("a revoked or expired login → AUTH_FAILED with Google's reason and the way out", async () => {
  const error = (await createGoogleCredentialResolver(googleDeps({ files: { [ADC]: adcFile({ refresh_token: "1//0gRevokedRefreshToken-000000" }) } }))
    .resolve({}, never)
    .catch((thrown: unknown) => thrown)) as BridgeError;
  expect(error.code).toBe("AUTH_FAILED");
  expect(error.providerType).toBe("invalid_grant");
  expect(error.message).toBe(
    `user credentials of OAuth client ${USER.client_id} (gcloud ADC ${ADC}): the token endpoint answered HTTP 400: ` +
      "invalid_grant: Token has been expired or revoked.; run `gcloud auth application-default login` to sign in again",
  );
  expect(error.message).not.toContain("RevokedRefreshToken");
});

test("an unknown client → AUTH_FAILED invalid_client (HTTP 401)", async () => {
  const error = (await createGoogleCredentialResolver(googleDeps({ files: { [ADC]: adcFile({ client_id: "other.apps.googleusercontent.com" }) } }))
    .resolve({}, never)
    .catch((thrown: unknown) => thrown)) as BridgeError;
  expect(error.code).toBe("AUTH_FAILED");
  expect(error.status).toBe(401);
  expect(error.message).toContain("HTTP 401: invalid_client: The OAuth client was not found.");
  expect(error.message).not.toContain(USER.client_secret);
});

const MALFORMED: Array<[string, Record<string, unknown>, string]> = [
  ["missing refresh_token", { refresh_token: undefined }, "missing refresh_token"],
  ["missing client_id and client_secret", { client_id: undefined, client_secret: "" }, "missing client_id, client_secret"],
  ["plain-http token_uri", { token_uri: "http://oauth.example.com/token" }, "token_uri must be an https URL"],
];
for (const [name, extra, problem] of MALFORMED) {
  test(`${name} → AUTH_FAILED naming the gcloud file`, async () => {
    const before = endpoint.calls.length;
    const error = (await createGoogleCredentialResolver(googleDeps({ files: { [ADC]: adcFile(extra) } }))
      .resolve({}, never)
      .catch((thrown: unknown) => thrown)) as BridgeError;
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toBe(`gcloud application default credentials ${ADC}: ${problem}`);
    expect(endpoint.calls.length).toBe(before);
  });
}

test("the default token_uri is Google's", async () => {
  let url = "";
  const deps = googleDeps({ files: { [ADC]: JSON.stringify({ type: "authorized_user", ...USER }) } });
  deps.fetch = (async (input: RequestInfo | URL) => {
    url = new Request(input).url;
    return new Response('{"access_token":"ya29.default-uri","expires_in":3599}');
  }) as typeof fetch;
  expect((await createGoogleCredentialResolver(deps).resolve({}, never)).token).toBe("ya29.default-uri");
  expect(url).toBe("https://oauth2.googleapis.com/token");
});
