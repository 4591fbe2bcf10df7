// Dev tool, run by hand: `node_modules/.bin/bun test/support/convert-copilot.ts [corpus-dir]`.
// Turns the recorded GitHub Copilot traffic in shared/corpus/copilot (and one
// Anthropic stream re-served on Copilot's Messages route) into NDJSON
// cassettes under recordings/copilot/, adds the hand-written GitHub and
// Copilot scenarios no recording exists for, and rewrites the table in
// recordings/copilot/README.md between its markers. No test runs this; its
// output is committed. It reads shared/corpus only here.
import type { Cassette, Interaction } from "./cassette.ts";
import {
  type Json,
  type Provenance,
  chunks,
  handWritten,
  part,
  payloadLines,
  readGoVcr,
  readText,
  real,
  sseFromDataLines,
  toInteraction,
  writeCassettes,
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
const BK_RS: Record<string, Json> = Object.fromEntries(
  [C.deviceCode, C.pending, C.token].map((file) => [
    file,
    {
      source: "bk-rs/oauth2-rs",
      path: "providers/oauth2-github/docs/Device_Authorization_Grant.md",
      commit: "8cb570d7ca93bd1cf7c8945c887fdecd42ecf3f9",
      license: "Apache-2.0 OR MIT",
    },
  ]),
);

const DOC_DEVICE = "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#device-flow";
const DOC_DEVICE_ERRORS = "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#error-codes-for-the-device-flow";
const ZED = "https://github.com/zed-industries/zed/blob/002e0f5db183/crates/copilot_chat/src/copilot_chat.rs (ApiTokenResponse)";
const CAPI = "https://github.com/ericc-ch/copilot-api/blob/0ea08febdd7e/src/services/github/get-copilot-token.ts";
const NO_ACCESS = "https://github.com/aaamoon/copilot-gpt4-service/issues/113 (403 body quoted in full)";
const API_401 = "https://github.com/aaamoon/copilot-gpt4-service/issues/285 (401, text/plain, 45 bytes); https://github.com/anomalyco/opencode/issues/4992";
const NOT_SUPPORTED = 'https://github.com/anomalyco/opencode/issues/2740, #12789, #13313 ("The requested model is not supported.", code model_not_supported)';
const GITHUB_REST_401 = "https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api (Bad credentials)";
const PI_POLICY =
  'https://github.com/earendil-works/pi/blob/0cf9a35244e8/packages/ai/src/utils/oauth/github-copilot.ts (pi-ai\'s enableGitHubCopilotModel, same file in badlogic/pi-mono: POST {base}/models/{id}/policy {"state":"enabled"}, openai-intent and x-interaction-type chat-policy, for every model after login)';
const VSCODE_TOKEN_PRICES =
  "https://github.com/microsoft/vscode/blob/08d05b0b07cc/extensions/copilot/src/platform/endpoint/common/endpointProvider.ts (IModelBilling.token_prices: {batch_size, default, long_context?}, each tier {input_price, output_price, cache_price, context_max?})";
const OPENCODE_PRICES =
  'https://github.com/anomalyco/opencode/blob/09dfc4c90885/packages/opencode/src/plugin/github-copilot/models.ts ("Copilot prices are AIC per billing batch"; cache_write_price optional)';
const DOCS_PRICING = "https://docs.github.com/en/copilot/reference/copilot-billing/models-and-pricing (per-token prices per 1M tokens; 1 AI credit = $0.01)";
const VSCODE_CREDITS =
  "https://github.com/microsoft/vscode/blob/1554f87291a0/src/vs/platform/agentHost/node/claude/claudeProxyService.ts (copilot_usage.total_nano_aiu on the /v1/messages SSE stream, in nano-AIU, 1 credit = 1e9 nano-AIU)";
const TOKEN_DETAILS =
  "recordings/copilot/responses-id-rotation.ndjson (vercel/ai capture: copilot_usage {token_details [{batch_size, cost_per_batch, token_count, token_type}], total_nano_aiu})";

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
  const events = readText(corpusFile)
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => `${line}\n\n`);
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
  const TRANSCRIPT =
    "Bodies are the bk-rs/oauth2-rs curl transcription (GitHub's field order and wording; device_code, user_code and access_token were replaced upstream by the placeholders DEVICE_CODE__x*40, XXXX-XXXX, x*40). Requests are ours (form-encoded with Accept: application/json, the VS Code Copilot client id and scope read:user); the transcript used another app and scope. Statuses as the author noted them (400 for authorization_pending).";
  add(
    "device-flow",
    "device code (interval 5, expires_in 899), one authorization_pending (400), then the access token (200)",
    {
      ...BK_RS[C.deviceCode],
      corpus_file: `shared/corpus/${C.deviceCode}`,
      notes: TRANSCRIPT,
      request_hand_written: true,
      parts: [part(C.pending, "interaction 1 body", BK_RS), part(C.token, "interaction 2 body", BK_RS)],
    },
    [json(200, deviceCode, deviceCodeRequest), json(400, pending, pollRequest), json(200, token, pollRequest)],
  );

  const HAND_DEVICE =
    "Device code answer is the bk-rs transcription; the error answers follow GitHub's device-flow error table (error, error_description, error_uri; slow_down carries the new interval) with 400 as the transcription shows for authorization_pending. GitHub does not document the statuses.";
  add(
    "device-flow-slow-down",
    "device code, slow_down (400, interval 10), authorization_pending, then the token",
    handWritten([DOC_DEVICE, DOC_DEVICE_ERRORS], HAND_DEVICE, [
      part(C.deviceCode, "interaction 0 body", BK_RS),
      part(C.pending, "interaction 2 body", BK_RS),
      part(C.token, "interaction 3 body", BK_RS),
    ]),
    [
      json(200, deviceCode, deviceCodeRequest),
      json(400, deviceError("slow_down", "Too many requests have been made in the same timeframe.", { interval: 10 }), pollRequest),
      json(400, pending, pollRequest),
      json(200, token, pollRequest),
    ],
  );
  add(
    "device-flow-denied",
    "device code, then access_denied (the user pressed Cancel)",
    handWritten([DOC_DEVICE, DOC_DEVICE_ERRORS], HAND_DEVICE, [part(C.deviceCode, "interaction 0 body", BK_RS)]),
    [json(200, deviceCode, deviceCodeRequest), json(400, deviceError("access_denied", "The authorization request was denied."), pollRequest)],
  );
  add(
    "device-flow-expired",
    "device code, then expired_token (the code was never entered)",
    handWritten([DOC_DEVICE, DOC_DEVICE_ERRORS], HAND_DEVICE, [part(C.deviceCode, "interaction 0 body", BK_RS)]),
    [json(200, deviceCode, deviceCodeRequest), json(400, deviceError("expired_token", "The device_code has expired."), pollRequest)],
  );

  // ------------------------------------------------------------ token exchange
  const exchange: Interaction["request"] = {
    method: "GET",
    path: "/copilot_internal/v2/token",
    headers: { ...REDACTED_AUTH, accept: "application/json", "editor-version": "vscode/1.104.1" },
  };
  const tokenExchange = json(
    200,
    {
      annotations_enabled: true,
      chat_enabled: true,
      chat_jetbrains_enabled: true,
      code_quote_enabled: true,
      endpoints: {
        api: "https://api.individual.githubcopilot.com",
        "origin-tracker": "https://origin-tracker.individual.githubcopilot.com",
        proxy: "https://proxy.individual.githubcopilot.com",
        telemetry: "https://telemetry.individual.githubcopilot.com",
      },
      expires_at: 1763683900,
      refresh_in: 1500,
      sku: "plus_monthly_subscriber_quota",
      token: FAKE_COPILOT_TOKEN,
    },
    exchange,
  );
  const TOKEN_NOTE =
    "No real capture exists (corpus SOURCES.md). Fields as zed's ApiTokenResponse and copilot-api read them (token, expires_at unix seconds, refresh_in seconds, endpoints{api, origin-tracker, proxy, telemetry}) plus chat_enabled and sku seen in community mocks; the token is a fake with the ;-separated layout (tid, exp, sku, proxy-ep).";
  add("token", "GET copilot_internal/v2/token -> token (fake, real field layout), expires_at, refresh_in 1500, endpoints.api", handWritten([ZED, CAPI], TOKEN_NOTE, []), [
    tokenExchange,
  ]);
  add(
    "device-flow-quick",
    "the whole authenticate in three calls, for the conformance transcript: device code with interval 1, the access token at the first poll, the token exchange",
    handWritten(
      [DOC_DEVICE, ZED, CAPI],
      `The device-flow bodies of device-flow.ndjson (bk-rs transcription) with the interval changed from 5 to 1 so the compiled binary polls after one second, and no authorization_pending; then the hand-written exchange of token.ndjson. ${TOKEN_NOTE}`,
      [part(C.deviceCode, "interaction 0 body (interval 5 → 1)", BK_RS), part(C.token, "interaction 1 body", BK_RS)],
    ),
    [json(200, { ...(JSON.parse(deviceCode) as Json), interval: 1 }, deviceCodeRequest), json(200, token, pollRequest), tokenExchange],
  );
  add(
    "token-401",
    "the GitHub token was revoked: the exchange answers 401 Bad credentials",
    handWritten([GITHUB_REST_401], "GitHub REST's standard 401 body for an unknown or revoked token.", []),
    [json(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" }, exchange)],
  );
  add(
    "token-403-no-copilot",
    "an account without Copilot: 403 with error_details.notification_id no_copilot_access",
    handWritten([NO_ACCESS], "Body as quoted in the issue (the login name replaced by octocat).", []),
    [
      json(
        403,
        {
          error_details: {
            url: "https://github.com/github-copilot/signup?editor={EDITOR}",
            message: "No access to GitHub Copilot found. You are currently logged in as octocat.",
            title: "Signup for GitHub Copilot",
            notification_id: "no_copilot_access",
          },
          message: "Resource not accessible by integration",
        },
        exchange,
      ),
    ],
  );

  // ------------------------------------------------------------ Copilot API
  const models = JSON.parse(readText(C.models)) as Json;
  add(
    "models",
    "GET /models: four models of three vendors (Anthropic on /v1/messages + chat with policy disabled, Google chat-only, OpenAI responses-only and responses + chat), billing multipliers and limits",
    real(C.models, "codecompanion's stub is pretty-printed (and possibly trimmed) by the project; re-serialised compactly, content unchanged. Request hand-written."),
    [json(200, models, { method: "GET", path: "/models", headers: REDACTED_AUTH })],
  );

  // Prices in AI credits per 1M tokens: the providers' list prices in cents (claude-opus-4.7 as the Anthropic catalog,
  // gemini-3.1-pro-preview with Google's tier above 200k prompt tokens, gpt-5.4 with OpenAI's above 272k, gpt-5.3-codex as
  // the recorded copilot_usage of responses-id-rotation bills it). gpt-5.4 uses the spellings another capture shows.
  const tokenPrices: Record<string, Json> = {
    "claude-opus-4.7": { batch_size: 1_000_000, default: { input_price: 500, output_price: 2500, cache_price: 50, cache_write_price: 625 } },
    "gemini-3.1-pro-preview": {
      batch_size: 1_000_000,
      default: { input_price: 200, output_price: 1200, cache_price: 20, context_max: 200_000 },
      long_context: { input_price: 400, output_price: 1800, cache_price: 40, context_max: 1_000_000 },
    },
    "gpt-5.3-codex": { batch_size: 1_000_000, default: { input_price: 175, output_price: 1400, cache_price: 17.5 } },
    "gpt-5.4": {
      batch_size: 1_000_000,
      default: { input_price: 250, output_price: 1500, cache_read_price: 25, max_prompt_tokens: 272_000 },
      long_context: { input_price: 500, output_price: 2250, cache_read_price: 50, max_prompt_tokens: 922_000 },
    },
  };
  const priced = {
    ...models,
    data: (models["data"] as Json[]).map((model) => {
      const billing = model["billing"] as Json;
      return { ...model, billing: { restricted_to: billing["restricted_to"], token_prices: tokenPrices[model["id"] as string] } };
    }),
  };
  add(
    "models-token-prices",
    "GET /models after the move to AI credits: the four models of models.ndjson with billing.token_prices (AI credits per batch, default and long-context tiers) instead of premium-request multipliers",
    handWritten(
      [
        VSCODE_TOKEN_PRICES,
        OPENCODE_PRICES,
        DOCS_PRICING,
        "a /models capture quoted in a design note of the code index: billing {restricted_to, token_prices {batch_size, default {input_price, output_price, cache_read_price, cache_write_price, max_prompt_tokens}, long_context {…}}}",
      ],
      "No public /models capture with token prices for these models exists. The entries are models.ndjson's (codecompanion) with billing replaced: restricted_to kept, is_premium and multiplier dropped (a capture says they are gone from billing under AI credits), token_prices in VS Code's shape with the providers' list prices in AI credits per 1M tokens; gpt-5.4's tiers use the cache_read_price and max_prompt_tokens spellings of another capture. The long-context context_max values are illustrative.",
      [part(C.models, "model entries (billing replaced)")],
    ),
    [json(200, priced, { method: "GET", path: "/models", headers: REDACTED_AUTH })],
  );

  const STUB =
    "codecompanion stored the SSE lines without their blank separator lines; they were put back (one chunk per event) and `data: [DONE]` appended where the stub ends without it (copilot_tools_streaming.txt shows Copilot ends chat streams with it). The request was not recorded: method, path and model are ours.";
  add("chat-text", "Chat Completions stream (claude-3.7-sonnet): role repeated in every delta, usage on the finish chunk", real(C.text, STUB, { request_hand_written: true }), [
    { request: chatRequest("/chat/completions", "claude-3.7-sonnet"), response: { status: 200, headers: { "content-type": SSE_TYPE } }, body: chunks(...chatSse(C.text)) },
  ]);
  add(
    "chat-tool-call",
    "Chat Completions stream (claude-3.7-sonnet): text then one tool call (weather, London), usage on the finish chunk",
    real(C.tools, STUB, { request_hand_written: true }),
    [{ request: chatRequest("/chat/completions", "claude-3.7-sonnet"), response: { status: 200, headers: { "content-type": SSE_TYPE } }, body: chunks(...chatSse(C.tools)) }],
  );
  add(
    "chat-reasoning-tool",
    "Chat Completions stream (gemini-3-pro-preview): reasoning_text, reasoning_opaque, a whole tool call on the finish chunk, reasoning_tokens outside completion_tokens",
    real(C.reasoning, STUB, { request_hand_written: true }),
    [
      {
        request: chatRequest("/chat/completions", "gemini-3-pro-preview"),
        response: { status: 200, headers: { "content-type": SSE_TYPE } },
        body: chunks(...chatSse(C.reasoning)),
      },
    ],
  );
  add(
    "responses-id-rotation",
    "Responses stream (gpt-5.3-codex) whose item ids rotate on every event; copilot_usage on response.completed",
    real(
      C.responses,
      "vercel/ai keeps one data payload per line; SSE framing rebuilt with `event: <type>` lines (no [DONE], as Responses streams end with response.completed). The request was not recorded: method, path and model are ours.",
      { request_hand_written: true },
    ),
    [
      {
        request: chatRequest("/responses", "gpt-5.3-codex"),
        response: { status: 200, headers: { "content-type": SSE_TYPE } },
        body: chunks(...sseFromDataLines(payloadLines(C.responses))),
      },
    ],
  );

  // claude-3.7-sonnet at Anthropic's list price ($3 / $0.30 / $3.75 / $15 per 1M): 394 × 300,000 + 22 × 1,500,000 nano-AIU.
  const chatUsage = {
    token_details: [
      { batch_size: 1_000_000, cost_per_batch: 300_000_000_000, token_count: 394, token_type: "input" },
      { batch_size: 1_000_000, cost_per_batch: 30_000_000_000, token_count: 0, token_type: "cache_read" },
      { batch_size: 1_000_000, cost_per_batch: 375_000_000_000, token_count: 0, token_type: "cache_write" },
      { batch_size: 1_000_000, cost_per_batch: 1_500_000_000_000, token_count: 22, token_type: "output" },
    ],
    total_nano_aiu: 151_200_000,
  };
  const chatEvents = chatSse(C.text);
  const last = JSON.parse(chatEvents[chatEvents.length - 2]!.slice("data: ".length)) as Json;
  const usageChunk = `data: ${JSON.stringify({ choices: [], copilot_usage: chatUsage, created: last["created"], id: last["id"], model: last["model"] })}\n\n`;
  add(
    "chat-copilot-usage",
    "Chat Completions stream (claude-3.7-sonnet) of chat-text with Copilot's copilot_usage (151,200,000 nano-AIU) on a chunk of its own after the finish chunk",
    handWritten(
      [TOKEN_DETAILS, DOCS_PRICING, "https://docs.github.com/en/copilot/concepts/billing/usage-based-billing-for-individuals"],
      `The real stream of chat-text (${STUB}) with one chunk added before [DONE]: choices [] and copilot_usage in the recorded Responses shape, billing the finish chunk's usage (394 prompt, 22 completion tokens) at claude-3.7-sonnet's list price. Where Copilot puts the block on a Chat Completions stream is not documented (proxies read it beside usage); a chunk of its own after the finish reason is the order that needs the most care.`,
      [part(C.text, "stream (one chunk added)")],
    ),
    [
      {
        request: chatRequest("/chat/completions", "claude-3.7-sonnet"),
        response: { status: 200, headers: { "content-type": SSE_TYPE } },
        body: chunks(...chatEvents.slice(0, -1), usageChunk, chatEvents[chatEvents.length - 1]!),
      },
    ],
  );

  const anthropic = readGoVcr(C.anthropic).map(toInteraction)[0]!;
  add(
    "messages-text",
    "Anthropic Messages stream on Copilot's /v1/messages (a real Anthropic claude-sonnet-4 stream re-served there)",
    handWritten(
      [
        "https://github.com/zed-industries/zed/blob/002e0f5db183/crates/copilot_chat/src/copilot_chat.rs (ModelSupportedEndpoint /v1/messages)",
        'https://github.com/anomalyco/opencode/blob/09dfc4c90885/packages/opencode/src/plugin/github-copilot/models.ts (supported_endpoints includes "/v1/messages" -> the Anthropic provider on {base}/v1)',
        'recordings/copilot/models.ndjson (claude-opus-4.7: supported_endpoints ["/v1/messages","/chat/completions"])',
      ],
      "No Copilot /v1/messages capture exists; Copilot serves the Anthropic Messages format there, so the body is a real Anthropic stream (bytes unchanged, one chunk per event) under our request.",
      [part(C.anthropic, "response body")],
    ),
    [{ request: chatRequest("/v1/messages", "claude-opus-4.7"), response: anthropic.response, body: anthropic.body }],
  );

  // claude-sonnet-4 at Anthropic's list price: 16 × 300,000 + 38 × 1,500,000 nano-AIU, on the message_delta as VS Code reads it.
  const messagesUsage = {
    token_details: [
      { batch_size: 1_000_000, cost_per_batch: 300_000_000_000, token_count: 16, token_type: "input" },
      { batch_size: 1_000_000, cost_per_batch: 30_000_000_000, token_count: 0, token_type: "cache_read" },
      { batch_size: 1_000_000, cost_per_batch: 375_000_000_000, token_count: 0, token_type: "cache_write" },
      { batch_size: 1_000_000, cost_per_batch: 1_500_000_000_000, token_count: 38, token_type: "output" },
    ],
    total_nano_aiu: 61_800_000,
  };
  const DELTA = '"type":"message_delta",';
  const billedBody = anthropic.body.map((step) => {
    const text = "chunk" in step ? new TextDecoder().decode(step.chunk) : "";
    if (!("chunk" in step) || !text.includes(DELTA)) return step;
    return { ...step, chunk: new TextEncoder().encode(text.replace(DELTA, `${DELTA}"copilot_usage":${JSON.stringify(messagesUsage)},`)) };
  });
  add(
    "messages-copilot-usage",
    "messages-text with Copilot's copilot_usage (61,800,000 nano-AIU) on its message_delta",
    handWritten(
      [VSCODE_CREDITS, TOKEN_DETAILS, DOCS_PRICING],
      "The stream of messages-text (a real Anthropic claude-sonnet-4 stream re-served on Copilot's /v1/messages) with copilot_usage inserted in the message_delta event, in the recorded Responses shape, billing that event's usage (16 input, 38 output tokens) at claude-sonnet-4's list price; the rest of the bytes unchanged.",
      [part(C.anthropic, "response body (message_delta extended)")],
    ),
    [{ request: chatRequest("/v1/messages", "claude-opus-4.7"), response: anthropic.response, body: billedBody }],
  );

  add(
    "policy-enable",
    'POST /models/{id}/policy {"state":"enabled"} -> 200 (the model\'s terms accepted)',
    handWritten(
      [PI_POLICY],
      "Request as pi-ai sends it (openai-intent and x-interaction-type chat-policy); the 200 answer body is not documented anywhere we found, so it is the echoed state only.",
      [],
    ),
    [
      json(
        200,
        { state: "enabled" },
        {
          method: "POST",
          path: "/models/claude-opus-4.7/policy",
          headers: { ...REDACTED_AUTH, "openai-intent": "chat-policy", "x-interaction-type": "chat-policy" },
          body: { state: "enabled" },
        },
      ),
    ],
  );
  add(
    "model-not-supported-400",
    "a model the account cannot use on this endpoint -> 400 model_not_supported",
    handWritten([NOT_SUPPORTED], "OpenAI-style error envelope with the wording users quote; param/type as Copilot's other invalid-request errors.", []),
    [
      json(
        400,
        { error: { message: "The requested model is not supported.", code: "model_not_supported", param: "model", type: "invalid_request_error" } },
        chatRequest("/chat/completions", "gpt-9-imaginary"),
      ),
    ],
  );
  add(
    "error-401",
    "the Copilot token expired mid-work -> 401 text/plain 'unauthorized: token expired'",
    handWritten([API_401], 'The issue records a 401 with a 45-byte text/plain body; the wording is what users quote ("Unauthorized: token expired").', []),
    [json(401, "unauthorized: token expired\n", chatRequest("/chat/completions", "claude-3.7-sonnet"), "text/plain; charset=utf-8")],
  );
  return out;
}

writeCassettes(copilot(), "copilot-cassettes", "Copilot ", "copilot/README.md");
