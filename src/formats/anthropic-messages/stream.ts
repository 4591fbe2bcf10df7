/**
 * Anthropic Messages stream events → unified StreamEvents.
 *
 * Events are told apart by the JSON `type` (the SSE `event:` name repeats it,
 * and Bedrock's event-stream carries only the JSON). `data` is parsed after
 * trimming, because Anthropic pads it with spaces (recordings/anthropic/text.ndjson;
 * test/decode/sse.test.ts keeps an excerpt byte for byte).
 *
 * - Tool calls: `tool_use` blocks are keyed by their block index, but the wire
 *   index is the call's ordinal among this message's tool calls (a text or
 *   thinking block before it must not leave a hole). Arguments are the
 *   concatenated `input_json_delta` fragments, completed at the block's stop.
 * - Thinking: `thinking_delta` → reasoning text; `signature_delta` →
 *   reasoning with only the signature; `redacted_thinking` → reasoning with
 *   the opaque `redacted` data. The editor hands these back verbatim.
 * - Server-side blocks (`server_tool_use`, `*_tool_result`, `compaction`,
 *   ...) are the provider's business: their deltas are ignored. So are event
 *   types this mapper does not know (the API says the list may grow).
 * - Usage in `message_start` and `message_delta` is cumulative; each report is
 *   passed on as it is and replaces the previous one. A cache figure a
 *   `message_delta` omits (or sends as null) next to `input_tokens` has not
 *   changed: the `message_start` figure stands, as in the official SDK's
 *   accumulator ("omitted when they don't apply, so overwrite when present").
 * - `event: error` mid-stream throws a classified BridgeError.
 * - One stream carries one message (the event flow of
 *   docs.anthropic.com/en/docs/build-with-claude/streaming: one
 *   `message_start`, the content blocks, one `message_stop`). A second
 *   `message_start` with a new id is an intermediary's upstream retry spliced
 *   onto the body, the first generation cut off mid-block (behind Vertex:
 *   vercel/ai#18331, PR #18332; fersilva16/nix-config#665). Merged, it would
 *   be half an answer reported as done, its signed thinking failing the next
 *   turn with a 400: a retryable STREAM_ERROR ends the attempt instead. The
 *   same id again is a proxy duplicating the frame (BerriAI/litellm#32478,
 *   maximhq/bifrost#4556): ignored, its usage too.
 */
import type { SseEvent } from "../../decode/sse-event.ts";
import type { StreamEvent } from "../../protocol/chunks.ts";
import { BridgeError } from "../../protocol/errors.ts";
import { ToolCallAssembler } from "../tool-calls.ts";
import type { StreamMapper } from "../types.ts";
import { classifyAnthropicStreamError } from "./errors.ts";
import { mapAnthropicFinishReason } from "./finish.ts";
import { mapAnthropicUsage } from "./usage.ts";
import { str } from "../json.ts";
import { asJsonObject } from "../../protocol/json.ts";

type Json = Record<string, unknown>;

/** What this mapper remembers about an open `tool_use` block. */
interface OpenToolBlock {
  /** The block's `input` at start; only used when no fragments follow. */
  startInput: unknown;
  sawArguments: boolean;
}

export function createAnthropicMapper(): StreamMapper<SseEvent> {
  return new AnthropicStreamMapper();
}

export class AnthropicStreamMapper implements StreamMapper<SseEvent> {
  private readonly tools = new ToolCallAssembler();
  /** Open tool_use blocks by block index; other block kinds need no state. */
  private readonly toolBlocks = new Map<number, OpenToolBlock>();
  private finished = false;
  private ended = false;
  /** Cache figures of `message_start`, for a `message_delta` that restates input without them. */
  private readonly startCache: Json = {};
  private started = false;
  /** The id `message_start` gave; a later start must repeat it. */
  private messageId: string | undefined;

  map(event: SseEvent, out: StreamEvent[]): void {
    if (this.ended) return;
    const data = event.data.trim();
    if (data === "") return;
    const payload = parseEvent(data);
    const type = typeof payload["type"] === "string" ? payload["type"] : event.event;

    switch (type) {
      case "message_start":
        this.messageStart(payload, out);
        return;
      case "content_block_start":
        this.blockStart(payload, out);
        return;
      case "content_block_delta":
        this.blockDelta(payload, out);
        return;
      case "content_block_stop":
        this.blockStop(payload, out);
        return;
      case "message_delta":
        this.messageDelta(payload, out);
        return;
      case "message_stop":
        // Tool blocks always stop before this; completing stragglers keeps the
        // promise that every announced call gets its tool_call.
        this.tools.completeAll(out);
        this.ended = true;
        out.push({ type: "end" });
        return;
      case "ping":
        out.push({ type: "heartbeat" });
        return;
      case "error":
        throw classifyAnthropicStreamError(payload);
      default:
        return;
    }
  }

  private messageStart(payload: Json, out: StreamEvent[]): void {
    const message = asJsonObject(payload["message"]);
    const id = str(message?.["id"]);
    if (this.started) {
      if (id === this.messageId) return; // a duplicated frame: its figures are already counted
      throw new BridgeError(
        "STREAM_ERROR",
        `a second message started inside one Anthropic stream (${this.messageId ?? "no id"}, then ${id ?? "no id"}): ` +
          "an intermediary spliced a retry onto the answer, which is cut off",
        { retryable: true },
      );
    }
    this.started = true;
    this.messageId = id;
    if (message === undefined) return;
    const model = message["model"];
    if (typeof model === "string" && model !== "") out.push({ type: "model", model });
    const usage = asJsonObject(message["usage"]);
    if (usage === undefined) return;
    for (const field of CACHE_FIELDS) if (typeof usage[field] === "number") this.startCache[field] = usage[field];
    out.push({ type: "usage", usage: mapAnthropicUsage(usage) });
  }

  private blockStart(payload: Json, out: StreamEvent[]): void {
    const index = payload["index"];
    const block = asJsonObject(payload["content_block"]);
    if (typeof index !== "number" || block === undefined) return;
    switch (block["type"]) {
      case "text": {
        const text = block["text"];
        if (typeof text === "string" && text !== "") out.push({ type: "content", content: text });
        return;
      }
      case "thinking": {
        const thinking = block["thinking"];
        if (typeof thinking === "string" && thinking !== "") out.push({ type: "reasoning", content: thinking });
        const signature = block["signature"];
        if (typeof signature === "string" && signature !== "") out.push({ type: "reasoning", content: "", signature });
        return;
      }
      case "redacted_thinking": {
        const data = block["data"];
        if (typeof data === "string") out.push({ type: "reasoning", content: "", redacted: data });
        return;
      }
      case "tool_use":
        this.toolBlocks.set(index, { startInput: block["input"], sawArguments: false });
        this.tools.append(index, { id: str(block["id"]), name: str(block["name"]), arguments: "" }, out);
        return;
      default:
        return;
    }
  }

  private blockDelta(payload: Json, out: StreamEvent[]): void {
    const delta = asJsonObject(payload["delta"]);
    if (delta === undefined) return;
    switch (delta["type"]) {
      case "text_delta": {
        const text = delta["text"];
        if (typeof text === "string" && text !== "") out.push({ type: "content", content: text });
        return;
      }
      case "thinking_delta": {
        const thinking = delta["thinking"];
        if (typeof thinking === "string" && thinking !== "") out.push({ type: "reasoning", content: thinking });
        return;
      }
      case "signature_delta": {
        const signature = delta["signature"];
        if (typeof signature === "string" && signature !== "") out.push({ type: "reasoning", content: "", signature });
        return;
      }
      case "input_json_delta": {
        const index = payload["index"];
        const block = typeof index === "number" ? this.toolBlocks.get(index) : undefined;
        // Fragments of server-side tool blocks land here too; they are not ours.
        if (block === undefined || typeof index !== "number") return;
        const fragment = delta["partial_json"];
        if (typeof fragment !== "string" || fragment === "") return;
        block.sawArguments = true;
        this.tools.append(index, { arguments: fragment }, out);
        return;
      }
      default:
        return;
    }
  }

  private blockStop(payload: Json, out: StreamEvent[]): void {
    const index = payload["index"];
    if (typeof index !== "number") return;
    const block = this.toolBlocks.get(index);
    if (block === undefined) return;
    this.toolBlocks.delete(index);
    // A relay that sends the whole input in content_block_start and no
    // fragments would otherwise yield "{}"; announce that input as one delta.
    if (!block.sawArguments && isNonEmptyObject(block.startInput)) {
      this.tools.append(index, { arguments: JSON.stringify(block.startInput) }, out);
    }
    this.tools.complete(index, out);
  }

  private messageDelta(payload: Json, out: StreamEvent[]): void {
    const usage = asJsonObject(payload["usage"]);
    if (usage !== undefined) out.push({ type: "usage", usage: mapAnthropicUsage(this.withStartCache(usage)) });
    const delta = asJsonObject(payload["delta"]);
    const reason = delta?.["stop_reason"];
    if (typeof reason === "string" && reason !== "" && !this.finished) {
      this.finished = true;
      const finish: StreamEvent & { type: "finish" } = {
        type: "finish",
        finish_reason: mapAnthropicFinishReason(reason),
        raw: reason,
      };
      const details = asJsonObject(delta?.["stop_details"]);
      if (details !== undefined) finish.details = details;
      out.push(finish);
    }
  }

  private withStartCache(usage: Json): Json {
    // Only a restated input total needs them: an output-only delta leaves input alone anyway.
    if (typeof usage["input_tokens"] !== "number") return usage;
    const filled = { ...usage };
    for (const field of CACHE_FIELDS) {
      if (filled[field] == null && this.startCache[field] !== undefined) filled[field] = this.startCache[field];
    }
    return filled;
  }
}

const CACHE_FIELDS = ["cache_creation_input_tokens", "cache_read_input_tokens"] as const;

function parseEvent(data: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (cause) {
    throw new BridgeError("STREAM_ERROR", `malformed JSON in an Anthropic stream event: ${data.slice(0, 200)}`, { cause });
  }
  const payload = asJsonObject(value);
  if (payload === undefined) throw new BridgeError("STREAM_ERROR", `unexpected Anthropic stream event: ${data.slice(0, 200)}`);
  return payload;
}

function isNonEmptyObject(value: unknown): boolean {
  const object = asJsonObject(value);
  return object !== undefined && Object.keys(object).length > 0;
}
