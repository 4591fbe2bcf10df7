/**
 * Chat Completions SSE events → unified stream events, for OpenAI, Azure,
 * Copilot and compatible servers.
 *
 * - `data: [DONE]` is the terminal event → `end` (once).
 * - Only choice 0 is followed (we never ask for `n` > 1).
 * - Chunks with `choices: []` are normal: Azure's first chunk (prompt filter
 *   annotations, empty `id`/`model`: recordings/azure/chat-text.ndjson;
 *   learn.microsoft.com/azure/ai-foundry/openai/concepts/content-streaming), the
 *   `include_usage` chunk, Azure async-filter annotations. They are mined for
 *   `usage`/`model` and otherwise ignored.
 * - `usage` is taken from any chunk that has a non-null one: OpenAI sends a
 *   separate last chunk, Copilot rides it on every chunk (zeros until the
 *   finish chunk: recordings/copilot/chat-reasoning-tool.ndjson). Repeats are
 *   not re-emitted.
 * - `delta.refusal` text is streamed as content (it is what the user should
 *   read) and turns the finish reason into `refusal`.
 * - Reasoning text comes as `reasoning_content` (DeepSeek, xAI, llama.cpp),
 *   `reasoning` (newer vLLM, Groq, Cerebras, OpenRouter), `reasoning_text`
 *   (Copilot) or OpenRouter's structured `reasoning_details` (the text of its
 *   `reasoning.text` and `reasoning.summary` entries; `reasoning.encrypted`
 *   carries none); the first field present wins, in the order a provider
 *   prefers (`reasoningFields`) and then the usual one, so a server sending
 *   two spellings of the same text (OpenRouter sends `reasoning` and
 *   `reasoning_details` alike: recordings/openrouter) is not doubled.
 *   Copilot's `reasoning_opaque` blob rides as `provider_data:
 *   {reasoning_opaque}` on an empty reasoning chunk, for the request encoder
 *   to send back; not as a `signature`, which other providers would take for
 *   theirs (Anthropic refuses a signature it did not sign).
 * - OpenRouter's `reasoning_details` entries must come back on the assistant
 *   message (openrouter.ai/docs/use-cases/reasoning-tokens, "Preserving
 *   reasoning blocks"): the entries as they streamed, collected verbatim,
 *   ride as `provider_data: {reasoning_details}` on one empty reasoning chunk
 *   where the reasoning ends (the first content or tool call, else the finish).
 * - Gemini's OpenAI endpoint puts `extra_content.google.thought_signature` on
 *   a tool call, and Gemini 3 answers the next turn with 400 without it
 *   (ai.google.dev/gemini-api/docs/thought-signatures; issue text: AstrBot#9217,
 *   hermes-agent#15054): it rides as `provider_data: {extra_content}` on the
 *   `tool_call` chunk.
 * - `content` may be an array of parts (Mistral's reasoning models:
 *   `{type: "thinking", thinking: [{type: "text", text}]}` then
 *   `{type: "text", text}`, recordings/mistral/thinking-text.ndjson): thinking
 *   parts are reasoning, text parts content.
 * - Tool-call fragments are keyed by `index`; complete `tool_call`s are
 *   emitted in the order the calls started (the provider's index order in
 *   practice), just before the finish (or at `[DONE]` for calls
 *   a server never finished). With `toolCallIndex: "by_id"` a fragment that
 *   brings an id not seen yet starts a call whatever its index (Ollama gives
 *   every parallel call index 0: ollama/ollama#15457, vercel/ai PR #14277),
 *   and one with neither index nor id starts a call when it names a function,
 *   else continues the last one (Gemini's OpenAI endpoint sends no index:
 *   vercel/ai openai-compatible-chat-language-model.ts, "google does not
 *   send index").
 * - A call named `multi_tool_use.parallel` is the model packing several calls
 *   into one (vercel/ai#1922, #2786): the assembler holds it back and emits
 *   the calls inside instead (src/formats/tool-calls.ts). No declared tool can
 *   carry that name: function names are "a-z, A-Z, 0-9, underscores and
 *   dashes, at most 64" (OpenAI API reference, `function.name`), and sending
 *   the wrapper back as history gets a 400 "multi_tool_use.parallel does not
 *   match ^[a-zA-Z0-9_-]{1,64}$" (Portkey error library #10046).
 * - Azure `content_filter_results` categories with `filtered: true`, seen on
 *   choices up to and including the finish chunk, go into the finish
 *   `details.content_filter`.
 * - A chunk with a top-level `error` is an in-stream failure → BridgeError.
 */
import type { FinishReason, StreamEvent } from "../../protocol/chunks.ts";
import { BridgeError } from "../../protocol/errors.ts";
import type { SseEvent } from "../../decode/sse-event.ts";
import type { StreamMapper } from "../types.ts";
import { ToolCallAssembler } from "../tool-calls.ts";
import { classifyOpenAIStreamError, firedContentFilterCategories } from "./errors.ts";
import { mapOpenAIChatFinishReason } from "./finish.ts";
import { mapOpenAIChatUsage } from "./usage.ts";
import { isRecord, str, type JsonObject } from "../json.ts";

/** A delta field that may carry reasoning text. */
export type ReasoningField = "reasoning_content" | "reasoning" | "reasoning_text" | "reasoning_details";

const REASONING_FIELDS: readonly ReasoningField[] = ["reasoning_content", "reasoning", "reasoning_text"];

export interface OpenAIChatStreamOptions {
  /** Fields read for reasoning text before the usual ones (`reasoning_content`, `reasoning`, `reasoning_text`). */
  reasoningFields?: readonly ReasoningField[];
  /** How tool-call fragments are told apart: by `index` (the spec; default) or by id first (above). */
  toolCallIndex?: "index" | "by_id";
}

export function createOpenAIChatMapper(options: OpenAIChatStreamOptions = {}): StreamMapper<SseEvent> {
  return new OpenAIChatStreamMapper(options);
}

export class OpenAIChatStreamMapper implements StreamMapper<SseEvent> {
  private readonly tools = new ToolCallAssembler({ wrapperNames: ["multi_tool_use.parallel"] });
  private readonly reasoningFields: readonly ReasoningField[];
  private readonly byId: boolean;
  /** `by_id`: the assembler key of each call id, and of each index a call came with. */
  private readonly keyOfId = new Map<string, number>();
  private readonly keyOfIndex = new Map<number, number>();
  private lastKey: number | undefined;
  private nextKey = 0;
  /** Calls seen, for ids made up where a server sends none; the response id makes them unique across turns. */
  private readonly calls = new Set<number>();
  private responseId = "";
  private modelSent = false;
  private ended = false;
  private finished = false;
  private refused = false;
  private lastUsage = "";
  private readonly filtered: JsonObject = {};
  /** OpenRouter `reasoning_details` entries not yet handed out (above). */
  private details: unknown[] = [];

  constructor(options: OpenAIChatStreamOptions = {}) {
    const preferred = options.reasoningFields ?? [];
    this.reasoningFields = [...preferred, ...REASONING_FIELDS.filter((field) => !preferred.includes(field))];
    this.byId = options.toolCallIndex === "by_id";
  }

  map(event: SseEvent, out: StreamEvent[]): void {
    if (this.ended) return;
    const data = event.data.trim();
    if (data === "") return;
    if (data === "[DONE]") {
      this.flushDetails(out);
      this.tools.completeAll(out);
      this.ended = true;
      out.push({ type: "end" });
      return;
    }
    const chunk = parseChunk(data);
    if ("error" in chunk && chunk["error"] !== null && chunk["error"] !== undefined) {
      throw classifyOpenAIStreamError(chunk);
    }

    if (this.responseId === "" && typeof chunk["id"] === "string") this.responseId = chunk["id"].replace(/[^A-Za-z0-9_-]/g, "");
    const model = chunk["model"];
    if (!this.modelSent && typeof model === "string" && model !== "") {
      this.modelSent = true;
      out.push({ type: "model", model });
    }

    const choices = Array.isArray(chunk["choices"]) ? (chunk["choices"] as unknown[]) : [];
    const choice = choices.find((c): c is JsonObject => isRecord(c) && (c["index"] ?? 0) === 0);
    if (choice !== undefined) this.mapChoice(choice, out);

    const usage = chunk["usage"];
    if (isRecord(usage)) {
      const key = JSON.stringify(usage);
      if (key !== this.lastUsage) {
        this.lastUsage = key;
        out.push({ type: "usage", usage: mapOpenAIChatUsage(usage) });
      }
    }
  }

  private mapChoice(choice: JsonObject, out: StreamEvent[]): void {
    if (!this.finished) Object.assign(this.filtered, firedContentFilterCategories(choice["content_filter_results"]));

    const delta = choice["delta"];
    if (isRecord(delta)) this.mapDelta(delta, out);

    const reason = choice["finish_reason"];
    if (typeof reason === "string" && reason !== "" && !this.finished) {
      this.finished = true;
      this.flushDetails(out);
      this.tools.completeAll(out);
      const mapped: FinishReason = this.refused ? "refusal" : mapOpenAIChatFinishReason(reason);
      const finish: StreamEvent & { type: "finish" } = { type: "finish", finish_reason: mapped, raw: reason };
      if (Object.keys(this.filtered).length > 0) finish.details = { content_filter: { ...this.filtered } };
      out.push(finish);
    }
  }

  private mapDelta(delta: JsonObject, out: StreamEvent[]): void {
    const reasoning = reasoningText(delta, this.reasoningFields);
    if (reasoning !== undefined && reasoning !== "") out.push({ type: "reasoning", content: reasoning });
    if (Array.isArray(delta["reasoning_details"])) this.details.push(...delta["reasoning_details"]);
    if (hasAnswer(delta)) this.flushDetails(out);

    const opaque = delta["reasoning_opaque"];
    if (typeof opaque === "string" && opaque !== "") out.push({ type: "reasoning", content: "", provider_data: { reasoning_opaque: opaque } });

    const content = delta["content"];
    if (typeof content === "string" && content !== "") out.push({ type: "content", content });
    else if (Array.isArray(content)) mapContentParts(content, out);

    const refusal = delta["refusal"];
    if (typeof refusal === "string" && refusal !== "") {
      this.refused = true;
      out.push({ type: "content", content: refusal });
    }

    const calls = delta["tool_calls"];
    if (Array.isArray(calls)) {
      calls.forEach((call, position) => {
        if (!isRecord(call)) return;
        const fn = isRecord(call["function"]) ? call["function"] : {};
        const id = str(call["id"]);
        const name = str(fn["name"]);
        const index = typeof call["index"] === "number" ? call["index"] : undefined;
        // `index` is required by the spec; a server that omits it is sending
        // one call per chunk position.
        const key = this.byId ? this.keyById(id, name, index) : (index ?? position);
        const extra = call["extra_content"];
        const providerData = isRecord(extra) ? { extra_content: extra } : undefined;
        this.tools.append(key, { id: this.idOf(key, id), name, arguments: str(fn["arguments"]), providerData }, out);
      });
    }
  }

  /** The collected `reasoning_details`, on one reasoning chunk of their own. */
  private flushDetails(out: StreamEvent[]): void {
    if (this.details.length === 0) return;
    out.push({ type: "reasoning", content: "", provider_data: { reasoning_details: this.details } });
    this.details = [];
  }

  /**
   * The id of a call's first fragment, made up when the server sends none
   * (Gemini's OpenAI endpoint answers `"id": ""`: pydantic-ai
   * test_compatible_api_with_tool_calls_without_id.yaml, whose made-up id it
   * took back; the wire requires one).
   */
  private idOf(key: number, id: string | undefined): string | undefined {
    if (this.calls.has(key)) return id;
    this.calls.add(key);
    if (id !== undefined && id !== "") return id;
    return `call_${this.responseId === "" ? "" : `${this.responseId}_`}${this.calls.size - 1}`;
  }

  /** The call a fragment belongs to when ids, not indices, tell calls apart (`toolCallIndex: "by_id"`). */
  private keyById(id: string | undefined, name: string | undefined, index: number | undefined): number {
    let key: number | undefined;
    if (id !== undefined && id !== "") key = this.keyOfId.get(id);
    else if (index !== undefined) key = this.keyOfIndex.get(index);
    else if (name === undefined || name === "") key = this.lastKey;
    if (key === undefined) {
      key = this.nextKey++;
      if (id !== undefined && id !== "") this.keyOfId.set(id, key);
    }
    if (index !== undefined) this.keyOfIndex.set(index, key);
    this.lastKey = key;
    return key;
  }
}

/** Whether a delta brings answer text or a tool call, which ends the reasoning. */
function hasAnswer(delta: JsonObject): boolean {
  const content = delta["content"];
  return (typeof content === "string" && content !== "") || (Array.isArray(delta["tool_calls"]) && delta["tool_calls"].length > 0);
}

/** The reasoning text of a delta: the first of `fields` that is present. */
function reasoningText(delta: JsonObject, fields: readonly ReasoningField[]): string | undefined {
  for (const field of fields) {
    const value = delta[field];
    if (field === "reasoning_details") {
      if (!Array.isArray(value)) continue;
      // Entries without text (`reasoning.encrypted`) leave the field to the next spelling.
      const text = value.map(detailText).join("");
      if (text !== "") return text;
      continue;
    }
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}

/** OpenRouter `reasoning_details` entry → its text (openrouter.ai/docs/use-cases/reasoning-tokens: reasoning.text, reasoning.summary, reasoning.encrypted). */
function detailText(entry: unknown): string {
  if (!isRecord(entry)) return "";
  if (entry["type"] === "reasoning.text" && typeof entry["text"] === "string") return entry["text"];
  if (entry["type"] === "reasoning.summary" && typeof entry["summary"] === "string") return entry["summary"];
  return "";
}

/** `content` as an array of parts: text parts are content, thinking parts (Mistral) reasoning. */
function mapContentParts(parts: unknown[], out: StreamEvent[]): void {
  for (const part of parts) {
    if (!isRecord(part)) continue;
    if (part["type"] === "text" && typeof part["text"] === "string" && part["text"] !== "") out.push({ type: "content", content: part["text"] });
    if (part["type"] === "thinking") {
      const thinking = part["thinking"];
      const text =
        typeof thinking === "string" ? thinking : Array.isArray(thinking) ? thinking.map((t) => (isRecord(t) && typeof t["text"] === "string" ? t["text"] : "")).join("") : "";
      if (text !== "") out.push({ type: "reasoning", content: text });
    }
    // Other part types (images, references) have no chunk of their own; ignored on purpose.
  }
}

function parseChunk(data: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (cause) {
    throw new BridgeError("STREAM_ERROR", `malformed JSON in a Chat Completions stream event: ${data.slice(0, 200)}`, { cause });
  }
  if (!isRecord(value)) throw new BridgeError("STREAM_ERROR", `unexpected Chat Completions stream event: ${data.slice(0, 200)}`);
  return value;
}
