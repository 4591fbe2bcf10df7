/**
 * Gemini `:streamGenerateContent?alt=sse` events → unified StreamEvents
 * (https://cloud.google.com/vertex-ai/docs/reference/rest/v1/GenerateContentResponse;
 * recordings/vertex/gemini-text.ndjson). Every SSE `data:` is a whole
 * `GenerateContentResponse` fragment; only candidate 0 is followed (we never
 * ask for more).
 *
 * - Text parts are content; parts with `thought: true` are reasoning.
 * - Thought signatures (`thoughtSignature` on any part) become reasoning
 *   chunks with empty text and the `signature`, which is how a caller hands
 *   them back (see request.ts): after the text of a thought part, before the
 *   text of an answer part, and right before the tool call of a
 *   `functionCall` part, so that it directly precedes the call it signs.
 * - Function calls arrive whole (`args` object): each is one
 *   `tool_call_delta` with id, name and the arguments as JSON text, then its
 *   `tool_call`. Gemini on Vertex gives calls no id (recorded), so the id is
 *   `call_<responseId>_<n>`, n the call's ordinal in this response, or
 *   `call_<n>` without a responseId: deterministic (a replay yields the same
 *   ids) and, through the responseId, distinct across turns. Request
 *   encoding never sends ids back, so their form does not matter to Gemini.
 * - Calls streamed in pieces (`willContinue`, `partialArgs`; see
 *   partial-args.ts) are announced when they start and completed, with their
 *   assembled arguments, at the piece without `willContinue` (recorded as an
 *   empty `functionCall: {}`), at the next other part, or at the finish.
 * - `finishReason` ends the response: Gemini has no terminal event, so the
 *   chunk carrying it is the last, and `end` follows it (after its usage:
 *   recorded, the full `usageMetadata` rides on that same chunk). `STOP`
 *   after function calls is `tool_calls`. Filter blocks carry the safety
 *   ratings that were `blocked` in `details.safety_ratings`; any
 *   `finishMessage` is `details.finish_message`.
 * - A prompt blocked before generation (`promptFeedback.blockReason`, no
 *   candidates) finishes as `content_filter` and ends.
 * - `usageMetadata` with a `promptTokenCount` → usage (intermediate chunks
 *   carry only `trafficType`; the Gemini API repeats the running totals on
 *   every chunk, and repeats are not re-emitted). `modelVersion` → model, once.
 * - A chunk with an `error` object is an in-stream failure → BridgeError.
 * - Other part kinds (`executableCode`, `inlineData` output, ...) are not
 *   part of the wire vocabulary and are ignored.
 */
import type { SseEvent } from "../../decode/sse-event.ts";
import type { StreamEvent } from "../../protocol/chunks.ts";
import { BridgeError } from "../../protocol/errors.ts";
import { ToolCallAssembler } from "../tool-calls.ts";
import type { StreamMapper } from "../types.ts";
import { isRecord, type JsonObject } from "../json.ts";
import { classifyGeminiStreamError, type GeminiProvider } from "./errors.ts";
import { mapGeminiFinishReason } from "./finish.ts";
import { GeminiPartialArgs } from "./partial-args.ts";
import { mapGeminiUsage } from "./usage.ts";

/** `provider` names who failed in an in-stream error's message; Vertex, the dialect's first user, when not given. */
export function createGeminiMapper(provider: GeminiProvider = "vertex"): StreamMapper<SseEvent> {
  return new GeminiStreamMapper(provider);
}

export class GeminiStreamMapper implements StreamMapper<SseEvent> {
  private readonly provider: GeminiProvider;
  private readonly tools = new ToolCallAssembler();
  private calls = 0;
  /** The call whose arguments are still arriving in pieces. */
  private streaming: { key: number; args: GeminiPartialArgs } | undefined;
  private responseId: string | undefined;
  private modelSent = false;
  private lastUsage = "";
  private ended = false;

  constructor(provider: GeminiProvider = "vertex") {
    this.provider = provider;
  }

  map(event: SseEvent, out: StreamEvent[]): void {
    if (this.ended) return;
    const data = event.data.trim();
    if (data === "") return;
    const value = parseChunk(data);
    // The non-SSE stream format is one JSON array of responses; take it too.
    for (const chunk of Array.isArray(value) ? value : [value]) {
      if (this.ended) return;
      if (!isRecord(chunk)) throw new BridgeError("STREAM_ERROR", `unexpected Gemini stream event: ${data.slice(0, 200)}`);
      this.chunk(chunk, out);
    }
  }

  private chunk(chunk: JsonObject, out: StreamEvent[]): void {
    if (chunk["error"] !== undefined && chunk["error"] !== null) throw classifyGeminiStreamError(chunk, this.provider);
    const model = chunk["modelVersion"];
    if (!this.modelSent && typeof model === "string" && model !== "") {
      this.modelSent = true;
      out.push({ type: "model", model });
    }
    const responseId = chunk["responseId"];
    if (this.responseId === undefined && typeof responseId === "string" && responseId !== "") this.responseId = responseId;

    const candidates = Array.isArray(chunk["candidates"]) ? chunk["candidates"] : [];
    const candidate = candidates.find((c): c is JsonObject => isRecord(c) && (c["index"] ?? 0) === 0);
    let finish: (StreamEvent & { type: "finish" }) | undefined;
    if (candidate !== undefined) {
      const content = candidate["content"];
      const parts = isRecord(content) && Array.isArray(content["parts"]) ? content["parts"] : [];
      for (const part of parts) if (isRecord(part)) this.part(part, out);
      finish = this.candidateFinish(candidate, out);
    } else {
      finish = promptBlock(chunk["promptFeedback"]);
    }

    const usage = chunk["usageMetadata"];
    if (isRecord(usage)) {
      const mapped = mapGeminiUsage(usage);
      const key = JSON.stringify(mapped);
      if (mapped !== undefined && key !== this.lastUsage) {
        this.lastUsage = key;
        out.push({ type: "usage", usage: mapped });
      }
    }
    if (finish !== undefined) {
      out.push(finish);
      this.ended = true;
      out.push({ type: "end" });
    }
  }

  private part(part: JsonObject, out: StreamEvent[]): void {
    const signature = nonEmpty(part["thoughtSignature"]);
    const call = part["functionCall"];
    if (isRecord(call)) {
      this.functionCall(call, signature, out);
      return;
    }
    // Only functionCall parts continue a call streamed in pieces.
    this.completeStreaming(out);
    const text = nonEmpty(part["text"]);
    if (part["thought"] === true) {
      if (text !== undefined) out.push({ type: "reasoning", content: text });
      if (signature !== undefined) out.push({ type: "reasoning", content: "", signature });
      return;
    }
    if (signature !== undefined) out.push({ type: "reasoning", content: "", signature });
    if (text !== undefined) out.push({ type: "content", content: text });
  }

  private functionCall(call: JsonObject, signature: string | undefined, out: StreamEvent[]): void {
    const name = nonEmpty(call["name"]);
    const args = isRecord(call["args"]) ? call["args"] : undefined;
    const continues = call["willContinue"] === true;
    if (this.streaming !== undefined && name === undefined) {
      this.streaming.args.add(call["partialArgs"]);
      if (args !== undefined) this.streaming.args.merge(args);
      if (!continues) this.completeStreaming(out);
      return;
    }
    // A named call starts a new call, which ends one still in pieces.
    this.completeStreaming(out);
    // An empty functionCall with no call open carries nothing to report.
    if (name === undefined && args === undefined && call["partialArgs"] === undefined) return;

    const key = this.calls++;
    if (signature !== undefined) out.push({ type: "reasoning", content: "", signature });
    const id = nonEmpty(call["id"]) ?? (this.responseId === undefined ? `call_${key}` : `call_${this.responseId}_${key}`);
    const built = new GeminiPartialArgs();
    if (args !== undefined) built.merge(args);
    built.add(call["partialArgs"]);
    if (continues) {
      this.tools.append(key, { id, name, arguments: "" }, out);
      this.streaming = { key, args: built };
      return;
    }
    this.tools.append(key, { id, name, arguments: JSON.stringify(built.value) }, out);
    this.tools.complete(key, out);
  }

  private completeStreaming(out: StreamEvent[]): void {
    const open = this.streaming;
    if (open === undefined) return;
    this.streaming = undefined;
    this.tools.append(open.key, { arguments: JSON.stringify(open.args.value) }, out);
    this.tools.complete(open.key, out);
  }

  private candidateFinish(candidate: JsonObject, out: StreamEvent[]): (StreamEvent & { type: "finish" }) | undefined {
    const reason = nonEmpty(candidate["finishReason"]);
    if (reason === undefined) return undefined;
    this.completeStreaming(out);
    this.tools.completeAll(out);
    let mapped = mapGeminiFinishReason(reason);
    if (mapped === "stop" && this.tools.completed > 0) mapped = "tool_calls";
    const finish: StreamEvent & { type: "finish" } = { type: "finish", finish_reason: mapped, raw: reason };
    const details: JsonObject = {};
    const message = nonEmpty(candidate["finishMessage"]);
    if (message !== undefined) details["finish_message"] = message;
    const blocked = blockedRatings(candidate["safetyRatings"]);
    if (blocked.length > 0) details["safety_ratings"] = blocked;
    if (Object.keys(details).length > 0) finish.details = details;
    return finish;
  }
}

/** The finish of a prompt refused before any candidate was generated. */
function promptBlock(feedback: unknown): (StreamEvent & { type: "finish" }) | undefined {
  if (!isRecord(feedback)) return undefined;
  const reason = nonEmpty(feedback["blockReason"]);
  if (reason === undefined) return undefined;
  const finish: StreamEvent & { type: "finish" } = { type: "finish", finish_reason: "content_filter", raw: reason };
  const details: JsonObject = {};
  const message = nonEmpty(feedback["blockReasonMessage"]);
  if (message !== undefined) details["block_reason_message"] = message;
  const blocked = blockedRatings(feedback["safetyRatings"]);
  if (blocked.length > 0) details["safety_ratings"] = blocked;
  if (Object.keys(details).length > 0) finish.details = details;
  return finish;
}

function blockedRatings(ratings: unknown): JsonObject[] {
  return Array.isArray(ratings) ? ratings.filter((r): r is JsonObject => isRecord(r) && r["blocked"] === true) : [];
}

function parseChunk(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch (cause) {
    throw new BridgeError("STREAM_ERROR", `malformed JSON in a Gemini stream event: ${data.slice(0, 200)}`, { cause });
  }
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
