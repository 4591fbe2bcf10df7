/**
 * Unified chat params → Bedrock ConverseStream request body (AWS API reference below).
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
 *
 * The body has no `modelId`: it goes in the URL path
 * (`/model/{modelId}/converse-stream`), which the provider builds.
 *
 * Choices worth knowing:
 * - `system` messages, wherever they appear, become the top-level `system`
 *   blocks in order. `tool` messages become `user` turns of `toolResult`
 *   blocks, and consecutive turns of one role are merged: Converse wants user
 *   and assistant to alternate. Inside a merged user turn the `toolResult`
 *   blocks go first, because Claude requires them to lead the turn that
 *   answers a `toolUse`.
 * - A turn left with no blocks (its text parts were all empty) is dropped:
 *   Bedrock rejects an empty `content` ("The content field in the Message
 *   object at messages.1 is empty").
 * - `tool_choice: "none"`: Converse has no such choice, so it is encoded as
 *   if no tools were given: the model cannot call a tool it is not shown.
 *   (With tool history the placeholder config below still lists the history's
 *   tool names; that is the closest Converse allows.)
 * - Tool history without tools: Bedrock rejects `toolUse` / `toolResult`
 *   blocks unless `toolConfig` is present ("The toolConfig field must be
 *   defined when using toolUse and toolResult content blocks"), so a minimal
 *   one lists the tool names the history uses, each with an empty object
 *   schema.
 * - `cachePoint` blocks (after the system prompt and the last message for
 *   `params.cache`, after a message for `message.cache`, after a text part for
 *   `part.cache`), unless the model rules say the model rejects them
 *   (`cache_points`). At most four are kept, the latest, as in the Anthropic
 *   dialect: a later point caches a longer prefix.
 * - A tool result's `status: "error"`, unless the rules say the model rejects
 *   it (`tool_result_status`); then the result's text is what says it failed.
 * - The thinking the rules chose (src/rules/; only Claude gets one) goes in
 *   `additionalModelRequestFields`, in the Messages API's own form. Prefill
 *   trimming and the leading user turn are the rules' business too.
 */
import type { ToolChoice, ToolDefinition } from "../../protocol/chat.ts";
import type { ShapedParams } from "../../rules/types.ts";
import { anthropicThinkingFields } from "../anthropic-messages/request.ts";
import { encodeMessageBlocks, encodeSystemBlocks, type BlockOptions, type ConverseBlock as Block } from "./blocks.ts";

interface Turn {
  role: "user" | "assistant";
  blocks: Block[];
}

/** Bedrock allows at most this many cache checkpoints per request. */
const MAX_CACHE_POINTS = 4;

export function encodeConverseRequest(params: ShapedParams): Record<string, unknown> {
  const blockOptions: BlockOptions = { marks: [], toolStatus: params.tool_result_status !== false };
  const system: Block[] = [];
  const turns: Turn[] = [];

  params.messages.forEach((message, i) => {
    if (message.role === "system") {
      const blocks = encodeSystemBlocks(message, i, blockOptions);
      if (message.cache === true) markLast(blocks, blockOptions.marks);
      system.push(...blocks);
      return;
    }
    const role = message.role === "assistant" ? "assistant" : "user";
    const blocks = encodeMessageBlocks(message, i, blockOptions);
    if (blocks.length === 0) return;
    if (message.cache === true) markLast(blocks, blockOptions.marks);
    const previous = turns[turns.length - 1];
    if (previous !== undefined && previous.role === role) previous.blocks.push(...blocks);
    else turns.push({ role, blocks });
  });

  // Claude requires the toolResult blocks to lead the turn that answers a toolUse.
  for (const turn of turns) if (turn.role === "user") turn.blocks = toolResultsFirst(turn.blocks);
  if (params.cache === true) {
    markLast(system, blockOptions.marks);
    const last = turns[turns.length - 1];
    if (last !== undefined) markLast(last.blocks, blockOptions.marks);
  }

  const points = params.cache_points !== false ? keepLatest(blockOptions.marks, [...system, ...turns.flatMap((turn) => turn.blocks)]) : new Set<Block>();

  const body: Record<string, unknown> = {
    messages: turns.map((turn) => ({ role: turn.role, content: withCachePoints(turn.blocks, points) })),
  };
  if (system.length > 0) body["system"] = withCachePoints(system, points);

  const inference: Record<string, unknown> = {};
  if (params.max_tokens !== undefined) inference["maxTokens"] = params.max_tokens;
  if (params.temperature !== undefined) inference["temperature"] = params.temperature;
  if (params.top_p !== undefined) inference["topP"] = params.top_p;
  if (params.stop !== undefined && params.stop.length > 0) inference["stopSequences"] = params.stop;
  if (Object.keys(inference).length > 0) body["inferenceConfig"] = inference;

  const toolConfig = encodeToolConfig(params, turns);
  if (toolConfig !== undefined) body["toolConfig"] = toolConfig;
  // Only Claude is given thinking by the rules; its fields travel as in the Messages API, inside
  // additionalModelRequestFields (Bedrock user guide claude-messages-extended-thinking; recordings/bedrock/thinking.ndjson).
  const thinking = params.thinking === undefined ? {} : anthropicThinkingFields(params.thinking);
  if (Object.keys(thinking).length > 0) body["additionalModelRequestFields"] = thinking;
  return body;
}

function encodeToolConfig(params: ShapedParams, turns: Turn[]): Block | undefined {
  const tools = params.tool_choice === "none" ? [] : (params.tools ?? []);
  if (tools.length > 0) {
    const config: Block = { tools: tools.map(toolSpec) };
    const choice = params.tool_choice === undefined ? undefined : encodeToolChoice(params.tool_choice);
    if (choice !== undefined) config["toolChoice"] = choice;
    return config;
  }
  const used = historyToolNames(turns);
  if (used.length === 0) return undefined;
  return { tools: used.map((name) => toolSpec({ name, parameters: { type: "object", properties: {} } })) };
}

function toolSpec(tool: ToolDefinition): Block {
  const json = "type" in tool.parameters ? tool.parameters : { type: "object", ...tool.parameters };
  return {
    toolSpec: {
      name: tool.name,
      // Bedrock rejects an empty description (minimum length 1).
      ...(tool.description === undefined || tool.description === "" ? {} : { description: tool.description }),
      inputSchema: { json },
    },
  };
}

function encodeToolChoice(choice: ToolChoice): Block | undefined {
  switch (choice) {
    case "auto":
      return { auto: {} };
    case "required":
      return { any: {} };
    case "none":
      return undefined;
    default:
      return { tool: { name: choice.name } };
  }
}

/**
 * Names of the tools called in the history, first use first. Results whose
 * call is not in the history name nothing to declare; Bedrock's own error
 * then says what is missing.
 */
function historyToolNames(turns: Turn[]): string[] {
  const names = new Set<string>();
  for (const turn of turns) {
    for (const block of turn.blocks) {
      const use = block["toolUse"] as { name: string } | undefined;
      if (use !== undefined) names.add(use.name);
    }
  }
  return [...names];
}

/** Mark the last block a cachePoint may follow (not reasoning: Claude cannot cache-mark thinking). */
function markLast(blocks: Block[], marks: Block[]): void {
  for (let k = blocks.length - 1; k >= 0; k--) {
    const block = blocks[k];
    if (block === undefined || "reasoningContent" in block) continue;
    marks.push(block);
    return;
  }
}

/** The marked blocks to keep: the latest MAX_CACHE_POINTS of them in document order. */
function keepLatest(marks: Block[], inOrder: Block[]): Set<Block> {
  const marked = new Set(marks);
  const ordered = inOrder.filter((block) => marked.has(block));
  return new Set(ordered.slice(Math.max(0, ordered.length - MAX_CACHE_POINTS)));
}

function withCachePoints(blocks: Block[], points: Set<Block>): Block[] {
  return blocks.flatMap((block) => (points.has(block) ? [block, { cachePoint: { type: "default" } }] : [block]));
}

/** Stable partition: toolResult blocks first, the rest after, each in its own order. */
function toolResultsFirst(blocks: Block[]): Block[] {
  return [...blocks.filter((b) => "toolResult" in b), ...blocks.filter((b) => !("toolResult" in b))];
}
