// Dev tool, run by hand: `node_modules/.bin/bun test/support/convert-corpus.ts [corpus-dir]`.
// Turns the recorded traffic in shared/corpus into NDJSON cassettes under
// recordings/ and rewrites the cassette table in recordings/README.md.
// No test runs this; its output is committed. It reads shared/corpus only here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { type Cassette, type Interaction, bodyBytes } from "./cassette.ts";
import {
  CORPUS,
  type Json,
  type Provenance,
  chunks,
  handWritten,
  interactionShaper,
  part as corpusPart,
  payloadLines,
  readGoVcr,
  readPydanticVcr,
  readText,
  real,
  sseFromDataLines,
  writeCassettes,
} from "./convert-shared.ts";

// anthropic/issues/* are transcriptions of issue text, listed in SOURCES.md
// without a repository path or commit.
const ISSUE_TRANSCRIPTIONS: Record<string, Json> = {
  "anthropic/issues/brainlid-langchain-193.overloaded_error-event.sse": {
    transcribed_from: "https://github.com/brainlid/langchain/issues/193",
  },
  "anthropic/issues/gptel-1512.overloaded_error-event.json": {
    transcribed_from: "https://github.com/karthink/gptel/pull/1512",
  },
  "anthropic/issues/anthropic-sdk-typescript-357.429-headers.txt": {
    transcribed_from: "https://github.com/anthropics/anthropic-sdk-typescript/issues/357",
  },
  "anthropic/issues/cline-252.429-rate_limit_error-body.json": {
    transcribed_from: "https://github.com/cline/cline/issues/252",
  },
};

function part(corpusFile: string, usedFor: string): Provenance {
  return corpusPart(corpusFile, usedFor, ISSUE_TRANSCRIPTIONS);
}

// ---------------------------------------------------------------- shaping

// `?beta=true` is added by the Anthropic Python SDK's beta client, which
// pydantic-ai uses; the API itself does not need it. Binary bodies are
// Bedrock's event streams, cut into their messages.
const toInteraction = interactionShaper({
  dropQuery: ["beta"],
  binary: (bytes, headers) =>
    (headers["content-type"] ?? "").startsWith("application/vnd.amazon.eventstream") ? splitEventStream(bytes).map((frame) => ({ chunk: frame })) : [{ chunk: bytes }],
});

// The AWS SDK's own event-stream codec (a devDependency): it checks both CRCs
// of every recorded frame and builds the hand-written ones.
const eventStream = new EventStreamCodec(toUtf8, fromUtf8);

/**
 * A whole application/vnd.amazon.eventstream body cut into its messages, one
 * per chunk, at the boundaries each prelude's total length gives. Throws
 * unless the frames tile the body exactly and every CRC holds.
 */
function splitEventStream(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 16) throw new Error(`event-stream body has ${bytes.length - at} stray bytes at offset ${at}`);
    const total = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0);
    if (total < 16 || at + total > bytes.length) throw new Error(`event-stream frame at offset ${at} claims ${total} bytes; ${bytes.length - at} left`);
    const frame = bytes.slice(at, at + total);
    eventStream.decode(frame);
    frames.push(frame);
    at += total;
  }
  return frames;
}

// ---------------------------------------------------------------- notes

const GO_VCR_NOTE =
  "go-vcr stores whole bodies; the SSE body was split into one chunk per event (after each blank-line separator), bytes unchanged. Request headers were reduced upstream to accept/content-type/user-agent; auth headers were never recorded.";
const PYDANTIC_STREAM_NOTE =
  "vcrpy stores whole bodies; the SSE body was split into one chunk per event (after each blank-line separator), bytes unchanged. Request bodies come from pydantic-ai's YAML `parsed_body` re-emitted as JSON (key order alphabetical). `?beta=true` (Python SDK beta client) dropped from paths; host/content-length/connection/accept-encoding/transfer-encoding headers dropped.";
const PYDANTIC_JSON_NOTE =
  "pydantic-ai stores JSON bodies re-serialised as YAML `parsed_body`; request and response bodies were re-emitted as compact JSON (key order alphabetical, original whitespace lost), one chunk per body. `?beta=true` dropped from paths; framing headers dropped (content-length would be wrong after re-serialisation).";

// ---------------------------------------------------------------- docs cited

const ANT_ERRORS = "https://docs.anthropic.com/en/api/errors";
const ANT_RATE = "https://docs.anthropic.com/en/api/rate-limits";
const ANT_STREAM = "https://docs.anthropic.com/en/docs/build-with-claude/streaming";
const OAI_ERRORS = "https://platform.openai.com/docs/guides/error-codes";
const OAI_RATE = "https://platform.openai.com/docs/guides/rate-limits";
const OAI_MODELS = "https://platform.openai.com/docs/api-reference/models/list";

// ---------------------------------------------------------------- anthropic

const A = {
  simple: "anthropic/fantasy/TestAnthropicCommon__claude-sonnet-4__simple_streaming.yaml",
  tool: "anthropic/fantasy/TestAnthropicCommon__claude-sonnet-4__tool_streaming.yaml",
  multiTool: "anthropic/fantasy/TestAnthropicCommon__claude-sonnet-4__multi_tool_streaming.yaml",
  thinkingTool: "anthropic/fantasy/TestAnthropicThinking__claude-sonnet-4__thinking-streaming.yaml",
  thinking: "anthropic/pydantic-ai/test_anthropic_model_thinking_part_stream.yaml",
  redacted: "anthropic/pydantic-ai/test_anthropic_model_thinking_part_redacted_stream.yaml",
  serverTool: "anthropic/pydantic-ai/test_anthropic_code_execution_tool_stream.yaml",
  countTokens: "anthropic/pydantic-ai/test_anthropic_cache_count_tokens.yaml",
  countTokens404: "anthropic/pydantic-ai/test_anthropic_count_tokens_error.yaml",
  effort400: "anthropic/pydantic-ai/test_anthropic_explicit_effort_xhigh_unsupported_model_errors.yaml",
  models: "anthropic/codecompanion/model_list__anthropic.json",
  overloadedEvent: "anthropic/issues/brainlid-langchain-193.overloaded_error-event.sse",
  overloadedPayload: "anthropic/issues/gptel-1512.overloaded_error-event.json",
  headers429: "anthropic/issues/anthropic-sdk-typescript-357.429-headers.txt",
  body429: "anthropic/issues/cline-252.429-rate_limit_error-body.json",
} as const;

const ANT_REQUEST_HEADERS = { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": "<redacted>" };

// util.inspect text of a headers object: `'name': 'value',` or `name: 'value',`.
function parseInspectedHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^\s*'?([\w-]+)'?: '([^']*)',?$/gm)) out[m[1]!] = m[2]!;
  return out;
}

function anthropic(): Array<[string, Cassette]> {
  const simple = readGoVcr(A.simple).map(toInteraction);
  const simpleRequest = simple[0]!.request;
  const out: Array<[string, Cassette]> = [];
  const add = (name: string, scenario: string, provenance: Provenance, interactions: Interaction[]) =>
    out.push([`anthropic/${name}.ndjson`, { scenario, provenance, interactions }]);

  add("text", "anthropic/text: plain text stream", real(A.simple, GO_VCR_NOTE), simple);
  add(
    "tool-call",
    "anthropic/tool-call: tool_use via input_json_delta, then the follow-up turn with the tool_result",
    real(A.tool, GO_VCR_NOTE),
    readGoVcr(A.tool).map(toInteraction),
  );
  add("multi-tool", "anthropic/multi-tool: two tool_use blocks in one turn, then the follow-up", real(A.multiTool, GO_VCR_NOTE), readGoVcr(A.multiTool).map(toInteraction));
  add(
    "thinking",
    "anthropic/thinking: extended thinking (thinking_delta, empty delta, signature_delta) then text",
    real(A.thinking, PYDANTIC_STREAM_NOTE),
    readPydanticVcr(A.thinking).map(toInteraction),
  );
  add(
    "thinking-tool",
    "anthropic/thinking-tool: thinking then tool_use (stop_reason tool_use), then the follow-up turn sending the signed thinking block back",
    real(A.thinkingTool, GO_VCR_NOTE),
    readGoVcr(A.thinkingTool).map(toInteraction),
  );
  add(
    "redacted-thinking",
    "anthropic/redacted-thinking: redacted_thinking block (opaque data) then text",
    real(A.redacted, PYDANTIC_STREAM_NOTE),
    readPydanticVcr(A.redacted).map(toInteraction),
  );
  add(
    "server-tool",
    "anthropic/server-tool: server_tool_use / code_execution_tool_result blocks a client must pass through or ignore",
    real(A.serverTool, PYDANTIC_STREAM_NOTE),
    readPydanticVcr(A.serverTool).map(toInteraction),
  );
  add(
    "count-tokens",
    "anthropic/count-tokens: POST /v1/messages/count_tokens -> {input_tokens}, then a non-streaming message with cache usage",
    real(A.countTokens, `${PYDANTIC_JSON_NOTE} A Cloudflare cookie in the recorded request headers is redacted.`),
    readPydanticVcr(A.countTokens).map(toInteraction),
  );
  add(
    "count-tokens-404",
    "anthropic/count-tokens-404: count_tokens for an unknown model -> 404 not_found_error",
    real(A.countTokens404, PYDANTIC_JSON_NOTE),
    readPydanticVcr(A.countTokens404).map(toInteraction),
  );
  add("error-400", "anthropic/error-400: invalid_request_error (unsupported effort level)", real(A.effort400, PYDANTIC_JSON_NOTE), readPydanticVcr(A.effort400).map(toInteraction));

  add(
    "models",
    "anthropic/models: GET /v1/models listing with capabilities and limits",
    real(
      A.models,
      "codecompanion keeps only the response body, pretty-printed and trimmed to 3 models by that project; the body is the file byte for byte. The request side (GET /v1/models with headers) is written by us.",
    ),
    [
      {
        request: { method: "GET", path: "/v1/models", headers: { "anthropic-version": "2023-06-01", "x-api-key": "<redacted>" } },
        response: { status: 200, headers: { "content-type": "application/json" } },
        body: chunks(readText(A.models)),
      },
    ],
  );

  const err401 = {
    type: "error",
    error: { type: "authentication_error", message: "invalid x-api-key" },
    request_id: "req_011CReplayAuth401FakeId0",
  };
  add(
    "error-401",
    "anthropic/error-401: bad API key -> 401 authentication_error",
    handWritten([ANT_ERRORS], "Body shape and message per the errors page; request_id is invented (fake). Request is the text scenario's request."),
    [
      {
        request: { ...simpleRequest, headers: ANT_REQUEST_HEADERS },
        response: { status: 401, headers: { "content-type": "application/json", "request-id": err401.request_id } },
        body: chunks(JSON.stringify(err401)),
      },
    ],
  );

  const h429 = parseInspectedHeaders(readText(A.headers429));
  delete h429.connection;
  delete h429["content-length"];
  add(
    "rate-limit-429-then-success",
    "anthropic/rate-limit-429-then-success: 429 rate_limit_error with rate-limit headers, then the same request succeeds",
    handWritten(
      [ANT_RATE, ANT_ERRORS],
      "Interaction 0 joins a real 429's headers (issue transcription) with a real 429 body from another report (issue transcription); `retry-after: 1` was added by us (Anthropic now always sends it on 429; the recorded reset is 1 s after the recorded date). Interaction 1 is the real text stream.",
      [part(A.headers429, "interaction 0 response headers"), part(A.body429, "interaction 0 response body"), part(A.simple, "interaction 1 (whole) and both request bodies")],
    ),
    [
      {
        request: simpleRequest,
        response: { status: 429, headers: { ...h429, "retry-after": "1" } },
        body: chunks(readText(A.body429).trimEnd()),
      },
      simple[0]!,
    ],
  );

  const overloaded = JSON.parse(readText(A.overloadedPayload)) as Json;
  add(
    "overloaded-529",
    "anthropic/overloaded-529: 529 overloaded_error before any content",
    handWritten(
      [ANT_ERRORS],
      "Status 529 per the errors page; body is the real overloaded_error payload (incl. details:null and request_id) from an issue transcription, re-serialised compactly.",
      [part(A.overloadedPayload, "response body"), part(A.simple, "request")],
    ),
    [
      {
        request: simpleRequest,
        response: { status: 529, headers: { "content-type": "application/json", "request-id": String(overloaded.request_id) } },
        body: chunks(JSON.stringify(overloaded)),
      },
    ],
  );

  // Real prefix up to the third text delta, then the transcribed error event.
  const prefix = simple[0]!.body.slice(0, 6);
  add(
    "midstream-overloaded",
    "anthropic/midstream-overloaded: 200 stream that sends some text, then `event: error` overloaded_error and ends",
    handWritten(
      [ANT_STREAM, ANT_ERRORS],
      "The first 6 events (message_start, content_block_start, ping, 3 text deltas) are the real text stream; the error event is the transcription from an issue log (padding kept); then the response ends with no content_block_stop or message_stop.",
      [part(A.simple, "request and first 6 events"), part(A.overloadedEvent, "error event")],
    ),
    [{ request: simpleRequest, response: simple[0]!.response, body: [...prefix, ...chunks(readText(A.overloadedEvent))] }],
  );

  const ctx = {
    type: "error",
    error: { type: "invalid_request_error", message: "prompt is too long: 200251 tokens > 200000 maximum" },
    request_id: "req_011CWdepJvA2D819tdYYq4h7",
  };
  add(
    "context-length-400",
    "anthropic/context-length-400: prompt longer than the context window -> 400 invalid_request_error 'prompt is too long'",
    handWritten(
      [ANT_ERRORS, "https://github.com/boldsoftware/exe.dev/issues/62"],
      "Body copied from the error text pasted in the cited issue (claude-opus-4-5, 2025-12-30). The request is a plausible stand-in: the real one was ~200k tokens.",
    ),
    [
      {
        request: {
          method: "POST",
          path: "/v1/messages",
          headers: ANT_REQUEST_HEADERS,
          body: { model: "claude-opus-4-5-20251101", max_tokens: 4096, stream: true, messages: [{ role: "user", content: "<about 200k tokens of conversation, elided>" }] },
        },
        response: { status: 400, headers: { "content-type": "application/json", "request-id": ctx.request_id } },
        body: chunks(JSON.stringify(ctx)),
      },
    ],
  );

  return out;
}

// ---------------------------------------------------------------- openai

const O = {
  chatText: "openai/fantasy/TestOpenAICommon__openai-gpt-5__simple_streaming.yaml",
  chatTool: "openai/fantasy/TestOpenAICommon__openai-gpt-5__tool_streaming.yaml",
  chatParallel: "openai/pydantic-ai/test_complex_agent_run.yaml",
  chatCache: "openai/pydantic-ai/test_openai_chat_prompt_cache_e2e.yaml",
  chat400: "openai/pydantic-ai/test_openai_o1_mini_system_role[system].yaml",
  respReasoning: "openai/fantasy/TestOpenAIResponsesWithSummaryThinking__openai-gpt-5__thinking-streaming.yaml",
  respTool: "openai/pydantic-ai/test_openai_responses_stream.yaml",
  respText: "openai/pydantic-ai/test_openai_responses_streaming_usage.yaml",
  resp400: "openai/pydantic-ai/test_openai_responses_model_http_error.yaml",
  respCount: "openai/pydantic-ai/test_responses_count_tokens.yaml",
  respError: "openai/vercel-ai/openai-error.1.chunks.txt",
} as const;

const OAI_REQUEST_HEADERS = { "content-type": "application/json", authorization: "<redacted>" };
const OAI_JSON = "application/json; charset=utf-8";

/** Deliberately fake key echoed by the hand-written 401, so sanitisation of echoed keys can be tested. */
const CANARY_OPENAI_KEY = "sk-proj-CANARY.not.a.key.0000";

function oaiError(message: string, type: string, param: string | null, code: string | null): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

function openai(): Array<[string, Cassette]> {
  const chatText = readGoVcr(O.chatText).map(toInteraction);
  const chatRequest = chatText[0]!.request;
  const out: Array<[string, Cassette]> = [];
  const add = (name: string, scenario: string, provenance: Provenance, interactions: Interaction[]) => out.push([`openai/${name}.ndjson`, { scenario, provenance, interactions }]);

  add(
    "chat-text",
    "openai/chat-text: Chat Completions plain text stream with include_usage (gpt-5); full request body and usage.prompt_tokens=19 recorded",
    real(O.chatText, `${GO_VCR_NOTE} The request body is kept whole so local token counts can be checked against usage.prompt_tokens.`),
    chatText,
  );
  add(
    "chat-tool-call",
    "openai/chat-tool-call: Chat Completions tool call with streamed arguments, then the follow-up turn",
    real(O.chatTool, GO_VCR_NOTE),
    readGoVcr(O.chatTool).map(toInteraction),
  );
  add(
    "chat-parallel-tools",
    "openai/chat-parallel-tools: Chat Completions parallel tool calls (index 0 and 1), usage chunks, several turns",
    real(O.chatParallel, `${PYDANTIC_STREAM_NOTE} Cloudflare cookies in recorded request headers are redacted.`),
    readPydanticVcr(O.chatParallel).map(toInteraction),
  );
  add(
    "chat-prompt-cache",
    "openai/chat-prompt-cache: non-streaming Chat Completions twice with the same long prefix; second has prompt_tokens_details.cached_tokens > 0",
    real(O.chatCache, PYDANTIC_JSON_NOTE),
    readPydanticVcr(O.chatCache).map(toInteraction),
  );
  add(
    "chat-error-400",
    "openai/chat-error-400: 400 invalid_request_error code=unsupported_value with param",
    real(O.chat400, PYDANTIC_JSON_NOTE),
    readPydanticVcr(O.chat400).map(toInteraction),
  );
  add(
    "responses-text",
    "openai/responses-text: Responses API stream (gpt-5, reasoning effort low, encrypted reasoning item) then output text; usage with cached and reasoning tokens",
    real(O.respText, PYDANTIC_STREAM_NOTE),
    readPydanticVcr(O.respText).map(toInteraction),
  );
  add(
    "responses-tool-call",
    "openai/responses-tool-call: Responses API function call (function_call_arguments.delta/done), then the text turn",
    real(O.respTool, `${PYDANTIC_STREAM_NOTE} Cloudflare cookies in recorded request headers are redacted.`),
    readPydanticVcr(O.respTool).map(toInteraction),
  );
  add(
    "responses-reasoning",
    "openai/responses-reasoning: Responses API reasoning summary (reasoning_summary_part / _text deltas), encrypted reasoning, tool call, then the follow-up turn",
    real(O.respReasoning, GO_VCR_NOTE),
    readGoVcr(O.respReasoning).map(toInteraction),
  );
  add(
    "responses-error-400",
    "openai/responses-error-400: Responses API 400 invalid_request_error code=decimal_below_min_value",
    real(O.resp400, PYDANTIC_JSON_NOTE),
    readPydanticVcr(O.resp400).map(toInteraction),
  );
  add(
    "responses-count-tokens",
    "openai/responses-count-tokens: POST /v1/responses/input_tokens -> {object:'response.input_tokens', input_tokens}",
    real(O.respCount, PYDANTIC_JSON_NOTE),
    readPydanticVcr(O.respCount).map(toInteraction),
  );

  const errorLines = payloadLines(O.respError);
  add(
    "responses-midstream-error",
    "openai/responses-midstream-error: 200 Responses stream that emits `error` (insufficient_quota) then response.failed",
    real(
      O.respError,
      "vercel/ai keeps only each event's data payload; the SSE framing was rebuilt as `event: <type>` + `data: <payload>` + blank line (the Responses API names each event by its type), one chunk per event; no [DONE] added. The request side is written by us (a plausible gpt-5-nano request); the response headers are a minimal content-type.",
      { request_hand_written: true },
    ),
    [
      {
        request: {
          method: "POST",
          path: "/v1/responses",
          headers: OAI_REQUEST_HEADERS,
          body: { model: "gpt-5-nano", input: [{ role: "user", content: [{ type: "input_text", text: "Hello" }] }], stream: true },
        },
        response: { status: 200, headers: { "content-type": "text/event-stream; charset=utf-8" } },
        body: chunks(...sseFromDataLines(errorLines)),
      },
    ],
  );

  add(
    "error-401",
    "openai/error-401: bad API key -> 401 invalid_api_key whose message echoes the key",
    handWritten(
      [OAI_ERRORS, "https://github.com/continuedev/continue/issues/9634"],
      `Real 401 bodies echo the key masked (\`sk-proj-****…MxYA\`, cited issue). This one echoes the FAKE canary key ${CANARY_OPENAI_KEY} in full, so a test configured with that key can prove the bridge never forwards it. Request is the chat-text request.`,
    ),
    [
      {
        request: { ...chatRequest, headers: OAI_REQUEST_HEADERS },
        response: { status: 401, headers: { "content-type": OAI_JSON, "x-request-id": "req_replay401fake0000000000000000" } },
        body: chunks(
          oaiError(
            `Incorrect API key provided: ${CANARY_OPENAI_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            "invalid_request_error",
            null,
            "invalid_api_key",
          ),
        ),
      },
    ],
  );

  add(
    "rate-limit-429-then-success",
    "openai/rate-limit-429-then-success: 429 rate_limit_exceeded with x-ratelimit-* and retry-after-ms, then the same request succeeds",
    handWritten(
      [OAI_RATE, OAI_ERRORS, "https://github.com/BuilderIO/micro-agent/issues/86"],
      "Interaction 0: message wording from the cited issue (org id replaced by a fake one), header names per the rate-limit guide, values invented but consistent (644 ms). Interaction 1 is the real chat-text stream.",
      [part(O.chatText, "interaction 1 (whole) and both request bodies")],
    ),
    [
      {
        request: chatRequest,
        response: {
          status: 429,
          headers: {
            "content-type": OAI_JSON,
            "x-request-id": "req_replay429fake0000000000000000",
            "x-ratelimit-limit-requests": "500",
            "x-ratelimit-limit-tokens": "30000",
            "x-ratelimit-remaining-requests": "499",
            "x-ratelimit-remaining-tokens": "0",
            "x-ratelimit-reset-requests": "120ms",
            "x-ratelimit-reset-tokens": "644ms",
            "retry-after": "1",
            "retry-after-ms": "644",
          },
        },
        body: chunks(
          oaiError(
            "Rate limit reached for gpt-5 in organization org-FAKEreplay0000000000000 on tokens per min (TPM): Limit 30000, Used 29937, Requested 385. Please try again in 644ms. Visit https://platform.openai.com/account/rate-limits to learn more.",
            "tokens",
            null,
            "rate_limit_exceeded",
          ),
        ),
      },
      chatText[0]!,
    ],
  );

  add(
    "server-error-500",
    "openai/server-error-500: 500 server_error before any content",
    handWritten([OAI_ERRORS], "Message per the error-codes guide ('The server had an error while processing your request'); request is the chat-text request."),
    [
      {
        request: chatRequest,
        response: { status: 500, headers: { "content-type": OAI_JSON, "x-request-id": "req_replay500fake0000000000000000" } },
        body: chunks(oaiError("The server had an error while processing your request. Sorry about that!", "server_error", null, null)),
      },
    ],
  );

  add(
    "overloaded-503",
    "openai/overloaded-503: 503 engine overloaded before any content",
    handWritten([OAI_ERRORS], "Message per the error-codes guide ('The engine is currently overloaded, please try again later'); request is the chat-text request."),
    [
      {
        request: chatRequest,
        response: { status: 503, headers: { "content-type": OAI_JSON, "x-request-id": "req_replay503fake0000000000000000" } },
        body: chunks(oaiError("The engine is currently overloaded, please try again later.", "server_error", null, null)),
      },
    ],
  );

  add(
    "context-length-400",
    "openai/context-length-400: Chat Completions prompt longer than the context window -> 400 context_length_exceeded",
    handWritten(
      [OAI_ERRORS, "https://github.com/chathub-dev/chathub/issues/126"],
      "Body shape and wording from the cited issue (numbers changed to a 128k model). The request is a plausible stand-in for a too-long prompt.",
    ),
    [
      {
        request: {
          method: "POST",
          path: "/v1/chat/completions",
          headers: OAI_REQUEST_HEADERS,
          body: { model: "gpt-4o", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "<about 130k tokens of conversation, elided>" }] },
        },
        response: { status: 400, headers: { "content-type": OAI_JSON, "x-request-id": "req_replay400fake0000000000000000" } },
        body: chunks(
          oaiError(
            "This model's maximum context length is 128000 tokens. However, your messages resulted in 130017 tokens. Please reduce the length of the messages.",
            "invalid_request_error",
            "messages",
            "context_length_exceeded",
          ),
        ),
      },
    ],
  );

  add(
    "responses-context-length-400",
    "openai/responses-context-length-400: Responses API input longer than the context window -> 400 context_length_exceeded (param input)",
    handWritten(
      [OAI_ERRORS, "https://github.com/the-open-agent/openagent/issues/2344"],
      "Wording, type, code and param from the error text in the cited issue; status 400 as for other invalid_request_error answers. The request is a plausible stand-in.",
    ),
    [
      {
        request: {
          method: "POST",
          path: "/v1/responses",
          headers: OAI_REQUEST_HEADERS,
          body: { model: "gpt-5", stream: true, input: [{ role: "user", content: [{ type: "input_text", text: "<about 300k tokens of conversation, elided>" }] }] },
        },
        response: { status: 400, headers: { "content-type": OAI_JSON, "x-request-id": "req_replay400fake0000000000000001" } },
        body: chunks(
          oaiError("Your input exceeds the context window of this model. Please adjust your input and try again.", "invalid_request_error", "input", "context_length_exceeded"),
        ),
      },
    ],
  );

  const models = {
    object: "list",
    data: [
      { id: "gpt-5", object: "model", created: 1754425777, owned_by: "system" },
      { id: "gpt-5-mini", object: "model", created: 1754425928, owned_by: "system" },
      { id: "gpt-4o", object: "model", created: 1715367049, owned_by: "system" },
      { id: "o3", object: "model", created: 1744225308, owned_by: "system" },
      { id: "text-embedding-3-small", object: "model", created: 1705948997, owned_by: "system" },
      { id: "whisper-1", object: "model", created: 1677532384, owned_by: "openai-internal" },
      { id: "dall-e-3", object: "model", created: 1698785189, owned_by: "system" },
      { id: "ft:gpt-4o-mini-2024-07-18:acme-fake::AbCdEf12", object: "model", created: 1730000000, owned_by: "user-fakereplay0000" },
    ],
  };
  add(
    "models",
    "openai/models: GET /v1/models listing (no pagination, no context limits; includes non-chat and fine-tuned ids)",
    handWritten(
      [OAI_MODELS],
      "Shape per the API reference ({object:'list', data:[{id, object:'model', created, owned_by}]}); ids are real model names, created values plausible, the fine-tune id and owner are fake.",
    ),
    [
      {
        request: { method: "GET", path: "/v1/models", headers: { authorization: "<redacted>" } },
        response: { status: 200, headers: { "content-type": "application/json", "x-request-id": "req_replaymodelsfake000000000000" } },
        body: chunks(JSON.stringify(models)),
      },
    ],
  );

  return out;
}

// ---------------------------------------------------------------- bedrock

const B = {
  text: "bedrock/pydantic-ai/test_bedrock_model_stream.yaml",
  claudeText: "bedrock/pydantic-ai/test_bedrock_native_output_stream.yaml",
  tool: "bedrock/pydantic-ai/test_bedrock_model_iter_stream.yaml",
  thinking: "bedrock/pydantic-ai/test_bedrock_model_thinking_part_stream.yaml",
  redacted: "bedrock/pydantic-ai/test_bedrock_model_thinking_part_redacted_stream.yaml",
  gptOss: "bedrock/pydantic-ai/test_bedrock_model_stream_empty_text_delta.yaml",
  serverTool: "bedrock/pydantic-ai/test_bedrock_model_code_execution_tool_stream.yaml",
  cache: "bedrock/pydantic-ai/test_bedrock_cache_write_and_read.yaml",
  countTokens: "bedrock/pydantic-ai/test_anthropic_bedrock_count_tokens_real_api.yaml",
  countTokensConverse: "bedrock/pydantic-ai/test_bedrock_count_tokens_tool_config.yaml",
  countTokensError: "bedrock/pydantic-ai/test_bedrock_count_tokens_error.yaml",
  streamError: "bedrock/pydantic-ai/test_bedrock_streaming_error.yaml",
} as const;

const BR_CONVERSE_STREAM = "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html";
const BR_STREAM_OUTPUT = "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html";
const BR_ERRORS = "https://docs.aws.amazon.com/bedrock/latest/userguide/troubleshooting-api-error-codes.html";
const BR_COMMON_ERRORS = "https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html";
const BR_LIST_MODELS = "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ListFoundationModels.html";
const BR_LIST_PROFILES = "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ListInferenceProfiles.html";
const BR_PROFILES = "https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html";

const PYDANTIC_EVENTSTREAM_NOTE =
  "vcrpy stores whole bodies; the application/vnd.amazon.eventstream body (YAML !!binary) was split into one chunk per event-stream message at the boundaries each prelude's total length gives, bytes unchanged (identical to the corpus .body.bin; every prelude and message CRC checked with @smithy/eventstream-codec). Request bodies are boto3's JSON text re-emitted compactly (key order kept). Request header values that vcrpy stored as !!binary (boto3 passes them as bytes) are decoded to their ASCII text; auth headers were scrubbed upstream; host/content-length/connection/accept-encoding/transfer-encoding dropped.";

/** Bedrock pads every event payload with a `p` field of this alphabet, cut to a varying length. */
const PADDING = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

const stringHeader = (value: string) => ({ type: "string" as const, value });

/** One ConverseStream event message, headers in the order Bedrock sends them. */
function eventFrame(eventType: string, payload: Json, pad: number): Uint8Array {
  return eventStream.encode({
    headers: { ":event-type": stringHeader(eventType), ":content-type": stringHeader("application/json"), ":message-type": stringHeader("event") },
    body: fromUtf8(JSON.stringify({ ...payload, p: PADDING.slice(0, pad) })),
  });
}

/** One exception message (`:message-type: exception`), the shape the corpus's bedrock_exception.bin shows. */
function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return eventStream.encode({
    headers: { ":exception-type": stringHeader(exceptionType), ":content-type": stringHeader("application/json"), ":message-type": stringHeader("exception") },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

function frames(...bytes: Uint8Array[]): Interaction["body"] {
  return bytes.map((chunk) => ({ chunk }));
}

/** The corpus keeps each recorded body also as `<cassette>.interactionN.body.bin`; the split must give those bytes back. */
function sameAsBodyBin(corpusFile: string, interactions: Interaction[]): Interaction[] {
  interactions.forEach((it, i) => {
    let expected: Buffer;
    try {
      expected = readFileSync(join(CORPUS, `${corpusFile}.interaction${i}.body.bin`));
    } catch {
      return;
    }
    if (!Buffer.from(bodyBytes(it)).equals(expected)) throw new Error(`${corpusFile} interaction ${i}: split body differs from the .body.bin`);
  });
  return interactions;
}

function pydanticEventStream(corpusFile: string): Interaction[] {
  return sameAsBodyBin(corpusFile, readPydanticVcr(corpusFile).map(toInteraction));
}

/** `x-amzn-ErrorType` as Bedrock fills it (the exception name, `:`, the Coral namespace); names lower-case as in every cassette. */
function bedrockErrorHeaders(exception: string, requestId: string, namespace = "com.amazon.bedrock"): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-amzn-errortype": `${exception}:http://internal.amazon.com/coral/${namespace}/`,
    "x-amzn-requestid": requestId,
  };
}

function bedrock(): Array<[string, Cassette]> {
  const out: Array<[string, Cassette]> = [];
  const add = (name: string, scenario: string, provenance: Provenance, interactions: Interaction[]) => out.push([`bedrock/${name}.ndjson`, { scenario, provenance, interactions }]);

  const text = pydanticEventStream(B.text);
  const textTurn = text[0]!;
  const claudeText = pydanticEventStream(B.claudeText);

  add(
    "text",
    "bedrock/text: ConverseStream plain text (us.amazon.nova-micro-v1:0): messageStart, 29 text deltas, contentBlockStop, messageStop, metadata",
    real(B.text, PYDANTIC_EVENTSTREAM_NOTE),
    text,
  );
  add(
    "claude-text",
    "bedrock/claude-text: ConverseStream text from Claude Sonnet 4.5 through the us. inference profile (structured output request, so the text is JSON)",
    real(B.claudeText, PYDANTIC_EVENTSTREAM_NOTE),
    claudeText,
  );
  add(
    "tool-call",
    "bedrock/tool-call: text then a toolUse block (contentBlockStart id/name, input fragments), stopReason tool_use; then the follow-up turn with the toolResult",
    real(B.tool, PYDANTIC_EVENTSTREAM_NOTE),
    pydanticEventStream(B.tool),
  );
  add(
    "thinking",
    "bedrock/thinking: Claude Sonnet 4 (us. profile) extended thinking: reasoningContent text deltas, a signature delta, then text",
    real(B.thinking, PYDANTIC_EVENTSTREAM_NOTE),
    pydanticEventStream(B.thinking),
  );
  add(
    "redacted-thinking",
    "bedrock/redacted-thinking: Claude 3.7 Sonnet (us. profile): two reasoningContent.redactedContent blocks (base64 in JSON), then text",
    real(B.redacted, PYDANTIC_EVENTSTREAM_NOTE),
    pydanticEventStream(B.redacted),
  );
  add(
    "reasoning-gpt-oss",
    "bedrock/reasoning-gpt-oss: openai.gpt-oss-120b: an empty text delta, an unsigned reasoningContent block, then text",
    real(B.gptOss, PYDANTIC_EVENTSTREAM_NOTE),
    pydanticEventStream(B.gptOss),
  );
  add(
    "server-tool",
    "bedrock/server-tool: Nova 2 Lite server-side nova_code_interpreter (server_tool_use + toolResult blocks) then a client tool_use block",
    real(B.serverTool, PYDANTIC_EVENTSTREAM_NOTE),
    pydanticEventStream(B.serverTool),
  );

  add(
    "error-400",
    'bedrock/error-400: converse-stream for an unknown model id -> 400 {"message":"The provided model identifier is invalid."} (no x-amzn-ErrorType: the recorder dropped it)',
    real(B.streamError, PYDANTIC_JSON_NOTE),
    readPydanticVcr(B.streamError).map(toInteraction),
  );
  add(
    "count-tokens",
    "bedrock/count-tokens: POST /model/{id}/count-tokens -> {inputTokens} (recorded request uses the invokeModel input form)",
    real(
      B.countTokens,
      `${PYDANTIC_JSON_NOTE} The recorded request is the \`input.invokeModel\` form (a base64 Anthropic Messages body) and its path has an unencoded ':'; our provider sends the \`input.converse\` form to \`/model/<id with %3A>/count-tokens\`. Only the reply is meant for replay.`,
    ),
    readPydanticVcr(B.countTokens).map(toInteraction),
  );
  add(
    "count-tokens-converse",
    "bedrock/count-tokens-converse: count-tokens with the input.converse form (messages, system, toolConfig) -> {inputTokens: 375}",
    real(B.countTokensConverse, PYDANTIC_JSON_NOTE),
    readPydanticVcr(B.countTokensConverse).map(toInteraction),
  );
  add(
    "count-tokens-error",
    "bedrock/count-tokens-error: count-tokens for an unknown model -> 400 'The provided model identifier is invalid.' (no x-amzn-ErrorType: the recorder dropped it)",
    real(B.countTokensError, PYDANTIC_JSON_NOTE),
    readPydanticVcr(B.countTokensError).map(toInteraction),
  );

  // ---- hand-written

  const textRequest = textTurn.request;
  const textFrames = textTurn.body.map((step) => ("chunk" in step ? step.chunk : new Uint8Array()));
  const textPart = (usedFor: string) => part(B.text, usedFor);

  const accessDenied = "You don't have access to the model with the specified model ID.";
  add(
    "error-403-access-denied",
    "bedrock/error-403-access-denied: 403 AccessDeniedException (model access not granted)",
    handWritten(
      [BR_CONVERSE_STREAM, BR_ERRORS, "https://github.com/aws-samples/sample-agentic-frameworks-on-aws/issues/44", "https://github.com/anthropics/claude-code/issues/536"],
      "Status 403 and the exception name per the ConverseStream errors and the troubleshooting page; the message is the one quoted in the cited issues (Converse operation; 403 in the second). the x-amzn-ErrorType value (name:namespace) as Bedrock sends it (see amazon-bedrock-client-for-mac#99; header names lower-case as in every cassette); the request id is fake. Request is the text scenario's.",
      [textPart("request")],
    ),
    [
      {
        request: textRequest,
        response: { status: 403, headers: bedrockErrorHeaders("AccessDeniedException", "replay00-0000-4000-8000-fake00000403") },
        body: chunks(JSON.stringify({ message: accessDenied })),
      },
    ],
  );

  add(
    "error-403-unrecognized-client",
    "bedrock/error-403-unrecognized-client: 403 UnrecognizedClientException (unknown access key / invalid security token)",
    handWritten(
      [
        BR_COMMON_ERRORS,
        "https://github.com/anthropics/claude-code/issues/2260",
        "https://github.com/Arize-ai/openinference/issues/2358",
        "https://github.com/iann0036/iamlive/issues/58",
      ],
      "UnrecognizedClientException is a Coral service-level error (namespace com.amazon.coral.service), 403 with the message 'The security token included in the request is invalid.' as the cited reports show (Bedrock Converse in the openinference one, 403 in the others). The request id is fake. Request is the text scenario's.",
      [textPart("request")],
    ),
    [
      {
        request: textRequest,
        response: { status: 403, headers: bedrockErrorHeaders("UnrecognizedClientException", "replay00-0000-4000-8000-fake00000431", "com.amazon.coral.service") },
        body: chunks(JSON.stringify({ message: "The security token included in the request is invalid." })),
      },
    ],
  );

  add(
    "throttling-429-then-success",
    "bedrock/throttling-429-then-success: 429 ThrottlingException (no Retry-After), then the same request streams the text answer",
    handWritten(
      [BR_CONVERSE_STREAM, BR_ERRORS, "https://github.com/aws-samples/amazon-bedrock-client-for-mac/issues/99"],
      "Interaction 0: status, headers (content-type, x-amzn-ErrorType, x-amzn-RequestId; no Retry-After) and message as logged in the cited issue; the request id is fake. Interaction 1 is the real text stream.",
      [textPart("interaction 1 (whole) and both requests")],
    ),
    [
      {
        request: textRequest,
        response: { status: 429, headers: bedrockErrorHeaders("ThrottlingException", "replay00-0000-4000-8000-fake00000429") },
        body: chunks(JSON.stringify({ message: "Too many tokens, please wait before trying again." })),
      },
      textTurn,
    ],
  );

  add(
    "unavailable-503",
    "bedrock/unavailable-503: 503 ServiceUnavailableException before any content",
    handWritten(
      [BR_CONVERSE_STREAM, BR_STREAM_OUTPUT, "https://github.com/danny-avila/LibreChat/issues/4217", "https://github.com/darko-mesaros/bedrust/issues/47"],
      "Status 503 per the ConverseStream errors; message 'Bedrock is unable to process your request.' as the cited reports quote for ServiceUnavailableException; the request id is fake. Request is the text scenario's.",
      [textPart("request")],
    ),
    [
      {
        request: textRequest,
        response: { status: 503, headers: bedrockErrorHeaders("ServiceUnavailableException", "replay00-0000-4000-8000-fake00000503") },
        body: chunks(JSON.stringify({ message: "Bedrock is unable to process your request." })),
      },
    ],
  );

  // Real prefix: messageStart and the first five text deltas.
  const throttled = "Too many requests, please wait before trying again. You have sent too many requests.  Wait before trying again.";
  add(
    "midstream-throttling",
    "bedrock/midstream-throttling: 200 stream with some text, then a throttlingException exception message, then the end of the body",
    handWritten(
      [BR_STREAM_OUTPUT, "https://github.com/aws-samples/aws-genai-llm-chatbot/issues/220", "https://github.com/BerriAI/litellm/issues/589"],
      'The first 6 messages (messageStart, 5 contentBlockDelta) are the real text stream, bytes unchanged. The last message was built by convert-corpus.ts with @smithy/eventstream-codec 4.5.2 (EventStreamCodec.encode): headers :exception-type=throttlingException, :content-type=application/json, :message-type=exception, payload {"message":…} with the wording the cited issues log for an in-stream throttlingException (InvokeModelWithResponseStream there; ConverseStreamOutput lists the same member). Header set and order as in the corpus\'s bedrock_exception.bin (cash-mckeeman/aws_event_stream, provenance unverified). Bedrock ends the body after an exception message: no contentBlockStop, messageStop or metadata.',
      [textPart("request and the first 6 messages")],
    ),
    [
      {
        request: textRequest,
        response: textTurn.response,
        body: [...textTurn.body.slice(0, 6), ...frames(exceptionFrame("throttlingException", throttled))],
      },
    ],
  );

  // Real prefix: messageStart and three deltas, then the first half of the fourth delta's bytes.
  const cut = textFrames[4]!;
  add(
    "truncated",
    "bedrock/truncated: 200 stream cut inside a message (prelude and part of the payload of the 5th message, no CRC), then the body ends",
    handWritten(
      [BR_STREAM_OUTPUT],
      `The first 4 messages are the real text stream, bytes unchanged; then the first ${Math.floor(cut.length / 2)} of the ${cut.length} bytes of the 5th message (a text delta) as the last chunk, as a dropped connection leaves it. Written to test that a cut stream is an error, never a short answer.`,
      [textPart("request and all bytes of the body")],
    ),
    [
      {
        request: textRequest,
        response: textTurn.response,
        body: [...textTurn.body.slice(0, 4), { chunk: cut.slice(0, Math.floor(cut.length / 2)) }],
      },
    ],
  );

  const bareClaude = "anthropic.claude-3-5-sonnet-20241022-v2:0";
  const claudeTurn = claudeText[0]!;
  add(
    "inference-profile-retry",
    "bedrock/inference-profile-retry: the bare anthropic.claude-3-5-sonnet-20241022-v2:0 id -> 400 ValidationException 'on-demand throughput isn’t supported', then the us. profile id streams the answer",
    handWritten(
      [
        BR_CONVERSE_STREAM,
        BR_PROFILES,
        "https://github.com/aws-samples/sample-getting-started-with-strands-agents-course/issues/1",
        "https://github.com/stackblitz-labs/bolt.diy/issues/1102",
      ],
      "Interaction 0: message verbatim (typographic apostrophe included) from the cited ConverseStream report; status 400 and x-amzn-ErrorType ValidationException per the API reference; the request id is fake. Interaction 1: the request goes to the us. inference profile of the same model; its answer is the real claude-text stream, which Claude Sonnet 4.5 (us. profile) produced, not Claude 3.5 Sonnet v2 (ConverseStream events do not name the model, so the bytes fit). Both request bodies are the recorded claude-text request.",
      [part(B.claudeText, "interaction 1 response (whole) and both request bodies")],
    ),
    [
      {
        request: { ...claudeTurn.request, path: `/model/${encodeURIComponent(bareClaude)}/converse-stream` },
        response: { status: 400, headers: bedrockErrorHeaders("ValidationException", "replay00-0000-4000-8000-fake00000400") },
        body: chunks(
          JSON.stringify({
            message: `Invocation of model ID ${bareClaude} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
          }),
        ),
      },
      { ...claudeTurn, request: { ...claudeTurn.request, path: `/model/${encodeURIComponent(`us.${bareClaude}`)}/converse-stream` } },
    ],
  );

  // The recorded Converse (non-streaming) answers, re-told as ConverseStream events.
  const cacheTurns = readPydanticVcr(B.cache).map(toInteraction);
  add(
    "cache-write-then-read",
    "bedrock/cache-write-then-read: the same cached prefix twice: metadata.usage cacheWriteInputTokens 1322, then cacheReadInputTokens 1322 (inputTokens 2, outputTokens 5)",
    handWritten(
      [BR_CONVERSE_STREAM, BR_STREAM_OUTPUT, "https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html"],
      "No streamed recording with cache usage exists. Each interaction re-tells the real non-streaming Converse answer of the cited recording as ConverseStream messages built with @smithy/eventstream-codec 4.5.2: messageStart, one contentBlockDelta with the recorded text, contentBlockStop, messageStop with the recorded stopReason, metadata with the recorded usage object and latency verbatim (including the deprecated *InputTokenCount duplicates). Payload padding `p` imitates Bedrock's. Requests are the recorded ones with the path changed from /converse to /converse-stream.",
      [part(B.cache, "request bodies, answer text, stopReason, usage and metrics")],
    ),
    cacheTurns.map((turn, i) => {
      const answer = JSON.parse(new TextDecoder().decode(bodyBytes(turn))) as Json;
      const message = (answer.output as Json).message as Json;
      const textOut = (message.content as Json[])[0]!.text as string;
      return {
        request: { ...turn.request, path: turn.request.path.replace(/\/converse$/, "/converse-stream") },
        response: { status: 200, headers: { "content-type": "application/vnd.amazon.eventstream" } },
        body: frames(
          eventFrame("messageStart", { role: message.role }, 18 + i),
          eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: textOut } }, 40 + i),
          eventFrame("contentBlockStop", { contentBlockIndex: 0 }, 22 + i),
          eventFrame("messageStop", { stopReason: answer.stopReason }, 12 + i),
          eventFrame("metadata", { metrics: answer.metrics, usage: answer.usage }, 30 + i),
        ),
      };
    }),
  );

  const modelArn = (id: string) => `arn:aws:bedrock:us-east-1::foundation-model/${id}`;
  const foundation = (id: string, name: string, provider: string, input: string[], types: string[]) => ({
    modelArn: modelArn(id),
    modelId: id,
    modelName: name,
    providerName: provider,
    inputModalities: input,
    outputModalities: ["TEXT"],
    responseStreamingSupported: true,
    customizationsSupported: [],
    inferenceTypesSupported: types,
    modelLifecycle: { status: "ACTIVE" },
  });
  const profile = (id: string, name: string, description: string, regions: string[], model: string) => ({
    inferenceProfileName: name,
    description,
    createdAt: "2024-08-27T00:00:00+00:00",
    updatedAt: "2025-09-29T00:00:00+00:00",
    inferenceProfileArn: `arn:aws:bedrock:us-east-1:000000000000:inference-profile/${id}`,
    models: regions.map((region) => ({ modelArn: `arn:aws:bedrock:${region}::foundation-model/${model}` })),
    inferenceProfileId: id,
    status: "ACTIVE",
    type: "SYSTEM_DEFINED",
  });
  const modelSummaries = [
    foundation("amazon.nova-micro-v1:0", "Nova Micro", "Amazon", ["TEXT"], ["ON_DEMAND", "INFERENCE_PROFILE"]),
    foundation("amazon.nova-pro-v1:0", "Nova Pro", "Amazon", ["TEXT", "IMAGE", "VIDEO"], ["ON_DEMAND", "INFERENCE_PROFILE"]),
    foundation("anthropic.claude-3-5-sonnet-20241022-v2:0", "Claude 3.5 Sonnet v2", "Anthropic", ["TEXT", "IMAGE"], ["INFERENCE_PROFILE"]),
    foundation("anthropic.claude-sonnet-4-5-20250929-v1:0", "Claude Sonnet 4.5", "Anthropic", ["TEXT", "IMAGE"], ["INFERENCE_PROFILE"]),
    foundation("amazon.titan-text-express-v1", "Titan Text G1 - Express", "Amazon", ["TEXT"], ["ON_DEMAND"]),
    foundation("openai.gpt-oss-120b-1:0", "gpt-oss-120b", "OpenAI", ["TEXT"], ["ON_DEMAND"]),
  ];
  const us = ["us-east-1", "us-east-2", "us-west-2"];
  const inferenceProfileSummaries = [
    profile(
      "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      "US Anthropic Claude Sonnet 4.5",
      "Routes requests to Anthropic Claude Sonnet 4.5 in us-east-1, us-east-2 and us-west-2.",
      us,
      "anthropic.claude-sonnet-4-5-20250929-v1:0",
    ),
    profile(
      "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
      "US Anthropic Claude 3.5 Sonnet v2",
      "Routes requests to Anthropic Claude 3.5 Sonnet v2 in us-east-1, us-east-2 and us-west-2.",
      us,
      "anthropic.claude-3-5-sonnet-20241022-v2:0",
    ),
    profile("us.amazon.nova-micro-v1:0", "US Nova Micro", "Routes requests to Nova Micro in us-east-1, us-east-2 and us-west-2.", us, "amazon.nova-micro-v1:0"),
    profile(
      "global.anthropic.claude-haiku-4-5-20251001-v1:0",
      "Global Anthropic Claude Haiku 4.5",
      "Routes requests to Anthropic Claude Haiku 4.5 in commercial regions.",
      ["us-east-1", "eu-west-1", "ap-northeast-1"],
      "anthropic.claude-haiku-4-5-20251001-v1:0",
    ),
  ];
  add(
    "models",
    "bedrock/models: GET /foundation-models?byOutputModality=TEXT (some models INFERENCE_PROFILE only), then GET /inference-profiles (one page)",
    handWritten(
      [BR_LIST_MODELS, BR_LIST_PROFILES, BR_PROFILES],
      "Shapes per the API references (ListFoundationModels modelSummaries, ListInferenceProfiles inferenceProfileSummaries without nextToken). Model and profile ids are real Bedrock ids; names, modalities and inference types as the console lists them, trimmed to a few entries; the account id in profile ARNs, timestamps and request ids are fake. Paths are what our provider asks; the replay ignores the query.",
      [],
    ),
    [
      {
        request: { method: "GET", path: "/foundation-models?byOutputModality=TEXT", headers: { authorization: "<redacted>" } },
        response: { status: 200, headers: { "content-type": "application/json", "x-amzn-requestid": "replay00-0000-4000-8000-fake0000f001" } },
        body: chunks(JSON.stringify({ modelSummaries })),
      },
      {
        request: { method: "GET", path: "/inference-profiles?maxResults=1000", headers: { authorization: "<redacted>" } },
        response: { status: 200, headers: { "content-type": "application/json", "x-amzn-requestid": "replay00-0000-4000-8000-fake0000f002" } },
        body: chunks(JSON.stringify({ inferenceProfileSummaries })),
      },
    ],
  );

  return out;
}

writeCassettes([...anthropic(), ...openai(), ...bedrock()], "cassettes", "");
