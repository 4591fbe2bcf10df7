// Dev tool, run by hand: `node_modules/.bin/bun test/support/convert-google.ts [corpus-dir]`.
// Turns the recorded Gemini API traffic in shared/corpus/google (the API-key
// API at generativelanguage.googleapis.com, provider `google`) into NDJSON
// cassettes under recordings/google/, adds the hand-written scenarios no
// recording covers (an invalid key, a 429, the model listing, a token
// count), and rewrites the table in recordings/google/README.md. No test runs
// this; its output is committed. It reads shared/corpus only here.
import type { Cassette, Interaction } from "./cassette.ts";
import { type Json, type Provenance, chunks, handWritten, part, readGoVcr, readText, real, toInteraction, writeCassettes } from "./convert-shared.ts";

// ---------------------------------------------------------------- sources and docs

const GO_VCR_NOTE =
  "go-vcr stores whole bodies; the SSE body was split into one chunk per event (after each blank-line separator), bytes unchanged (Gemini's \\r\\n\\r\\n separators kept). The recorded path (/v1beta/models/<model>:streamGenerateContent?alt=sse) is kept; the host (generativelanguage.googleapis.com) is not. Request headers were reduced upstream to content-type/user-agent (two user-agent values, joined); fantasy never recorded the API key.";

const DOC_ERRORS = "https://ai.google.dev/gemini-api/docs/troubleshooting";
const DOC_RATE = "https://ai.google.dev/gemini-api/docs/rate-limits";
const DOC_API_ERRORS = "https://cloud.google.com/apis/design/errors";
const DOC_REASONS = "https://github.com/googleapis/googleapis/blob/master/google/api/error_reason.proto";
const DOC_MODELS = "https://ai.google.dev/api/models";
const DOC_TOKENS = "https://ai.google.dev/api/tokens";

const G = {
  text: "google/fantasy/TestGoogleCommon__gemini-2.5-flash__simple_streaming.yaml",
  g3Tool: "google/fantasy/TestGoogleThinking__gemini-3-pro-preview__thinking-streaming.yaml",
  g3Multi: "google/fantasy/TestGoogleCommon__gemini-3-pro-preview__multi_tool_streaming.yaml",
  flashTool: "google/fantasy/TestGoogleThinking__gemini-2.5-flash__thinking-streaming.yaml",
  retryInfo: "vertex/vercel-ai/google-429-retry-info.json",
} as const;

const JSON_TYPE = "application/json; charset=UTF-8";
/** What our provider sends: the hand-written requests show the key header as redacted. */
const REQUEST_HEADERS = { "content-type": "application/json", "x-goog-api-key": "<redacted>" };

function googleError(code: number, status: string, message: string, details?: Json[]): string {
  return JSON.stringify({ error: { code, message, status, ...(details !== undefined && { details }) } });
}

/** Every recorded Gemini API stream ends each event with CRLF CRLF; a different framing means the source changed. */
function checkCrlf(name: string, turns: Interaction[]): Interaction[] {
  const decoder = new TextDecoder();
  for (const turn of turns) {
    if (!turn.body.every((s) => "chunk" in s && decoder.decode(s.chunk).endsWith("\r\n\r\n"))) throw new Error(`${name}: expected every event to end with CRLF CRLF`);
    if (!turn.request.path.startsWith("/v1beta/models/")) throw new Error(`${name}: not a Gemini API path: ${turn.request.path}`);
  }
  return turns;
}

function google(): Array<[string, Cassette]> {
  const out: Array<[string, Cassette]> = [];
  const add = (name: string, scenario: string, provenance: Provenance, interactions: Interaction[]) =>
    out.push([`google/${name}.ndjson`, { scenario: `google/${name}: ${scenario}`, provenance, interactions }]);

  const text = checkCrlf("text", readGoVcr(G.text).map(toInteraction));
  add(
    "text",
    "Gemini 2.5 Flash stream on the Gemini API: one event, text, finish STOP, usageMetadata with thoughtsTokenCount 21 outside candidatesTokenCount 2",
    real(G.text, GO_VCR_NOTE),
    text,
  );
  add(
    "thinking-tool",
    "Gemini 3 Pro preview (answered as gemini-3.1-pro-preview), thinkingLevel HIGH: a signed functionCall with an id; then the turn that hands the signed call and its functionResponse back streams text ending in a signed empty text part",
    real(G.g3Tool, GO_VCR_NOTE),
    checkCrlf("thinking-tool", readGoVcr(G.g3Tool).map(toInteraction)),
  );
  add(
    "multi-tool",
    "Gemini 3 Pro preview: two parallel functionCalls (add, multiply) in one turn, only the first signed; then the text turn with both functionResponses",
    real(G.g3Multi, GO_VCR_NOTE),
    checkCrlf("multi-tool", readGoVcr(G.g3Multi).map(toInteraction)),
  );
  add(
    "thinking-tool-flash",
    "Gemini 2.5 Flash, thinkingBudget 128 with includeThoughts: a thought summary part, then a signed functionCall (no id) with finishMessage; then the text turn",
    real(G.flashTool, GO_VCR_NOTE),
    checkCrlf("thinking-tool-flash", readGoVcr(G.flashTool).map(toInteraction)),
  );

  // ------------------------------------------------------------ hand-written
  const textRequest = text[0]!.request;
  const onOurHeaders = (it: Interaction): Interaction => ({ ...it, request: { ...it.request, headers: REQUEST_HEADERS } });
  const retryInfo = JSON.parse(readText(G.retryInfo)) as Json;
  add(
    "rate-limit-429-then-success",
    "429 RESOURCE_EXHAUSTED (free-tier per-minute quota) with QuotaFailure + RetryInfo retryDelay 34.4s, then the same request streams the text answer",
    handWritten(
      [DOC_RATE, DOC_API_ERRORS],
      "Interaction 0: the vercel/ai 429 body (a Gemini Developer API answer, quota GenerateRequestsPerMinutePerProjectPerModel-FreeTier), re-serialised compactly (vercel/ai pretty-printed it); vercel/ai kept no request, so the request is the text cassette's. Interaction 1 is the real text exchange; both requests show our headers (content-type, x-goog-api-key redacted).",
      [part(G.retryInfo, "interaction 0 body"), part(G.text, "both request bodies and interaction 1's response")],
    ),
    [
      { request: onOurHeaders(text[0]!).request, response: { status: 429, headers: { "content-type": JSON_TYPE } }, body: chunks(JSON.stringify(retryInfo)) },
      onOurHeaders(text[0]!),
    ],
  );

  const invalidKey = "API key not valid. Please pass a valid API key.";
  add(
    "error-400-api-key",
    "a wrong API key -> 400 INVALID_ARGUMENT 'API key not valid. Please pass a valid API key.' with ErrorInfo API_KEY_INVALID (the Gemini API answers a bad key with 400, not 401)",
    handWritten(
      [DOC_ERRORS, DOC_REASONS, DOC_API_ERRORS],
      "The body is the invalid-key answer as Google's Gemini API error documentation shows it (status INVALID_ARGUMENT, google.rpc.ErrorInfo reason API_KEY_INVALID, domain googleapis.com, metadata.service generativelanguage.googleapis.com, and the LocalizedMessage detail). No recording exists: every public recorder drops failed-key exchanges. Request is the text cassette's body on its recorded path, with our headers.",
      [part(G.text, "request body")],
    ),
    [
      {
        request: { ...textRequest, headers: REQUEST_HEADERS },
        response: { status: 400, headers: { "content-type": JSON_TYPE } },
        body: chunks(
          googleError(400, "INVALID_ARGUMENT", invalidKey, [
            {
              "@type": "type.googleapis.com/google.rpc.ErrorInfo",
              reason: "API_KEY_INVALID",
              domain: "googleapis.com",
              metadata: { service: "generativelanguage.googleapis.com" },
            },
            { "@type": "type.googleapis.com/google.rpc.LocalizedMessage", locale: "en-US", message: invalidKey },
          ]),
        ),
      },
    ],
  );

  // Two pages, as the listing is paged (pageSize / pageToken / nextPageToken).
  const model = (id: string, displayName: string, methods: string[], input: number, output: number, extra: Json = {}) => ({
    name: `models/${id}`,
    version: "001",
    displayName,
    inputTokenLimit: input,
    outputTokenLimit: output,
    supportedGenerationMethods: methods,
    ...extra,
  });
  const CHAT = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"];
  const THINKS = { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2, thinking: true };
  add(
    "models",
    "GET /v1beta/models in two pages: Gemini chat models (one the catalog lacks: gemma-3-27b-it) among embedding, Imagen and Veo models that do not support generateContent",
    handWritten(
      [DOC_MODELS],
      "Shape per the models.list reference (models[].name `models/<id>`, version, displayName, inputTokenLimit, outputTokenLimit, supportedGenerationMethods, temperature/topP/topK/maxTemperature, thinking; nextPageToken). Which models appear, their limits and the page token are invented for the test (limits as the Gemini model pages state them); the requests show our query (pageSize=1000) and headers.",
      [],
    ),
    [
      {
        request: { method: "GET", path: "/v1beta/models?pageSize=1000", headers: { "x-goog-api-key": "<redacted>" } },
        response: { status: 200, headers: { "content-type": JSON_TYPE } },
        body: chunks(
          JSON.stringify({
            models: [
              model("gemini-2.5-flash", "Gemini 2.5 Flash", CHAT, 1_048_576, 65_536, THINKS),
              model("gemini-embedding-001", "Gemini Embedding 001", ["embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent"], 2048, 1),
              model("gemini-3.1-pro-preview", "Gemini 3.1 Pro Preview", CHAT, 1_048_576, 65_536, THINKS),
              model("imagen-4.0-generate-001", "Imagen 4", ["predict"], 480, 8192),
            ],
            nextPageToken: "Chxtb2RlbHMvaW1hZ2VuLTQuMC1nZW5lcmF0ZS0wMDE=",
          }),
        ),
      },
      {
        request: { method: "GET", path: "/v1beta/models?pageSize=1000&pageToken=Chxtb2RlbHMvaW1hZ2VuLTQuMC1nZW5lcmF0ZS0wMDE%3D", headers: { "x-goog-api-key": "<redacted>" } },
        response: { status: 200, headers: { "content-type": JSON_TYPE } },
        body: chunks(
          JSON.stringify({
            models: [
              model("gemini-3.5-flash", "Gemini 3.5 Flash", CHAT, 1_048_576, 65_536, THINKS),
              model("gemma-3-27b-it", "Gemma 3 27B", ["generateContent", "countTokens"], 131_072, 8192, { temperature: 1, topP: 0.95, topK: 64 }),
              model("veo-3.0-generate-001", "Veo 3", ["predictLongRunning"], 480, 8192),
            ],
          }),
        ),
      },
    ],
  );

  const textBody = textRequest.body as Json;
  add(
    "count-tokens",
    "POST /v1beta/models/gemini-2.5-flash:countTokens with a generateContentRequest (model, contents, systemInstruction) -> {totalTokens: 11, promptTokensDetails}",
    handWritten(
      [DOC_TOKENS],
      "Endpoint, request (contents, or a generateContentRequest naming the model, which carries systemInstruction and tools) and answer (totalTokens, promptTokensDetails) per the countTokens reference. The contents and systemInstruction are the text cassette's; totalTokens 11 is the promptTokenCount that recording reports for the same prompt.",
      [part(G.text, "contents/systemInstruction of the request and the count")],
    ),
    [
      {
        request: {
          method: "POST",
          path: "/v1beta/models/gemini-2.5-flash:countTokens",
          headers: REQUEST_HEADERS,
          body: { generateContentRequest: { model: "models/gemini-2.5-flash", contents: textBody.contents, systemInstruction: textBody.systemInstruction } },
        },
        response: { status: 200, headers: { "content-type": JSON_TYPE } },
        body: chunks(JSON.stringify({ totalTokens: 11, promptTokensDetails: [{ modality: "TEXT", tokenCount: 11 }] })),
      },
    ],
  );

  return out;
}

writeCassettes(google(), "google-cassettes", "Gemini API ", "google/README.md");
