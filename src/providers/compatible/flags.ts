/**
 * What sets one OpenAI-compatible server apart from another, as data: the
 * compatibility flags a preset (presets.ts) or a user's endpoint
 * (endpoints.ts) gives, their defaults, and what they become for the Chat
 * Completions dialect (src/formats/openai-chat/).
 *
 * Per-model parameter rules (which reasoning efforts a model takes, what it
 * rejects) are not flags: they are rules in src/catalog/rules.json matched by
 * `provider`, applied by shapeChat like every other model rule.
 */
import type { OpenAIChatOptions } from "../../formats/openai-chat/index.ts";
import type { ReasoningField } from "../../formats/openai-chat/stream.ts";
import { isJsonObject } from "../../protocol/json.ts";

export interface CompatFlags {
  /** The request field that carries `max_tokens`: servers that predate `max_completion_tokens` ignore it (Ollama) or refuse it (Mistral). */
  max_tokens_field: "max_tokens" | "max_completion_tokens";
  /** Send `stream_options: {include_usage: true}`; false where the server refuses the field (and sends usage unasked). */
  stream_usage: boolean;
  /** Role of system messages: `developer` only where a server asks for it; several refuse it. */
  system_role: "system" | "developer";
  /** The delta field reasoning text is read from first (the others are still read when it is absent). */
  reasoning_field: "reasoning_content" | "reasoning" | "reasoning_details";
  /** How a reasoning effort is sent: `reasoning_effort`, or `reasoning: {effort}` (OpenRouter). */
  reasoning_param: "reasoning_effort" | "reasoning";
  /** Where assistant reasoning goes back on the next turn: nowhere, `reasoning_content` (DeepSeek) or `reasoning_details` (OpenRouter). */
  reasoning_hand_back: "none" | "reasoning_content" | "reasoning_details";
  /** How streamed tool-call fragments are told apart: by `index` (the spec), or by id first (a server that reuses or omits the index). */
  tool_call_index: "index" | "by_id";
  /** The stream's usage says what the call was billed (`usage.cost`, OpenRouter): `done.cost` then says that rather than the catalog's price. */
  usage_cost: boolean;
}

export type FlagName = keyof CompatFlags;

/** The values each flag takes; the first is the default of a hosted preset. */
export const FLAG_VALUES: { readonly [F in FlagName]: readonly CompatFlags[F][] } = {
  max_tokens_field: ["max_completion_tokens", "max_tokens"],
  stream_usage: [true, false],
  system_role: ["system", "developer"],
  reasoning_field: ["reasoning_content", "reasoning", "reasoning_details"],
  reasoning_param: ["reasoning_effort", "reasoning"],
  reasoning_hand_back: ["none", "reasoning_content", "reasoning_details"],
  tool_call_index: ["index", "by_id"],
  usage_cost: [false, true],
};

export const FLAG_NAMES = Object.keys(FLAG_VALUES) as FlagName[];

/** The flags of a server nothing is known about (the generic provider, an endpoint that sets none): what every compatible server reads. */
export const GENERIC_FLAGS: CompatFlags = {
  // Every compatible server reads `max_tokens`; some ignore the newer field (ollama/ollama#7125,
  // ggml-org/llama.cpp#13700 before PR #19831), which would leave the output unbounded.
  max_tokens_field: "max_tokens",
  stream_usage: true,
  system_role: "system",
  reasoning_field: "reasoning_content",
  reasoning_param: "reasoning_effort",
  // A server that does not know the field may refuse it.
  reasoning_hand_back: "none",
  // Harmless where indices are right, needed where they are not (ollama/ollama#15457).
  tool_call_index: "by_id",
  usage_cost: false,
};

/** The dialect options the flags stand for. */
export function chatOptions(flags: CompatFlags): OpenAIChatOptions {
  const reasoningFields: ReasoningField[] = [flags.reasoning_field];
  return {
    systemRole: flags.system_role,
    maxTokensField: flags.max_tokens_field,
    streamUsage: flags.stream_usage,
    reasoningParam: flags.reasoning_param,
    reasoningHandBack: flags.reasoning_hand_back,
    reasoningFields,
    toolCallIndex: flags.tool_call_index,
  };
}

/**
 * Check a flags object from a file: only known flags, each with one of its
 * values. Throws an Error naming the first problem (`where.flag`).
 */
export function checkFlags(value: unknown, where: string): Partial<CompatFlags> {
  if (!isJsonObject(value)) throw new Error(`${where}: must be an object`);
  const out: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(value)) {
    const allowed = FLAG_VALUES[name as FlagName] as readonly unknown[] | undefined;
    if (allowed === undefined) throw new Error(`${where}.${name}: unknown flag (flags: ${FLAG_NAMES.join(", ")})`);
    if (!allowed.includes(flag)) throw new Error(`${where}.${name}: must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}`);
    out[name] = flag;
  }
  return out as Partial<CompatFlags>;
}
