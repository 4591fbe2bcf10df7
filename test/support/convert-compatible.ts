// Dev tool, run by hand: `node_modules/.bin/bun test/support/convert-compatible.ts [corpus-dir]`.
// Cassettes of the OpenAI-compatible services and local servers (issue 14):
// real recordings from shared/corpus (groq, openrouter, openai-compatible,
// deepseek, mistral) where public test suites recorded them, and
// documented-format cassettes, marked hand-written, for the rest. Writes
// recordings/<preset>/ (and recordings/openai_compatible/ for the generic
// provider) and rewrites only the table between the `compatible-cassettes`
// markers in recordings/README.md. No test runs this; its output is committed.
import type { Cassette, Interaction } from "./cassette.ts";
import { type Json, type Provenance, chunks, handWritten, part, readGoVcr, readPydanticVcr, real, toInteraction, writeCassettes } from "./convert-shared.ts";

// ---------------------------------------------------------------- notes

const GO_VCR_NOTE =
  "go-vcr stores whole bodies; the SSE body was split into one chunk per event (after each blank-line separator), bytes unchanged. Request headers were reduced upstream to accept/content-type/user-agent; fantasy never recorded the API key. Only the path of the recorded URL is kept.";
const PYDANTIC_STREAM_NOTE =
  "vcrpy stores whole bodies; the SSE body was split into one chunk per event (after each blank-line separator), bytes unchanged. Request bodies come from pydantic-ai's YAML `parsed_body` re-emitted as JSON (key order alphabetical). host/content-length/connection/accept-encoding/transfer-encoding headers dropped; auth headers were scrubbed upstream. Only the path of the recorded URL is kept.";
const PYDANTIC_JSON_NOTE =
  "pydantic-ai stores JSON bodies re-serialised as YAML `parsed_body`; request and response bodies were re-emitted as compact JSON (key order alphabetical, original whitespace lost), one chunk per body. Framing headers dropped; auth headers were scrubbed upstream.";
const INVENTED = "Ids, timestamps, token counts and texts are invented for the scenario (not from any recording).";

const SSE = { "content-type": "text/event-stream" };
const JSON_TYPE = { "content-type": "application/json" };
const BEARER = { "content-type": "application/json", authorization: "<redacted>" };
const NO_KEY = { "content-type": "application/json" };

const C = {
  groqKimiText: "openai-compatible/fantasy/TestOpenAICompatibleCommon__groq-kimi-k2__simple_streaming.yaml",
  groqToolFailed: "groq/pydantic-ai/test_tool_use_failed_error_streaming.yaml",
  routerText: "openrouter/fantasy/TestOpenRouterCommon__openai__simple_streaming.yaml",
  routerTool: "openrouter/fantasy/TestOpenRouterCommon__openai__tool_streaming.yaml",
  routerThinking: "openrouter/fantasy/TestOpenRouterThinking__anthropic__thinking-streaming.yaml",
  routerGeminiMulti: "openrouter/fantasy/TestOpenRouterCommon__gemini__multi_tool_streaming.yaml",
  routerErrors: "openrouter/pydantic-ai/test_openrouter_errors_raised.yaml",
  xaiTool: "openai-compatible/fantasy/TestOpenAICompatibleCommon__xai-grok-code-fast__tool_streaming.yaml",
  xaiMulti: "openai-compatible/fantasy/TestOpenAICompatibleCommon__xai-grok-code-fast__multi_tool_streaming.yaml",
  deepseekResponses: "deepseek/pydantic-ai/test_deepseek_responses[text_stream].yaml",
  mistralThinking: "mistral/pydantic-ai/test_mistral_model_thinking_part_iter.yaml",
  cerebrasGptOss: "cerebras/pydantic-ai/test_reasoning_wire_contract[cerebras-gpt-oss-always-on].yaml",
  llamaTool: "openai-compatible/fantasy/TestOpenAICompatibleCommon__llama-cpp-gpt-oss__tool_streaming.yaml",
  llamaThinking: "openai-compatible/fantasy/TestOpenAICompatibleThinking__llama-cpp-gpt-oss__thinking-streaming.yaml",
  geminiCompatible: "google/pydantic-ai/test_compatible_api_with_tool_calls_without_id.yaml",
} as const;

// ---------------------------------------------------------------- hand-written helpers

/** One SSE event per chunk, `data: <json>` and a blank line, then `data: [DONE]`. */
function sseBody(events: Json[], done = true): Interaction["body"] {
  return chunks(...events.map((e) => `data: ${JSON.stringify(e)}\n\n`), ...(done ? ["data: [DONE]\n\n"] : []));
}

/** A chat.completion.chunk with one choice. */
function delta(id: string, model: string, created: number, d: Json, finish: string | null = null, extra: Json = {}): Json {
  return { id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta: d, finish_reason: finish }], ...extra };
}

function usageChunk(id: string, model: string, created: number, usage: Json): Json {
  return { id, object: "chat.completion.chunk", created, model, choices: [], usage };
}

/** Text as a model streams it: a few words per event. */
function words(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

function chatPost(path: string, headers: Json, body: Json): Interaction["request"] {
  return { method: "POST", path, headers: headers as Record<string, string>, body };
}

const USER = (text: string): Json => ({ role: "user", content: text });
const WEATHER_TOOL = {
  type: "function",
  function: {
    name: "weather",
    description: "Get weather information for a location",
    parameters: { type: "object", properties: { location: { type: "string", description: "the city" } }, required: ["location"] },
  },
};

// ---------------------------------------------------------------- real recordings

function realCassettes(): Array<[string, Cassette]> {
  const out: Array<[string, Cassette]> = [];
  const add = (file: string, scenario: string, provenance: Provenance, interactions: Interaction[]) =>
    out.push([`${file}.ndjson`, { scenario: `${file}: ${scenario}`, provenance, interactions }]);

  add(
    "groq/text",
    "Chat Completions plain-text stream (moonshotai/kimi-k2-instruct-0905) with max_tokens and include_usage; usage in the last chunk and in x_groq",
    real(C.groqKimiText, GO_VCR_NOTE),
    readGoVcr(C.groqKimiText).map(toInteraction),
  );
  const groqTools = readPydanticVcr(C.groqToolFailed).map(toInteraction);
  add(
    "groq/reasoning-tool",
    "gpt-oss-120b: delta.reasoning (channel analysis) then one tool call (finish tool_calls), then the follow-up turn: reasoning, then text",
    real(C.groqToolFailed, `${PYDANTIC_STREAM_NOTE} Interactions 2 and 3 of the recording (its second and third calls) are kept: a tool loop.`),
    [groqTools[1]!, groqTools[2]!],
  );
  add(
    "groq/midstream-tool-error",
    "gpt-oss-120b streams reasoning, then `event: error` tool_use_failed (invalid_request_error, status_code 400 inside the event) and the body ends",
    real(C.groqToolFailed, `${PYDANTIC_STREAM_NOTE} Only the recording's first interaction is kept.`),
    [groqTools[0]!],
  );

  add(
    "openrouter/text",
    "openai/gpt-5.4-nano through OpenRouter: plain-text stream with max_completion_tokens, usage (cost, upstream provider) in the last chunk",
    real(C.routerText, GO_VCR_NOTE),
    readGoVcr(C.routerText).map(toInteraction),
  );
  add(
    "openrouter/tool-call",
    "openai/gpt-5.4-nano through OpenRouter: streamed tool call (argument deltas), then the follow-up text turn",
    real(C.routerTool, GO_VCR_NOTE),
    readGoVcr(C.routerTool).map(toInteraction),
  );
  add(
    "openrouter/reasoning-tool",
    "anthropic/claude-haiku-4.5 through OpenRouter with reasoning {effort: medium}: deltas carry reasoning and reasoning_details (reasoning.text, then its signature), one tool call, then the follow-up turn",
    real(C.routerThinking, GO_VCR_NOTE),
    readGoVcr(C.routerThinking).map(toInteraction),
  );
  add(
    "openrouter/gemini-multi-tool",
    "google/gemini-3.1-flash-lite-preview through OpenRouter: two parallel tool calls streamed with reasoning_details of type reasoning.encrypted only (no reasoning text), then the follow-up",
    real(C.routerGeminiMulti, GO_VCR_NOTE),
    readGoVcr(C.routerGeminiMulti).map(toInteraction),
  );
  add(
    "openrouter/rate-limit-429",
    "a rate-limited free model: 429 {error: {code: 429, message, metadata: {provider_name, raw}}, user_id} (the first of three recorded attempts)",
    real(C.routerErrors, PYDANTIC_JSON_NOTE),
    [readPydanticVcr(C.routerErrors).map(toInteraction)[0]!],
  );

  add(
    "xai/tool-call",
    "grok-code-fast-1: delta.reasoning_content, then a streamed tool call; then the follow-up turn (reasoning_content, text)",
    real(C.xaiTool, GO_VCR_NOTE),
    readGoVcr(C.xaiTool).map(toInteraction),
  );
  add(
    "xai/multi-tool",
    "grok-code-fast-1: reasoning_content, then two parallel tool calls (index 0 and 1); then the follow-up turn",
    real(C.xaiMulti, GO_VCR_NOTE),
    readGoVcr(C.xaiMulti).map(toInteraction),
  );

  add(
    "deepseek/responses-text",
    "DeepSeek's Responses API (api.deepseek.com/responses, deepseek-v4-flash): reasoning_text deltas, then output_text; usage with reasoning tokens",
    real(C.deepseekResponses, PYDANTIC_STREAM_NOTE),
    readPydanticVcr(C.deepseekResponses).map(toInteraction),
  );

  add(
    "mistral/thinking-text",
    "magistral-medium-latest: delta.content as a list of thinking parts ({type: thinking, thinking: [{type: text, text}]}), then plain string content; usage in the last chunk without stream_options",
    real(C.mistralThinking, PYDANTIC_STREAM_NOTE),
    readPydanticVcr(C.mistralThinking).map(toInteraction),
  );

  add(
    "llamacpp/tool-call",
    "a local llama-server (gpt-oss-20b) at localhost:8080: reasoning_content, then a streamed tool call; then the follow-up turn",
    real(C.llamaTool, GO_VCR_NOTE),
    readGoVcr(C.llamaTool).map(toInteraction),
  );
  add(
    "llamacpp/thinking-tool",
    "a local llama-server (gpt-oss-20b) with reasoning_effort high: reasoning_content deltas, one tool call; then the follow-up turn with the reasoning handed back as reasoning_content",
    real(C.llamaThinking, GO_VCR_NOTE),
    readGoVcr(C.llamaThinking).map(toInteraction),
  );
  return out;
}

// ---------------------------------------------------------------- hand-written

function handWrittenCassettes(): Array<[string, Cassette]> {
  const out: Array<[string, Cassette]> = [];
  const add = (file: string, scenario: string, provenance: Provenance, interactions: Interaction[]) =>
    out.push([`${file}.ndjson`, { scenario: `${file}: ${scenario}`, provenance, interactions }]);

  // Ollama: text, the index-0 parallel-call quirk, /v1/models.
  const OLLAMA_DOC = "https://docs.ollama.com/api/openai-compatibility";
  {
    const id = "chatcmpl-417";
    const model = "qwen2.5-coder:7b";
    const t = 1767225600;
    const text = "Hello! How can I help you today?";
    add(
      "ollama/text",
      "Ollama's OpenAI-compatible API: a plain-text stream (qwen2.5-coder:7b), finish stop, then a usage chunk (stream_options.include_usage), [DONE]",
      handWritten([OLLAMA_DOC], `Chunk shapes as Ollama's openai/openai.go writes them (system_fingerprint fp_ollama, role on every delta). ${INVENTED}`),
      [
        {
          request: chatPost("/v1/chat/completions", NO_KEY, { model, messages: [USER("Hi")], max_tokens: 256, stream: true, stream_options: { include_usage: true } }),
          response: { status: 200, headers: SSE },
          body: sseBody([
            ...words(text).map((w) => delta(id, model, t, { role: "assistant", content: w }, null, { system_fingerprint: "fp_ollama" })),
            delta(id, model, t, { role: "assistant", content: "" }, "stop", { system_fingerprint: "fp_ollama" }),
            usageChunk(id, model, t, { prompt_tokens: 30, completion_tokens: 10, total_tokens: 40 }),
          ]),
        },
      ],
    );
    const calls = [
      { id: "call_mvzm2k1q", name: "file_write", arguments: '{"filePath":"hello.py","content":"print(\\"hello\\")"}' },
      { id: "call_5o9x3b7d", name: "file_write", arguments: '{"filePath":"world.py","content":"print(\\"world\\")"}' },
    ];
    add(
      "ollama/parallel-tools",
      "Ollama streams two parallel tool calls, each whole in one chunk, both with index 0 (different ids), then finish tool_calls",
      handWritten(
        [OLLAMA_DOC, "https://github.com/ollama/ollama/issues/15457", "https://github.com/vercel/ai/pull/14277"],
        `The index-0 reuse as reported in ollama/ollama#15457 (Ollama 0.20.x, qwen2.5-coder:7b, two file_write calls; the issue's curl output shows each call whole, index 0). ${INVENTED}`,
      ),
      [
        {
          request: chatPost("/v1/chat/completions", NO_KEY, {
            model,
            messages: [{ role: "system", content: "Use the provided tools." }, USER('Create hello.py with print("hello") and world.py with print("world").')],
            stream: true,
          }),
          response: { status: 200, headers: SSE },
          body: sseBody([
            ...calls.map((c) =>
              delta(
                id,
                model,
                t,
                { role: "assistant", content: "", tool_calls: [{ id: c.id, index: 0, type: "function", function: { name: c.name, arguments: c.arguments } }] },
                null,
                {
                  system_fingerprint: "fp_ollama",
                },
              ),
            ),
            delta(id, model, t, { role: "assistant", content: "" }, "tool_calls", { system_fingerprint: "fp_ollama" }),
          ]),
        },
      ],
    );
    add(
      "ollama/models",
      "GET /v1/models: the locally pulled models, ids in Ollama's name:tag form, no limits or prices",
      handWritten([OLLAMA_DOC], `Shape per the Ollama docs (object list, owned_by library). ${INVENTED}`),
      [
        {
          request: { method: "GET", path: "/v1/models" },
          response: { status: 200, headers: JSON_TYPE },
          body: chunks(
            JSON.stringify({
              object: "list",
              data: [
                { id: "qwen2.5-coder:7b", object: "model", created: 1767139200, owned_by: "library" },
                { id: "gpt-oss:20b", object: "model", created: 1767052800, owned_by: "library" },
                { id: "hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M", object: "model", created: 1766966400, owned_by: "library" },
              ],
            }),
          ),
        },
      ],
    );
  }

  // LM Studio: a plain-text stream.
  {
    const id = "chatcmpl-8xq2v0w9o3d1m5s6k7j4";
    const model = "qwen2.5-7b-instruct";
    const t = 1767225600;
    add(
      "lmstudio/text",
      "LM Studio's OpenAI-compatible server: plain-text stream, then finish stop and usage",
      handWritten(
        ["https://lmstudio.ai/docs/app/api/endpoints/openai"],
        `Chunk shapes as the OpenAI Chat Completions streaming reference; LM Studio's own fields not reproduced. ${INVENTED}`,
      ),
      [
        {
          request: chatPost("/v1/chat/completions", NO_KEY, { model, messages: [USER("Hi")], stream: true, stream_options: { include_usage: true } }),
          response: { status: 200, headers: SSE },
          body: sseBody([
            ...words("Hi there! What would you like to work on?").map((w) => delta(id, model, t, { role: "assistant", content: w })),
            delta(id, model, t, {}, "stop"),
            usageChunk(id, model, t, { prompt_tokens: 11, completion_tokens: 11, total_tokens: 22 }),
          ]),
        },
      ],
    );
  }

  // vLLM: reasoning in delta.reasoning (newer vLLM).
  {
    const id = "chatcmpl-b3f1c2d4e5a6";
    const model = "Qwen/Qwen3-8B";
    const t = 1767225600;
    add(
      "vllm/reasoning-text",
      "vLLM serving Qwen3 with a reasoning parser: delta.reasoning, then delta.content; usage with completion_tokens_details absent",
      handWritten(
        ["https://docs.vllm.ai/en/latest/features/reasoning_outputs.html", "https://github.com/vercel/ai/issues/7866"],
        `Newer vLLM names the field reasoning, older reasoning_content (vercel/ai#7866). ${INVENTED}`,
      ),
      [
        {
          request: chatPost("/v1/chat/completions", NO_KEY, {
            model,
            messages: [USER("What is 17 * 23?")],
            max_completion_tokens: 512,
            stream: true,
            stream_options: { include_usage: true },
          }),
          response: { status: 200, headers: SSE },
          body: sseBody([
            delta(id, model, t, { role: "assistant", content: "" }),
            ...words("17 * 23 = 17 * 20 + 17 * 3 = 340 + 51 = 391.").map((w) => delta(id, model, t, { reasoning: w })),
            ...words("17 × 23 = 391.").map((w) => delta(id, model, t, { content: w })),
            delta(id, model, t, {}, "stop"),
            usageChunk(id, model, t, { prompt_tokens: 16, completion_tokens: 41, total_tokens: 57 }),
          ]),
        },
      ],
    );
  }

  // Together and Fireworks: plain-text streams.
  for (const [preset, path, model, doc] of [
    ["together", "/v1/chat/completions", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "https://docs.together.ai/reference/chat-completions-1"],
    ["fireworks", "/inference/v1/chat/completions", "accounts/fireworks/models/llama-v3p3-70b-instruct", "https://docs.fireworks.ai/api-reference/post-chatcompletions"],
  ] as const) {
    const id = `${preset}-7f3a91c2`;
    const t = 1767225600;
    add(
      `${preset}/text`,
      `${preset === "together" ? "Together AI" : "Fireworks AI"}: plain-text stream with max_tokens, finish stop, usage in a last chunk`,
      handWritten([doc], `Chunk shapes as the OpenAI Chat Completions streaming reference the service documents compatibility with. ${INVENTED}`),
      [
        {
          request: chatPost(path, BEARER, { model, messages: [USER("Say hi in Portuguese")], max_tokens: 64, stream: true, stream_options: { include_usage: true } }),
          response: { status: 200, headers: SSE },
          body: sseBody([
            ...words("Olá! Tudo bem?").map((w) => delta(id, model, t, { role: "assistant", content: w })),
            delta(id, model, t, {}, "stop"),
            usageChunk(id, model, t, { prompt_tokens: 40, completion_tokens: 6, total_tokens: 46 }),
          ]),
        },
      ],
    );
  }

  // Cerebras: gpt-oss reasons in delta.reasoning (the field its non-streaming answer uses).
  {
    const id = "chatcmpl-5d1e0c8a-2f7b-4c39-9e61-0a4b3c2d1e0f";
    const model = "gpt-oss-120b";
    const t = 1780977002;
    const reasoning = 'The user asks: "What is 2+2? Reply with just the number." So answer: "4". Should be just the number, no extra text.';
    add(
      "cerebras/reasoning-text",
      "gpt-oss-120b on Cerebras, streamed: delta.reasoning, then content 4; usage in the last chunk",
      handWritten(
        ["https://inference-docs.cerebras.ai/api-reference/chat-completions"],
        `Only non-streaming Cerebras answers were recorded; this stream carries the recorded answer's message.reasoning and content in chat.completion.chunk form. ${INVENTED.replace("texts are", "the stream framing is")}`,
        [part(C.cerebrasGptOss, "the reasoning text, the answer 4, the model id and the usage figures (prompt 81, completion 45)")],
      ),
      [
        {
          request: chatPost("/v1/chat/completions", BEARER, {
            model,
            messages: [USER("What is 2+2? Reply with just the number.")],
            stream: true,
            stream_options: { include_usage: true },
          }),
          response: { status: 200, headers: SSE },
          body: sseBody([
            delta(id, model, t, { role: "assistant" }),
            ...words(reasoning).map((w) => delta(id, model, t, { reasoning: w })),
            delta(id, model, t, { content: "4" }),
            delta(id, model, t, {}, "stop"),
            usageChunk(id, model, t, { prompt_tokens: 81, completion_tokens: 45, total_tokens: 126 }),
          ]),
        },
      ],
    );
  }

  // DeepSeek Chat Completions: reasoning_content, a tool call, the follow-up turn.
  {
    const model = "deepseek-reasoner";
    const t = 1767225600;
    const reasoning = "The user wants the weather in Florence. I should call the weather tool with location Florence, Italy.";
    const call = { id: "call_00_Jx4kP2mQ8rT5vW1yZ3aB6cD9", arguments: '{"location":"Florence, Italy"}' };
    const first = "8f3e2a1b-4c5d-6e7f-8091-a2b3c4d5e6f7";
    const second = "9a4f3b2c-5d6e-7f80-91a2-b3c4d5e6f708";
    const tools = [WEATHER_TOOL];
    add(
      "deepseek/chat-reasoning-tool",
      "deepseek-reasoner: reasoning_content deltas, one tool call, finish tool_calls; then the follow-up turn (reasoning_content, text) after the tool result",
      handWritten(
        [
          "https://api-docs.deepseek.com/guides/reasoning_model",
          "https://api-docs.deepseek.com/guides/function_calling",
          "https://api-docs.deepseek.com/api/create-chat-completion",
        ],
        `DeepSeek streams reasoning in delta.reasoning_content before content or tool calls; usage carries prompt_cache_hit_tokens / prompt_cache_miss_tokens and completion_tokens_details.reasoning_tokens. ${INVENTED}`,
      ),
      [
        {
          request: chatPost("/chat/completions", BEARER, {
            model,
            messages: [USER("What's the weather in Florence, Italy?")],
            tools,
            stream: true,
            stream_options: { include_usage: true },
          }),
          response: { status: 200, headers: SSE },
          body: sseBody([
            delta(first, model, t, { role: "assistant", content: null, reasoning_content: "" }),
            ...words(reasoning).map((w) => delta(first, model, t, { content: null, reasoning_content: w })),
            delta(first, model, t, {
              content: null,
              reasoning_content: null,
              tool_calls: [{ index: 0, id: call.id, type: "function", function: { name: "weather", arguments: "" } }],
            }),
            delta(first, model, t, { tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] }),
            delta(first, model, t, { tool_calls: [{ index: 0, function: { arguments: '"Florence, Italy"}' } }] }),
            delta(first, model, t, { content: "", reasoning_content: null }, "tool_calls", {
              usage: {
                prompt_tokens: 176,
                completion_tokens: 44,
                total_tokens: 220,
                prompt_tokens_details: { cached_tokens: 128 },
                prompt_cache_hit_tokens: 128,
                prompt_cache_miss_tokens: 48,
                completion_tokens_details: { reasoning_tokens: 22 },
              },
            }),
          ]),
        },
        {
          request: chatPost("/chat/completions", BEARER, {
            model,
            messages: [
              USER("What's the weather in Florence, Italy?"),
              { role: "assistant", content: "", tool_calls: [{ id: call.id, type: "function", function: { name: "weather", arguments: call.arguments } }] },
              { role: "tool", tool_call_id: call.id, content: "40 C" },
            ],
            tools,
            stream: true,
            stream_options: { include_usage: true },
          }),
          response: { status: 200, headers: SSE },
          body: sseBody([
            delta(second, model, t + 2, { role: "assistant", content: null, reasoning_content: "" }),
            ...words("The tool says 40 C. Answer briefly.").map((w) => delta(second, model, t + 2, { content: null, reasoning_content: w })),
            ...words("It is 40 °C in Florence right now.").map((w) => delta(second, model, t + 2, { content: w, reasoning_content: null })),
            delta(second, model, t + 2, { content: "" }, "stop", {
              usage: {
                prompt_tokens: 232,
                completion_tokens: 21,
                total_tokens: 253,
                prompt_tokens_details: { cached_tokens: 192 },
                prompt_cache_hit_tokens: 192,
                prompt_cache_miss_tokens: 40,
                completion_tokens_details: { reasoning_tokens: 9 },
              },
            }),
          ]),
        },
      ],
    );
  }

  // OpenRouter /models with its own pricing.
  add(
    "openrouter/models",
    "GET /api/v1/models: ids with vendor prefixes, context_length, top_provider.max_completion_tokens, architecture.input_modalities, supported_parameters and pricing in USD per token as strings (-1 for the auto router)",
    handWritten(
      ["https://openrouter.ai/docs/api-reference/list-available-models", "https://openrouter.ai/docs/api-reference/overview"],
      `Field names and units per OpenRouter's API reference (pricing.prompt / completion / input_cache_read in USD per token, strings). The three models and every figure are illustrative, not OpenRouter's price list. ${INVENTED}`,
    ),
    [
      {
        request: { method: "GET", path: "/api/v1/models", headers: { authorization: "<redacted>" } },
        response: { status: 200, headers: JSON_TYPE },
        body: chunks(
          JSON.stringify({
            data: [
              {
                id: "acme/coder-large",
                name: "Acme: Coder Large",
                context_length: 262144,
                architecture: { input_modalities: ["text", "image"], output_modalities: ["text"] },
                pricing: { prompt: "0.0000003", completion: "0.0000012", input_cache_read: "0.00000003", request: "0" },
                top_provider: { context_length: 262144, max_completion_tokens: 65536, is_moderated: false },
                supported_parameters: ["max_tokens", "temperature", "tools", "tool_choice", "reasoning"],
              },
              {
                id: "acme/small:free",
                name: "Acme: Small (free)",
                context_length: 32768,
                architecture: { input_modalities: ["text"], output_modalities: ["text"] },
                pricing: { prompt: "0", completion: "0" },
                top_provider: { context_length: 32768, max_completion_tokens: null, is_moderated: false },
                supported_parameters: ["max_tokens", "temperature"],
              },
              {
                id: "openrouter/auto",
                name: "Auto Router",
                context_length: 2000000,
                architecture: { input_modalities: ["text", "image"], output_modalities: ["text"] },
                pricing: { prompt: "-1", completion: "-1" },
                top_provider: { context_length: null, max_completion_tokens: null, is_moderated: false },
                supported_parameters: ["max_tokens", "tools", "reasoning"],
              },
            ],
          }),
        ),
      },
    ],
  );

  // The generic provider against Gemini's OpenAI endpoint: tool-call deltas without index, empty ids.
  {
    const model = "gemini-2.5-flash";
    const id = "8kM3aP7nQ-2xZ1bR4sT6uV";
    const t = 1767225600;
    add(
      "openai_compatible/gemini-tools-no-index",
      "Gemini's OpenAI-compatible endpoint: two tool calls streamed whole in separate chunks with no index and an empty id, then finish tool_calls",
      handWritten(
        ["https://ai.google.dev/gemini-api/docs/openai", "https://github.com/vercel/ai/blob/main/packages/openai-compatible/src/chat/openai-compatible-chat-language-model.ts"],
        `The AI SDK's chunk schema notes that Google sends no index on tool-call deltas; the empty id and the extra_content.google.thought_signature field are those of the recorded non-streaming answer. ${INVENTED}`,
        [part(C.geminiCompatible, 'the tool-call shape: id "", function {name, arguments}, extra_content.google.thought_signature (value replaced by a placeholder)')],
      ),
      [
        {
          request: chatPost("/v1beta/openai/chat/completions", BEARER, {
            model,
            messages: [USER("What time is it in Tokyo and in Lisbon?")],
            tools: [
              {
                type: "function",
                function: {
                  name: "get_current_time",
                  description: "Get the current time.",
                  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
                },
              },
            ],
            stream: true,
            stream_options: { include_usage: true },
          }),
          response: { status: 200, headers: SSE },
          body: sseBody([
            delta(id, model, t, {
              role: "assistant",
              tool_calls: [
                {
                  id: "",
                  type: "function",
                  function: { name: "get_current_time", arguments: '{"city":"Tokyo"}' },
                  extra_content: { google: { thought_signature: "PLACEHOLDER-not-a-real-signature" } },
                },
              ],
            }),
            delta(id, model, t, { role: "assistant", tool_calls: [{ id: "", type: "function", function: { name: "get_current_time", arguments: '{"city":"Lisbon"}' } }] }),
            delta(id, model, t, { role: "assistant" }, "tool_calls", { usage: { prompt_tokens: 52, completion_tokens: 24, total_tokens: 120 } }),
          ]),
        },
      ],
    );
  }
  return out;
}

writeCassettes([...realCassettes(), ...handWrittenCassettes()], "compatible-cassettes", "compatible ");
