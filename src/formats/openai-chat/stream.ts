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
 * - Reasoning text comes as `reasoning_content` (DeepSeek, vLLM),
 *   `reasoning` (newer vLLM, OpenRouter) or `reasoning_text` (Copilot); the
 *   first one present wins so a server sending two spellings is not doubled.
 *   Copilot's `reasoning_opaque` blob becomes a reasoning chunk whose
 *   `signature` carries it (the request encoder does not send it back yet).
 * - Tool-call fragments are keyed by `index`; complete `tool_call`s are
 *   emitted in the order the calls started (the provider's index order in
 *   practice), just before the finish (or at `[DONE]` for calls
 *   a server never finished).
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

export function createOpenAIChatMapper(): StreamMapper<SseEvent> {
  return new OpenAIChatStreamMapper();
}

export class OpenAIChatStreamMapper implements StreamMapper<SseEvent> {
  private readonly tools = new ToolCallAssembler({ wrapperNames: ["multi_tool_use.parallel"] });
  private modelSent = false;
  private ended = false;
  private finished = false;
  private refused = false;
  private lastUsage = "";
  private readonly filtered: JsonObject = {};

  map(event: SseEvent, out: StreamEvent[]): void {
    if (this.ended) return;
    const data = event.data.trim();
    if (data === "") return;
    if (data === "[DONE]") {
      this.tools.completeAll(out);
      this.ended = true;
      out.push({ type: "end" });
      return;
    }
    const chunk = parseChunk(data);
    if ("error" in chunk && chunk["error"] !== null && chunk["error"] !== undefined) {
      throw classifyOpenAIStreamError(chunk);
    }

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
      this.tools.completeAll(out);
      const mapped: FinishReason = this.refused ? "refusal" : mapOpenAIChatFinishReason(reason);
      const finish: StreamEvent & { type: "finish" } = { type: "finish", finish_reason: mapped, raw: reason };
      if (Object.keys(this.filtered).length > 0) finish.details = { content_filter: { ...this.filtered } };
      out.push(finish);
    }
  }

  private mapDelta(delta: JsonObject, out: StreamEvent[]): void {
    const reasoning = firstString(delta, ["reasoning_content", "reasoning", "reasoning_text"]);
    if (reasoning !== undefined && reasoning !== "") out.push({ type: "reasoning", content: reasoning });

    const opaque = delta["reasoning_opaque"];
    if (typeof opaque === "string" && opaque !== "") out.push({ type: "reasoning", content: "", signature: opaque });

    const content = delta["content"];
    if (typeof content === "string" && content !== "") out.push({ type: "content", content });

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
        // `index` is required by the spec; a server that omits it is sending
        // one call per chunk position.
        const key = typeof call["index"] === "number" ? call["index"] : position;
        this.tools.append(key, { id: str(call["id"]), name: str(fn["name"]), arguments: str(fn["arguments"]) }, out);
      });
    }
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

function firstString(record: JsonObject, keys: string[]): string | undefined {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}
