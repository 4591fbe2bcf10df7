/**
 * ConverseStream events → unified StreamEvents (AWS API reference below; the
 * recorded order in recordings/bedrock/text.ndjson, thinking.ndjson, tool-call.ndjson).
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html
 *
 * - Events are told apart by the `:event-type` header (the decoder puts it in
 *   `type`); the body is the member body: `{contentBlockIndex, delta}` etc.
 * - `messageStart` carries only the role: nothing to report.
 * - Text and reasoning blocks begin directly with deltas; only tool-use
 *   blocks open with a `contentBlockStart` (id and name). Tool calls are keyed
 *   by `contentBlockIndex`; the wire index is the call's ordinal among this
 *   message's tool calls (ToolCallAssembler), so text or reasoning blocks
 *   before a call leave no hole. `toolUse.input` fragments are JSON text,
 *   completed at the block's `contentBlockStop`.
 * - Server-side tools (Nova's `nova_code_interpreter`, recorded in pydantic-ai
 *   test_bedrock_model_code_execution_tool_stream) open with
 *   `start.toolUse.type: "server_tool_use"` and are followed by a
 *   `start.toolResult` block: Bedrock runs them itself, so neither is a call
 *   for the editor and both are ignored. Only a `toolUse` whose `type` is
 *   absent or `tool_use` is the client's.
 * - Reasoning: `reasoningContent.text` → reasoning text; `.signature` →
 *   reasoning with only the signature; `.redactedContent` (base64, as the JSON
 *   protocol carries blobs) → reasoning with the opaque `redacted` data. The
 *   editor hands these back verbatim (request.ts sends them as they came).
 * - `messageStop` → finish (with the raw `stopReason`; Claude's matched stop
 *   sequence, `additionalModelResponseFields.delta.stop_sequence`, goes into
 *   `details`). `metadata` → usage. The stream is over when both arrived,
 *   in whichever order: `end` is emitted once, after the second.
 * - Exception frames never reach this mapper: the decoder turns them into
 *   BridgeErrors. Event types this mapper does not know are ignored (the
 *   union may grow: citations, guardrail traces).
 */
import type { StreamEvent } from "../../protocol/chunks.ts";
import { ToolCallAssembler } from "../tool-calls.ts";
import type { StreamMapper } from "../types.ts";
import { mapConverseFinishReason } from "./finish.ts";
import type { BedrockEvent } from "./types.ts";
import { mapConverseUsage } from "./usage.ts";
import { asJsonObject } from "../../protocol/json.ts";

type Json = Record<string, unknown>;

export function createConverseMapper(): StreamMapper<BedrockEvent> {
  return new ConverseStreamMapper();
}

export class ConverseStreamMapper implements StreamMapper<BedrockEvent> {
  private readonly tools = new ToolCallAssembler();
  /** Block indices of open client tool-use blocks; other blocks need no state. */
  private readonly toolBlocks = new Set<number>();
  private stopped = false;
  private measured = false;
  private ended = false;

  map(event: BedrockEvent, out: StreamEvent[]): void {
    if (this.ended) return;
    const body = event.body;
    switch (event.type) {
      case "contentBlockStart":
        this.blockStart(body, out);
        return;
      case "contentBlockDelta":
        this.blockDelta(body, out);
        return;
      case "contentBlockStop":
        this.blockStop(body, out);
        return;
      case "messageStop":
        this.messageStop(body, out);
        this.endIfComplete(out);
        return;
      case "metadata":
        this.metadata(body, out);
        this.endIfComplete(out);
        return;
      default:
        // messageStart (role only) and event types added after this was written.
        return;
    }
  }

  private blockStart(body: Json, out: StreamEvent[]): void {
    const index = body["contentBlockIndex"];
    const toolUse = asJsonObject(asJsonObject(body["start"])?.["toolUse"]);
    if (typeof index !== "number" || toolUse === undefined) return;
    const kind = toolUse["type"];
    if (kind !== undefined && kind !== "tool_use") return;
    this.toolBlocks.add(index);
    this.tools.append(index, { id: str(toolUse["toolUseId"]), name: str(toolUse["name"]), arguments: "" }, out);
  }

  private blockDelta(body: Json, out: StreamEvent[]): void {
    const delta = asJsonObject(body["delta"]);
    if (delta === undefined) return;

    const text = delta["text"];
    if (typeof text === "string" && text !== "") out.push({ type: "content", content: text });

    const reasoning = asJsonObject(delta["reasoningContent"]);
    if (reasoning !== undefined) {
      const thinking = reasoning["text"];
      if (typeof thinking === "string" && thinking !== "") out.push({ type: "reasoning", content: thinking });
      const signature = reasoning["signature"];
      if (typeof signature === "string" && signature !== "") out.push({ type: "reasoning", content: "", signature });
      const redacted = reasoning["redactedContent"];
      if (typeof redacted === "string" && redacted !== "") out.push({ type: "reasoning", content: "", redacted });
    }

    const toolUse = asJsonObject(delta["toolUse"]);
    const index = body["contentBlockIndex"];
    // Fragments of server-side tool blocks land here too; they are not ours.
    if (toolUse !== undefined && typeof index === "number" && this.toolBlocks.has(index)) {
      const fragment = toolUse["input"];
      if (typeof fragment === "string" && fragment !== "") this.tools.append(index, { arguments: fragment }, out);
    }
  }

  private blockStop(body: Json, out: StreamEvent[]): void {
    const index = body["contentBlockIndex"];
    if (typeof index !== "number" || !this.toolBlocks.delete(index)) return;
    this.tools.complete(index, out);
  }

  private messageStop(body: Json, out: StreamEvent[]): void {
    // Tool blocks always stop before this; completing stragglers keeps the
    // promise that every announced call gets its tool_call.
    this.tools.completeAll(out);
    this.toolBlocks.clear();
    if (this.stopped) return;
    this.stopped = true;
    const reason = body["stopReason"];
    const raw = typeof reason === "string" && reason !== "" ? reason : undefined;
    const finish: StreamEvent & { type: "finish" } = {
      type: "finish",
      finish_reason: raw === undefined ? "other" : mapConverseFinishReason(raw),
    };
    if (raw !== undefined) finish.raw = raw;
    const stopSequence = asJsonObject(asJsonObject(body["additionalModelResponseFields"])?.["delta"])?.["stop_sequence"];
    if (typeof stopSequence === "string") finish.details = { stop_sequence: stopSequence };
    out.push(finish);
  }

  private metadata(body: Json, out: StreamEvent[]): void {
    this.measured = true;
    const usage = asJsonObject(body["usage"]);
    if (usage !== undefined) out.push({ type: "usage", usage: mapConverseUsage(usage) });
  }

  private endIfComplete(out: StreamEvent[]): void {
    if (!this.stopped || !this.measured) return;
    this.ended = true;
    out.push({ type: "end" });
  }
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
