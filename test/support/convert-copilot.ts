// Dev tool, run by hand: `node_modules/.bin/bun test/support/convert-copilot.ts [corpus-dir]`.
// Turns the recorded GitHub Copilot traffic in shared/corpus/copilot (and one
// Anthropic stream re-served on Copilot's Messages route) into NDJSON
// cassettes under recordings/copilot/, adds the hand-written GitHub and
// Copilot scenarios no recording exists for, and rewrites the table in
// recordings/copilot/README.md between its markers. No test runs this; its
// output is committed. It reads shared/corpus only here.
import type { Cassette, Interaction } from "./cassette.ts";
import {
  type Json, type Provenance, chunks, handWritten, part, payloadLines, readGoVcr, readText, real, sseFromDataLines, toInteraction, writeCassettes,
} from "./convert-shared.ts";

const C = {
  deviceCode: "copilot/bk-rs-oauth2-rs/github-login-device-code.200.json",
  pending: "copilot/bk-rs-oauth2-rs/github-login-oauth-access_token.400.authorization_pending.json",
  token: "copilot/bk-rs-oauth2-rs/github-login-oauth-access_token.200.json",
  models: "copilot/codecompanion/model_list__copilot.json",
  text: "copilot/codecompanion/copilot_streaming.txt",
  tools: "copilot/codecompanion/copilot_tools_streaming.txt",
  reasoning: "copilot/codecompanion/copilot_tools_streaming_reasoning.txt",
  responses: "copilot/vercel-ai/github-copilot-id-rotation.1.chunks.txt",
  anthropic: "anthropic/fantasy/TestAnthropicCommon__claude-sonnet-4__simple_streaming.yaml",
} as const;

// The bk-rs transcription is listed in SOURCES.md under its own heading, without the per-file columns.
const BK_RS: Record<string, Json> = Object.fromEntries([C.deviceCode, C.pending, C.token].map((file) => [file, {
  source: "bk-rs/oauth2-rs",
  path: "providers/oauth2-github/docs/Device_Authorization_Grant.md",
  commit: "8cb570d7ca93bd1cf7c8945c887fdecd42ecf3f9",
  license: "Apache-2.0 OR MIT",
}]));

const DOC_DEVICE = "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#device-flow";
const DOC_DEVICE_ERRORS = "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#error-codes-for-the-device-flow";
const ZED = "https://github.com/zed-industries/zed/blob/002e0f5db183/crates/copilot_chat/src/copilot_chat.rs (ApiTokenResponse)";
const CAPI = "https://github.com/ericc-ch/copilot-api/blob/0ea08febdd7e/src/services/github/get-copilot-token.ts";
const NO_ACCESS = "https://github.com/aaamoon/copilot-gpt4-service/issues/113 (403 body quoted in full)";
const API_401 = "https://github.com/aaamoon/copilot-gpt4-service/issues/285 (401, text/plain, 45 bytes); https://github.com/anomalyco/opencode/issues/4992";
const NOT_SUPPORTED = "https://github.com/anomalyco/opencode/issues/2740, #12789, #13313 (\"The requested model is not supported.\", code model_not_supported)";
const GITHUB_REST_401 = "https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api (Bad credentials)";
const PI_POLICY = "field-notes (c): POST {base}/models/{id}/policy {\"state\":\"enabled\"} (pi-ai, badlogic/pi-mono)";

const JSON_TYPE = "application/json; charset=utf-8";
const SSE_TYPE = "text/event-stream";
const FORM = "application/x-www-form-urlencoded";
const CLIENT = "Iv1.b507a08c87ecfe98";
const REDACTED_AUTH = { authorization: "<redacted>" };
/** A fake Copilot token with the fields real ones carry (`;`-separated, proxy-ep names the API host). */
const FAKE_COPILOT_TOKEN = "tid=fake.not.a.copilot.token;exp=1763683900;sku=plus_monthly_subscriber_quota;proxy-ep=proxy.individual.githubcopilot.com;8kp=1:fake";

const deviceCodeRequest: Interaction["request"] = {
  method: "POST",
  path: "/login/device/code",
  headers: { accept: "application/json", "content-type": FORM },
  body: `client_id=${CLIENT}&scope=read%3Auser`,
};
const pollRequest: Interaction["request"] = {
  method: "POST",
  path: "/login/oauth/access_token",
  headers: { accept: "application/json", "content-type": FORM },
  body: `client_id=${CLIENT}&device_code=DEVICE_CODE__x*40&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code`,
};

function json(status: number, body: unknown, request: Interaction["request"], type = JSON_TYPE): Interaction {
  return { request, response: { status, headers: { "content-type": type } }, body: chunks(typeof body === "string" ? body : JSON.stringify(body)) };
}

function deviceError(error: string, description: string, extra: Json = {}): Json {
  return { error, error_description: description, error_uri: "https://docs.github.com/developers/apps/authorizing-oauth-apps#error-codes-for-the-device-flow", ...extra };
}

/** codecompanion removed the blank separator lines; put them back, and the `[DONE]` Copilot ends chat streams with where the stub lost it. */
function chatSse(corpusFile: string): string[] {
  const events = readText(corpusFile).split("\n").filter((line) => line.trim() !== "").map((line) => `${line}\n\n`);
  if (events[events.length - 1] !== "data: [DONE]\n\n") events.push("data: [DONE]\n\n");
  return events;
}

function chatRequest(path: string, model: string): Interaction["request"] {
  return { method: "POST", path, headers: { ...REDACTED_AUTH, "content-type": "application/json", "copilot-integration-id": "vscode-chat" }, body: { model, stream: true } };
}

function copilot(): Array<[string, Cassette]> {
  const out: Array<[string, Cassette]> = [];
  const add = (name: string, scenario: string, provenance: Provenance, interactions: Interaction[]) =>
    out.push([`copilot/${name}.ndjson`, { scenario: `copilot/${name}: ${scenario}`, provenance, interactions }]);

  // ------------------------------------------------------------ GitHub device flow
  const deviceCode = readText(C.deviceCode);
  const pending = readText(C.pending);
  const token = readText(C.token);
  const TRANSCRIPT = "Bodies are the bk-rs/oauth2-rs curl transcription (GitHub's field order and wording; device_code, user_code and access_token were replaced upstream by the placeholders DEVICE_CODE__x*40, XXXX-XXXX, x*40). Requests are ours (form-encoded with Accept: application/json, the VS Code Copilot client id and scope read:user); the transcript used another app and scope. Statuses as the author noted them (400 for authorization_pending).";
  add("device-flow", "device code (interval 5, expires_in 899), one authorization_pending (400), then the access token (200)",
    { ...BK_RS[C.deviceCode], corpus_file: `shared/corpus/${C.deviceCode}`, notes: TRANSCRIPT, request_hand_written: true, parts: [part(C.pending, "interaction 1 body", BK_RS), part(C.token, "interaction 2 body", BK_RS)] },
    [json(200, deviceCode, deviceCodeRequest), json(400, pending, pollRequest), json(200, token, pollRequest)]);

  const HAND_DEVICE = "Device code answer is the bk-rs transcription; the error answers follow GitHub's device-flow error table (error, error_description, error_uri; slow_down carries the new interval) with 400 as the transcription shows for authorization_pending. GitHub does not document the statuses.";
  add("device-flow-slow-down", "device code, slow_down (400, interval 10), authorization_pending, then the token",
    handWritten([DOC_DEVICE, DOC_DEVICE_ERRORS], HAND_DEVICE, [part(C.deviceCode, "interaction 0 body", BK_RS), part(C.pending, "interaction 2 body", BK_RS), part(C.token, "interaction 3 body", BK_RS)]),
    [json(200, deviceCode, deviceCodeRequest), json(400, deviceError("slow_down", "Too many requests have been made in the same timeframe.", { interval: 10 }), pollRequest), json(400, pending, pollRequest), json(200, token, pollRequest)]);
  add("device-flow-denied", "device code, then access_denied (the user pressed Cancel)",
    handWritten([DOC_DEVICE, DOC_DEVICE_ERRORS], HAND_DEVICE, [part(C.deviceCode, "interaction 0 body", BK_RS)]),
    [json(200, deviceCode, deviceCodeRequest), json(400, deviceError("access_denied", "The authorization request was denied."), pollRequest)]);
  add("device-flow-expired", "device code, then expired_token (the code was never entered)",
    handWritten([DOC_DEVICE, DOC_DEVICE_ERRORS], HAND_DEVICE, [part(C.deviceCode, "interaction 0 body", BK_RS)]),
    [json(200, deviceCode, deviceCodeRequest), json(400, deviceError("expired_token", "The device_code has expired."), pollRequest)]);

  // ------------------------------------------------------------ token exchange
  const exchange: Interaction["request"] = { method: "GET", path: "/copilot_internal/v2/token", headers: { ...REDACTED_AUTH, accept: "application/json", "editor-version": "vscode/1.104.1" } };
  const tokenExchange = json(200, {
    annotations_enabled: true, chat_enabled: true, chat_jetbrains_enabled: true, code_quote_enabled: true,
    endpoints: { api: "https://api.individual.githubcopilot.com", "origin-tracker": "https://origin-tracker.individual.githubcopilot.com", proxy: "https://proxy.individual.githubcopilot.com", telemetry: "https://telemetry.individual.githubcopilot.com" },
    expires_at: 1763683900, refresh_in: 1500, sku: "plus_monthly_subscriber_quota", token: FAKE_COPILOT_TOKEN,
  }, exchange);
  const TOKEN_NOTE = "No real capture exists (corpus SOURCES.md). Fields as zed's ApiTokenResponse and copilot-api read them (token, expires_at unix seconds, refresh_in seconds, endpoints{api, origin-tracker, proxy, telemetry}) plus chat_enabled and sku seen in community mocks; the token is a fake with the ;-separated layout (tid, exp, sku, proxy-ep).";
  add("token", "GET copilot_internal/v2/token -> token (fake, real field layout), expires_at, refresh_in 1500, endpoints.api",
    handWritten([ZED, CAPI], TOKEN_NOTE, []), [tokenExchange]);
  add("device-flow-quick", "the whole authenticate in three calls, for the conformance transcript: device code with interval 1, the access token at the first poll, the token exchange",
    handWritten([DOC_DEVICE, ZED, CAPI], `The device-flow bodies of device-flow.ndjson (bk-rs transcription) with the interval changed from 5 to 1 so the compiled binary polls after one second, and no authorization_pending; then the hand-written exchange of token.ndjson. ${TOKEN_NOTE}`,
      [part(C.deviceCode, "interaction 0 body (interval 5 → 1)", BK_RS), part(C.token, "interaction 1 body", BK_RS)]),
    [json(200, { ...(JSON.parse(deviceCode) as Json), interval: 1 }, deviceCodeRequest), json(200, token, pollRequest), tokenExchange]);
  add("token-401", "the GitHub token was revoked: the exchange answers 401 Bad credentials",
    handWritten([GITHUB_REST_401], "GitHub REST's standard 401 body for an unknown or revoked token.", []),
    [json(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" }, exchange)]);
  add("token-403-no-copilot", "an account without Copilot: 403 with error_details.notification_id no_copilot_access",
    handWritten([NO_ACCESS], "Body as quoted in the issue (the login name replaced by octocat).", []),
    [json(403, {
      error_details: { url: "https://github.com/github-copilot/signup?editor={EDITOR}", message: "No access to GitHub Copilot found. You are currently logged in as octocat.", title: "Signup for GitHub Copilot", notification_id: "no_copilot_access" },
      message: "Resource not accessible by integration",
    }, exchange)]);

  // ------------------------------------------------------------ Copilot API
  const models = JSON.parse(readText(C.models)) as Json;
  add("models", "GET /models: four models of three vendors (Anthropic on /v1/messages + chat with policy disabled, Google chat-only, OpenAI responses-only and responses + chat), billing multipliers and limits",
    real(C.models, "codecompanion's stub is pretty-printed (and possibly trimmed) by the project; re-serialised compactly, content unchanged. Request hand-written."),
    [json(200, models, { method: "GET", path: "/models", headers: REDACTED_AUTH })]);

  const STUB = "codecompanion stored the SSE lines without their blank separator lines; they were put back (one chunk per event) and `data: [DONE]` appended where the stub ends without it (copilot_tools_streaming.txt shows Copilot ends chat streams with it). The request was not recorded: method, path and model are ours.";
  add("chat-text", "Chat Completions stream (claude-3.7-sonnet): role repeated in every delta, usage on the finish chunk",
    real(C.text, STUB, { request_hand_written: true }), [{ request: chatRequest("/chat/completions", "claude-3.7-sonnet"), response: { status: 200, headers: { "content-type": SSE_TYPE } }, body: chunks(...chatSse(C.text)) }]);
  add("chat-tool-call", "Chat Completions stream (claude-3.7-sonnet): text then one tool call (weather, London), usage on the finish chunk",
    real(C.tools, STUB, { request_hand_written: true }), [{ request: chatRequest("/chat/completions", "claude-3.7-sonnet"), response: { status: 200, headers: { "content-type": SSE_TYPE } }, body: chunks(...chatSse(C.tools)) }]);
  add("chat-reasoning-tool", "Chat Completions stream (gemini-3-pro-preview): reasoning_text, reasoning_opaque, a whole tool call on the finish chunk, reasoning_tokens outside completion_tokens",
    real(C.reasoning, STUB, { request_hand_written: true }), [{ request: chatRequest("/chat/completions", "gemini-3-pro-preview"), response: { status: 200, headers: { "content-type": SSE_TYPE } }, body: chunks(...chatSse(C.reasoning)) }]);
  add("responses-id-rotation", "Responses stream (gpt-5.3-codex) whose item ids rotate on every event; copilot_usage on response.completed",
    real(C.responses, "vercel/ai keeps one data payload per line; SSE framing rebuilt with `event: <type>` lines (no [DONE], as Responses streams end with response.completed). The request was not recorded: method, path and model are ours.", { request_hand_written: true }),
    [{ request: chatRequest("/responses", "gpt-5.3-codex"), response: { status: 200, headers: { "content-type": SSE_TYPE } }, body: chunks(...sseFromDataLines(payloadLines(C.responses))) }]);

  const anthropic = readGoVcr(C.anthropic).map(toInteraction)[0]!;
  add("messages-text", "Anthropic Messages stream on Copilot's /v1/messages (a real Anthropic claude-sonnet-4 stream re-served there)",
    handWritten(["https://github.com/zed-industries/zed/blob/002e0f5db183/crates/copilot_chat/src/copilot_chat.rs (ModelSupportedEndpoint /v1/messages)", "field-notes (c): Claude models whose supported_endpoints include /v1/messages"],
      "No Copilot /v1/messages capture exists; Copilot serves the Anthropic Messages format there, so the body is a real Anthropic stream (bytes unchanged, one chunk per event) under our request.",
      [part(C.anthropic, "response body")]),
    [{ request: chatRequest("/v1/messages", "claude-opus-4.7"), response: anthropic.response, body: anthropic.body }]);

  add("policy-enable", "POST /models/{id}/policy {\"state\":\"enabled\"} -> 200 (the model's terms accepted)",
    handWritten([PI_POLICY], "Request as field-notes describe pi-ai's call (openai-intent and x-interaction-type chat-policy); the 200 answer body is not documented anywhere we found, so it is the echoed state only.", []),
    [json(200, { state: "enabled" }, { method: "POST", path: "/models/claude-opus-4.7/policy", headers: { ...REDACTED_AUTH, "openai-intent": "chat-policy", "x-interaction-type": "chat-policy" }, body: { state: "enabled" } })]);
  add("model-not-supported-400", "a model the account cannot use on this endpoint -> 400 model_not_supported",
    handWritten([NOT_SUPPORTED], "OpenAI-style error envelope with the wording users quote; param/type as Copilot's other invalid-request errors.", []),
    [json(400, { error: { message: "The requested model is not supported.", code: "model_not_supported", param: "model", type: "invalid_request_error" } }, chatRequest("/chat/completions", "gpt-9-imaginary"))]);
  add("error-401", "the Copilot token expired mid-work -> 401 text/plain 'unauthorized: token expired'",
    handWritten([API_401], "The issue records a 401 with a 45-byte text/plain body; the wording is what users quote (\"Unauthorized: token expired\").", []),
    [json(401, "unauthorized: token expired\n", chatRequest("/chat/completions", "claude-3.7-sonnet"), "text/plain; charset=utf-8")]);
  return out;
}

writeCassettes(copilot(), "copilot-cassettes", "Copilot ", "copilot/README.md");
