// Dev tool, run by hand: `node_modules/.bin/bun test/support/convert-vertex.ts [corpus-dir]`.
// Turns the recorded Google Vertex AI traffic in shared/corpus/vertex into
// NDJSON cassettes under recordings/vertex/, adds the hand-written Vertex
// scenarios, and rewrites the Vertex table in recordings/README.md (between
// its own markers, so convert-corpus.ts / convert-azure.ts never overwrite it).
// No test runs this; its output is committed. It reads shared/corpus only here.
import type { Cassette, Interaction } from "./cassette.ts";
import {
  type Json,
  type Provenance,
  type RawExchange,
  chunks,
  handWritten,
  part,
  readGoVcr,
  readPydanticVcr,
  readText,
  real,
  textOf,
  toInteraction,
  writeCassettes,
} from "./convert-shared.ts";

// ---------------------------------------------------------------- sources and docs

const GO_VCR_NOTE =
  "go-vcr stores whole bodies; the SSE body was split into one chunk per event (after each blank-line separator), bytes unchanged (Gemini's \\r\\n\\r\\n separators kept). Request headers were reduced upstream to accept/content-type/user-agent; fantasy never recorded the Authorization header. The recorded host (us-east5-aiplatform.googleapis.com) is not kept; the path is, with fantasy's project fantasy-playground-472418 and location us-east5 (Gemini recorded on /v1beta1, Claude on /v1).";
const PYDANTIC_NOTE =
  "pydantic-ai stores JSON bodies re-serialised as YAML `parsed_body`; those were re-emitted as compact JSON (original key order and whitespace lost), one chunk per body; literal streaming bodies (`body.string`) were split per SSE event, bytes unchanged. host/content-length/connection/accept-encoding/transfer-encoding headers dropped; pydantic-ai scrubbed auth headers upstream.";

const DOC_ERRORS = "https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429";
const DOC_API_ERRORS = "https://cloud.google.com/apis/design/errors";
const DOC_GENERATE = "https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.publishers.models/streamGenerateContent";
const DOC_FINISH = "https://cloud.google.com/vertex-ai/docs/reference/rest/v1/GenerateContentResponse";
const DOC_LIST = "https://cloud.google.com/vertex-ai/docs/reference/rest/v1beta1/publishers.models/list";
const DOC_CLAUDE_COUNT = "https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/count-tokens";
const DOC_IAM = "https://cloud.google.com/vertex-ai/docs/general/access-control";
const DOC_VERSIONS = "https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions";
const DOC_AUTH = "https://cloud.google.com/docs/authentication/rest";

const V = {
  geminiText: "vertex/fantasy/TestGoogleCommon__vertex-gemini-2-5-pro__simple_streaming.yaml",
  geminiTool: "vertex/fantasy/TestGoogleCommon__vertex-gemini-2-5-flash__tool_streaming.yaml",
  geminiMulti: "vertex/fantasy/TestGoogleCommon__vertex-gemini-2-5-flash__multi_tool_streaming.yaml",
  claudeText: "vertex/fantasy/TestGoogleCommon__vertex-claude-3-7-sonnet__simple_streaming.yaml",
  claudeTool: "vertex/fantasy/TestGoogleCommon__vertex-claude-3-7-sonnet__tool_streaming.yaml",
  flex: "vertex/pydantic-ai/test_google_vertex_service_tier_flex_stream.yaml",
  armor: "vertex/pydantic-ai/test_google_model_armor_prompt_template_text_gets_blocked.yaml",
  count: "vertex/pydantic-ai/test_google_vertexai_count_tokens_forwards_native_tools.yaml",
  retryInfo: "vertex/vercel-ai/google-429-retry-info.json",
} as const;

const JSON_TYPE = "application/json; charset=UTF-8";
const _SSE_TYPE = "text/event-stream";
/** What our provider sends: the hand-written requests show the credential as redacted, like every recorded one. */
const REQUEST_HEADERS = { "content-type": "application/json", authorization: "<redacted>" };
const PROJECT_ROOT = "/v1/projects/test-project/locations/us-central1";
const GEMINI_PRO_STREAM = `${PROJECT_ROOT}/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse`;

function googleError(code: number, status: string, message: string, details?: Json[]): string {
  return JSON.stringify({ error: { code, message, status, ...(details !== undefined && { details }) } });
}

/** Upstream scrubbed every secret of the token exchange to the literal `scrubbed`; refuse anything else. */
function checkScrubbed(x: RawExchange): void {
  const form = new URLSearchParams(String(x.requestBody));
  for (const field of ["client_id", "client_secret", "refresh_token"]) {
    if (form.get(field) !== "scrubbed") throw new Error(`token exchange: ${field} is not scrubbed`);
  }
  const answer = JSON.parse(textOf(x)) as Json;
  for (const field of ["access_token", "id_token"]) {
    if (answer[field] !== "scrubbed") throw new Error(`token exchange answer: ${field} is not scrubbed`);
  }
}

function vertex(): Array<[string, Cassette]> {
  const out: Array<[string, Cassette]> = [];
  const add = (name: string, scenario: string, provenance: Provenance, interactions: Interaction[]) =>
    out.push([`vertex/${name}.ndjson`, { scenario: `vertex/${name}: ${scenario}`, provenance, interactions }]);

  const geminiText = readGoVcr(V.geminiText).map(toInteraction);
  if (!geminiText[0]!.body.every((s) => "chunk" in s && new TextDecoder().decode(s.chunk).endsWith("\r\n\r\n"))) {
    throw new Error("gemini-text: expected every event to end with CRLF CRLF");
  }
  add(
    "gemini-text",
    "Gemini 2.5 Pro stream (three events, \\r\\n\\r\\n separators); usageMetadata with thoughtsTokenCount 778 outside candidatesTokenCount 73",
    real(V.geminiText, GO_VCR_NOTE),
    geminiText,
  );
  add(
    "gemini-tool-call",
    "Gemini 2.5 Flash: a whole functionCall (no id) with thoughtSignature, finish STOP; then the turn with the functionResponse streams text",
    real(V.geminiTool, GO_VCR_NOTE),
    readGoVcr(V.geminiTool).map(toInteraction),
  );
  add(
    "gemini-multi-tool",
    "Gemini 2.5 Flash: two functionCall parts in one event (only the first signed); then the text turn with both functionResponses",
    real(V.geminiMulti, GO_VCR_NOTE),
    readGoVcr(V.geminiMulti).map(toInteraction),
  );
  add(
    "claude-text",
    "Claude 3.7 Sonnet on Vertex :streamRawPredict (anthropic_version vertex-2023-10-16): Anthropic SSE with padding spaces, msg_vrtx_ id",
    real(V.claudeText, GO_VCR_NOTE),
    readGoVcr(V.claudeText).map(toInteraction),
  );
  add(
    "claude-tool-call",
    "Claude 3.7 Sonnet on Vertex: text then a tool_use (input_json_delta), then the turn with the tool_result",
    real(V.claudeTool, GO_VCR_NOTE),
    readGoVcr(V.claudeTool).map(toInteraction),
  );
  add(
    "gemini-flex-global",
    "Gemini 3 Flash preview on the global endpoint (v1beta1): one event, text part with thoughtSignature, trafficType ON_DEMAND_FLEX, 100 thought tokens",
    real(V.flex, PYDANTIC_NOTE),
    readPydanticVcr(V.flex).map(toInteraction),
  );

  const armor = readPydanticVcr(V.armor);
  checkScrubbed(armor[0]!);
  add(
    "model-armor-blocked",
    "refresh-token grant at oauth2.googleapis.com/token (values scrubbed upstream), then a NON-streaming generateContent blocked by Model Armor (promptFeedback.blockReason MODEL_ARMOR, no candidates)",
    real(
      V.armor,
      `${PYDANTIC_NOTE} Interaction 0 is the real refresh-token grant (host oauth2.googleapis.com, path /token): pydantic-ai replaced client_id, client_secret, refresh_token, access_token and id_token by the literal string "scrubbed" (checked by the converter). Interaction 1 is generateContent, not streamGenerateContent: tests re-frame its JSON as one SSE event.`,
    ),
    armor.map(toInteraction),
  );
  add(
    "count-tokens",
    "Gemini :countTokens on the global endpoint -> {totalTokens: 13, totalBillableCharacters, promptTokensDetails}; then the generateContent it was compared with",
    real(V.count, PYDANTIC_NOTE),
    readPydanticVcr(V.count).map(toInteraction),
  );

  // ------------------------------------------------------------ hand-written
  const textRequest = geminiText[0]!.request;
  const onOurPath = (it: Interaction): Interaction => ({ ...it, request: { ...it.request, path: GEMINI_PRO_STREAM, headers: REQUEST_HEADERS } });
  const retryInfo = JSON.parse(readText(V.retryInfo)) as Json;
  add(
    "rate-limit-429-then-success",
    "429 RESOURCE_EXHAUSTED with QuotaFailure + RetryInfo retryDelay 34.4s, then the same request streams the gemini-text answer",
    handWritten(
      [DOC_ERRORS, DOC_API_ERRORS],
      "Interaction 0: the vercel/ai 429 body (Gemini Developer API, the same google.rpc error envelope Vertex uses), re-serialised compactly (vercel/ai pretty-printed it); no Vertex 429 recording exists. Interaction 1 is the real gemini-text exchange, its request moved to our /v1 us-central1 test-project path (the response bytes do not depend on it).",
      [part(V.retryInfo, "interaction 0 body"), part(V.geminiText, "both request bodies and interaction 1's response")],
    ),
    [
      { request: onOurPath(geminiText[0]!).request, response: { status: 429, headers: { "content-type": JSON_TYPE } }, body: chunks(JSON.stringify(retryInfo)) },
      onOurPath(geminiText[0]!),
    ],
  );

  add(
    "error-401",
    "expired or invalid OAuth access token -> 401 UNAUTHENTICATED with ErrorInfo ACCESS_TOKEN_EXPIRED",
    handWritten(
      [DOC_API_ERRORS, DOC_AUTH],
      "Envelope and the message wording are Google's standard UNAUTHENTICATED answer (google.rpc.ErrorInfo reason ACCESS_TOKEN_EXPIRED, domain googleapis.com) as documented in the API design guide's error model; metadata method/service filled in for this call. Request is the gemini-text request on our path.",
      [part(V.geminiText, "request body")],
    ),
    [
      {
        request: { ...textRequest, path: GEMINI_PRO_STREAM, headers: REQUEST_HEADERS },
        response: { status: 401, headers: { "content-type": JSON_TYPE, "www-authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"' } },
        body: chunks(
          googleError(
            401,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
            [
              {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                reason: "ACCESS_TOKEN_EXPIRED",
                domain: "googleapis.com",
                metadata: { service: "aiplatform.googleapis.com", method: "google.cloud.aiplatform.v1.PredictionService.StreamGenerateContent" },
              },
            ],
          ),
        ),
      },
    ],
  );

  add(
    "error-403",
    "the caller lacks aiplatform.endpoints.predict on the project -> 403 PERMISSION_DENIED with ErrorInfo IAM_PERMISSION_DENIED",
    handWritten(
      [DOC_API_ERRORS, DOC_IAM],
      "Message wording follows Vertex's IAM denial (\"Permission 'aiplatform.endpoints.predict' denied on resource ... (or it may not exist).\"), ErrorInfo per the error model; project test-project is ours. Request is the gemini-text request on our path.",
      [part(V.geminiText, "request body")],
    ),
    [
      {
        request: { ...textRequest, path: GEMINI_PRO_STREAM, headers: REQUEST_HEADERS },
        response: { status: 403, headers: { "content-type": JSON_TYPE } },
        body: chunks(
          googleError(
            403,
            "PERMISSION_DENIED",
            "Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/test-project/locations/us-central1/publishers/google/models/gemini-2.5-pro' (or it may not exist).",
            [
              {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                reason: "IAM_PERMISSION_DENIED",
                domain: "aiplatform.googleapis.com",
                metadata: { permission: "aiplatform.endpoints.predict", resource: "projects/test-project/locations/us-central1/publishers/google/models/gemini-2.5-pro" },
              },
            ],
          ),
        ),
      },
    ],
  );

  const missing = `${PROJECT_ROOT}/publishers/google/models/gemini-9.9-pro:streamGenerateContent?alt=sse`;
  add(
    "model-not-found-404",
    "a model id Vertex does not have -> 404 NOT_FOUND 'Publisher Model ... was not found or your project does not have access to it'",
    handWritten(
      [DOC_API_ERRORS, DOC_VERSIONS],
      "Message wording is Vertex's publisher-model 404 as users report it, pointing at the model-versions page; model gemini-9.9-pro is invented. Request is the gemini-text request body at that model's path.",
      [part(V.geminiText, "request body")],
    ),
    [
      {
        request: { ...textRequest, path: missing, headers: REQUEST_HEADERS },
        response: { status: 404, headers: { "content-type": JSON_TYPE } },
        body: chunks(
          googleError(
            404,
            "NOT_FOUND",
            `Publisher Model \`projects/test-project/locations/us-central1/publishers/google/models/gemini-9.9-pro\` was not found or your project does not have access to it. Please ensure you are using a valid model version. For more information, see: ${DOC_VERSIONS}`,
          ),
        ),
      },
    ],
  );

  add(
    "unavailable-503",
    "the model is overloaded -> 503 UNAVAILABLE",
    handWritten(
      [DOC_API_ERRORS, DOC_ERRORS],
      "UNAVAILABLE envelope per the error model; message wording is the one Gemini sends when overloaded. Request is the gemini-text request on our path.",
      [part(V.geminiText, "request body")],
    ),
    [
      {
        request: { ...textRequest, path: GEMINI_PRO_STREAM, headers: REQUEST_HEADERS },
        response: { status: 503, headers: { "content-type": JSON_TYPE } },
        body: chunks(googleError(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")),
      },
    ],
  );

  add(
    "truncated",
    "200 stream that ends after the first two gemini-text events: no finishReason, no final usageMetadata",
    handWritten(
      [DOC_GENERATE, DOC_FINISH],
      "The first two events of gemini-text, bytes unchanged; the body then ends (no event with finishReason, which a complete Vertex stream always sends last). Request on our path.",
      [part(V.geminiText, "request body and the first two events")],
    ),
    [{ ...onOurPath(geminiText[0]!), body: geminiText[0]!.body.slice(0, 2) }],
  );

  // Two pages, as the listing is paged (pageSize / nextPageToken).
  const publisherModel = (id: string, versionId: string, launchStage: string) => ({
    name: `publishers/google/models/${id}`,
    versionId,
    openSourceCategory: "PROPRIETARY",
    launchStage,
    publisherModelTemplate: `projects/{project}/locations/{location}/publishers/google/models/${id}@{version_id}`,
  });
  add(
    "models",
    "GET /v1beta1/publishers/google/models in two pages: Gemini ids (one the catalog lacks) among imagen and embedding models",
    handWritten(
      [DOC_LIST],
      "Shape per the publishers.models list reference (publisherModels[].name `publishers/google/models/<id>`, versionId, openSourceCategory, launchStage, publisherModelTemplate; nextPageToken). Which models appear and the page token are invented; the listing covers Google's models only (Claude is not in it).",
      [],
    ),
    [
      {
        request: { method: "GET", path: "/v1beta1/publishers/google/models?pageSize=200", headers: { authorization: "<redacted>" } },
        response: { status: 200, headers: { "content-type": JSON_TYPE } },
        body: chunks(
          JSON.stringify({
            publisherModels: [
              publisherModel("gemini-2.5-pro", "001", "GA"),
              publisherModel("imagen-4.0-generate-001", "001", "GA"),
              publisherModel("gemini-2.5-flash", "001", "GA"),
            ],
            nextPageToken: "page-2-token",
          }),
        ),
      },
      {
        request: { method: "GET", path: "/v1beta1/publishers/google/models?pageSize=200&pageToken=page-2-token", headers: { authorization: "<redacted>" } },
        response: { status: 200, headers: { "content-type": JSON_TYPE } },
        body: chunks(
          JSON.stringify({
            publisherModels: [publisherModel("gemini-2.0-flash-001", "001", "GA"), publisherModel("text-embedding-005", "005", "GA")],
          }),
        ),
      },
    ],
  );

  const claudeText = readGoVcr(V.claudeText).map(toInteraction)[0]!;
  const claudeBody = claudeText.request.body as Json;
  add(
    "claude-count-tokens",
    "Claude token count at /publishers/anthropic/models/count-tokens:rawPredict -> {input_tokens: 16}",
    handWritten(
      [DOC_CLAUDE_COUNT],
      "Endpoint and body per the Claude count-tokens page (the model named in the body, anthropic_version vertex-2023-10-16, messages/system; no max_tokens or stream). input_tokens 16 is what claude-text's message_start reported for the same prompt. Request on our us-central1 test-project path.",
      [part(V.claudeText, "messages/system of the request and the count")],
    ),
    [
      {
        request: {
          method: "POST",
          path: `${PROJECT_ROOT}/publishers/anthropic/models/count-tokens:rawPredict`,
          headers: REQUEST_HEADERS,
          body: { messages: claudeBody.messages, system: claudeBody.system, model: "claude-3-7-sonnet@20250219", anthropic_version: "vertex-2023-10-16" },
        },
        response: { status: 200, headers: { "content-type": "application/json" } },
        body: chunks(JSON.stringify({ input_tokens: 16 })),
      },
    ],
  );

  return out;
}

writeCassettes(vertex(), "vertex-cassettes", "Vertex ");
