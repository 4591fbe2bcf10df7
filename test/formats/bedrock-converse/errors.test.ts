/**
 * Bedrock error classification: one table of (status, body, headers) → code /
 * retryable / providerType / requestId / message. The recorded body is from
 * test/fixtures/bedrock/converse (see PROVENANCE.md); two more real bodies are
 * vercel/ai recordings quoted inline; the rest are written from the exception
 * list of the ConverseStream API reference and the messages quoted in
 * src/formats/bedrock-converse/errors.ts.
 */
import { describe, expect, test } from "bun:test";
import { decodeBedrockEvent } from "../../../src/decode/bedrock-payload.ts";
import { BEDROCK_EXCEPTIONS, classifyBedrockError, isInferenceProfileRequired } from "../../../src/formats/bedrock-converse/errors.ts";
import { bedrockConverseFormat } from "../../../src/formats/bedrock-converse/index.ts";
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

const msg = (message: string): string => JSON.stringify({ message });
const type = (name: string): Record<string, string> => ({ "x-amzn-ErrorType": `${name}:http://internal.amazon.com/coral/com.amazon.bedrock/` });
const ON_DEMAND =
  "Invocation of model ID anthropic.claude-sonnet-4-6 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.";

const CASES: Case[] = [
  // Real bodies.
  {
    name: "recorded 400 unknown model id (pydantic-ai streaming_error; the recorder dropped the type header) → NOT_FOUND",
    status: 400,
    body: fixtureText("pydantic-ai/test_bedrock_streaming_error.yaml.interaction0.400.json"),
    code: "NOT_FOUND",
    retryable: false,
    message: "bedrock: The provided model identifier is invalid.",
  },
  {
    name: "the same with its ValidationException header and a request id",
    status: 400,
    body: fixtureText("pydantic-ai/test_bedrock_streaming_error.yaml.interaction0.400.json"),
    headers: { ...type("ValidationException"), "x-amzn-RequestId": "4d9c2f7e-0000-4000-8000-000000000000" },
    code: "NOT_FOUND",
    retryable: false,
    providerType: "ValidationException",
    requestId: "4d9c2f7e-0000-4000-8000-000000000000",
  },
  {
    // vercel/ai packages/amazon-bedrock/src/__fixtures__/amazon-bedrock-validation-error-no-type.json @ aa9a287ffc6d
    name: "recorded 400 without a type: unsupported image field → INVALID_PARAMS",
    status: 400,
    body: '{\n  "message": "This model doesn\'t support the image field for user messages. Remove image and try again."\n}\n',
    code: "INVALID_PARAMS",
    retryable: false,
    message: "bedrock: This model doesn't support the image field for user messages. Remove image and try again.",
  },
  {
    // vercel/ai packages/amazon-bedrock/src/__fixtures__/issue-7830-empty-assistant-content-error.json @ 3a16c1db2d2b
    name: "recorded 400 empty message content → INVALID_PARAMS",
    status: 400,
    body: msg("The content field in the Message object at messages.1 is empty. Add a ContentBlock object to the content field and try again."),
    headers: type("ValidationException"),
    code: "INVALID_PARAMS",
    retryable: false,
    providerType: "ValidationException",
  },

  // Exception names from the header.
  {
    name: "ThrottlingException",
    status: 429,
    body: msg("Too many tokens, please wait before trying again."),
    headers: type("ThrottlingException"),
    code: "RATE_LIMITED",
    retryable: true,
    providerType: "ThrottlingException",
    message: "bedrock: Too many tokens, please wait before trying again.",
  },
  {
    name: "ModelNotReadyException comes as 429 but is the model loading",
    status: 429,
    body: msg("Model is not ready to serve inference requests."),
    headers: type("ModelNotReadyException"),
    code: "OVERLOADED",
    retryable: true,
    providerType: "ModelNotReadyException",
  },
  {
    name: "ServiceUnavailableException",
    status: 503,
    body: msg("Service is temporarily unavailable."),
    headers: type("ServiceUnavailableException"),
    code: "OVERLOADED",
    retryable: true,
    providerType: "ServiceUnavailableException",
  },
  {
    name: "InternalServerException",
    status: 500,
    body: msg("Internal server error"),
    headers: type("InternalServerException"),
    code: "PROVIDER_ERROR",
    retryable: true,
    providerType: "InternalServerException",
  },
  {
    name: "ModelTimeoutException",
    status: 408,
    body: msg("Model has timed out in processing the request."),
    headers: type("ModelTimeoutException"),
    code: "TIMEOUT",
    retryable: true,
    providerType: "ModelTimeoutException",
  },
  {
    name: "ModelErrorException is not retried",
    status: 424,
    body: msg("The request failed due to an error while processing the model."),
    headers: type("ModelErrorException"),
    code: "PROVIDER_ERROR",
    retryable: false,
    providerType: "ModelErrorException",
  },
  {
    name: "AccessDeniedException (model access not granted)",
    status: 403,
    body: msg("You don't have access to the model with the specified model ID."),
    headers: type("AccessDeniedException"),
    code: "AUTH_FAILED",
    retryable: false,
    providerType: "AccessDeniedException",
  },
  {
    name: "UnrecognizedClientException with a capitalised Message",
    status: 403,
    body: JSON.stringify({ Message: "The security token included in the request is invalid." }),
    headers: type("UnrecognizedClientException"),
    code: "AUTH_FAILED",
    retryable: false,
    providerType: "UnrecognizedClientException",
    message: "bedrock: The security token included in the request is invalid.",
  },
  {
    name: "ExpiredTokenException is not retried (same credentials again)",
    status: 403,
    body: msg("The security token included in the request is expired"),
    headers: type("ExpiredTokenException"),
    code: "AUTH_FAILED",
    retryable: false,
    providerType: "ExpiredTokenException",
  },
  {
    name: "InvalidSignatureException",
    status: 403,
    body: msg("The request signature we calculated does not match the signature you provided."),
    headers: type("InvalidSignatureException"),
    code: "AUTH_FAILED",
    retryable: false,
    providerType: "InvalidSignatureException",
  },
  {
    name: "ResourceNotFoundException",
    status: 404,
    body: msg("Could not resolve the foundation model from the provided model identifier."),
    headers: type("ResourceNotFoundException"),
    code: "NOT_FOUND",
    retryable: false,
    providerType: "ResourceNotFoundException",
  },
  {
    name: "ServiceQuotaExceededException is a quota, not retried",
    status: 400,
    body: msg("Your request exceeds the service quota for your account."),
    headers: type("ServiceQuotaExceededException"),
    code: "RATE_LIMITED",
    retryable: false,
    providerType: "ServiceQuotaExceededException",
  },
  {
    name: "exception name from a body __type when the header is missing",
    status: 400,
    body: JSON.stringify({ __type: "com.amazon.coral.service#ThrottlingException", message: "Rate exceeded" }),
    code: "RATE_LIMITED",
    retryable: true,
    providerType: "ThrottlingException",
  },
  {
    name: "a type without a message is named in the message",
    status: 429,
    body: "",
    headers: type("ThrottlingException"),
    code: "RATE_LIMITED",
    retryable: true,
    providerType: "ThrottlingException",
    message: "bedrock: ThrottlingException (HTTP 429)",
  },

  // ValidationException refinements.
  {
    name: "Bedrock's own overflow wording",
    status: 400,
    body: msg("Input is too long for requested model."),
    headers: type("ValidationException"),
    code: "CONTEXT_LENGTH_EXCEEDED",
    retryable: false,
    providerType: "ValidationException",
  },
  {
    name: "Claude's overflow wording through Bedrock",
    status: 400,
    body: msg("The model returned the following errors: prompt is too long: 215000 tokens > 200000 maximum"),
    headers: type("ValidationException"),
    code: "CONTEXT_LENGTH_EXCEEDED",
    retryable: false,
    providerType: "ValidationException",
  },
  {
    name: "Claude's input + max_tokens overflow",
    status: 400,
    body: msg("input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000, decrease input length or `max_tokens` and try again"),
    headers: type("ValidationException"),
    code: "CONTEXT_LENGTH_EXCEEDED",
    retryable: false,
    providerType: "ValidationException",
  },
  {
    name: "Titan/Nova token overflow, untyped",
    status: 400,
    body: msg("Too many input tokens. Max input tokens: 8192, request input token count: 9279"),
    code: "CONTEXT_LENGTH_EXCEEDED",
    retryable: false,
  },
  {
    name: "a max_tokens above the output cap is a parameter error, not overflow",
    status: 400,
    body: msg("The maximum tokens you requested exceeds the model limit of 8192. Try again with a maximum tokens value that is lower than 8192."),
    headers: type("ValidationException"),
    code: "INVALID_PARAMS",
    retryable: false,
    providerType: "ValidationException",
  },
  {
    name: "model needs an inference profile",
    status: 400,
    body: msg(ON_DEMAND),
    headers: type("ValidationException"),
    code: "INVALID_PARAMS",
    retryable: false,
    providerType: "on_demand_not_supported",
    message: `bedrock: ${ON_DEMAND}`,
  },
  { name: "model needs an inference profile, untyped", status: 400, body: msg(ON_DEMAND), code: "INVALID_PARAMS", retryable: false, providerType: "on_demand_not_supported" },

  // Status only.
  { name: "429 without a type", status: 429, body: msg("Too many requests, please wait before trying again."), code: "RATE_LIMITED", retryable: true },
  { name: "503 empty body", status: 503, body: "", code: "OVERLOADED", retryable: true, message: "bedrock: HTTP 503" },
  { name: "503 plain text", status: 503, body: "Service Unavailable", code: "OVERLOADED", retryable: true, message: "bedrock: Service Unavailable" },
  {
    name: "502 HTML page",
    status: 502,
    body: "<html><head><title>502 Bad Gateway</title></head><body></body></html>",
    code: "PROVIDER_ERROR",
    retryable: true,
    message: "bedrock: HTTP 502: 502 Bad Gateway",
  },
  { name: "504", status: 504, body: "", code: "TIMEOUT", retryable: true },
  { name: "401 empty", status: 401, body: "", code: "AUTH_FAILED", retryable: false },
  { name: "403 without a type (bearer key refused)", status: 403, body: msg("Authentication failed"), code: "AUTH_FAILED", retryable: false },
  { name: "404 without a type", status: 404, body: "", code: "NOT_FOUND", retryable: false },
  { name: "413", status: 413, body: "", code: "CONTEXT_LENGTH_EXCEEDED", retryable: false },
  {
    name: "an unknown exception name falls back to the status",
    status: 500,
    body: msg("boom"),
    headers: type("SomethingNewException"),
    code: "PROVIDER_ERROR",
    retryable: true,
    providerType: "SomethingNewException",
  },
];

describe("classifyBedrockError", () => {
  for (const c of CASES) {
    test(c.name, () => {
      const error = classifyBedrockError({ status: c.status, body: c.body, headers: new Headers(c.headers ?? {}) });
      expect(error).toBeInstanceOf(BridgeError);
      expect(error.code).toBe(c.code as BridgeError["code"]);
      expect(error.retryable).toBe(c.retryable);
      expect(error.status).toBe(c.status);
      expect(error.providerType).toBe(c.providerType);
      expect(error.requestId).toBe(c.requestId);
      expect(error.message.startsWith("bedrock: ")).toBe(true);
      if (c.message !== undefined) expect(error.message).toBe(c.message);
    });
  }

  test("the format uses it", () => {
    expect(bedrockConverseFormat.classifyError).toBe(classifyBedrockError);
  });
});

describe("isInferenceProfileRequired", () => {
  test("true only for the on-demand refusal", () => {
    const onDemand = classifyBedrockError({ status: 400, body: msg(ON_DEMAND), headers: new Headers(type("ValidationException")) });
    const other = classifyBedrockError({ status: 400, body: msg("Input is too long for requested model."), headers: new Headers() });
    expect(isInferenceProfileRequired(onDemand)).toBe(true);
    expect(isInferenceProfileRequired(other)).toBe(false);
    expect(isInferenceProfileRequired(new Error(ON_DEMAND))).toBe(false);
    expect(isInferenceProfileRequired(undefined)).toBe(false);
  });
});

/**
 * One table decides both paths: an exception named in an HTTP answer's
 * x-amzn-ErrorType (PascalCase, under a status that alone would say
 * something else) and the same exception in a stream frame's :exception-type
 * (camelCase) get the same code and retryable flag. The two used to disagree
 * (serviceQuotaExceededException, expiredTokenException and the other
 * signature failures were PROVIDER_ERROR in a stream).
 */
describe("one exception table for HTTP answers and stream frames", () => {
  const EXPECTED: Record<string, [string, boolean]> = {
    ThrottlingException: ["RATE_LIMITED", true],
    ServiceQuotaExceededException: ["RATE_LIMITED", false],
    ServiceUnavailableException: ["OVERLOADED", true],
    ModelNotReadyException: ["OVERLOADED", true],
    InternalServerException: ["PROVIDER_ERROR", true],
    ModelStreamErrorException: ["PROVIDER_ERROR", true],
    ModelErrorException: ["PROVIDER_ERROR", false],
    ModelTimeoutException: ["TIMEOUT", true],
    AccessDeniedException: ["AUTH_FAILED", false],
    UnrecognizedClientException: ["AUTH_FAILED", false],
    InvalidSignatureException: ["AUTH_FAILED", false],
    IncompleteSignatureException: ["AUTH_FAILED", false],
    MissingAuthenticationTokenException: ["AUTH_FAILED", false],
    ExpiredTokenException: ["AUTH_FAILED", false],
    ResourceNotFoundException: ["NOT_FOUND", false],
  };

  test("the table is exactly the exceptions listed here", () => {
    expect(Object.keys(BEDROCK_EXCEPTIONS).sort()).toEqual(
      Object.keys(EXPECTED)
        .map((name) => name.toLowerCase())
        .sort(),
    );
  });

  const encoder = new TextEncoder();
  const frame = (exception: string, text: string) => ({
    headers: { ":message-type": "exception", ":exception-type": exception, ":content-type": "application/json" },
    payload: encoder.encode(JSON.stringify({ message: text })),
  });
  const fromStream = (exception: string, text: string): BridgeError => {
    try {
      decodeBedrockEvent(frame(exception, text));
    } catch (error) {
      return error as BridgeError;
    }
    throw new Error(`${exception}: the frame did not throw`);
  };
  const camel = (name: string): string => name[0]!.toLowerCase() + name.slice(1);

  for (const [name, [code, retryable]] of Object.entries(EXPECTED)) {
    test(`${name}: ${code}, retryable ${retryable}, over HTTP and in a stream`, () => {
      // 418 decides nothing by itself: the name must.
      const http = classifyBedrockError({ status: 418, body: msg("x"), headers: new Headers(type(name)) });
      const stream = fromStream(camel(name), "x");
      expect([http.code, http.retryable]).toEqual([code as BridgeError["code"], retryable]);
      expect([stream.code, stream.retryable]).toEqual([http.code, http.retryable]);
      expect(stream.providerType).toBe(camel(name));
    });
  }

  test.each([
    ["temperature: range: 0..1", "INVALID_PARAMS", undefined],
    ["Too many input tokens. Max input tokens: 8192, request input token count: 9279", "CONTEXT_LENGTH_EXCEEDED", undefined],
    ["Malformed input request: expected maxLength: 50000, actual: 52611", "CONTEXT_LENGTH_EXCEEDED", undefined],
    ["The provided model identifier is invalid.", "NOT_FOUND", undefined],
    [ON_DEMAND, "INVALID_PARAMS", "on_demand_not_supported"],
  ])("ValidationException %p: the same refinement on both paths", (text, code, providerType) => {
    const http = classifyBedrockError({ status: 400, body: msg(text), headers: new Headers(type("ValidationException")) });
    const stream = fromStream("validationException", text);
    expect(http.code).toBe(code as BridgeError["code"]);
    expect(stream.code).toBe(http.code);
    expect(stream.retryable).toBe(false);
    expect(stream.providerType).toBe(providerType ?? "validationException");
  });
});
