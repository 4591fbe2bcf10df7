/**
 * Chat parameters as the wire carries them (`stream_chat`, `count_tokens`).
 * Format encoders turn these into each provider's request body.
 */

export type ContentPart =
  | { type: "text"; text: string; cache?: boolean }
  | { type: "image"; media_type: string; data: string }
  /** `provider_data`: a `tool_call` chunk's, handed back verbatim. */
  | { type: "tool_call"; id: string; name: string; arguments: string; provider_data?: Record<string, unknown> }
  | { type: "tool_result"; tool_call_id: string; content: string | ContentPart[]; is_error?: boolean }
  /** `provider_data`: a `reasoning` chunk's, handed back verbatim. */
  | { type: "reasoning"; text: string; signature?: string; redacted?: string; provider_data?: Record<string, unknown> };

export type Role = "system" | "user" | "assistant" | "tool";

export interface Message {
  role: Role;
  content: string | ContentPart[];
  /** Mark this message as a prompt-cache breakpoint (Anthropic `cache_control`; ignored where caching is automatic). */
  cache?: boolean;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  /** Ask for strict schema adherence where the provider offers it (OpenAI `strict`); default false. */
  strict?: boolean;
}

export type ToolChoice = "auto" | "none" | "required" | { name: string };

/** Reasoning effort, from "do not think" to "think as long as the model can"; each model takes a subset (src/rules/). */
export const EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh", "max"] as const;
export type Effort = (typeof EFFORTS)[number];

export type ReasoningOption = { effort: Effort } | { budget_tokens: number };

export interface ChatParams {
  model: string;
  messages: Message[];
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  reasoning?: ReasoningOption;
  /** Prompt caching: `true` marks the system prompt and the last message as cache breakpoints. */
  cache?: boolean;
  /** openai/azure/copilot: force the dialect. */
  api?: "chat" | "responses";
}
