/**
 * Error classification for the OpenAI dialects. Rows marked "recorded" use
 * real bodies from test/fixtures; the others are shaped after documented
 * bodies (OpenAI error-code docs; the `{error:{message,type,param,code}}` body
 * openai/openai-node src/core/error.ts reads; Azure content-filter docs and the
 * chat `innererror` bodies quoted in openai/openai-dotnet#55 and
 * microsoft/TinyTroupe#100). The Responses `content_filters[]` body has no
 * source we could name (recordings/README.md, Azure: unconfirmed).
 */
import { describe, expect, test } from "bun:test";
import { classifyOpenAIError, classifyOpenAIStreamError } from "../../../src/formats/openai-chat/errors.ts";
import type { ErrorCode } from "../../../src/protocol/errors.ts";
import { cassetteErrorAnswer, fixtureText } from "./recordings.ts";

interface Row {
  name: string;
  status: number;
  body: () => Promise<string> | string;
  headers?: Record<string, string>;
  code: ErrorCode;
  retryable: boolean;
  providerType?: string;
  message?: string | RegExp;
  requestId?: string;
}

const json = (value: unknown) => () => JSON.stringify(value);
const recorded = (path: string) => async () => (await cassetteErrorAnswer(path)).body;

const rows: Row[] = [
  {
    name: "recorded: 400 unsupported_parameter (max_tokens on a reasoning model)",
    status: 400,
    body: () => fixtureText("openai/vercel-ai/reasoning-model-legacy-parameter-error.json"),
    code: "INVALID_PARAMS",
    retryable: false,
    providerType: "unsupported_parameter",
    message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
  },
  {
    name: "recorded: Responses 400 decimal_below_min_value",
    status: 400,
    body: recorded("openai/pydantic-ai/test_openai_responses_model_http_error.yaml"),
    code: "INVALID_PARAMS",
    retryable: false,
    providerType: "decimal_below_min_value",
    message: "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -1 instead.",
  },
  {
    name: "recorded: 400 unsupported_value (system role on o1-mini)",
    status: 400,
    body: recorded("openai/pydantic-ai/test_openai_o1_mini_system_role[system].yaml"),
    code: "INVALID_PARAMS",
    retryable: false,
    providerType: "unsupported_value",
  },
  {
    name: "recorded: 400 with code null falls back to the type",
    status: 400,
    body: recorded("openai/pydantic-ai/test_openai_web_search_tool_model_not_supported.yaml"),
    code: "INVALID_PARAMS",
    retryable: false,
    providerType: "invalid_request_error",
    message: "Web search options not supported with this model.",
  },
  {
    // Status not recorded upstream; 429 assumed.
    name: "recorded: Copilot plain-text 'quota exceeded' is a quota, not a pause",
    status: 429,
    body: () => fixtureText("copilot/codecompanion/copilot_quota_exceeded.txt"),
    code: "RATE_LIMITED",
    retryable: false,
    message: "quota exceeded",
  },
  {
    name: "401 invalid_api_key",
    status: 401,
    body: json({ error: { message: "Incorrect API key provided: sk-abc***.", type: "invalid_request_error", param: null, code: "invalid_api_key" } }),
    headers: { "x-request-id": "req_123" },
    code: "AUTH_FAILED",
    retryable: false,
    providerType: "invalid_api_key",
    requestId: "req_123",
  },
  {
    name: "403 unsupported region",
    status: 403,
    body: json({ error: { code: "unsupported_country_region_territory", message: "Country, region, or territory not supported", param: null, type: "request_forbidden" } }),
    code: "AUTH_FAILED",
    retryable: false,
  },
  {
    name: "Azure APIM 401 envelope",
    status: 401,
    body: json({ statusCode: 401, message: "Access denied due to invalid subscription key or wrong API endpoint." }),
    headers: { "apim-request-id": "apim-1" },
    code: "AUTH_FAILED",
    retryable: false,
    message: "Access denied due to invalid subscription key or wrong API endpoint.",
    requestId: "apim-1",
  },
  {
    name: "404 model_not_found",
    status: 404,
    body: json({ error: { message: "The model `gpt-9` does not exist or you do not have access to it.", type: "invalid_request_error", param: null, code: "model_not_found" } }),
    code: "NOT_FOUND",
    retryable: false,
  },
  {
    name: "model_not_found under another status",
    status: 400,
    body: json({ error: { message: "no such model", code: "model_not_found" } }),
    code: "NOT_FOUND",
    retryable: false,
  },
  {
    name: "Azure 404 DeploymentNotFound",
    status: 404,
    body: json({ error: { code: "DeploymentNotFound", message: "The API deployment for this resource does not exist." } }),
    code: "NOT_FOUND",
    retryable: false,
    providerType: "DeploymentNotFound",
  },
  {
    name: "429 rate_limit_exceeded",
    status: 429,
    body: json({
      error: {
        message: "Rate limit reached for gpt-4o on tokens per min (TPM): Limit 30000, Used 29000, Requested 2000.",
        type: "tokens",
        param: null,
        code: "rate_limit_exceeded",
      },
    }),
    code: "RATE_LIMITED",
    retryable: true,
    providerType: "rate_limit_exceeded",
  },
  {
    name: "429 insufficient_quota",
    status: 429,
    body: json({
      error: { message: "You exceeded your current quota, please check your plan and billing details.", type: "insufficient_quota", param: null, code: "insufficient_quota" },
    }),
    code: "RATE_LIMITED",
    retryable: false,
    providerType: "insufficient_quota",
  },
  {
    name: "Azure 429 with a numeric-string code",
    status: 429,
    body: json({ error: { code: "429", message: "Requests to the ChatCompletions_Create Operation have exceeded token rate limit of your current tier." } }),
    code: "RATE_LIMITED",
    retryable: true,
    providerType: "429",
  },
  {
    name: "429 whose message mentions tokens is still a rate limit",
    status: 429,
    body: json({ error: { message: "Request too large: maximum context length per minute exceeded", type: "requests" } }),
    code: "RATE_LIMITED",
    retryable: true,
  },
  {
    name: "400 context_length_exceeded",
    status: 400,
    body: json({
      error: {
        message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.",
        type: "invalid_request_error",
        param: "messages",
        code: "context_length_exceeded",
      },
    }),
    code: "CONTEXT_LENGTH_EXCEEDED",
    retryable: false,
    providerType: "context_length_exceeded",
  },
  {
    name: "400 overflow recognised by message alone",
    status: 400,
    body: json({ error: { message: "Your input exceeds the context window of this model. Please adjust your input and try again.", type: "invalid_request_error", code: null } }),
    code: "CONTEXT_LENGTH_EXCEEDED",
    retryable: false,
  },
  {
    name: "Azure chat content filter (innererror)",
    status: 400,
    body: json({
      error: {
        message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
        type: null,
        param: "prompt",
        code: "content_filter",
        status: 400,
        innererror: {
          code: "ResponsibleAIPolicyViolation",
          content_filter_result: {
            hate: { filtered: false, severity: "safe" },
            jailbreak: { filtered: true, detected: true },
            violence: { filtered: true, severity: "medium" },
          },
        },
      },
    }),
    code: "INVALID_PARAMS",
    retryable: false,
    providerType: "content_filter",
    message: /^prompt was blocked by Azure content filtering: jailbreak, violence \(/,
  },
  {
    name: "Azure Responses content filter (content_filters[])",
    status: 400,
    body: json({
      error: {
        message: "The prompt was filtered.",
        code: "content_filter",
        content_filters: [{ blocked: true, source_type: "prompt", content_filter_results: { self_harm: { filtered: true, severity: "high" } } }],
      },
    }),
    code: "INVALID_PARAMS",
    retryable: false,
    message: "prompt was blocked by Azure content filtering: self_harm (The prompt was filtered.)",
  },
  {
    name: "408 request timeout is retryable",
    status: 408,
    body: () => "",
    code: "PROVIDER_ERROR",
    retryable: true,
    message: "HTTP 408",
  },
  {
    name: "409 conflict is retryable",
    status: 409,
    body: json({ error: { message: "lock timeout" } }),
    code: "PROVIDER_ERROR",
    retryable: true,
  },
  {
    name: "500 server_error",
    status: 500,
    body: json({ error: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", param: null, code: null } }),
    code: "PROVIDER_ERROR",
    retryable: true,
    providerType: "server_error",
  },
  {
    name: "502 HTML from a proxy",
    status: 502,
    body: () => "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center></body></html>",
    code: "PROVIDER_ERROR",
    retryable: true,
    message: "HTTP 502: 502 Bad Gateway",
  },
  {
    name: "503 engine overloaded",
    status: 503,
    body: json({ error: { message: "The engine is currently overloaded, please try again later", type: "server_error", param: null, code: null } }),
    code: "OVERLOADED",
    retryable: true,
  },
  {
    name: "503 HTML Service Unavailable",
    status: 503,
    body: () => "<html><head><title>Service Unavailable</title></head><body></body></html>",
    code: "OVERLOADED",
    retryable: true,
  },
  {
    name: "503 without a reason stays a provider error",
    status: 503,
    body: () => "",
    code: "PROVIDER_ERROR",
    retryable: true,
    message: "HTTP 503",
  },
  {
    name: "empty 400",
    status: 400,
    body: () => "",
    code: "INVALID_PARAMS",
    retryable: false,
    message: "HTTP 400",
  },
  {
    name: "truncated JSON body",
    status: 500,
    body: () => '{"error": {"message": "Internal',
    code: "PROVIDER_ERROR",
    retryable: true,
    message: "HTTP 500",
  },
];

describe("classifyOpenAIError", () => {
  for (const row of rows) {
    test(row.name, async () => {
      const error = classifyOpenAIError({ status: row.status, body: await row.body(), headers: new Headers(row.headers ?? {}) });
      expect(error.code).toBe(row.code);
      expect(error.retryable).toBe(row.retryable);
      expect(error.status).toBe(row.status);
      if (row.providerType !== undefined) expect(error.providerType).toBe(row.providerType);
      if (row.requestId !== undefined) expect(error.requestId).toBe(row.requestId);
      if (typeof row.message === "string") expect(error.message).toBe(row.message);
      else if (row.message !== undefined) expect(error.message).toMatch(row.message);
    });
  }
});

describe("classifyOpenAIStreamError (no HTTP status)", () => {
  const cases: [string, unknown, ErrorCode, boolean][] = [
    ["chat chunk with server_error", { error: { message: "boom", type: "server_error" } }, "PROVIDER_ERROR", true],
    ["rate_limit_exceeded", { code: "rate_limit_exceeded", message: "slow down" }, "RATE_LIMITED", true],
    ["insufficient_quota", { type: "insufficient_quota", code: "insufficient_quota", message: "You exceeded your current quota" }, "RATE_LIMITED", false],
    ["context_length_exceeded", { code: "context_length_exceeded", message: "too long" }, "CONTEXT_LENGTH_EXCEEDED", false],
    ["server_is_overloaded", { code: "server_is_overloaded", message: "busy" }, "OVERLOADED", true],
    ["invalid_prompt", { code: "invalid_prompt", message: "bad prompt" }, "INVALID_PARAMS", false],
    ["unknown code", { code: "something_else", message: "?" }, "PROVIDER_ERROR", false],
    ["nothing usable", null, "PROVIDER_ERROR", false],
  ];
  for (const [name, value, code, retryable] of cases) {
    test(name, () => {
      const error = classifyOpenAIStreamError(value);
      expect([error.code, error.retryable, error.status]).toEqual([code, retryable, undefined]);
    });
  }
});
