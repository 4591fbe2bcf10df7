/**
 * Responses API SSE events → unified stream events, for OpenAI, Azure and
 * Copilot. Events name their type in the JSON `type` (repeated in the SSE
 * `event:` line, which is the fallback).
 *
 * - `response.created` gives the model; `response.completed` /
 *   `response.incomplete` give usage, the finish and the `end`. A trailing
 *   `[DONE]`, if one comes, is ignored (no source says Responses streams send
 *   one; the recorded ones end at `response.completed` without it:
 *   recordings/openai/responses-text.ndjson, responses-reasoning.ndjson).
 * - Function calls are keyed by `output_index`, never by `item_id`: Copilot
 *   rotates item ids on every event (recordings/copilot/responses-id-rotation.ndjson,
 *   from vercel/ai's github-copilot-id-rotation fixture). Name and call id
 *   come in `output_item.added`; the complete call is emitted at
 *   `output_item.done` with the item's own `arguments`.
 * - A `function_call` named `parallel` (the bare leaf Responses sends,
 *   vercel/ai#19067, 2026-08) or `multi_tool_use.parallel` (the Chat
 *   spelling) is the model packing several calls into one: the assembler
 *   holds it back and emits the calls inside instead (src/formats/tool-calls.ts).
 *   A declared tool named `parallel` is left alone unless its arguments are
 *   exactly the wrapper's `functions.`-addressed shape (the AI SDK also checks
 *   the declared tools, which a mapper never sees).
 * - Reasoning summary and raw reasoning text stream as reasoning chunks; a
 *   new summary part of the same item is separated by a blank line. A
 *   finished reasoning item carrying `encrypted_content` becomes a reasoning
 *   chunk with empty content and `signature` = that blob: the caller hands it
 *   back as a reasoning part's signature to continue statelessly.
 * - Refusal text streams as content and makes the finish `refusal`.
 * - `error` events and `response.failed` throw a classified BridgeError.
 * - Azure's `response.content_filters` categories that fired go into the
 *   finish `details.content_filter`; Copilot's `copilot_usage` (its own
 *   billing units for the call) into `details.copilot_usage`, as sent.
 */
import type { StreamEvent } from "../../protocol/chunks.ts";
import { BridgeError } from "../../protocol/errors.ts";
import type { SseEvent } from "../../decode/sse-event.ts";
import type { StreamMapper } from "../types.ts";
import { ToolCallAssembler } from "../tool-calls.ts";
import { classifyOpenAIStreamError, firedContentFilterCategories } from "../openai-chat/errors.ts";
import { mapOpenAIResponsesFinish } from "./finish.ts";
import { mapOpenAIResponsesUsage } from "./usage.ts";
import { isRecord, str, type JsonObject } from "../json.ts";

export function createOpenAIResponsesMapper(): StreamMapper<SseEvent> {
  return new OpenAIResponsesStreamMapper();
}

export class OpenAIResponsesStreamMapper implements StreamMapper<SseEvent> {
  private readonly tools = new ToolCallAssembler({ wrapperNames: ["parallel", "multi_tool_use.parallel"] });
  private modelSent = false;
  private ended = false;
  private refused = false;

  map(event: SseEvent, out: StreamEvent[]): void {
    if (this.ended) return;
    const data = event.data.trim();
    if (data === "" || data === "[DONE]") return;
    const payload = parseEvent(data);
    const type = typeof payload["type"] === "string" ? payload["type"] : event.event;

    switch (type) {
      case "response.created":
      case "response.in_progress":
      case "response.queued":
        this.noteModel(payload["response"], out);
        return;
      case "response.output_text.delta":
        pushText(out, "content", payload["delta"]);
        return;
      case "response.refusal.delta":
        if (typeof payload["delta"] === "string" && payload["delta"] !== "") this.refused = true;
        pushText(out, "content", payload["delta"]);
        return;
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        pushText(out, "reasoning", payload["delta"]);
        return;
      case "response.reasoning_summary_part.added":
        if (typeof payload["summary_index"] === "number" && payload["summary_index"] > 0) {
          out.push({ type: "reasoning", content: "\n\n" });
        }
        return;
      case "response.output_item.added":
        this.itemAdded(payload, out);
        return;
      case "response.function_call_arguments.delta": {
        const key = outputIndex(payload);
        if (key !== undefined) this.tools.append(key, { arguments: str(payload["delta"]) }, out);
        return;
      }
      case "response.output_item.done":
        this.itemDone(payload, out);
        return;
      case "response.completed":
      case "response.incomplete":
        this.terminate(payload, type === "response.completed" ? "completed" : "incomplete", out);
        return;
      case "response.failed": {
        const response = isRecord(payload["response"]) ? payload["response"] : {};
        throw classifyOpenAIStreamError(isRecord(response["error"]) ? response["error"] : { message: "the response failed" });
      }
      case "error":
        // Recorded (2025-11): `{type:"error", error:{type, code, message, param}}`;
        // the SDK types put code/message at the top level. Accept both.
        throw classifyOpenAIStreamError(isRecord(payload["error"]) ? payload["error"] : { code: payload["code"], message: payload["message"], param: payload["param"] });
      default:
        return; // content_part.*, *.done echoes, annotations, tool progress events
    }
  }

  private noteModel(response: unknown, out: StreamEvent[]): void {
    if (this.modelSent || !isRecord(response)) return;
    const model = response["model"];
    if (typeof model === "string" && model !== "") {
      this.modelSent = true;
      out.push({ type: "model", model });
    }
  }

  private itemAdded(payload: JsonObject, out: StreamEvent[]): void {
    const item = payload["item"];
    const key = outputIndex(payload);
    if (!isRecord(item) || item["type"] !== "function_call" || key === undefined) return;
    this.tools.append(key, { id: str(item["call_id"]), name: str(item["name"]), arguments: str(item["arguments"]) }, out);
  }

  private itemDone(payload: JsonObject, out: StreamEvent[]): void {
    const item = payload["item"];
    if (!isRecord(item)) return;
    if (item["type"] === "function_call") {
      const key = outputIndex(payload);
      if (key === undefined) return;
      this.tools.complete(key, out, { id: str(item["call_id"]), name: str(item["name"]), arguments: str(item["arguments"]) });
    } else if (item["type"] === "reasoning") {
      const blob = item["encrypted_content"];
      if (typeof blob === "string" && blob !== "") out.push({ type: "reasoning", content: "", signature: blob });
    }
  }

  private terminate(payload: JsonObject, status: "completed" | "incomplete", out: StreamEvent[]): void {
    const body = isRecord(payload["response"]) ? payload["response"] : {};
    this.noteModel(body, out);
    this.tools.completeAll(out);
    if (isRecord(body["usage"])) out.push({ type: "usage", usage: mapOpenAIResponsesUsage(body["usage"]) });

    const details = isRecord(body["incomplete_details"]) ? body["incomplete_details"] : {};
    const { finish_reason, raw } = mapOpenAIResponsesFinish({
      status,
      incompleteReason: str(details["reason"]),
      calledTools: this.tools.completed > 0,
      refused: this.refused,
    });
    const finish: StreamEvent & { type: "finish" } = { type: "finish", finish_reason, raw };
    const fired = azureResponseFilters(body["content_filters"]);
    if (fired !== undefined) finish.details = { content_filter: fired };
    // Copilot bills in its own units, not per token: what it says this call cost is passed on as it is, never priced by us.
    if (isRecord(payload["copilot_usage"])) finish.details = { ...finish.details, copilot_usage: payload["copilot_usage"] };
    out.push(finish);

    this.ended = true;
    out.push({ type: "end" });
  }
}

/** Fired categories across Azure's `content_filters[]` (prompt and completion entries). */
function azureResponseFilters(filters: unknown): JsonObject | undefined {
  if (!Array.isArray(filters)) return undefined;
  const fired: JsonObject = {};
  for (const entry of filters) {
    if (isRecord(entry)) Object.assign(fired, firedContentFilterCategories(entry["content_filter_results"]));
  }
  return Object.keys(fired).length > 0 ? fired : undefined;
}

function pushText(out: StreamEvent[], type: "content" | "reasoning", delta: unknown): void {
  if (typeof delta === "string" && delta !== "") out.push({ type, content: delta });
}

function parseEvent(data: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (cause) {
    throw new BridgeError("STREAM_ERROR", `malformed JSON in a Responses stream event: ${data.slice(0, 200)}`, { cause });
  }
  if (!isRecord(value)) throw new BridgeError("STREAM_ERROR", `unexpected Responses stream event: ${data.slice(0, 200)}`);
  return value;
}

function outputIndex(payload: JsonObject): number | undefined {
  const value = payload["output_index"];
  return typeof value === "number" ? value : undefined;
}
