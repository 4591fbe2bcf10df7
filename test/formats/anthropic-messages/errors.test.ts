/**
 * Anthropic error classification: one table of (status, body, headers) →
 * code / retryable / providerType / requestId / message. Real bodies come from
 * test/fixtures/anthropic (see PROVENANCE.md); the rest are written per the
 * error types and statuses of https://docs.anthropic.com/en/api/errors (the
 * types also in anthropics/anthropic-sdk-typescript src/resources/shared.ts).
 */
import { describe, expect, test } from "bun:test";
import { classifyAnthropicError } from "../../../src/formats/anthropic-messages/errors.ts";
import { anthropicMessagesFormat } from "../../../src/formats/anthropic-messages/index.ts";
import { BridgeError } from "../../../src/protocol/errors.ts";
import { fixtureText } from "./replay.ts";

interface Case {
  name: string;
  status: number;
  body: string;
  headers?: Record<string, string>;
  code: string;
  retryable: boolean;
  providerType?: string;
  requestId?: string;
  message?: string;
}

const body = (type: string, message: string, requestId?: string): string =>
  JSON.stringify({ type: "error", error: { type, message }, ...(requestId === undefined ? {} : { request_id: requestId }) });

const CLINE_429 = fixtureText("issues/cline-252.429-rate_limit_error-body.json");

const CASES: Case[] = [
  // Real bodies.
  {
    name: "recorded 429 rate_limit_error (cline #252) with the request-id header",
    status: 429,
    body: CLINE_429,
    headers: { "request-id": "req_01T5fCVnYdf9X5ZW6KayReBK", "x-should-retry": "true" },
    code: "RATE_LIMITED",
    retryable: true,
    providerType: "rate_limit_error",
    requestId: "req_01T5fCVnYdf9X5ZW6KayReBK",
    message:
      "anthropic: Number of request tokens has exceeded your per-minute rate limit (https://docs.anthropic.com/en/api/rate-limits); see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.",
  },
  {
    name: "recorded 404 not_found_error (pydantic-ai count_tokens) keeps the body's request_id",
    status: 404,
    body: fixtureText("pydantic-ai/test_anthropic_count_tokens_error.404.json"),
    code: "NOT_FOUND",
    retryable: false,
    providerType: "not_found_error",
    requestId: "req_011CVEA3SF7rnb3DuBZytqQa",
    message: "anthropic: model: claude-does-not-exist",
  },
  {
    name: "recorded 400 invalid_request_error (pydantic-ai unsupported effort)",
    status: 400,
    body: fixtureText("pydantic-ai/test_anthropic_explicit_effort_xhigh_unsupported_model_errors.400.json"),
    code: "INVALID_PARAMS",
    retryable: false,
    providerType: "invalid_request_error",
    requestId: "req_011Ca7jT9AHpgXgdv8igm4z9",
    message: "anthropic: This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium.",
  },
  {
    name: "body request_id wins over the header",
    status: 404,
    body: fixtureText("pydantic-ai/test_anthropic_count_tokens_error.404.json"),
    headers: { "request-id": "req_from_header" },
    code: "NOT_FOUND",
    retryable: false,
    requestId: "req_011CVEA3SF7rnb3DuBZytqQa",
  },

  // By error type.
  {
    name: "401 authentication_error",
    status: 401,
    body: body("authentication_error", "invalid x-api-key"),
    code: "AUTH_FAILED",
    retryable: false,
    providerType: "authentication_error",
    message: "anthropic: invalid x-api-key",
  },
  {
    name: "403 permission_error",
    status: 403,
    body: body("permission_error", "Your API key does not have permission to use the specified resource."),
    code: "AUTH_FAILED",
    retryable: false,
  },
  {
    name: "402 billing_error",
    status: 402,
    body: body("billing_error", "Your credit balance is too low to access the Anthropic API."),
    code: "RATE_LIMITED",
    retryable: false,
    providerType: "billing_error",
  },
  {
    name: "400 invalid_request_error about credit (pre-billing_error wording)",
    status: 400,
    body: body("invalid_request_error", "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."),
    code: "RATE_LIMITED",
    retryable: false,
  },
  {
    name: "529 overloaded_error",
    status: 529,
    body: body("overloaded_error", "Overloaded"),
    code: "OVERLOADED",
    retryable: true,
    providerType: "overloaded_error",
    message: "anthropic: Overloaded",
  },
  {
    name: "overloaded_error sent with 429 is still OVERLOADED (type before status)",
    status: 429,
    body: body("overloaded_error", "Overloaded"),
    code: "OVERLOADED",
    retryable: true,
  },
  { name: "500 api_error", status: 500, body: body("api_error", "Internal server error"), code: "PROVIDER_ERROR", retryable: true, providerType: "api_error" },
  { name: "504 timeout_error", status: 504, body: body("timeout_error", "Request timed out"), code: "TIMEOUT", retryable: true, providerType: "timeout_error" },
  {
    name: "413 request_too_large",
    status: 413,
    body: body("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    code: "CONTEXT_LENGTH_EXCEEDED",
    retryable: false,
    providerType: "request_too_large",
  },
  {
    name: "400 prompt is too long",
    status: 400,
    body: body("invalid_request_error", "prompt is too long: 215000 tokens > 200000 maximum"),
    code: "CONTEXT_LENGTH_EXCEEDED",
    retryable: false,
  },
  {
    name: "400 input length and max_tokens exceed context limit",
    status: 400,
    body: body("invalid_request_error", "input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000, decrease input length or `max_tokens` and try again"),
    code: "CONTEXT_LENGTH_EXCEEDED",
    retryable: false,
  },
  {
    name: "400 exceeds the context window",
    status: 400,
    body: body("invalid_request_error", "The request exceeds the model's context window."),
    code: "CONTEXT_LENGTH_EXCEEDED",
    retryable: false,
  },
  {
    name: "400 max_tokens above the model's output cap is not a context overflow",
    status: 400,
    body: body("invalid_request_error", "max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5"),
    code: "INVALID_PARAMS",
    retryable: false,
  },
  {
    name: "400 other invalid_request_error",
    status: 400,
    body: body("invalid_request_error", 'messages: roles must alternate between "user" and "assistant"'),
    code: "INVALID_PARAMS",
    retryable: false,
  },
  {
    name: "unknown type falls back to the status (503)",
    status: 503,
    body: body("brand_new_error", "?"),
    code: "PROVIDER_ERROR",
    retryable: true,
    providerType: "brand_new_error",
  },

  // Bodies that are not Anthropic JSON: the status decides.
  { name: "empty 529", status: 529, body: "", code: "OVERLOADED", retryable: true, message: "anthropic: HTTP 529" },
  { name: "empty 401", status: 401, body: "", code: "AUTH_FAILED", retryable: false },
  { name: "empty 429 with request-id header", status: 429, body: "", headers: { "request-id": "req_x" }, code: "RATE_LIMITED", retryable: true, requestId: "req_x" },
  {
    name: "HTML 502 from a proxy",
    status: 502,
    body: "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
    code: "PROVIDER_ERROR",
    retryable: true,
    message: "anthropic: HTTP 502: 502 Bad Gateway",
  },
  { name: "HTML 504 gateway timeout", status: 504, body: "<html><title>Gateway Timeout</title></html>", code: "TIMEOUT", retryable: true },
  { name: "plain-text 404", status: 404, body: "Not Found", code: "NOT_FOUND", retryable: false, message: "anthropic: Not Found" },
  { name: "truncated JSON 500", status: 500, body: '{"type":"error","error":{"type":"api_', code: "PROVIDER_ERROR", retryable: true, message: "anthropic: HTTP 500" },
  {
    name: "bare {message} body with a context message",
    status: 400,
    body: '{"message":"Input is too long for requested model."}',
    code: "CONTEXT_LENGTH_EXCEEDED",
    retryable: false,
  },
  {
    name: "Google-shaped quota body (Claude on Vertex)",
    status: 429,
    body: '{"error":{"code":429,"message":"Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model","status":"RESOURCE_EXHAUSTED"}}',
    code: "RATE_LIMITED",
    retryable: true,
    providerType: "RESOURCE_EXHAUSTED",
  },
  { name: "408", status: 408, body: "", code: "TIMEOUT", retryable: true },
  { name: "409", status: 409, body: "", code: "PROVIDER_ERROR", retryable: true },
  { name: "422 without a body", status: 422, body: "", code: "INVALID_PARAMS", retryable: false },
];

describe("classifyAnthropicError", () => {
  for (const c of CASES) {
    test(c.name, () => {
      const error = classifyAnthropicError({ status: c.status, body: c.body, headers: new Headers(c.headers ?? {}) });
      expect(error).toBeInstanceOf(BridgeError);
      expect(error.code).toBe(c.code as BridgeError["code"]);
      expect(error.retryable).toBe(c.retryable);
      expect(error.status).toBe(c.status);
      if (c.providerType !== undefined) expect(error.providerType).toBe(c.providerType);
      if (c.requestId !== undefined) expect(error.requestId).toBe(c.requestId);
      if (c.message !== undefined) expect(error.message).toBe(c.message);
      expect(error.message.startsWith("anthropic: ")).toBe(true);
    });
  }

  test("no providerType or requestId is invented when there are none", () => {
    const error = classifyAnthropicError({ status: 500, body: "", headers: new Headers() });
    expect(error.providerType).toBeUndefined();
    expect(error.requestId).toBeUndefined();
  });

  test("the format object classifies with the same function", () => {
    const error = anthropicMessagesFormat.classifyError({ status: 429, body: CLINE_429, headers: new Headers() });
    expect(error).toMatchObject({ code: "RATE_LIMITED", retryable: true, providerType: "rate_limit_error" });
  });
});
