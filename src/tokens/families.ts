/**
 * Which model family a model id belongs to, for token counting: the one
 * table that maps model ids to families. A family shares a tokenizer and a
 * chat template, so it shares what the provider bills beyond the text
 * (family-estimate.ts, family-constants.json).
 *
 * Ids arrive as each host spells them (`claude-sonnet-4-5`,
 * `us.anthropic.claude-haiku-4-5-20251001-v1:0`, `x-ai/grok-4.1-fast`,
 * `moonshotai/Kimi-K2-Instruct-0905:groq`), so entries match a name inside
 * the id rather than a prefix. First match wins.
 */
import { encodingForModel } from "./tiktoken.ts";

export type Family =
  | "openai"
  | "gpt-oss"
  | "claude"
  | "claude-haiku-4.5"
  | "claude-5"
  | "gemini"
  | "gemini-2.5"
  | "gemini-3"
  | "nova"
  | "llama"
  | "grok"
  | "glm"
  | "deepseek"
  | "mistral"
  | "qwen"
  | "kimi"
  | "other";

const TABLE: ReadonlyArray<readonly [RegExp, Family]> = [
  // Before "openai": gpt-oss is open-weight and served by others, with its own system message.
  [/gpt-oss/, "gpt-oss"],
  [/claude/, "claude"], // split by generation in familyOf
  [/gemini|gemma/, "gemini"],
  [/(^|[./])nova-/, "nova"],
  // Before "llama": deepseek-r1-distill-llama is DeepSeek's chat template over a Llama base.
  [/deepseek/, "deepseek"],
  [/llama|maverick|scout/, "llama"],
  [/grok/, "grok"],
  [/glm/, "glm"],
  [/mistral|magistral|pixtral|codestral|devstral|ministral/, "mistral"],
  [/qwen|qwq/, "qwen"],
  [/kimi|moonshot/, "kimi"],
];

/**
 * Claude Sonnet 5 introduced a new tokenizer and Sonnet 5.5 keeps it
 * (Anthropic's models overview; provider-facts-2026 §9.1); the 5.x models
 * are taken to share it, the 4.x and older ones the previous one.
 */
const CLAUDE_GENERATION = /claude-(?:[a-z]+-)?(\d+)/;

/**
 * Gemini 3 bills tool declarations and a tool-use prompt in promptTokenCount
 * where Gemini 2.x bills nearly nothing for them (fantasy TestGoogleCommon
 * tool and multi_tool recordings of gemini-2.5-flash and gemini-3-pro-preview;
 * the Gemini API's usage also names a `toolUsePromptTokenCount`).
 */
const GEMINI_GENERATION = /gemini-(\d+)(?:\.(\d+))?/;

function geminiFamily(id: string): Family {
  const [, major = "0", minor = "0"] = GEMINI_GENERATION.exec(id) ?? [];
  if (Number(major) >= 3) return "gemini-3";
  return Number(major) === 2 && Number(minor) >= 5 ? "gemini-2.5" : "gemini";
}

/**
 * Claude Haiku 4.5 bills about 180 tokens more than Sonnet 4 for the same
 * request with one tool (577 against 394: fantasy TestBedrockCommon and
 * TestOpenRouterCommon haiku-4-5 tool_streaming, TestAnthropicCommon and
 * TestGoogleCommon sonnet-4 / 3.7 tool), so it gets constants of its own.
 */
function claudeFamily(id: string): Family {
  if (Number(CLAUDE_GENERATION.exec(id)?.[1] ?? 0) >= 5) return "claude-5";
  return /haiku-4[-.]5/.test(id) ? "claude-haiku-4.5" : "claude";
}

export function familyOf(model: string): Family {
  const id = model.trim().toLowerCase();
  for (const [pattern, family] of TABLE) {
    if (!pattern.test(id)) continue;
    if (family === "claude") return claudeFamily(id);
    if (family === "gemini") return geminiFamily(id);
    return family;
  }
  // OpenAI-made models: the ones we have OpenAI's tokenizer for.
  return encodingForModel(id.replace(/^[\w-]+\//, "")) === undefined ? "other" : "openai";
}
