import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { Cost, ReportedUsage, WireChunk } from "../../src/protocol/chunks.ts";
import { BridgeError, ERROR_CODES, toBridgeError } from "../../src/protocol/errors.ts";
import { encodeChunk, encodeError, encodeResult, errorBody } from "../../src/protocol/lines.ts";
import { validateRequest, type Action } from "../../src/protocol/request.ts";
import { schemaErrorCodes, validateRequestLine, validateResponseLine } from "../support/wire-schema.ts";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/** The schema's message for a line, or null when the line is valid. */
function responseViolation(text: string, action?: Action): string | null {
  try {
    validateResponseLine(text, action);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe("error codes", () => {
  test("the schema's code enum is exactly ERROR_CODES, in order", () => {
    expect(schemaErrorCodes()).toEqual([...ERROR_CODES]);
  });
});

// ---------------------------------------------------------------------------
// Response lines

const usage: ReportedUsage = {
  input_tokens: 1200,
  output_tokens: 300,
  cache_read_tokens: 1000,
  cache_write_tokens: 0,
  reasoning_tokens: 120,
  estimated: [],
};
const cost: Cost = { input: 0.0006, output: 0.0045, cache_read: 0.0003, cache_write: 0, total: 0.0054 };

// Typed as WireChunk so a field renamed in chunks.ts breaks the type check here too.
const chunks: Array<[string, WireChunk]> = [
  ["content", { type: "content", content: "Hel" }],
  ["empty content", { type: "content", content: "" }],
  ["reasoning", { type: "reasoning", content: "Let me think" }],
  ["reasoning signature only", { type: "reasoning", content: "", signature: "EqQBCkYIBxgCKkA" }],
  ["reasoning redacted", { type: "reasoning", content: "", redacted: "EmwKAhgBEgy3va3pzix" }],
  ["tool_call_delta first", { type: "tool_call_delta", index: 0, id: "toolu_01", name: "get_weather", arguments_delta: "" }],
  ["tool_call_delta later", { type: "tool_call_delta", index: 1, arguments_delta: '{"city":' }],
  ["tool_call", { type: "tool_call", tool_call: { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' } }],
  ["retry", { type: "retry", attempt: 1, delay_ms: 2000, reason: "RATE_LIMITED (429)" }],
  ["resumed", { type: "resumed", attempt: 1, reason: "stream ended early" }],
  ["done, minimal", { type: "done", finish_reason: "stop", model: "claude-sonnet-4-5", usage, cost }],
  [
    "done, all fields",
    {
      type: "done",
      finish_reason: "content_filter",
      raw_finish_reason: "content_filter",
      model: "gpt-4o-2024-08-06",
      usage: { ...usage, estimated: ["input_tokens", "output_tokens"] },
      cost: null,
      details: { content_filter: { hate: { filtered: true, severity: "medium" } } },
    },
  ],
  ...(["stop", "length", "tool_calls", "content_filter", "refusal", "other"] as const).map((reason): [string, WireChunk] => [
    `done, finish_reason ${reason}`,
    { type: "done", finish_reason: reason, model: "m", usage, cost },
  ]),
];

const results: Array<[string, Action, unknown]> = [
  ["ping", "ping", { version: "0.1.0", protocol: 1 }],
  [
    "list_providers",
    "list_providers",
    [
      { id: "anthropic", name: "Anthropic", configured: true, auth: "api_key", available: true },
      { id: "copilot", name: "GitHub Copilot", configured: false, auth: "oauth_device", available: false },
      { id: "bedrock", name: "Amazon Bedrock", configured: false, auth: "aws", available: false },
      { id: "vertex", name: "Google Vertex AI", configured: false, auth: "google", available: false },
    ],
  ],
  ["list_models, empty", "list_models", []],
  [
    "list_models",
    "list_models",
    [
      {
        id: "claude-sonnet-4-5",
        name: "Claude Sonnet 4.5",
        provider: "anthropic",
        context_length: 200000,
        max_output: 64000,
        cost: { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 },
        capabilities: { tools: true, reasoning: true, images: true },
        source: "both",
      },
      {
        id: "gpt-4o",
        name: "GPT-4o",
        provider: "openai",
        context_length: 128000,
        max_output: 16384,
        cost: { input: 2.5, output: 10, cache_read: 1.25, cache_write: null },
        capabilities: { tools: true, reasoning: false, images: true },
      },
      {
        id: "ft:gpt-4o-mini:acme::abc",
        name: "ft:gpt-4o-mini:acme::abc",
        provider: "openai",
        context_length: null,
        max_output: null,
        cost: null,
        capabilities: { tools: false, reasoning: false, images: false },
        source: "api",
      },
    ],
  ],
  ["count_tokens, api", "count_tokens", { input_tokens: 1234, exact: true, method: "api" }],
  ["count_tokens, tokenizer", "count_tokens", { input_tokens: 0, exact: true, method: "tokenizer" }],
  ["count_tokens, estimate", "count_tokens", { input_tokens: 17, exact: false, method: "estimate" }],
  ["calculate_cost", "calculate_cost", cost],
  ["calculate_cost, unknown price", "calculate_cost", null],
  ["authenticate, device flow", "authenticate", { type: "authenticated", provider: "copilot" }],
  ["authenticate, key", "authenticate", { type: "authenticated", provider: "anthropic", stored: true }],
  ["logout", "logout", { provider: "openai", removed: false }],
  ["cancel", "cancel", { cancelled: true }],
];

const deviceFlow = {
  type: "device_flow",
  user_code: "WDJB-MJHT",
  verification_uri: "https://github.com/login/device",
  expires_in: 900,
  interval: 5,
};

const errors: Array<[string, string]> = [
  ["minimal", encodeError("r1", errorBody(new BridgeError("INTERNAL", "internal error: boom")))],
  [
    "all provider fields",
    encodeError(
      "r1",
      errorBody(
        new BridgeError("RATE_LIMITED", "rate limited", {
          retryable: true,
          status: 429,
          retryAfterMs: 1999.6,
          providerType: "rate_limit_error",
          requestId: "req_011CSHoEeqs5C35K2UUqR7Fy",
        }),
      ),
    ),
  ],
  ["INVALID_REQUEST with field and null id", encodeError(null, errorBody(new BridgeError("INVALID_REQUEST", "line is not valid JSON", { field: "request" })))],
  [
    "CANCELLED mid-stream with usage and cost",
    encodeError(
      7,
      errorBody(new BridgeError("CANCELLED", "cancelled", { partial: true }), {
        usage: { ...usage, estimated: ["output_tokens"] },
        cost,
      }),
    ),
  ],
  ["TIMEOUT with unknown cost", encodeError("r2", errorBody(new BridgeError("TIMEOUT", "idle for 120000 ms"), { usage, cost: null }))],
  ["wrapped non-BridgeError", encodeError("r3", errorBody(toBridgeError(new TypeError("x is undefined"))))],
  ...ERROR_CODES.map((code): [string, string] => [`code ${code}`, encodeError("r", errorBody(new BridgeError(code, "message")))]),
];

const validResponses: Array<[string, string]> = [
  ...chunks.map(([name, chunk]): [string, string] => [`chunk: ${name}`, encodeChunk("r1", chunk)]),
  ["chunk: device_flow", line({ id: "auth-1", success: true, streaming: true, data: deviceFlow })],
  ...results.map(([name, , data]): [string, string] => [`result: ${name}`, encodeResult(42, data)]),
  ...errors.map(([name, text]): [string, string] => [`error: ${name}`, text]),
  ["integer id 0", line({ id: 0, success: true, data: { cancelled: false } })],
  ["negative integer id", line({ id: -3, success: true, data: { cancelled: false } })],
  ["without trailing newline", JSON.stringify({ id: "r1", success: true, data: { cancelled: false } })],
];

const done = { type: "done", finish_reason: "stop", model: "m", usage, cost };
const errorBase = { code: "PROVIDER_ERROR", message: "boom", retryable: false, partial: false };
const chunkLine = (data: unknown) => line({ id: "r1", success: true, streaming: true, data });
const errorLine = (error: unknown, id: unknown = "r1") => line({ id, success: false, error });

/** [name, line, a fragment the violation message must contain] */
const invalidResponses: Array<[string, string, string]> = [
  ["not JSON", '{"id":"r1",', "not JSON"],
  ["two lines in one", `${line({ id: "r1", success: true, data: null })}${line({ id: "r2", success: true, data: null })}`, "more than one line"],
  ["not an object", line([1]), "must be object"],
  ["missing success", line({ id: "r1", data: {} }), "success"],
  ["success is a string", line({ id: "r1", success: "true", data: {} }), "/success"],
  ["missing id", line({ success: true, data: { cancelled: true } }), "id"],
  ["null id on a result", line({ id: null, success: true, data: { cancelled: true } }), "/id"],
  ["empty string id", line({ id: "", success: true, data: { cancelled: true } }), "/id"],
  ["fractional id", line({ id: 1.5, success: true, data: { cancelled: true } }), "/id"],
  ["result without data", line({ id: "r1", success: true }), "data"],
  ["result with an extra field", line({ id: "r1", success: true, data: null, extra: 1 }), "(extra)"],
  ["result data of no known shape", line({ id: "r1", success: true, data: { ok: true } }), "/data"],
  ["streaming: false", line({ id: "r1", success: true, streaming: false, data: { type: "content", content: "x" } }), "/streaming"],
  ["chunk: unknown type", chunkLine({ type: "text_delta", content: "x" }), "/data/type"],
  ["chunk: no type", chunkLine({ content: "x" }), "type"],
  ["chunk: unknown field", chunkLine({ type: "content", content: "x", index: 0 }), "(index)"],
  ["chunk: content not a string", chunkLine({ type: "content", content: 5 }), "/data/content must be string"],
  ["chunk: reasoning with text instead of content", chunkLine({ type: "reasoning", text: "x" }), "content"],
  ["chunk: tool_call_delta negative index", chunkLine({ type: "tool_call_delta", index: -1, arguments_delta: "" }), "/data/index"],
  ["chunk: tool_call_delta without arguments_delta", chunkLine({ type: "tool_call_delta", index: 0 }), "arguments_delta"],
  ["chunk: tool_call arguments as an object", chunkLine({ type: "tool_call", tool_call: { id: "c", name: "n", arguments: {} } }), "/data/tool_call/arguments"],
  ["chunk: retry with fractional delay", chunkLine({ type: "retry", attempt: 1, delay_ms: 12.5, reason: "x" }), "/data/delay_ms"],
  ["chunk: retry attempt 0", chunkLine({ type: "retry", attempt: 0, delay_ms: 1, reason: "x" }), "/data/attempt"],
  ["chunk: done without usage", chunkLine({ ...done, usage: undefined }), "usage"],
  ["chunk: done without cost", chunkLine({ ...done, cost: undefined }), "cost"],
  ["chunk: done without model", chunkLine({ ...done, model: undefined }), "model"],
  ["chunk: done with unknown finish_reason", chunkLine({ ...done, finish_reason: "end_turn" }), "/data/finish_reason"],
  ["chunk: done usage without estimated", chunkLine({ ...done, usage: { ...usage, estimated: undefined } }), "estimated"],
  ["chunk: done usage estimating an unknown figure", chunkLine({ ...done, usage: { ...usage, estimated: ["total_tokens"] } }), "/data/usage/estimated/0"],
  ["chunk: done usage with a float", chunkLine({ ...done, usage: { ...usage, output_tokens: 1.5 } }), "/data/usage/output_tokens"],
  ["chunk: done usage with an extra figure", chunkLine({ ...done, usage: { ...usage, total_tokens: 1 } }), "(total_tokens)"],
  ["chunk: done cost missing total", chunkLine({ ...done, cost: { ...cost, total: undefined } }), "total"],
  ["chunk: done cost negative", chunkLine({ ...done, cost: { ...cost, input: -1 } }), "/data/cost"],
  ["chunk: done details not an object", chunkLine({ ...done, details: "filtered" }), "/data/details"],
  ["chunk: device_flow interval as a string", chunkLine({ ...deviceFlow, interval: "5" }), "/data/interval"],
  ["chunk: device_flow without user_code", chunkLine({ ...deviceFlow, user_code: undefined }), "user_code"],
  ["chunk: authenticated as a chunk", chunkLine({ type: "authenticated", provider: "copilot" }), "/data/type"],
  ["error: unknown code", errorLine({ ...errorBase, code: "QUOTA_EXCEEDED" }), "/error/code"],
  ["error: without retryable", errorLine({ ...errorBase, retryable: undefined }), "retryable"],
  ["error: without partial", errorLine({ ...errorBase, partial: undefined }), "partial"],
  ["error: without message", errorLine({ ...errorBase, message: undefined }), "message"],
  ["error: empty message", errorLine({ ...errorBase, message: "" }), "/error/message"],
  ["error: status out of range", errorLine({ ...errorBase, status: 42 }), "/error/status"],
  ["error: fractional retry_after_ms", errorLine({ ...errorBase, retry_after_ms: 1999.6 }), "/error/retry_after_ms"],
  ["error: unknown field", errorLine({ ...errorBase, details: {} }), "(details)"],
  ["error: usage with missing figures", errorLine({ ...errorBase, usage: { input_tokens: 1 } }), "/error/usage"],
  ["error: no error object", line({ id: "r1", success: false }), "error"],
  ["error: data instead of error", line({ id: "r1", success: false, data: {} }), "(data)"],
  ["error: id false", errorLine(errorBase, false), "/id"],
  ["result: ping protocol 2", line({ id: 1, success: true, data: { version: "1", protocol: 2 } }), "/data"],
  ["result: count_tokens estimate claimed exact", line({ id: 1, success: true, data: { input_tokens: 3, exact: true, method: "estimate" } }), "/data"],
  [
    "result: list_models entry without capabilities",
    line({ id: 1, success: true, data: [{ ...(results.find(([name]) => name === "list_models")![2] as object[])[0]!, capabilities: undefined }] }),
    "/data",
  ],
  ["result: list_providers entry without available", line({ id: 1, success: true, data: [{ id: "openai", name: "OpenAI", configured: true, auth: "api_key" }] }), "/data"],
];

describe("response lines", () => {
  test.each(validResponses)("valid: %s", (_name, text) => {
    expect(responseViolation(text)).toBeNull();
  });

  test.each(invalidResponses)("invalid: %s", (_name, text, fragment) => {
    const violation = responseViolation(text);
    expect(violation).not.toBeNull();
    expect(violation).toContain(fragment);
  });

  test("a violation message names the line", () => {
    const text = chunkLine({ type: "content", content: 1 });
    expect(responseViolation(text)).toContain(text.trimEnd());
  });
});

describe("response lines checked against the action that produced them", () => {
  const listModels = results.find(([name]) => name === "list_models")![2];
  test.each(results)("valid %s result", (_name, action, data) => {
    expect(responseViolation(encodeResult("r", data), action)).toBeNull();
  });

  const mismatched: Array<[string, Action, string]> = [
    ["list_models data answering list_providers", "list_providers", encodeResult("r", listModels)],
    ["a cost answering count_tokens", "count_tokens", encodeResult("r", cost)],
    ["null answering ping", "ping", encodeResult("r", null)],
    ["cancel data answering logout", "logout", encodeResult("r", { cancelled: true })],
    ["a done chunk from authenticate", "authenticate", encodeChunk("r", { type: "done", finish_reason: "stop", model: "m", usage, cost })],
    ["a device_flow chunk from stream_chat", "stream_chat", chunkLine(deviceFlow)],
    ["a content chunk from count_tokens", "count_tokens", encodeChunk("r", { type: "content", content: "x" })],
  ];
  test.each(mismatched)("invalid: %s", (_name, action, text) => {
    expect(responseViolation(text, action)).not.toBeNull();
    // The same line is well-formed on its own: the action is what rules it out.
    expect(responseViolation(text)).toBeNull();
  });

  test("every action's streamed chunk types", () => {
    expect(responseViolation(chunkLine(deviceFlow), "authenticate")).toBeNull();
    for (const [, chunk] of chunks) expect(responseViolation(encodeChunk("r", chunk), "stream_chat")).toBeNull();
  });

  test("errors are valid for every action", () => {
    const text = encodeError("r", errorBody(new BridgeError("CANCELLED", "cancelled")));
    for (const action of ["ping", "stream_chat", "authenticate", "cancel"] as const) expect(responseViolation(text, action)).toBeNull();
  });
});

// ---------------------------------------------------------------------------
// Request lines: the schema and validateRequest must give the same verdict.

const chat = (params: Record<string, unknown>, action = "stream_chat") => ({
  id: "r1",
  action,
  provider: "anthropic",
  params: { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "Hi" }], ...params },
});
const message = (content: unknown, extra: Record<string, unknown> = {}) => chat({ messages: [{ role: "user", content, ...extra }] });
const part = (value: Record<string, unknown>) => message([value]);
const providerAction = (params: Record<string, unknown>, action = "list_models") => ({ id: 9, action, provider: "openai", params });

const validRequests: Array<[string, unknown]> = [
  ["ping", { id: "r1", action: "ping" }],
  ["ping with empty params and a provider", { id: "r1", action: "ping", provider: "anthropic", params: {} }],
  ["integer id 0", { id: 0, action: "ping" }],
  ["negative id", { id: -17, action: "ping" }],
  ["largest safe id", { id: MAX_SAFE, action: "ping" }],
  ["list_providers with timeout", { id: "r", action: "list_providers", timeout: 1 }],
  ["list_models without params", { id: "r", action: "list_models", provider: "openai" }],
  ["unknown provider id is well-formed", { id: "r", action: "list_models", provider: "mistral" }],
  [
    "list_models with every provider option",
    providerAction({
      base_url: "HTTP://localhost:8080/v1",
      credentials: { api_key: "sk-x", nested: { a: 1 } },
      headers: { "x-trace": "", "openai-organization": "org" },
      timeouts: { headers_ms: 1, first_content_ms: 300000, idle_ms: 120000 },
      max_retries: 0,
      resume: false,
      api: "responses",
      api_version: "2024-10-21",
      region: "us-east-1",
      project: "p",
      location: "global",
      github_url: "https://github.example",
      github_api_url: "https://api.github.example",
    }),
  ],
  ["authenticate with credentials", providerAction({ credentials: { api_key: "sk-x" } }, "authenticate")],
  ["logout", providerAction({}, "logout")],
  ["stream_chat minimal", chat({})],
  [
    "stream_chat with every chat field",
    chat({
      messages: [
        { role: "system", content: "Be brief.", cache: true },
        {
          role: "user",
          content: [
            { type: "text", text: "", cache: false },
            { type: "image", media_type: "image/webp", data: "AAAA" },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "", signature: "", redacted: "opaque" },
            { type: "reasoning", text: "thinking" },
            { type: "tool_call", id: "c1", name: "read", arguments: "" },
          ],
        },
        {
          role: "tool",
          content: [
            {
              type: "tool_result",
              tool_call_id: "c1",
              is_error: true,
              content: [
                { type: "text", text: "x" },
                { type: "tool_result", tool_call_id: "c0", content: "nested" },
              ],
            },
          ],
        },
      ],
      tools: [
        { name: "read", description: "", parameters: {} },
        { name: `a.b-c_${"d".repeat(122)}`, parameters: { type: "object", properties: {} } },
      ],
      tool_choice: { name: "read" },
      max_tokens: 1,
      temperature: 2,
      top_p: 0,
      stop: ["\n\n"],
      reasoning: { effort: "high" },
      cache: true,
      max_retries: 10,
      resume: true,
      timeouts: { idle_ms: MAX_SAFE },
    }),
  ],
  ["tool_choice required", chat({ tool_choice: "required" })],
  ["tool_choice none", chat({ tool_choice: "none" })],
  ["reasoning budget 0", chat({ reasoning: { budget_tokens: 0 } })],
  ["fractional temperature", chat({ temperature: 0.7, top_p: 1 })],
  ["empty tools and stop", chat({ tools: [], stop: [] })],
  ["empty string content", message("")],
  ["empty parts array", message([])],
  ["count_tokens with no messages", chat({ messages: [] }, "count_tokens")],
  ["count_tokens with tools", chat({ tools: [{ name: "t", parameters: {} }] }, "count_tokens")],
  ["calculate_cost", { id: "c", action: "calculate_cost", provider: "openai", params: { model: "gpt-4o", usage: { input_tokens: 10 } } }],
  ["calculate_cost with empty usage", { id: "c", action: "calculate_cost", provider: "openai", params: { model: "gpt-4o", usage: {} } }],
  ["calculate_cost with a done.usage passed back", { id: "c", action: "calculate_cost", provider: "anthropic", params: { model: "claude-sonnet-4-5", usage } }],
  ["cancel by string id", { id: "c2", action: "cancel", params: { id: "r1" } }],
  ["cancel by integer id", { id: "c2", action: "cancel", params: { id: 7 } }],
  ["cancel by empty id", { id: "c2", action: "cancel", params: { id: "" } }],
];

const invalidRequests: Array<[string, unknown]> = [
  ["null", null],
  ["array", []],
  ["string", "ping"],
  ["missing id", { action: "ping" }],
  ["empty id", { id: "", action: "ping" }],
  ["fractional id", { id: 1.5, action: "ping" }],
  ["unsafe integer id", { id: 2 ** 53, action: "ping" }],
  ["null id", { id: null, action: "ping" }],
  ["boolean id", { id: true, action: "ping" }],
  ["missing action", { id: "r" }],
  ["unknown action", { id: "r", action: "chat" }],
  ["numeric action", { id: "r", action: 1 }],
  ["unknown envelope field", { id: "r", action: "ping", stream: true }],
  ["timeout 0", { id: "r", action: "ping", timeout: 0 }],
  ["fractional timeout", { id: "r", action: "ping", timeout: 1.5 }],
  ["timeout as a string", { id: "r", action: "ping", timeout: "100" }],
  ["empty provider on ping", { id: "r", action: "ping", provider: "" }],
  ["ping with a param", { id: "r", action: "ping", params: { verbose: true } }],
  ["ping with a provider option", { id: "r", action: "ping", params: { base_url: "https://x" } }],
  ["null params", { id: "r", action: "ping", params: null }],
  ["array params", { id: "r", action: "list_providers", params: [] }],
  ["list_models without provider", { id: "r", action: "list_models" }],
  ["stream_chat without provider", { ...chat({}), provider: undefined }],
  ["numeric provider", { ...chat({}), provider: 1 }],
  ["list_models with a chat field", providerAction({ model: "gpt-4o" })],
  ["logout with unknown param", providerAction({ all: true }, "logout")],
  ["base_url not http", providerAction({ base_url: "ftp://x" })],
  ["base_url empty", providerAction({ base_url: "" })],
  ["base_url without scheme", providerAction({ base_url: "localhost:8080" })],
  ["credentials as a string", providerAction({ credentials: "sk-x" })],
  ["credentials as an array", providerAction({ credentials: ["sk-x"] })],
  ["header value a number", providerAction({ headers: { "x-n": 1 } })],
  ["max_retries 11", providerAction({ max_retries: 11 })],
  ["max_retries -1", providerAction({ max_retries: -1 })],
  ["max_retries fractional", providerAction({ max_retries: 1.5 })],
  ["unknown api", providerAction({ api: "completions" })],
  ["resume as a string", providerAction({ resume: "yes" })],
  ["unknown timeout", providerAction({ timeouts: { total_ms: 1 } })],
  ["timeout 0 ms", providerAction({ timeouts: { idle_ms: 0 } })],
  ["timeouts as a number", providerAction({ timeouts: 5 })],
  ["empty region", providerAction({ region: "" })],
  ["numeric project", providerAction({ project: 1 })],
  ["stream_chat without params", { id: "r", action: "stream_chat", provider: "openai" }],
  ["missing model", chat({ model: undefined })],
  ["empty model", chat({ model: "" })],
  ["messages not an array", chat({ messages: { role: "user", content: "x" } })],
  ["stream_chat with no messages", chat({ messages: [] })],
  ["count_tokens without messages", chat({ messages: undefined }, "count_tokens")],
  ["unknown chat param", chat({ stream: true })],
  ["message not an object", chat({ messages: ["Hi"] })],
  ["unknown role", chat({ messages: [{ role: "bot", content: "x" }] })],
  ["missing role", chat({ messages: [{ content: "x" }] })],
  ["missing content", chat({ messages: [{ role: "user" }] })],
  ["null content", message(null)],
  ["numeric content", message(5)],
  ["unknown message field", message("x", { name: "bob" })],
  ["message cache as a number", message("x", { cache: 1 })],
  ["part not an object", message(["Hi"])],
  ["part without type", part({ text: "x" })],
  ["unknown part type", part({ type: "audio", data: "x" })],
  ["empty part type", part({ type: "", text: "x" })],
  ["text part without text", part({ type: "text" })],
  ["text part cache as a string", part({ type: "text", text: "x", cache: "yes" })],
  ["text part with a field of another part", part({ type: "text", text: "x", signature: "s" })],
  ["image bmp", part({ type: "image", media_type: "image/bmp", data: "AAAA" })],
  ["image media type with suffix", part({ type: "image", media_type: "image/pngx", data: "AAAA" })],
  ["image empty data", part({ type: "image", media_type: "image/png", data: "" })],
  ["image as url", part({ type: "image", media_type: "image/png", url: "https://x" })],
  ["tool_call without arguments", part({ type: "tool_call", id: "c", name: "n" })],
  ["tool_call empty id", part({ type: "tool_call", id: "", name: "n", arguments: "{}" })],
  ["tool_call arguments as object", part({ type: "tool_call", id: "c", name: "n", arguments: {} })],
  ["tool_result without content", part({ type: "tool_result", tool_call_id: "c" })],
  ["tool_result is_error as a string", part({ type: "tool_result", tool_call_id: "c", content: "x", is_error: "no" })],
  ["tool_result with a bad nested part", part({ type: "tool_result", tool_call_id: "c", content: [{ type: "text", text: 1 }] })],
  ["reasoning with content instead of text", part({ type: "reasoning", content: "x" })],
  ["reasoning numeric signature", part({ type: "reasoning", text: "", signature: 5 })],
  ["reasoning numeric redacted", part({ type: "reasoning", text: "", redacted: 5 })],
  ["tools not an array", chat({ tools: { name: "t", parameters: {} } })],
  ["tool name with a space", chat({ tools: [{ name: "read file", parameters: {} }] })],
  ["tool name 129 characters", chat({ tools: [{ name: "a".repeat(129), parameters: {} }] })],
  ["tool without parameters", chat({ tools: [{ name: "t" }] })],
  ["tool parameters as an array", chat({ tools: [{ name: "t", parameters: [] }] })],
  ["tool with an unknown field", chat({ tools: [{ name: "t", parameters: {}, cache: true }] })],
  ["tool description a number", chat({ tools: [{ name: "t", parameters: {}, description: 1 }] })],
  ["tool_choice any", chat({ tool_choice: "any" })],
  ["tool_choice empty object", chat({ tool_choice: {} })],
  ["tool_choice empty name", chat({ tool_choice: { name: "" } })],
  ["tool_choice with an extra field", chat({ tool_choice: { name: "t", type: "tool" } })],
  ["max_tokens 0", chat({ max_tokens: 0 })],
  ["max_tokens fractional", chat({ max_tokens: 10.5 })],
  ["temperature above 2", chat({ temperature: 2.1 })],
  ["temperature negative", chat({ temperature: -0.1 })],
  ["top_p above 1", chat({ top_p: 1.5 })],
  ["stop as a string", chat({ stop: "\n" })],
  ["stop with an empty string", chat({ stop: [""] })],
  ["stop with a number", chat({ stop: [1] })],
  ["reasoning empty", chat({ reasoning: {} })],
  ["reasoning as a string", chat({ reasoning: "high" })],
  ["reasoning unknown effort", chat({ reasoning: { effort: "extreme" } })],
  ["reasoning with both forms", chat({ reasoning: { effort: "low", budget_tokens: 1024 } })],
  ["reasoning negative budget", chat({ reasoning: { budget_tokens: -1 } })],
  ["reasoning fractional budget", chat({ reasoning: { budget_tokens: 1.5 } })],
  ["cache as a string", chat({ cache: "true" })],
  ["calculate_cost without usage", { id: "c", action: "calculate_cost", provider: "openai", params: { model: "m" } }],
  ["calculate_cost without model", { id: "c", action: "calculate_cost", provider: "openai", params: { usage: {} } }],
  ["calculate_cost without provider", { id: "c", action: "calculate_cost", params: { model: "m", usage: {} } }],
  ["calculate_cost negative tokens", { id: "c", action: "calculate_cost", provider: "openai", params: { model: "m", usage: { input_tokens: -1 } } }],
  ["calculate_cost unknown usage field", { id: "c", action: "calculate_cost", provider: "openai", params: { model: "m", usage: { total_tokens: 1 } } }],
  ["calculate_cost extra param", { id: "c", action: "calculate_cost", provider: "openai", params: { model: "m", usage: {}, temperature: 1 } }],
  ["cancel without params", { id: "c", action: "cancel" }],
  ["cancel without target", { id: "c", action: "cancel", params: {} }],
  ["cancel fractional target", { id: "c", action: "cancel", params: { id: 1.5 } }],
  ["cancel null target", { id: "c", action: "cancel", params: { id: null } }],
  ["cancel extra field", { id: "c", action: "cancel", params: { id: "r", force: true } }],
];

function schemaAccepts(value: unknown): boolean {
  try {
    validateRequestLine(JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

function validatorAccepts(value: unknown): boolean {
  try {
    validateRequest(value);
    return true;
  } catch (error) {
    // Anything but INVALID_REQUEST would be a validator bug, not a verdict.
    if (!(error instanceof BridgeError) || error.code !== "INVALID_REQUEST") throw error;
    return false;
  }
}

/** What the executable actually receives: the value after a JSON round trip (undefined fields vanish). */
function roundTrip(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe("request lines", () => {
  test.each(validRequests)("valid: %s", (_name, value) => {
    expect(() => validateRequestLine(JSON.stringify(value))).not.toThrow();
  });

  test.each(invalidRequests)("invalid: %s", (_name, value) => {
    expect(() => validateRequestLine(JSON.stringify(value))).toThrow(/request line violates the wire schema/);
  });

  test.each([...validRequests, ...invalidRequests])("schema and validateRequest agree: %s", (_name, value) => {
    const parsed = roundTrip(value);
    expect(schemaAccepts(parsed)).toBe(validatorAccepts(parsed));
  });

  test("a request line with a trailing newline is one line", () => {
    expect(() => validateRequestLine('{"id":1,"action":"ping"}\n')).not.toThrow();
    expect(() => validateRequestLine('{"id":1,"action":"ping"}\n{"id":2,"action":"ping"}\n')).toThrow(/more than one line/);
  });
});

// Mutations of the valid requests reach corners no hand-written table does:
// a field of one part type on another, a chat field on a provider action, ...
type Path = Array<string | number>;

function paths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value))
    value.forEach((item, index) => {
      out.push(...paths(item, [...prefix, index]));
    });
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) out.push(...paths(item, [...prefix, key]));
  }
  return out;
}

type Container = Record<string | number, unknown>;

function mutate(value: unknown, pathIndex: number, op: "delete" | "replace" | "add", key: string, replacement: unknown): unknown {
  const root = structuredClone(value);
  const all = paths(root);
  const path = all[pathIndex % all.length]!;
  if (path.length === 0) return op === "add" && root !== null && typeof root === "object" ? { ...root, [key]: replacement } : replacement;
  let parent = root as Container;
  for (const step of path.slice(0, -1)) parent = parent[step] as Container;
  const last = path.at(-1)!;
  const target = parent[last];
  if (op === "delete") {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (op === "add" && Array.isArray(target)) {
    target.push(replacement);
  } else if (op === "add" && target !== null && typeof target === "object") {
    (target as Container)[key] = replacement;
  } else {
    parent[last] = replacement;
  }
  return root;
}

describe("schema and validateRequest agree on mutated requests", () => {
  const interesting = fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1,
    1.5,
    2,
    2.5,
    10,
    11,
    MAX_SAFE,
    2 ** 53,
    "",
    "x",
    "auto",
    "required",
    "chat",
    "text",
    "image/png",
    "http://x",
    "high",
    [],
    [""],
    ["x"],
    {},
    { name: "x" },
    { effort: "low" },
    { budget_tokens: 5 },
    { type: "text", text: "" },
    { role: "user", content: "x" },
  );
  const keys = fc.constantFrom(
    "x",
    "id",
    "type",
    "text",
    "cache",
    "model",
    "messages",
    "name",
    "effort",
    "budget_tokens",
    "signature",
    "redacted",
    "is_error",
    "content",
    "base_url",
    "api",
    "resume",
    "idle_ms",
    "usage",
    "estimated",
    "provider",
    "timeout",
    "params",
  );
  const mutation = fc.record({
    pathIndex: fc.nat(),
    op: fc.constantFrom("delete" as const, "replace" as const, "add" as const),
    key: keys,
    replacement: fc.oneof({ weight: 3, arbitrary: interesting }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }),
  });

  test("on 1-3 random mutations of each valid request", () => {
    const bases = validRequests.map(([, value]) => roundTrip(value));
    fc.assert(
      fc.property(fc.constantFrom(...bases), fc.array(mutation, { minLength: 1, maxLength: 3 }), (base, steps) => {
        const value = roundTrip(steps.reduce((current, m) => mutate(current, m.pathIndex, m.op, m.key, m.replacement), base));
        expect(schemaAccepts(value)).toBe(validatorAccepts(value));
      }),
      { seed: 20240611, numRuns: 3000 },
    );
  });
});
