/**
 * The vocabulary of model rules: what a model (or a whole dialect) accepts,
 * as data. The table itself is src/catalog/rules.json; src/rules/table.ts
 * resolves it for one request and src/rules/shape.ts applies the result.
 */
import type { ChatParams, Effort } from "../protocol/chat.ts";

/** The request dialects our formats speak (src/formats/). */
export const DIALECTS = ["anthropic-messages", "openai-chat", "openai-responses", "bedrock-converse", "gemini"] as const;
export type Dialect = (typeof DIALECTS)[number];

/**
 * How a model is asked to reason:
 * - `none`: it does not; reasoning fields are dropped.
 * - `budget`: a token budget (Claude up to 4.5 `thinking.budget_tokens`, Gemini 2.5 `thinkingBudget`).
 * - `adaptive`: Claude 4.6+ `thinking: {type: "adaptive"}` plus `output_config.effort`.
 * - `effort`: an effort level (OpenAI `reasoning_effort` / `reasoning.effort`).
 * - `level`: Gemini 3 `thinkingLevel`.
 */
export const THINKING_STYLES = ["none", "budget", "adaptive", "effort", "level"] as const;
export type ThinkingStyle = (typeof THINKING_STYLES)[number];

/** Request params a rule can drop. */
export const DROPPABLE = ["temperature", "top_p", "stop"] as const;
export type Droppable = (typeof DROPPABLE)[number];

/** Everything a rule can say; each field is optional, and later rules override earlier ones field by field. */
export interface ModelRules {
  thinking?: ThinkingStyle;
  /** Effort values (for `level`: thinking levels) the model takes, in EFFORTS order. */
  efforts?: Effort[];
  /** `budget`: the smallest and largest thinking budget the model takes. */
  budget_min?: number;
  budget_max?: number;
  /** `adaptive`: a request that gives a budget is still sent as one (Claude 4.6, where `enabled` is deprecated but accepted). */
  accepts_budget?: boolean;
  /** `budget`: the budget must stay below `max_tokens`, which grows to hold it. */
  budget_below_max_tokens?: boolean;
  /** The model can be asked not to think at all. */
  thinking_off?: boolean;
  /** The model thinks when the request says nothing about reasoning. */
  thinks_by_default?: boolean;
  /** `adaptive`: the `thinking.display` to send, where the model's default would stream no thinking text. */
  display?: "summarized";
  /** `effort` on Chat Completions: a reasoning effort is refused beside function tools, so it is left out then. */
  effort_with_tools?: boolean;
  /** Params the model rejects: dropped. */
  drop?: Droppable[];
  /** Params the model rejects while it thinks: dropped when the request thinks. */
  drop_while_thinking?: Droppable[];
  /** While thinking, `top_p` must be at least this (and at most 1). */
  top_p_min_while_thinking?: number;
  temperature_max?: number;
  /** Most stop sequences the model takes; more are refused (dropping some would change the answer). */
  max_stop?: number;
  /** Smallest output limit the API takes; a lower `max_tokens` is raised to it. */
  min_max_tokens?: number;
  /** `tool_choice` "required" or a named tool is accepted. */
  forced_tool_choice?: boolean;
  /** ... while the model thinks. */
  forced_tool_choice_while_thinking?: boolean;
  /** ... while it thinks adaptively, even where budget thinking forbids it. */
  forced_tool_choice_with_adaptive?: boolean;
  /** A request may end with an assistant turn (a prefill); this also decides partial-response resume. */
  prefill?: boolean;
  /** A prefill must not end in whitespace: it is trimmed. */
  prefill_trim?: boolean;
  /** While thinking, the assistant turn of an open tool loop must begin with signed thinking. */
  tool_loop_needs_signed_thinking?: boolean;
  /** The conversation must begin with a user turn. */
  first_turn_user?: boolean;
  /** Characters a tool name may use (the inside of a regex character class) and its longest length. */
  tool_name_chars?: string;
  tool_name_max?: number;
  /** Bedrock: prompt-cache checkpoints (`cachePoint` blocks) are accepted. */
  cache_points?: boolean;
  /** Bedrock: a tool result may carry `status` (error). */
  tool_result_status?: boolean;
  /** Chat Completions `reasoning_format` to send (Groq): `parsed` puts reasoning in its own field where the default leaves `<think>` tags in the content. */
  reasoning_format?: "parsed";
  /** Tool call ids the API takes: `alnum9`, exactly nine of [A-Za-z0-9]; other ids are mapped (src/rules/tool-call-ids.ts). */
  tool_call_ids?: "alnum9";
  /** Replayed tool calls must carry the model's thought signature (a documented placeholder stands in for a lost one). */
  tool_call_signatures?: boolean;
  /** Image media types the model takes. */
  image_types?: string[];
  /** Vertex location to use when the request and the environment name none. */
  vertex_location?: string;
}

export type RuleField = keyof ModelRules;

/** Which requests a rule applies to; every given key must match. */
export interface RuleMatch {
  provider?: string[];
  dialect?: Dialect[];
  /** Globs (`*` = any run of characters) over the model key (src/rules/model-key.ts). */
  model?: string[];
  /** A version range over the model key's version, e.g. ">=4.6 <5.5". */
  version?: string;
}

export interface Rule {
  /** A short name, quoted in adjustments and errors. */
  id: string;
  match: RuleMatch;
  set: ModelRules;
  /** The public source of the rule: a documentation page, an API reference, an SDK type or an issue thread. */
  source: string;
}

/** The rules that apply to one request, and for each field the rule that set it. */
export interface ResolvedRules {
  rules: ModelRules;
  from: Partial<Record<RuleField, Rule>>;
}

/** How an encoder is asked to make the model think, decided by the rules. */
export type Thinking =
  /** Anthropic `thinking.type: "enabled"` / Gemini `thinkingBudget` (0 turns Gemini's thinking off). */
  | { type: "budget"; budget_tokens: number }
  /** Anthropic `thinking.type: "adaptive"` with `output_config.effort`. */
  | { type: "adaptive"; effort?: Effort; display?: "summarized" }
  /** Anthropic `thinking.type: "disabled"`, for a model that would otherwise think. */
  | { type: "disabled" }
  /** OpenAI `reasoning_effort` / `reasoning.effort`. */
  | { type: "effort"; effort: Effort }
  /** Gemini 3 `thinkingLevel`. */
  | { type: "level"; level: Effort };

/**
 * Chat params after the rules: `reasoning` has become `thinking`, in the form
 * the dialect sends; the flags below say what else the encoder may send.
 */
export type ShapedParams = Omit<ChatParams, "reasoning"> & {
  thinking?: Thinking;
  tool_call_signatures?: boolean;
  /** false: the model rejects Bedrock `cachePoint` blocks. */
  cache_points?: boolean;
  /** false: the model rejects a Bedrock tool result `status`. */
  tool_result_status?: boolean;
  /** Chat Completions `reasoning_format` (rules `reasoning_format`). */
  reasoning_format?: "parsed";
};
