/**
 * Gemini error classification and the countTokens reader. Bodies are the
 * recorded ones where the corpus has them (vercel-ai 429, pydantic-ai 400)
 * and wording quoted from public issue reports otherwise (named per case).
 */
import { describe, expect, test } from "bun:test";
import { classifyGeminiError, classifyGeminiStreamError, parseGeminiCountTokens } from "../../../src/formats/gemini/errors.ts";
import { createGeminiFormat, parseGeminiCountTokens as reexported } from "../../../src/formats/gemini/index.ts";
import type { ErrorCode } from "../../../src/protocol/errors.ts";
import { BridgeError } from "../../../src/protocol/errors.ts";
import { fixtureJson, fixtureText } from "./replay.ts";

const google = (code: number, status: string, message: string) => JSON.stringify({ error: { code, message, status } });

interface Case {
  name: string;
  status: number;
  body: string;
  code: ErrorCode;
  retryable: boolean;
  message: string;
  providerType?: string;
  retryAfterMs?: number;
}

const CASES: Case[] = [
  {
    name: "429 RESOURCE_EXHAUSTED with RetryInfo 34.4s (vercel-ai google-429-retry-info.json)",
    status: 429,
    body: fixtureText("vercel-ai/google-429-retry-info.json"),
    code: "RATE_LIMITED",
    retryable: true,
    message: "vertex: You exceeded your current quota, please check your plan.",
    providerType: "RESOURCE_EXHAUSTED",
    retryAfterMs: 34400,
  },
  {
    name: "400 INVALID_ARGUMENT (pydantic-ai multimodal tool return, direct URL image)",
    status: 400,
    body: fixtureText("pydantic-ai/test_multimodal_tool_return_matrix-direct-url-image-google_vertex.400.json"),
    code: "INVALID_PARAMS",
    retryable: false,
    message:
      "vertex: Cannot fetch content from the provided URL. Please ensure the URL is valid and accessible by Vertex AI. Vertex AI respects robots.txt rules, so confirm the URL is allowed to be crawled. Status: URL_ROBOTED-ROBOTED_DENIED",
    providerType: "INVALID_ARGUMENT",
  },
  {
    // google-gemini/gemini-cli#6678: the array-wrapped form with the legacy `errors` list.
    name: "400 over-long prompt, array-wrapped → CONTEXT_LENGTH_EXCEEDED",
    status: 400,
    body: JSON.stringify([
      {
        error: {
          code: 400,
          message: "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).",
          errors: [{ message: "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).", domain: "global", reason: "badRequest" }],
          status: "INVALID_ARGUMENT",
        },
      },
    ]),
    code: "CONTEXT_LENGTH_EXCEEDED",
    retryable: false,
    message: "vertex: The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).",
    providerType: "INVALID_ARGUMENT",
  },
  {
    // BerriAI/litellm#10548: too large a max_tokens is a parameter error, not an overflow.
    name: "400 maxOutputTokens out of range stays INVALID_PARAMS",
    status: 400,
    body: google(
      400,
      "INVALID_ARGUMENT",
      "Unable to submit request because it has a maxOutputTokens value of 65536 but the supported range is from 1 (inclusive) to 65536 (exclusive). Update the value and try again.",
    ),
    code: "INVALID_PARAMS",
    retryable: false,
    message:
      "vertex: Unable to submit request because it has a maxOutputTokens value of 65536 but the supported range is from 1 (inclusive) to 65536 (exclusive). Update the value and try again.",
    providerType: "INVALID_ARGUMENT",
  },
  {
    name: "400 FAILED_PRECONDITION → INVALID_PARAMS",
    status: 400,
    body: google(400, "FAILED_PRECONDITION", "Billing is not enabled for this project."),
    code: "INVALID_PARAMS",
    retryable: false,
    message: "vertex: Billing is not enabled for this project.",
    providerType: "FAILED_PRECONDITION",
  },
  {
    name: "401 UNAUTHENTICATED",
    status: 401,
    body: google(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."),
    code: "AUTH_FAILED",
    retryable: false,
    message: "vertex: Request had invalid authentication credentials.",
    providerType: "UNAUTHENTICATED",
  },
  {
    name: "403 PERMISSION_DENIED",
    status: 403,
    body: google(403, "PERMISSION_DENIED", "Permission 'aiplatform.endpoints.predict' denied on resource."),
    code: "AUTH_FAILED",
    retryable: false,
    message: "vertex: Permission 'aiplatform.endpoints.predict' denied on resource.",
    providerType: "PERMISSION_DENIED",
  },
  {
    name: "404 NOT_FOUND",
    status: 404,
    body: google(404, "NOT_FOUND", "Publisher Model `gemini-9` was not found or your project does not have access to it."),
    code: "NOT_FOUND",
    retryable: false,
    message: "vertex: Publisher Model `gemini-9` was not found or your project does not have access to it.",
    providerType: "NOT_FOUND",
  },
  {
    name: "429 RESOURCE_EXHAUSTED without RetryInfo",
    status: 429,
    body: google(429, "RESOURCE_EXHAUSTED", "Resource exhausted. Please try again later."),
    code: "RATE_LIMITED",
    retryable: true,
    message: "vertex: Resource exhausted. Please try again later.",
    providerType: "RESOURCE_EXHAUSTED",
  },
  {
    name: "503 UNAVAILABLE",
    status: 503,
    body: google(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
    code: "OVERLOADED",
    retryable: true,
    message: "vertex: The model is overloaded. Please try again later.",
    providerType: "UNAVAILABLE",
  },
  {
    name: "500 INTERNAL",
    status: 500,
    body: google(500, "INTERNAL", "Internal error encountered."),
    code: "PROVIDER_ERROR",
    retryable: true,
    message: "vertex: Internal error encountered.",
    providerType: "INTERNAL",
  },
  {
    name: "504 DEADLINE_EXCEEDED",
    status: 504,
    body: google(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
    code: "TIMEOUT",
    retryable: true,
    message: "vertex: Deadline expired before operation could complete.",
    providerType: "DEADLINE_EXCEEDED",
  },
  { name: "empty 502 body", status: 502, body: "", code: "PROVIDER_ERROR", retryable: true, message: "vertex: HTTP 502" },
  {
    name: "HTML 503 page",
    status: 503,
    body: "<html><head><title>Service Unavailable</title></head><body>down</body></html>",
    code: "OVERLOADED",
    retryable: true,
    message: "vertex: HTTP 503: Service Unavailable",
  },
  { name: "plain-text 429", status: 429, body: "Too Many Requests", code: "RATE_LIMITED", retryable: true, message: "vertex: Too Many Requests" },
  { name: "JSON without an error object, 401", status: 401, body: "{}", code: "AUTH_FAILED", retryable: false, message: "vertex: HTTP 401" },
];

describe("classifyGeminiError", () => {
  for (const c of CASES) {
    test(c.name, () => {
      const error = classifyGeminiError({ status: c.status, body: c.body, headers: new Headers() }, "vertex");
      expect(error).toBeInstanceOf(BridgeError);
      expect(error.code).toBe(c.code);
      expect(error.retryable).toBe(c.retryable);
      expect(error.message).toBe(c.message);
      expect(error.status).toBe(c.status);
      expect(error.providerType).toBe(c.providerType);
      expect(error.retryAfterMs).toBe(c.retryAfterMs);
    });
  }

  test("a RetryInfo delay in the {seconds, nanos} form", () => {
    const body = JSON.stringify({
      error: {
        code: 429,
        status: "RESOURCE_EXHAUSTED",
        message: "slow down",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: { seconds: 2, nanos: 500000000 } }],
      },
    });
    expect(classifyGeminiError({ status: 429, body, headers: new Headers() }, "vertex").retryAfterMs).toBe(2500);
  });

  test("each provider's format classifies with this one and names that provider", () => {
    for (const provider of ["google", "vertex"] as const) {
      const error = createGeminiFormat(provider).classifyError({ status: 404, body: "", headers: new Headers() });
      expect(error.code).toBe("NOT_FOUND");
      expect(error.message.startsWith(`${provider}: `)).toBe(true);
    }
  });
});

describe("classifyGeminiStreamError", () => {
  test.each([
    ["UNAVAILABLE", 503, "OVERLOADED", true],
    ["RESOURCE_EXHAUSTED", 429, "RATE_LIMITED", true],
    ["INVALID_ARGUMENT", 400, "INVALID_PARAMS", false],
  ] as const)("%s in a 200 stream → %s", (status, code, expected, retryable) => {
    const error = classifyGeminiStreamError({ error: { code, status, message: "m" } }, "vertex");
    expect(error.code).toBe(expected);
    expect(error.retryable).toBe(retryable);
    expect(error.status).toBeUndefined();
    expect(error.message).toBe("vertex: m");
  });

  test("an error with neither status name nor code is a provider error", () => {
    const error = classifyGeminiStreamError({ error: { message: "?" } }, "vertex");
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.retryable).toBe(false);
  });
});

describe("parseGeminiCountTokens", () => {
  test("the recorded answer (pydantic-ai count_tokens_forwards_native_tools): totalTokens 13", () => {
    expect(parseGeminiCountTokens(fixtureJson("pydantic-ai/test_google_vertexai_count_tokens_forwards_native_tools.countTokens.200.json"), "vertex")).toBe(13);
    expect(reexported).toBe(parseGeminiCountTokens);
  });

  test("a missing totalTokens is proto3's omitted zero", () => {
    expect(parseGeminiCountTokens({ totalBillableCharacters: 0 }, "vertex")).toBe(0);
  });

  test.each([
    ["not an object", [1], "PROVIDER_ERROR"],
    ["a negative total", { totalTokens: -1 }, "PROVIDER_ERROR"],
    ["a text total", { totalTokens: "13" }, "PROVIDER_ERROR"],
    ["an error envelope", { error: { code: 403, status: "PERMISSION_DENIED", message: "no" } }, "AUTH_FAILED"],
  ] as const)("%s throws %s", (_name, json, code) => {
    expect(() => parseGeminiCountTokens(json, "vertex")).toThrow(expect.objectContaining({ code }) as unknown as Error);
  });
});

// The Gemini API (provider `google`): the same envelope, its own messages.
// Wordings: ai.google.dev/gemini-api/docs/troubleshooting (the documented
// invalid-key body), googleapis/googleapis google/api/error_reason.proto
// (ErrorInfo reasons), and issue text for the missing signature
// (BerriAI/litellm#16893).
const API_KEY_INVALID = JSON.stringify({
  error: {
    code: 400,
    message: "API key not valid. Please pass a valid API key.",
    status: "INVALID_ARGUMENT",
    details: [
      { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com", metadata: { service: "generativelanguage.googleapis.com" } },
      { "@type": "type.googleapis.com/google.rpc.LocalizedMessage", locale: "en-US", message: "API key not valid. Please pass a valid API key." },
    ],
  },
});

describe("classifyGeminiError for the Gemini API (google)", () => {
  test.each([
    {
      name: "400 INVALID_ARGUMENT with ErrorInfo API_KEY_INVALID → AUTH_FAILED (a wrong key, not a wrong request)",
      status: 400,
      body: API_KEY_INVALID,
      code: "AUTH_FAILED",
      message: "google: API key not valid. Please pass a valid API key.",
    },
    {
      name: "403 PERMISSION_DENIED with ErrorInfo API_KEY_SERVICE_BLOCKED → AUTH_FAILED",
      status: 403,
      body: JSON.stringify({
        error: {
          code: 403,
          status: "PERMISSION_DENIED",
          message: "Requests to this API generativelanguage.googleapis.com method google.ai.generativelanguage.v1beta.GenerativeService.StreamGenerateContent are blocked.",
          details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_SERVICE_BLOCKED", domain: "googleapis.com" }],
        },
      }),
      code: "AUTH_FAILED",
      message: "google: Requests to this API generativelanguage.googleapis.com method google.ai.generativelanguage.v1beta.GenerativeService.StreamGenerateContent are blocked.",
    },
    {
      name: "400 INVALID_ARGUMENT, a Gemini 3 call handed back without its signature → INVALID_PARAMS",
      status: 400,
      body: google(400, "INVALID_ARGUMENT", "Function call is missing a thought_signature in functionCall parts."),
      code: "INVALID_PARAMS",
      message: "google: Function call is missing a thought_signature in functionCall parts.",
    },
    {
      name: "429 RESOURCE_EXHAUSTED (vercel-ai google-429-retry-info.json, a Gemini API body) → RATE_LIMITED with its delay",
      status: 429,
      body: fixtureText("vercel-ai/google-429-retry-info.json"),
      code: "RATE_LIMITED",
      message: "google: You exceeded your current quota, please check your plan.",
    },
  ] as const)("$name", ({ status, body, code, message }) => {
    const error = classifyGeminiError({ status, body, headers: new Headers() }, "google");
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(code === "RATE_LIMITED");
    if (code === "RATE_LIMITED") expect(error.retryAfterMs).toBe(34400);
  });

  test("the same bodies from Vertex keep Vertex's prefix (and a rejected key is AUTH_FAILED there too)", () => {
    const error = classifyGeminiError({ status: 400, body: API_KEY_INVALID, headers: new Headers() }, "vertex");
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toBe("vertex: API key not valid. Please pass a valid API key.");
  });

  test("an error inside a 200 stream and an unreadable count name the Gemini API", () => {
    expect(classifyGeminiStreamError({ error: { code: 503, status: "UNAVAILABLE", message: "The model is overloaded." } }, "google").message).toBe(
      "google: The model is overloaded.",
    );
    expect(() => parseGeminiCountTokens({ totalTokens: -1 }, "google")).toThrow("google: unexpected countTokens totalTokens: -1");
  });
});
