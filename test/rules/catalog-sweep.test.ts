/**
 * Every catalog model on every route it can take (Claude on the Messages
 * API, Copilot, Bedrock and Vertex; OpenAI, Azure and Copilot models on both
 * OpenAI dialects; Bedrock's other families on Converse; Gemini on Vertex),
 * shaped and encoded from a "kitchen sink" request that uses every chat param
 * the wire offers. The encoded bodies are checked against invariants taken
 * from the providers' documented rules: the sources src/catalog/rules.json
 * cites in each rule's `source`, and those named on each fact below.
 *
 * The per-model facts below (effort sets, defaults, ranges) are written from
 * those sources, by hand, per model name; nothing is read back from the rules
 * table except the list of rule ids an adjustment may name.
 */
import { describe, expect, test } from "bun:test";
import { listCatalogModels, type ProviderId } from "../../src/catalog/catalog.ts";
import { encodeAnthropicRequest } from "../../src/formats/anthropic-messages/request.ts";
import { encodeConverseRequest } from "../../src/formats/bedrock-converse/request.ts";
import { encodeGeminiRequest } from "../../src/formats/gemini/request.ts";
import { encodeOpenAIChatRequest } from "../../src/formats/openai-chat/request.ts";
import { encodeOpenAIResponsesRequest } from "../../src/formats/openai-responses/request.ts";
import type { ChatParams, Effort, Message, ToolChoice } from "../../src/protocol/chat.ts";
import type { Adjustment } from "../../src/protocol/chunks.ts";
import { BridgeError } from "../../src/protocol/errors.ts";
import { shapeChat } from "../../src/rules/shape.ts";
import { bundledRules } from "../../src/rules/table.ts";
import type { Dialect } from "../../src/rules/types.ts";

// ---------------------------------------------------------------------------
// The request
// ---------------------------------------------------------------------------

/** An MCP-style name (a dot: OpenAI, Anthropic and Bedrock refuse it) and one of 70 characters (over every provider's 64). */
const DOTTED = "mcp.server_tool";
const LONG = "fetch_the_current_weather_forecast_for_a_city_by_name_and_country_code";
const OBJECT = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };

const KITCHEN_SINK: ChatParams = {
  model: "",
  messages: [
    { role: "system", content: "Answer in one word." },
    { role: "user", content: "What is the weather in Paris?" },
  ],
  tools: [
    { name: "weather", description: "Current weather for a city", parameters: OBJECT },
    { name: DOTTED, description: "A tool from an MCP server", parameters: OBJECT },
    { name: LONG, parameters: OBJECT },
  ],
  tool_choice: "required",
  max_tokens: 8,
  temperature: 1.7,
  top_p: 0.5,
  // Four: Chat Completions takes up to 4 (StopConfiguration), and refusing more is documented.
  stop: ["###", "END", "\n\n\n", "STOP"],
  reasoning: { effort: "xhigh" },
  cache: true,
};

interface Variant {
  name: string;
  params: ChatParams;
  /** A refusal (INVALID_PARAMS) is the documented answer for this route; the message must match. */
  refusal?: (route: Route) => RegExp | undefined;
}

const { reasoning: _unused, ...withoutReasoning } = KITCHEN_SINK;

const VARIANTS: Variant[] = [
  { name: "kitchen sink", params: KITCHEN_SINK },
  // Forced tool use costs Claude its thinking; with "auto" the thinking rules are exercised too.
  { name: "tool_choice auto", params: { ...KITCHEN_SINK, tool_choice: "auto" } },
  // Nothing asked about reasoning: what each model does by default decides the sampling rules.
  { name: "no reasoning", params: withoutReasoning },
];

/** Claude routes only: a prefill ending in whitespace. Claude 4.6+ refuses any prefill (400), older models any trailing whitespace. */
const PREFILL: Variant = {
  name: "prefill",
  params: {
    ...withoutReasoning,
    tool_choice: "auto",
    messages: [...KITCHEN_SINK.messages, { role: "assistant", content: "It is " } satisfies Message],
  },
  refusal: (route) => (claudeFacts(route.model)!.version >= 46 ? /prefill/ : undefined),
};

// ---------------------------------------------------------------------------
// Routes: every catalog model, on every dialect its provider may use for it
// ---------------------------------------------------------------------------

interface Route {
  provider: ProviderId;
  dialect: Dialect;
  model: string;
  /** The catalog's output limit for the model on this provider. */
  maxOutput: number | null;
}

const isClaude = (id: string): boolean => /(^|\.)claude-/.test(id);

function dialectsFor(provider: ProviderId, model: string): Dialect[] {
  switch (provider) {
    case "anthropic":
      return ["anthropic-messages"];
    case "openai":
    case "azure":
      return ["openai-chat", "openai-responses"]; // chooseOpenAIApi / azure default chat; params.api forces either
    case "copilot":
      return isClaude(model) ? ["anthropic-messages"] : ["openai-chat", "openai-responses"];
    case "bedrock":
      return ["bedrock-converse"];
    case "vertex":
      return isClaude(model) ? ["anthropic-messages"] : ["gemini"];
    default:
      throw new Error(`no dialects known for ${provider}`);
  }
}

const PROVIDERS: ProviderId[] = ["anthropic", "openai", "azure", "copilot", "bedrock", "vertex"];
const ROUTES: Route[] = PROVIDERS.flatMap((provider) =>
  listCatalogModels(provider).flatMap((entry) => dialectsFor(provider, entry.id).map((dialect) => ({ provider, dialect, model: entry.id, maxOutput: entry.max_output }))),
);

// ---------------------------------------------------------------------------
// Model facts, from the sources (never from src/catalog/rules.json)
// ---------------------------------------------------------------------------

const ALL_CLAUDE_EFFORTS: Effort[] = ["low", "medium", "high", "xhigh", "max"];

interface ClaudeFacts {
  family: string;
  /** major * 10 + minor: Opus 4.7 → 47. */
  version: number;
  /** `output_config.effort` values; empty: the model takes no effort at all. */
  efforts: Effort[];
  thinksByDefault: boolean;
  /** `thinking.type: disabled` → 400. */
  cannotDisable: boolean;
  /** `tool_choice` any/tool → 400 whatever the thinking. */
  rejectsForcedTools: boolean;
}

/**
 * Effort sets: Anthropic effort page (supportedModels; max from 4.6, xhigh
 * from Opus 4.7; Sonnet/Haiku 4.5 none) (platform.claude.com/docs/en/build-with-claude/effort). Default thinking,
 * `disabled` and forced tools: What's new in Opus 5.5,
 * Fable 5 migration guide, Sonnet 5 migration guide.
 */
function claudeFacts(id: string): ClaudeFacts | undefined {
  const match = /claude-(opus|sonnet|haiku|fable|mythos)-(\d)(?:[.-](\d)(?!\d))?/.exec(id.toLowerCase());
  if (match === null) return undefined;
  const family = match[1]!;
  const version = Number(match[2]) * 10 + Number(match[3] ?? 0);
  let efforts: Effort[];
  if (version >= 47) efforts = ALL_CLAUDE_EFFORTS;
  else if (version === 46) efforts = ["low", "medium", "high", "max"];
  else if (version === 45 && family === "opus") efforts = ["low", "medium", "high"];
  else efforts = [];
  const always = family === "fable" || family === "mythos" || (version === 55 && (family === "opus" || family === "sonnet"));
  const noForced = (version === 55 && (family === "opus" || family === "sonnet")) || (version === 51 && (family === "fable" || family === "mythos"));
  return { family, version, efforts, thinksByDefault: version >= 50, cannotDisable: always, rejectsForcedTools: noForced };
}

interface OpenAIFacts {
  /** Whether the model reasons; undefined when no source says. */
  reasoning?: boolean;
  efforts?: Effort[];
  /** The effort the model uses when the request names none. */
  defaultEffort?: Effort;
  /** Chat Completions rejects `stop` for it. */
  noStop?: boolean;
  /** OpenAI's Chat Completions rejects function tools beside any reasoning_effort (answer: use /v1/responses). */
  noEffortWithToolsOnChat?: boolean;
  source?: string;
}

const BEFORE_5_1 = "openai-node ReasoningEffort: 'All models before gpt-5.1 default to medium reasoning effort, and do not support none'";

/** First match wins. Model pages, openai-node ReasoningEffort, OpenAPI StopConfiguration, and issue text (anomalyco/opencode#4451, huggingface/smolagents#1671). */
const OPENAI_FACTS: Array<[RegExp, OpenAIFacts]> = [
  [/^gpt-5-chat(-latest)?$/, { reasoning: false, source: "developers.openai.com/api/docs/models/gpt-5-chat-latest (the non-reasoning ChatGPT model)" }],
  [/^gpt-5\.\d+-chat/, {}], // whether and how these reason: no primary source
  [
    /^gpt-4(o|\.1)/,
    {
      reasoning: false,
      source:
        "gpt-4o, gpt-4.1 answer 400 to reasoning_effort (avante-corp/avante.nvim PR #1359), reasoning.effort (RageAgainstThePixel/OpenAI-DotNet#500, BoundaryML/baml PR #2708) and include (microsoft/agent-framework#7483)",
    },
  ],
  [
    /^(o3|o4-mini)$/,
    {
      reasoning: true,
      efforts: ["low", "medium", "high"],
      defaultEffort: "medium",
      noStop: true,
      source: `${BEFORE_5_1}; StopConfiguration 'Not supported with latest reasoning models o3 and o4-mini'`,
    },
  ],
  [/^o3-pro$/, { reasoning: true, efforts: ["low", "medium", "high"], defaultEffort: "medium", source: BEFORE_5_1 }],
  [
    /^gpt-5(-mini|-nano)?$/,
    {
      reasoning: true,
      efforts: ["minimal", "low", "medium", "high"],
      defaultEffort: "medium",
      noStop: true,
      source: `${BEFORE_5_1}; 'stop' is not supported with this model (BittnerPierre/AI-Agent-Casebook#133, huggingface/smolagents#1671)`,
    },
  ],
  [
    /^gpt-5-pro$/,
    { reasoning: true, efforts: ["high"], defaultEffort: "high", noStop: true, source: "openai-node ReasoningEffort: 'The gpt-5-pro model defaults to (and only supports) high'" },
  ],
  [/^gpt-5-codex$/, { reasoning: true, efforts: ["low", "medium", "high"], defaultEffort: "medium", noStop: true, source: `${BEFORE_5_1}; community.openai.com t/1371738 matrix` }],
  [
    /^gpt-5\.1$/,
    {
      reasoning: true,
      efforts: ["none", "low", "medium", "high"],
      defaultEffort: "none",
      noStop: true,
      source: "openai-node ReasoningEffort: 'gpt-5.1 defaults to none ... none, low, medium, and high'; huggingface/smolagents PR #1868 (stop)",
    },
  ],
  [/^gpt-5\.1-codex(-mini)?$/, { reasoning: true, efforts: ["low", "medium", "high"], noStop: true, source: "community.openai.com t/1371738 matrix" }],
  [
    /^gpt-5\.1-codex-max$/,
    { reasoning: true, efforts: ["low", "medium", "high", "xhigh"], noStop: true, source: "openai-node ReasoningEffort (xhigh after gpt-5.1-codex-max); t/1371738 matrix" },
  ],
  // none..xhigh (OpenCode) or low..xhigh (ChatMock): disputed, so the union; default none per docs.rs openai-tools (unverified).
  [
    /^gpt-5\.2$/,
    { reasoning: true, efforts: ["none", "low", "medium", "high", "xhigh"], defaultEffort: "none", noStop: true, source: "t/1371738 matrix; huggingface/smolagents#1893 (stop)" },
  ],
  [/^gpt-5\.2-pro$/, { reasoning: true, efforts: ["medium", "high", "xhigh"], noStop: true, source: "t/1371738 matrix; OpenCode OPENAI_GPT5_PRO_2_PLUS_EFFORTS" }],
  [/^gpt-5\.2-codex$/, { reasoning: true, efforts: ["low", "medium", "high", "xhigh"], noStop: true, source: "t/1371738 matrix" }],
  [
    /^gpt-5\.3-codex$/,
    { reasoning: true, efforts: ["none", "low", "medium", "high", "xhigh"], source: "disputed none..xhigh (OpenCode) / low..xhigh (Vercel AI Gateway): the union" },
  ],
  [
    /^gpt-5\.4$/,
    {
      reasoning: true,
      efforts: ["none", "low", "medium", "high", "xhigh"],
      defaultEffort: "none",
      noEffortWithToolsOnChat: true,
      source: "Replicate openai/gpt-5.4 schema ('Supported values are none, low, medium, high, and xhigh. The default none'); pipecat-ai/pipecat#4043",
    },
  ],
  // The GPT-5.4 family on Chat (openai/openai-openapi#541) is disputed for mini: fazer-ai/agents#66 says gpt-5.4-mini works.
  [/^gpt-5\.4-(mini|nano)$/, { reasoning: true, efforts: ["none", "low", "medium", "high", "xhigh"], defaultEffort: "none", source: "as gpt-5.4 (ChatMock README, OpenCode)" }],
  [
    /^gpt-5\.4-pro$/,
    {
      reasoning: true,
      efforts: ["medium", "high", "xhigh"],
      source: "GPT-5.4 pro model page as restated by aionekit.com/ja/ai/gpt-5-4-pro and modelstream.ai: 'supports reasoning effort levels of medium, high, and xhigh'",
    },
  ],
  [
    /^gpt-5\.5$/,
    {
      reasoning: true,
      efforts: ["none", "low", "medium", "high", "xhigh"],
      defaultEffort: "medium",
      source: "OpenAI reasoning guide 'gpt-5.5 defaults to medium reasoning effort'; anomalyco/opencode PR #26268 (values from live validation errors)",
    },
  ],
  [/^(gpt-5|o\d|codex)/, { reasoning: true }], // a reasoning family; its effort set and default have no source here
];

function openaiFacts(id: string): OpenAIFacts {
  return OPENAI_FACTS.find(([pattern]) => pattern.test(id))?.[1] ?? {};
}

interface GeminiFacts {
  generation: 2 | 3;
  /** 2.5: [min, max]; `offAllowed`: 0 turns it off. */
  budget?: { min: number; max: number; offAllowed: boolean };
  levels?: Effort[];
}

/** ai.google.dev thinking docs (2.5 ranges), Gemini 3 guide and Vertex developer guides (levels). */
const GEMINI_FACTS: Record<string, GeminiFacts> = {
  "gemini-2.5-pro": { generation: 2, budget: { min: 128, max: 32768, offAllowed: false } },
  "gemini-2.5-flash": { generation: 2, budget: { min: 0, max: 24576, offAllowed: true } },
  "gemini-2.5-flash-lite": { generation: 2, budget: { min: 512, max: 24576, offAllowed: true } },
  "gemini-3-flash-preview": { generation: 3, levels: ["minimal", "low", "medium", "high"] },
  "gemini-3.1-pro-preview": { generation: 3, levels: ["low", "medium", "high"] },
  "gemini-3.1-flash-lite": { generation: 3, levels: ["minimal", "low", "medium", "high"] },
  "gemini-3.5-flash": { generation: 3, levels: ["minimal", "low", "medium", "high"] },
  // gemini-flash-latest, gemini-flash-lite-latest: which generation the alias points at is not stated.
};

// ---------------------------------------------------------------------------
// Reading a body back as chat params, per dialect
// ---------------------------------------------------------------------------

// Bodies are provider JSON; the checks read them loosely on purpose.
type Body = Record<string, any>;

/** What the body sends, in the request's own terms. */
interface Wire {
  temperature: number | undefined;
  top_p: number | undefined;
  stop: string[] | undefined;
  max_tokens: number | undefined;
  tool_choice: ToolChoice | undefined;
  toolNames: string[];
  /** `{effort}`, `{budget_tokens}`, "adaptive" (no effort), "off", or undefined (nothing sent). */
  reasoning: unknown;
}

function anthropicReasoning(thinking: Body | undefined, effort: string | undefined): unknown {
  if (thinking === undefined) return undefined;
  if (thinking.type === "enabled") return { budget_tokens: thinking.budget_tokens };
  if (thinking.type === "adaptive") return effort === undefined ? "adaptive" : { effort };
  if (thinking.type === "disabled") return "off";
  return thinking;
}

function readWire(dialect: Dialect, body: Body): Wire {
  switch (dialect) {
    case "anthropic-messages": {
      const choice = body.tool_choice as Body | undefined;
      return {
        temperature: body.temperature,
        top_p: body.top_p,
        stop: body.stop_sequences,
        max_tokens: body.max_tokens,
        tool_choice: choice === undefined ? undefined : choice.type === "any" ? "required" : choice.type === "tool" ? { name: choice.name } : choice.type,
        toolNames: (body.tools ?? []).map((tool: Body) => tool.name),
        reasoning: anthropicReasoning(body.thinking, body.output_config?.effort),
      };
    }
    case "bedrock-converse": {
      const inference = (body.inferenceConfig ?? {}) as Body;
      const choice = body.toolConfig?.toolChoice as Body | undefined;
      const extra = body.additionalModelRequestFields as Body | undefined;
      return {
        temperature: inference.temperature,
        top_p: inference.topP,
        stop: inference.stopSequences,
        max_tokens: inference.maxTokens,
        tool_choice: choice === undefined ? undefined : "any" in choice ? "required" : "auto" in choice ? "auto" : { name: choice.tool.name },
        toolNames: (body.toolConfig?.tools ?? []).map((tool: Body) => tool.toolSpec.name),
        reasoning: anthropicReasoning(extra?.thinking, extra?.output_config?.effort),
      };
    }
    case "openai-chat": {
      const choice = body.tool_choice;
      return {
        temperature: body.temperature,
        top_p: body.top_p,
        stop: body.stop,
        max_tokens: body.max_completion_tokens,
        tool_choice: typeof choice === "object" ? { name: choice.function.name } : choice,
        toolNames: (body.tools ?? []).map((tool: Body) => tool.function.name),
        reasoning: body.reasoning_effort === undefined ? undefined : { effort: body.reasoning_effort },
      };
    }
    case "openai-responses": {
      const choice = body.tool_choice;
      return {
        temperature: body.temperature,
        top_p: body.top_p,
        stop: body.stop,
        max_tokens: body.max_output_tokens,
        tool_choice: typeof choice === "object" ? { name: choice.name } : choice,
        toolNames: (body.tools ?? []).map((tool: Body) => tool.name),
        reasoning: body.reasoning?.effort === undefined ? undefined : { effort: body.reasoning.effort },
      };
    }
    case "gemini": {
      const generation = (body.generationConfig ?? {}) as Body;
      const calling = body.toolConfig?.functionCallingConfig as Body | undefined;
      const thinking = generation.thinkingConfig as Body | undefined;
      const mode = calling?.mode as string | undefined;
      return {
        temperature: generation.temperature,
        top_p: generation.topP,
        stop: generation.stopSequences,
        max_tokens: generation.maxOutputTokens,
        tool_choice:
          mode === undefined
            ? undefined
            : mode === "ANY"
              ? calling!.allowedFunctionNames
                ? { name: calling!.allowedFunctionNames[0] }
                : "required"
              : (mode.toLowerCase() as ToolChoice),
        toolNames: (body.tools?.[0]?.functionDeclarations ?? []).map((tool: Body) => tool.name),
        reasoning:
          thinking?.thinkingLevel !== undefined
            ? { effort: String(thinking.thinkingLevel).toLowerCase() }
            : thinking?.thinkingBudget !== undefined
              ? { budget_tokens: thinking.thinkingBudget }
              : undefined,
      };
    }
  }
}

// ---------------------------------------------------------------------------
// The invariants
// ---------------------------------------------------------------------------

interface Ctx {
  route: Route;
  body: Body;
  wire: Wire;
}

interface Check {
  id: string;
  source: string;
  dialects: Dialect[];
  /** true when the invariant holds, else what is wrong. */
  holds: (ctx: Ctx) => true | string;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const GEMINI_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const CLAUDE: Dialect[] = ["anthropic-messages", "bedrock-converse"];
const OPENAI: Dialect[] = ["openai-chat", "openai-responses"];

const ok = (condition: boolean, otherwise: () => string): true | string => (condition ? true : otherwise());
const json = (value: unknown): string => JSON.stringify(value);

/** The Claude view of a Messages or Converse body (Converse: Claude's fields inside additionalModelRequestFields). */
interface ClaudeView {
  facts: ClaudeFacts;
  thinking?: Body;
  effort?: string;
  forced: boolean;
  lastRole?: string;
}

function claudeView({ route, body }: Ctx): ClaudeView | undefined {
  const facts = claudeFacts(route.model);
  if (facts === undefined) return undefined;
  if (route.dialect === "anthropic-messages") {
    const type = body.tool_choice?.type;
    return { facts, thinking: body.thinking, effort: body.output_config?.effort, forced: type === "any" || type === "tool", lastRole: body.messages.at(-1)?.role };
  }
  const extra = body.additionalModelRequestFields as Body | undefined;
  const choice = (body.toolConfig?.toolChoice ?? {}) as Body;
  return { facts, thinking: extra?.thinking, effort: extra?.output_config?.effort, forced: "any" in choice || "tool" in choice, lastRole: body.messages.at(-1)?.role };
}

/** Thinking is on: sent as enabled/adaptive, or not sent on a model that thinks by default. */
function claudeThinks(view: ClaudeView): boolean {
  const type = view.thinking?.type;
  return type === "enabled" || type === "adaptive" || (type === undefined && view.facts.thinksByDefault);
}

/** A check over the Claude view, skipped for the other families on Converse. */
function claude(id: string, source: string, holds: (view: ClaudeView, ctx: Ctx) => true | string): Check {
  return {
    id,
    source,
    dialects: CLAUDE,
    holds: (ctx) => {
      const view = claudeView(ctx);
      return view === undefined ? true : holds(view, ctx);
    },
  };
}

function openai(id: string, source: string, dialects: Dialect[], holds: (facts: OpenAIFacts, ctx: Ctx) => true | string): Check {
  return { id, source, dialects, holds: (ctx) => holds(openaiFacts(ctx.route.model), ctx) };
}

function gemini(id: string, source: string, holds: (facts: GeminiFacts | undefined, thinking: Body | undefined, ctx: Ctx) => true | string): Check {
  return { id, source, dialects: ["gemini"], holds: (ctx) => holds(GEMINI_FACTS[ctx.route.model], ctx.body.generationConfig?.thinkingConfig, ctx) };
}

const CHECKS: Check[] = [
  // Claude, on the Messages API (Anthropic, Copilot, Vertex) and inside Converse (Bedrock).
  claude("claude temperature ≤ 1", "Messages API reference: temperature 'Ranges from 0.0 to 1.0'; Bedrock API_runtime_InferenceConfiguration max 1", (_, { wire }) =>
    ok(wire.temperature === undefined || wire.temperature <= 1, () => `temperature ${wire.temperature}`),
  ),
  claude("claude enabled budget ≥ 1024 and < max_tokens", "@anthropic-ai/sdk ThinkingConfigEnabled.budget_tokens 'Must be ≥1024 and less than max_tokens'", (view, { wire }) => {
    if (view.thinking?.type !== "enabled") return true;
    const budget = view.thinking.budget_tokens as number;
    return ok(budget >= 1024 && wire.max_tokens !== undefined && budget < wire.max_tokens, () => `budget_tokens ${budget}, max_tokens ${wire.max_tokens}`);
  }),
  claude(
    "claude no enabled thinking from 4.7",
    "platform.claude.com/docs/en/build-with-claude/extended-thinking: Claude 4.7 and later, every 5.x included, reject enabled with 400 ('\"thinking.type.enabled\" is not supported'; Opus 4.7: anomalyco/opencode#22863)",
    (view) => ok(view.facts.version < 47 || view.thinking?.type !== "enabled", () => "thinking.type enabled"),
  ),
  claude(
    "claude adaptive only from 4.6",
    "AWS bedrock userguide claude-messages-adaptive-thinking: 'Older models (Sonnet 4.5, Opus 4.5, etc.) do not support adaptive thinking'",
    (view) => ok(view.facts.version >= 46 || view.thinking?.type !== "adaptive", () => "thinking.type adaptive"),
  ),
  claude(
    "claude no disabled where thinking cannot be turned off",
    "Fable 5 migration guide 'thinking: {type: disabled} ... return a 400 error'; What's new in Opus 5.5 (also Fable 5.1)",
    (view) => ok(!view.facts.cannotDisable || view.thinking?.type !== "disabled", () => "thinking.type disabled"),
  ),
  claude("claude effort within the model's set", "Anthropic effort page: max from Opus/Sonnet 4.6, xhigh from Opus 4.7; Sonnet and Haiku 4.5 take no effort", (view) =>
    ok(view.effort === undefined || view.facts.efforts.includes(view.effort as Effort), () => `output_config.effort ${view.effort} not in [${view.facts.efforts.join(", ")}]`),
  ),
  claude(
    "claude effort above high needs thinking",
    "400 \"output_config.effort 'xhigh' is not supported when thinking is disabled on this model\" (anthropics/claude-code#79798); Opus 5 takes disabled only at effort ≤ high (What's new in Opus 5.5)",
    (view) => ok(claudeThinks(view) || (view.effort !== "xhigh" && view.effort !== "max"), () => `effort ${view.effort} without thinking`),
  ),
  claude(
    "claude no sampling while thinking",
    "extended-thinking feature compatibility: 'Thinking isn't compatible with temperature or top_k modifications', top_p 'between 0.95 and 1' (anthropics/claude-code#19414); adaptive alike (dotCipher/opencode-claude-bridge PR #1)",
    (view, { wire }) =>
      ok(
        !claudeThinks(view) || (wire.temperature === undefined && (wire.top_p === undefined || (wire.top_p >= 0.95 && wire.top_p <= 1))),
        () => `thinking with temperature ${wire.temperature}, top_p ${wire.top_p}`,
      ),
  ),
  claude(
    "claude no forced tool while thinking",
    'extended-thinking docs: \'Using tool_choice: {"type": "any"} or {"type": "tool"} will result in an error\' (run-llama/llama_index#19641); default-on models alike (router-for-me/CLIProxyAPI PR #4070); except adaptive on 4.6, recorded 200 with tool_choice any (pydantic/pydantic-ai cassette test_anthropic_opus_46_adaptive_thinking_accepts_tool_output[unified].yaml)',
    (view) =>
      ok(
        !claudeThinks(view) || !view.forced || (view.facts.version === 46 && view.thinking?.type === "adaptive"),
        () => `forced tool_choice while thinking (${json(view.thinking ?? "default on")})`,
      ),
  ),
  claude(
    "claude no forced tool on 5.5 / Fable 5.1",
    'What\'s new in Claude Opus 5.5 and Sonnet 5.5; 400 \'tool_choice: type "tool" and "any" are not supported for this model.\' (can1357/oh-my-pi#12939)',
    (view) => ok(!view.facts.rejectsForcedTools || !view.forced, () => "forced tool_choice"),
  ),
  claude(
    "claude no temperature or top_p from 4.7",
    "Anthropic Sonnet 5 migration guide: 'sampling parameters (temperature, top_p, top_k) set to non-default values return a 400 error', as from Opus 4.7 (Comfy-Org/ComfyUI#13923)",
    (view, { wire }) => ok(view.facts.version < 47 || (wire.temperature === undefined && wire.top_p === undefined), () => `temperature ${wire.temperature}, top_p ${wire.top_p}`),
  ),
  claude("claude 4.6+ ends in a user turn", "Anthropic migration guide, 'Prefill removal': 'Prefilling assistant messages returns a 400 error on Claude 4.6 models'", (view) =>
    ok(view.facts.version < 46 || view.lastRole === "user", () => `last turn ${view.lastRole}`),
  ),
  {
    id: "anthropic no trailing whitespace in a final assistant turn",
    dialects: CLAUDE,
    source: "400 'messages: final assistant content cannot end with trailing whitespace' (tailcallhq/forgecode#1872; on Bedrock junjiem/dify-plugin-agent-mcp_sse PR #118)",
    holds: ({ body }) => {
      const last = body.messages.at(-1) as Body;
      if (last?.role !== "assistant") return true;
      const text = (last.content as Body[]).filter((block) => typeof block.text === "string").at(-1)?.text as string | undefined;
      return ok(text === undefined || text === text.trimEnd(), () => `ends in ${json(text)}`);
    },
  },
  {
    id: "anthropic tool names",
    dialects: ["anthropic-messages"],
    source: "Messages API tool name '^[a-zA-Z0-9_-]{1,64}$' (apify/tester-mcp-client#11; {1,128} today, 64 everywhere)",
    holds: ({ body, wire }) => {
      const names = [...wire.toolNames, ...(body.tool_choice?.name === undefined ? [] : [body.tool_choice.name])];
      return ok(
        names.every((name) => TOOL_NAME.test(name)),
        () => `names ${json(names)}`,
      );
    },
  },
  {
    id: "max_tokens within the model's output limit",
    dialects: ["anthropic-messages", "bedrock-converse", "openai-chat", "openai-responses", "gemini"],
    source: "the model pages' maximum output (src/catalog/models.json); Anthropic answers 400 'max_tokens: N > M, which is the maximum allowed number of output tokens'",
    holds: ({ route, wire }) =>
      ok(route.maxOutput === null || wire.max_tokens === undefined || wire.max_tokens <= route.maxOutput, () => `max_tokens ${wire.max_tokens} > ${route.maxOutput}`),
  },
  // Bedrock Converse, every family.
  {
    id: "converse temperature and topP ≤ 1",
    dialects: ["bedrock-converse"],
    source: "Bedrock API_runtime_InferenceConfiguration: temperature and topP 'Minimum value of 0. Maximum value of 1'",
    holds: ({ wire }) => ok((wire.temperature ?? 0) <= 1 && (wire.top_p ?? 0) <= 1, () => `temperature ${wire.temperature}, topP ${wire.top_p}`),
  },
  {
    id: "converse tool names",
    dialects: ["bedrock-converse"],
    source: "Bedrock API_runtime_ToolSpecification name [a-zA-Z0-9_-]+, length 1-64",
    holds: ({ wire }) =>
      ok(
        wire.toolNames.every((name) => TOOL_NAME.test(name)),
        () => `names ${json(wire.toolNames)}`,
      ),
  },
  {
    id: "converse Claude thinking in additionalModelRequestFields",
    dialects: ["bedrock-converse"],
    source:
      "Claude's thinking fields travel inside additionalModelRequestFields (AWS bedrock userguide claude-messages-extended-thinking, claude-messages-adaptive-thinking; recordings/bedrock/thinking.ndjson); vercel/ai amazon-bedrock-chat-language-model.ts",
    holds: ({ body }) => ok(!("thinking" in body) && !("output_config" in body), () => "thinking at the top level"),
  },
  {
    id: "converse nothing extra for other families",
    dialects: ["bedrock-converse"],
    source:
      "src/catalog/rules.json converse-limits source: an unknown additionalModelRequestFields field fails the request; additionalModelRequestFields carries model-native fields (API_runtime_ConverseStream)",
    holds: ({ route, body }) =>
      ok(isClaude(route.model) || body.additionalModelRequestFields === undefined, () => `additionalModelRequestFields ${json(body.additionalModelRequestFields)}`),
  },
  {
    id: "converse first turn is the user's",
    dialects: ["bedrock-converse"],
    source: "ValidationException 'A conversation must start with a user message' (langgenius/dify#12340)",
    holds: ({ body }) => ok(body.messages[0]?.role === "user", () => `first turn ${body.messages[0]?.role}`),
  },
  // OpenAI, Azure, Copilot.
  openai(
    "openai tool names",
    "openai-node FunctionDefinition.name 'a-z, A-Z, 0-9, or contain underscores and dashes, with a maximum length of 64'",
    OPENAI,
    (_, { body, wire }) => {
      const choice = body.tool_choice?.function?.name ?? body.tool_choice?.name;
      const names = [...wire.toolNames, ...(choice === undefined ? [] : [choice])];
      return ok(
        names.every((name) => TOOL_NAME.test(name)),
        () => `names ${json(names)}`,
      );
    },
  ),
  openai("chat stop ≤ 4", "openai/openai-openapi StopConfiguration 'Up to 4 sequences'", ["openai-chat"], (_, { wire }) =>
    ok((wire.stop?.length ?? 0) <= 4, () => `${wire.stop?.length} stop sequences`),
  ),
  openai(
    "chat no stop on o3, o4-mini, gpt-5 … 5.2",
    "StopConfiguration 'Not supported with latest reasoning models o3 and o4-mini'; 400 \"'stop' is not supported with this model\" on gpt-5, gpt-5-mini, gpt-5.1, gpt-5.2 (huggingface/smolagents#1671, #1893)",
    ["openai-chat"],
    (facts, { wire }) => ok(facts.noStop !== true || wire.stop === undefined, () => `stop ${json(wire.stop)}`),
  ),
  openai("responses has no stop", "openai/openai-openapi CreateResponse: no stop parameter", ["openai-responses"], (_, { body }) => ok(!("stop" in body), () => "stop sent")),
  openai(
    "responses max_output_tokens ≥ 16",
    "400 \"Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16\" (earendil-works/pi#6265)",
    ["openai-responses"],
    (_, { wire }) => ok(wire.max_tokens === undefined || wire.max_tokens >= 16, () => `max_output_tokens ${wire.max_tokens}`),
  ),
  openai(
    "responses tools strict false",
    "OpenAI function-calling guide: omitted strict is normalised to strict mode; 'explicitly set strict: false' (0xPlaygrounds/rig#2477)",
    ["openai-responses"],
    (_, { body }) =>
      ok(
        (body.tools ?? []).every((tool: Body) => tool.strict === false),
        () => `strict ${json((body.tools ?? []).map((tool: Body) => tool.strict))}`,
      ),
  ),
  openai(
    "non-reasoning models get no reasoning fields",
    "400 to reasoning_effort (avante-corp/avante.nvim PR #1359), reasoning.effort (RageAgainstThePixel/OpenAI-DotNet#500) and include reasoning.encrypted_content (microsoft/agent-framework#7483)",
    OPENAI,
    (facts, { body }) =>
      ok(
        facts.reasoning !== false || (!("reasoning_effort" in body) && !("reasoning" in body) && !("include" in body)),
        () => `sent ${json({ reasoning_effort: body.reasoning_effort, reasoning: body.reasoning, include: body.include })}`,
      ),
  ),
  openai("reasoning effort within the model's set", "per model, see OPENAI_FACTS sources", OPENAI, (facts, { wire }) => {
    const effort = (wire.reasoning as { effort?: Effort } | undefined)?.effort;
    return ok(effort === undefined || facts.efforts === undefined || facts.efforts.includes(effort), () => `effort ${effort} not in [${facts.efforts!.join(", ")}]`);
  }),
  openai(
    "reasoning models: no temperature or top_p unless effort none",
    "400 \"Unsupported value: 'temperature' does not support 0.9 with this model. Only the default (1) value is supported\"; 5.1+: sampling only with effort none (OpenAI latest-model guide, vercel/ai openai-language-model-capabilities.ts)",
    OPENAI,
    (facts, { wire }) => {
      if (facts.reasoning !== true || (wire.temperature === undefined && wire.top_p === undefined)) return true;
      const sent = (wire.reasoning as { effort?: Effort } | undefined)?.effort;
      // Nothing sent: the model's default, which is not none where the model has no none.
      const effort = sent ?? facts.defaultEffort ?? (facts.efforts?.includes("none") === false ? "its default (it has no none)" : undefined);
      return ok(effort === "none" || effort === undefined, () => `temperature ${wire.temperature}, top_p ${wire.top_p} at effort ${effort}`);
    },
  ),
  openai(
    "chat: gpt-5.4 takes no reasoning_effort beside function tools",
    "400 'Function tools with reasoning_effort are not supported for gpt-5.4 in /v1/chat/completions. Please use /v1/responses instead.' (pipecat-ai/pipecat#4043, BerriAI/litellm#23156; also with reasoning_effort none: livekit/agents#5084)",
    ["openai-chat"],
    (facts, { route, body, wire }) =>
      ok(
        facts.noEffortWithToolsOnChat !== true || route.provider !== "openai" || wire.toolNames.length === 0 || !("reasoning_effort" in body),
        () => `tools with reasoning_effort ${body.reasoning_effort}`,
      ),
  ),
  // Gemini on Vertex.
  gemini(
    "gemini never both thinkingLevel and thinkingBudget",
    "ai.google.dev/gemini-api/docs/gemini-3: 'You cannot use both thinking_level and the legacy thinking_budget parameter in the same request. Doing so will return a 400 error'",
    (_, thinking) => ok(thinking?.thinkingLevel === undefined || thinking.thinkingBudget === undefined, () => json(thinking)),
  ),
  gemini(
    "gemini 2.5: no thinkingLevel, budget in range",
    "ai.google.dev thinking docs: 'Gemini 2.5 series models don't support thinkingLevel'; 2.5 Pro 128-32768 (cannot be off), Flash 0-24576, Flash-Lite 512-24576 or 0",
    (facts, thinking) => {
      if (facts?.generation !== 2 || thinking === undefined) return true;
      const budget = thinking.thinkingBudget as number | undefined;
      const { min, max, offAllowed } = facts.budget!;
      return ok(thinking.thinkingLevel === undefined && (budget === undefined || (budget === 0 ? offAllowed : budget >= min && budget <= max)), () => json(thinking));
    },
  ),
  gemini(
    "gemini 3: thinkingLevel within the model's levels, no thinkingBudget",
    "ai.google.dev Gemini 3 guide (thinkingLevel; budget is legacy); Vertex 'Developer's guide to Gemini 3.5 Flash' level tables",
    (facts, thinking) => {
      if (facts?.generation !== 3 || thinking === undefined) return true;
      const level = thinking.thinkingLevel === undefined ? undefined : String(thinking.thinkingLevel).toLowerCase();
      return ok(thinking.thinkingBudget === undefined && (level === undefined || facts.levels!.includes(level as Effort)), () => json(thinking));
    },
  ),
  gemini(
    "gemini function names",
    "Vertex v1 FunctionDeclaration.name: 'Must start with a letter or an underscore ... underscores, dots and dashes, with a maximum length of 64' (google-gemini/gemini-cli#2966)",
    (_, __, { wire }) =>
      ok(
        wire.toolNames.every((name) => GEMINI_NAME.test(name)),
        () => `names ${json(wire.toolNames)}`,
      ),
  ),
];

// ---------------------------------------------------------------------------
// Adjustments: every change the body makes to the request is reported, with the rule behind it
// ---------------------------------------------------------------------------

const RULE_IDS = new Set([...bundledRules().map((rule) => rule.id), "catalog: model does not reason"]);
const PARAMS = ["temperature", "top_p", "stop", "max_tokens", "tool_choice"] as const;

function adjustmentViolations(request: ChatParams, wire: Wire, adjustments: Adjustment[]): string[] {
  const out: string[] = [];
  const named = (param: string): Adjustment | undefined => adjustments.findLast((adjustment) => adjustment.param === param);
  for (const adjustment of adjustments) {
    const ids = [...adjustment.reason.matchAll(/rule "([^"]+)"/g)].map((match) => match[1]!);
    if (ids.length === 0 || ids.some((id) => !RULE_IDS.has(id))) out.push(`adjustment ${adjustment.param}: reason names no rule of the table: ${json(adjustment.reason)}`);
    const base = adjustment.param.split(".")[0]!.replace(/\[\d+\]$/, "");
    const requested = (request as unknown as Record<string, unknown>)[base];
    if (base !== "messages" && adjustment.action === "added" && requested !== undefined) out.push(`adjustment ${adjustment.param}: "added" but the request has it`);
    if (base !== "messages" && adjustment.action !== "added" && requested === undefined)
      out.push(`adjustment ${adjustment.param}: "${adjustment.action}" but the request has no ${base}`);
  }
  for (const param of PARAMS) {
    const sent = wire[param];
    const adjustment = named(param);
    if (!Bun.deepEquals(request[param], sent)) {
      if (adjustment === undefined) out.push(`${param}: ${json(request[param])} sent as ${json(sent)} with no adjustment`);
      else if (adjustment.action === "dropped" ? sent !== undefined : !Bun.deepEquals(adjustment.to, sent))
        out.push(`${param}: adjustment says ${json(adjustment)}, body sends ${json(sent)}`);
    } else if (adjustment !== undefined) {
      out.push(`${param}: adjustment ${json(adjustment)} but the body sends the request's value`);
    }
  }
  if (!Bun.deepEquals(request.reasoning, wire.reasoning) && !adjustments.some((adjustment) => adjustment.param.startsWith("reasoning"))) {
    out.push(`reasoning: ${json(request.reasoning)} sent as ${json(wire.reasoning)} with no adjustment`);
  }
  const tools = request.tools ?? [];
  if (wire.toolNames.length !== tools.length) out.push(`tools: ${tools.length} asked, ${wire.toolNames.length} sent`);
  tools.forEach((tool, k) => {
    const sent = wire.toolNames[k];
    if (sent === tool.name) return;
    const adjustment = named(`tools[${k}].name`);
    if (adjustment?.to !== sent || adjustment?.from !== tool.name) out.push(`tools[${k}].name: ${tool.name} sent as ${sent}; adjustment ${json(adjustment)}`);
  });
  return out;
}

// ---------------------------------------------------------------------------
// Shaping, encoding, checking
// ---------------------------------------------------------------------------

function encode(route: Route, params: Parameters<typeof encodeAnthropicRequest>[0], reasons: boolean): Body {
  switch (route.dialect) {
    case "anthropic-messages":
      return encodeAnthropicRequest(params);
    case "bedrock-converse":
      return encodeConverseRequest(params);
    case "openai-chat":
      return encodeOpenAIChatRequest(params);
    case "openai-responses":
      // As the providers do: Responses asks for encrypted reasoning when the rules say the model reasons.
      return encodeOpenAIResponsesRequest(params, { reasoningModel: reasons });
    case "gemini":
      return encodeGeminiRequest(params);
  }
}

/**
 * Rule bugs found by this sweep and reported, pinned until fixed: the
 * problems of the routes named stay allowed, and each must still show, so a
 * fix fails here until its entry goes.
 */
interface KnownBug {
  /** Over `<dialect> <provider> <model>`. */
  routes: RegExp;
  /** Over `<variant> | <problem>`. */
  problem: RegExp;
  why: string;
}

const KNOWN_RULE_BUGS: KnownBug[] = [];

function violations(route: Route, variant: Variant): string[] {
  const request: ChatParams = structuredClone({ ...variant.params, model: route.model });
  const refusal = variant.refusal?.(route);
  let shaped: ReturnType<typeof shapeChat<ChatParams>>;
  try {
    shaped = shapeChat(route.provider, route.dialect, structuredClone(request));
  } catch (error) {
    const documented = error instanceof BridgeError && error.code === "INVALID_PARAMS" && refusal?.test(error.message) === true;
    return documented ? [] : [`refused: ${error instanceof Error ? error.message : String(error)}`];
  }
  if (refusal !== undefined) return [`not refused, though the provider answers 400 (${refusal})`];
  const body = encode(route, shaped.params, shaped.rules.thinking === "effort");
  const wire = readWire(route.dialect, body);
  const ctx: Ctx = { route, body, wire };
  const out: string[] = [];
  for (const check of CHECKS) {
    if (!check.dialects.includes(route.dialect)) continue;
    const verdict = check.holds(ctx);
    if (verdict !== true) out.push(`${check.id}: ${verdict} [${check.source}]`);
  }
  return [...out, ...adjustmentViolations(request, wire, shaped.adjustments)];
}

const label = (route: Route): string => `${route.provider} ${route.model}`;

describe("catalog sweep", () => {
  test("covers every catalog model and every Claude route", () => {
    for (const provider of PROVIDERS) expect(ROUTES.filter((route) => route.provider === provider).length).toBeGreaterThan(0);
    // Copilot Claude on Messages; Bedrock Claude on Converse; Vertex Claude on Messages.
    expect(ROUTES.filter((route) => isClaude(route.model) && route.provider === "copilot").every((route) => route.dialect === "anthropic-messages")).toBe(true);
    expect(ROUTES.some((route) => route.provider === "bedrock" && isClaude(route.model))).toBe(true);
    expect(ROUTES.some((route) => route.provider === "vertex" && route.dialect === "anthropic-messages")).toBe(true);
    expect(LONG.length).toBe(70);
    // Every Claude id is one the facts know, so no Claude route skips the Claude checks.
    expect(ROUTES.filter((route) => isClaude(route.model) && claudeFacts(route.model) === undefined)).toEqual([]);
  });

  for (const dialect of ["anthropic-messages", "bedrock-converse", "openai-chat", "openai-responses", "gemini"] as const) {
    describe(dialect, () => {
      test.each(ROUTES.filter((route) => route.dialect === dialect).map((route) => [label(route), route] as const))("%s", (_, route) => {
        const variants = isClaude(route.model) ? [...VARIANTS, PREFILL] : VARIANTS;
        const found = variants.flatMap((variant) => violations(route, variant).map((problem) => `${variant.name} | ${problem}`));
        const known = KNOWN_RULE_BUGS.filter((bug) => bug.routes.test(`${dialect} ${label(route)}`));
        expect(found.filter((problem) => !known.some((bug) => bug.problem.test(problem)))).toEqual([]);
        // A known bug that no longer shows is fixed: take it off the list.
        for (const bug of known) expect({ bug: bug.why, shows: found.some((problem) => bug.problem.test(problem)) }).toEqual({ bug: bug.why, shows: true });
      });
    });
  }
});
