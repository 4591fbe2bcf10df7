// Dev tool, run by hand: `node_modules/.bin/bun test/support/convert-reasoning.ts [corpus-dir]`.
// Cassettes of today's reasoning models (issue 12): Claude adaptive thinking,
// GPT-5.x reasoning effort, Gemini 3 thinking levels. Reads shared/corpus
// (preferred) and, for what the corpus lacks, the verbatim upstream copies in
// recordings/upstream/ (listed in recordings/upstream/SOURCES.md). Writes the
// cassettes under recordings/<provider>/ and rewrites only the table between
// the `reasoning-cassettes` markers in recordings/README.md, so the other
// converters never overwrite these files or that table. No test runs this;
// its output is committed.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Cassette, Interaction } from "./cassette.ts";
import {
  type Json,
  type Provenance,
  type SourceRow,
  chunks,
  interactionShaper,
  nonBlankLines,
  readGoVcr,
  readPydanticVcr,
  readSourceTable,
  real,
  sseFromDataLines,
  toInteraction,
  writeCassettes,
} from "./convert-shared.ts";

const UPSTREAM = join(import.meta.dir, "..", "..", "recordings", "upstream");

// ---------------------------------------------------------------- notes

const PYDANTIC_STREAM_NOTE =
  "vcrpy stores whole bodies; the SSE body was split into one chunk per event (after each blank-line separator), bytes unchanged. Request bodies come from pydantic-ai's YAML `parsed_body` re-emitted as JSON (key order alphabetical). host/content-length/connection/accept-encoding/transfer-encoding headers dropped; auth headers were scrubbed upstream.";
const PYDANTIC_JSON_NOTE =
  "pydantic-ai stores JSON bodies re-serialised as YAML `parsed_body`; request and response bodies were re-emitted as compact JSON (key order alphabetical, original whitespace lost), one chunk per body. `?beta=true` (Python SDK beta client) dropped from paths; framing headers dropped.";
const GO_VCR_GEMINI_API_NOTE =
  "go-vcr stores whole bodies; the SSE body was split into one chunk per event (after each blank-line separator), bytes unchanged (Gemini's \\r\\n\\r\\n separators kept). Recorded against the Gemini Developer API (generativelanguage.googleapis.com, path /v1beta/models/<model>:streamGenerateContent?alt=sse), not Vertex: the streamGenerateContent response body is the same GenerateContentResponse shape on both, so it is replayed through our Vertex provider with strictPath off. The recorded host is not kept. Request headers were reduced upstream to accept/content-type/user-agent; fantasy never recorded the API key.";
const VERCEL_SSE_NOTE =
  "vercel/ai keeps only each event's data payload (one per line); the SSE framing was rebuilt as `event: <type>` + `data: <payload, byte for byte>` + blank line, one chunk per event; no [DONE] added. Response headers are a minimal content-type. Not in shared/corpus: the upstream file is kept verbatim at the recordings/upstream path named in corpus_file (see recordings/upstream/SOURCES.md).";

// ---------------------------------------------------------------- sources

const C = {
  countAdaptive: "anthropic/pydantic-ai/test_anthropic_count_tokens_with_adaptive_thinking_and_output_tools.yaml",
  gpt55Phase: "openai/pydantic-ai/test_openai_responses_phase_streamed_on_part_start.yaml",
  gpt52Annotations: "openai/pydantic-ai/test_openai_include_raw_annotations_streaming.yaml",
  gemini3Thinking: "google/fantasy/TestGoogleThinking__gemini-3-pro-preview__thinking-streaming.yaml",
} as const;

const U = {
  sonnet5Summarized: "anthropic/vercel-ai/anthropic-claude-sonnet-5-reasoning-summarized.chunks.txt",
  sonnet5Omitted: "anthropic/vercel-ai/anthropic-claude-sonnet-5-reasoning-generic.chunks.txt",
  gpt51Tool: "openai/vercel-ai/issue-19493-gpt-5.1-tool-call.chunks.txt",
} as const;

interface UpstreamRow extends SourceRow {
  sha256: string;
}

// recordings/upstream/SOURCES.md ends each row with the sha256 of the copy kept.
function readUpstreamSources(): Map<string, UpstreamRow> {
  const rows = new Map<string, UpstreamRow>();
  for (const [file, { row, rest }] of readSourceTable(join(UPSTREAM, "SOURCES.md"))) {
    const sha = /\| `([0-9a-f]{64})` \|$/.exec(rest);
    if (sha) rows.set(file, { ...row, sha256: sha[1]! });
  }
  return rows;
}
const UPSTREAM_SOURCES = readUpstreamSources();

/** An upstream copy's text, after checking it is still the file SOURCES.md describes. */
function readUpstream(file: string): string {
  const row = UPSTREAM_SOURCES.get(file);
  if (!row) throw new Error(`no recordings/upstream/SOURCES.md row for ${file}`);
  const bytes = readFileSync(join(UPSTREAM, file));
  const sha = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
  if (sha !== row.sha256) throw new Error(`${file}: sha256 ${sha} is not the listed ${row.sha256}`);
  return bytes.toString("utf8");
}

/** Provenance of a real response from an upstream copy whose request side the source did not keep. */
function upstream(file: string, notes: string): Provenance {
  const { sha256: _, ...row } = UPSTREAM_SOURCES.get(file)!;
  return { ...row, corpus_file: `recordings/upstream/${file}`, notes, request_hand_written: true };
}

const SSE = { "content-type": "text/event-stream; charset=utf-8" };
const ANT_REQUEST_HEADERS = { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": "<redacted>" };
const OAI_REQUEST_HEADERS = { "content-type": "application/json", authorization: "<redacted>" };

/** A streamed answer kept upstream without its request: our request, and the upstream SSE payloads re-framed one chunk per event. */
function upstreamInteraction(file: string, request: Interaction["request"]): Interaction {
  return { request, response: { status: 200, headers: SSE }, body: chunks(...sseFromDataLines(nonBlankLines(readUpstream(file)))) };
}

const toAnthropicInteraction = interactionShaper({ dropQuery: ["beta"] });

// ---------------------------------------------------------------- anthropic

// The prompt of vercel/ai's issue #18238 capture script (streamText with reasoning 'high', maxOutputTokens 2000).
const GCD_PROMPT = "Find the greatest common divisor of 1071 and 462 using the Euclidean algorithm. Think through every division step before answering.";

function anthropic(): Array<[string, Cassette]> {
  const out: Array<[string, Cassette]> = [];
  const add = (name: string, scenario: string, provenance: Provenance, interactions: Interaction[]) =>
    out.push([`anthropic/${name}.ndjson`, { scenario: `anthropic/${name}: ${scenario}`, provenance, interactions }]);

  const sonnet5 = (file: string, thinking: Json): Interaction =>
    upstreamInteraction(file, {
      method: "POST",
      path: "/v1/messages",
      headers: ANT_REQUEST_HEADERS,
      body: { model: "claude-sonnet-5", max_tokens: 2000, stream: true, thinking, messages: [{ role: "user", content: [{ type: "text", text: GCD_PROMPT }] }] },
    });

  const REQUEST_NOTE = (display: string) =>
    `The request is ours: vercel/ai kept only the answer. Its capture script (issue #18238) called streamText({ model: 'claude-sonnet-5', reasoning: 'high', maxOutputTokens: 2000, prompt }) ${display}; the body here has that model, prompt, max_tokens 2000 and stream, and the thinking object the script's test reads back. How @ai-sdk/anthropic encoded reasoning 'high' (output_config.effort?) was not recorded, so no output_config is shown.`;

  add(
    "adaptive-summarized",
    "Claude Sonnet 5 adaptive thinking, display summarized: thinking_delta summary text, one signature_delta, then text; thinking_tokens 62 in output_tokens_details",
    upstream(U.sonnet5Summarized, `${VERCEL_SSE_NOTE} ${REQUEST_NOTE("with providerOptions.anthropic.thinking { type: 'adaptive', display: 'summarized' }")}`),
    [sonnet5(U.sonnet5Summarized, { type: "adaptive", display: "summarized" })],
  );
  add(
    "adaptive-omitted",
    "Claude Sonnet 5 adaptive thinking, display left to the model (omitted): a thinking block with no thinking_delta, only a signature_delta, then text",
    upstream(U.sonnet5Omitted, `${VERCEL_SSE_NOTE} ${REQUEST_NOTE("without provider options (the 'generic' run, whose thinking object has no display)")}`),
    [sonnet5(U.sonnet5Omitted, { type: "adaptive" })],
  );

  add(
    "count-tokens-adaptive",
    "Claude Opus 4.6: POST /v1/messages/count_tokens with thinking {type: adaptive} and tool_choice any -> {input_tokens: 671}; then the non-streaming message it was compared with (forced tool_use, thinking_tokens 0)",
    real(C.countAdaptive, PYDANTIC_JSON_NOTE),
    readPydanticVcr(C.countAdaptive).map(toAnthropicInteraction),
  );
  return out;
}

// ---------------------------------------------------------------- openai

function openai(): Array<[string, Cassette]> {
  const out: Array<[string, Cassette]> = [];
  const add = (name: string, scenario: string, provenance: Provenance, interactions: Interaction[]) =>
    out.push([`openai/${name}.ndjson`, { scenario: `openai/${name}: ${scenario}`, provenance, interactions }]);

  add(
    "responses-gpt-5.5-phase-tool",
    "Responses API, gpt-5.5 (default effort medium, not sent): encrypted reasoning item (its encrypted_content changes between output_item.added and .done), commentary-phase text, a function call; then the final_answer turn with the reasoning item handed back",
    real(C.gpt55Phase, PYDANTIC_STREAM_NOTE),
    readPydanticVcr(C.gpt55Phase).map(toInteraction),
  );

  const annotations = readPydanticVcr(C.gpt52Annotations).map(toInteraction);
  add(
    "responses-gpt-5.2-effort-none",
    "Responses API, gpt-5.2 whose default effort is none (echoed, not sent): plain text, no reasoning item, reasoning_tokens 0",
    real(
      C.gpt52Annotations,
      `${PYDANTIC_STREAM_NOTE} Only the recording's third interaction (a plain question, no tools) is kept; the first two are web_search turns our providers do not use.`,
    ),
    [annotations[2]!],
  );

  add(
    "responses-gpt-5.1-effort-none-tool",
    "Responses API, gpt-5.1 with effort none and tool_choice required: one function call in 6 argument deltas, no reasoning item",
    upstream(
      U.gpt51Tool,
      `${VERCEL_SSE_NOTE} The request is ours: the model, tool (get_weather) and tool_choice 'required' are those the response echoes; the prompt is the one vercel/ai's tests for issue #19493 use ('Call get_weather for Beijing.'). The response echoes reasoning effort 'none' (gpt-5.1's default) and top_p 1; whether the client sent them is unknown, so the body has neither.`,
    ),
    [
      upstreamInteraction(U.gpt51Tool, {
        method: "POST",
        path: "/v1/responses",
        headers: OAI_REQUEST_HEADERS,
        body: {
          model: "gpt-5.1",
          stream: true,
          tool_choice: "required",
          input: [{ role: "user", content: [{ type: "input_text", text: "Call get_weather for Beijing." }] }],
          tools: [
            {
              type: "function",
              name: "get_weather",
              description: "Get weather",
              strict: true,
              parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
            },
          ],
        },
      }),
    ],
  );
  return out;
}

// ---------------------------------------------------------------- gemini (replayed through vertex)

function gemini(): Array<[string, Cassette]> {
  const turns = readGoVcr(C.gemini3Thinking).map(toInteraction);
  for (const turn of turns) {
    if (!turn.body.every((s) => "chunk" in s && new TextDecoder().decode(s.chunk).endsWith("\r\n\r\n"))) {
      throw new Error("gemini-3-pro-thinking-tool: expected every event to end with CRLF CRLF");
    }
  }
  return [
    [
      "vertex/gemini-3-pro-thinking-tool.ndjson",
      {
        scenario:
          "vertex/gemini-3-pro-thinking-tool: Gemini 3 Pro preview (answered as gemini-3.1-pro-preview), thinkingLevel HIGH with includeThoughts: no thought text, a signed functionCall with an id; then the functionResponse turn streams text and ends with a signed empty text part",
        provenance: real(C.gemini3Thinking, GO_VCR_GEMINI_API_NOTE),
        interactions: turns,
      },
    ],
  ];
}

writeCassettes([...anthropic(), ...openai(), ...gemini()], "reasoning-cassettes", "reasoning ");
