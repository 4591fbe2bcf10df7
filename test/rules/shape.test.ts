/**
 * The model rules applied to requests: one row per rule, each naming the
 * public source of the expected behaviour (the same sources
 * src/catalog/rules.json cites). Expected bodies are written from those
 * sources, not from our output.
 */
import { describe, expect, test } from "bun:test";
import { encodeAnthropicRequest } from "../../src/formats/anthropic-messages/request.ts";
import { encodeConverseRequest } from "../../src/formats/bedrock-converse/request.ts";
import { encodeGeminiRequest } from "../../src/formats/gemini/request.ts";
import { encodeOpenAIChatRequest } from "../../src/formats/openai-chat/request.ts";
import { encodeOpenAIResponsesRequest } from "../../src/formats/openai-responses/request.ts";
import type { ChatParams, Message } from "../../src/protocol/chat.ts";
import { BridgeError } from "../../src/protocol/errors.ts";
import { OPENING_USER_TURN, shapeChat } from "../../src/rules/shape.ts";
import type { Dialect, ShapedParams } from "../../src/rules/types.ts";

const ENCODERS: Record<Dialect, (params: ShapedParams) => Record<string, unknown>> = {
  "anthropic-messages": encodeAnthropicRequest,
  "bedrock-converse": (params) => encodeConverseRequest(params),
  "openai-chat": (params) => encodeOpenAIChatRequest(params),
  "openai-responses": (params) => encodeOpenAIResponsesRequest(params),
  gemini: encodeGeminiRequest,
};

const HI: Message[] = [{ role: "user", content: "Hi" }];
const WEATHER = { name: "weather", parameters: { type: "object", properties: { city: { type: "string" } } } };

interface Row {
  name: string;
  source: string;
  provider: string;
  dialect: Dialect;
  params: Partial<ChatParams> & { model: string };
  /** Fields the encoded body must have (toMatchObject). */
  body?: Record<string, unknown>;
  /** Body fields that must be absent. */
  absent?: string[];
  /** The adjustments, as [param, action] pairs, in order. */
  adjusted?: Array<[string, string]>;
}

const ROWS: Row[] = [
  // Groq: qwen3 answers its reasoning between <think> tags in the content unless reasoning_format parsed is sent.
  {
    name: "Groq qwen3: reasoning_format parsed is sent",
    source:
      "recorded: pydantic-ai test_reasoning_wire_contract[groq-qwen3-effort-setting].yaml (<think> in content without it) and [groq-qwen3-enable-level-sends-no-effort].yaml (message.reasoning with parsed)",
    provider: "groq",
    dialect: "openai-chat",
    params: { model: "qwen/qwen3-32b" },
    body: { reasoning_format: "parsed" },
  },
  {
    name: "Groq gpt-oss: no reasoning_format (its reasoning has its own field already)",
    source:
      "recorded: pydantic-ai test_reasoning_wire_contract[groq-gpt-oss-thinking-false-noop].yaml: openai/gpt-oss-120b answers message.reasoning with no reasoning_format sent",
    provider: "groq",
    dialect: "openai-chat",
    params: { model: "openai/gpt-oss-120b" },
    absent: ["reasoning_format"],
  },
  // Mistral: tool call ids of exactly nine of [A-Za-z0-9]; a valid one passes unchanged.
  {
    name: "Mistral: a Claude tool call id is mapped to nine alphanumerics in the call and its result; a Mistral id passes",
    source: "Mistral 400 'Tool call id was abc123 but must be a-z, A-Z, 0-9, with a length of 9.' (langchain-ai/langchain PR #24668)",
    provider: "mistral",
    dialect: "openai-chat",
    params: {
      model: "mistral-large-latest",
      tools: [WEATHER],
      messages: [
        { role: "user", content: "Weather in Paris and Rome?" },
        {
          role: "assistant",
          content: [
            { type: "tool_call", id: "toolu_01A09q90qw90lq917835lq9", name: "weather", arguments: '{"city":"Paris"}' },
            { type: "tool_call", id: "D681PevKs", name: "weather", arguments: '{"city":"Rome"}' },
          ],
        },
        {
          role: "tool",
          content: [
            { type: "tool_result", tool_call_id: "toolu_01A09q90qw90lq917835lq9", content: "20 C" },
            { type: "tool_result", tool_call_id: "D681PevKs", content: "25 C" },
          ],
        },
      ],
    },
    body: {
      messages: [
        { role: "user" },
        { role: "assistant", tool_calls: [{ id: expect.stringMatching(/^[A-Za-z0-9]{9}$/) }, { id: "D681PevKs" }] },
        { role: "tool", tool_call_id: expect.stringMatching(/^[A-Za-z0-9]{9}$/) },
        { role: "tool", tool_call_id: "D681PevKs" },
      ],
    },
    adjusted: [["messages", "changed"]],
  },
  // Anthropic, Claude up to 4.5: extended thinking with a budget.
  {
    name: "Sonnet 4.5: effort high → enabled, budget 24576, max_tokens budget + 4096",
    source: "@anthropic-ai/sdk ThinkingConfigEnabled: budget ≥ 1024 and < max_tokens",
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: { model: "claude-sonnet-4-5", reasoning: { effort: "high" } },
    body: { thinking: { type: "enabled", budget_tokens: 24576 }, max_tokens: 28672 },
    adjusted: [
      ["reasoning.effort", "changed"],
      ["max_tokens", "added"],
    ],
  },
  {
    name: "Sonnet 4.5: a budget below 1024 is raised to 1024",
    source: "@anthropic-ai/sdk ThinkingConfigEnabled 'Must be ≥1024'",
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: { model: "claude-sonnet-4-5", reasoning: { budget_tokens: 500 }, max_tokens: 8000 },
    body: { thinking: { type: "enabled", budget_tokens: 1024 }, max_tokens: 8000 },
    adjusted: [["reasoning.budget_tokens", "changed"]],
  },
  {
    name: "Sonnet 4.5 thinking: temperature dropped, top_p raised to 0.95",
    source: "extended-thinking docs: temperature incompatible with thinking, top_p between 0.95 and 1 (anthropics/claude-code#19414)",
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: { model: "claude-sonnet-4-5", reasoning: { budget_tokens: 2048 }, max_tokens: 8000, temperature: 0.2, top_p: 0.5 },
    body: { top_p: 0.95 },
    absent: ["temperature"],
    adjusted: [
      ["temperature", "dropped"],
      ["top_p", "changed"],
    ],
  },
  {
    name: "Sonnet 4.5 without thinking: temperature 2 is clamped to 1",
    source: "Messages API reference: temperature 'Ranges from 0.0 to 1.0'",
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: { model: "claude-sonnet-4-5", temperature: 2, top_p: 0.5 },
    body: { temperature: 1, top_p: 0.5 },
    absent: ["thinking"],
    adjusted: [["temperature", "changed"]],
  },
  {
    name: "Sonnet 4.5 thinking + forced tool: the forced call wins, thinking goes",
    source: "extended-thinking docs: 'Thinking isn't compatible with ... forced tool use'",
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: { model: "claude-sonnet-4-5", reasoning: { effort: "low" }, tools: [WEATHER], tool_choice: "required" },
    body: { tool_choice: { type: "any" } },
    absent: ["thinking"],
    adjusted: [["reasoning", "dropped"]],
  },
  {
    name: "Sonnet 4.5 thinking on a tool loop begun without thinking: thinking goes",
    source: "tool use with extended thinking: the last assistant turn must begin with a thinking block",
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: {
      model: "claude-sonnet-4-5",
      reasoning: { effort: "low" },
      tools: [WEATHER],
      messages: [
        { role: "user", content: "Weather?" },
        { role: "assistant", content: [{ type: "tool_call", id: "t1", name: "weather", arguments: "{}" }] },
        { role: "tool", content: [{ type: "tool_result", tool_call_id: "t1", content: "sunny" }] },
      ],
    },
    absent: ["thinking"],
    adjusted: [["reasoning", "dropped"]],
  },
  {
    name: "Sonnet 4.5 thinking on a tool loop with signed thinking: thinking stays",
    source: "tool use with extended thinking: thinking blocks handed back keep thinking possible",
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: {
      model: "claude-sonnet-4-5",
      reasoning: { budget_tokens: 2048 },
      max_tokens: 8000,
      tools: [WEATHER],
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "hm", signature: "sig" },
            { type: "tool_call", id: "t1", name: "weather", arguments: "{}" },
          ],
        },
        { role: "tool", content: [{ type: "tool_result", tool_call_id: "t1", content: "sunny" }] },
      ],
    },
    body: { thinking: { type: "enabled", budget_tokens: 2048 } },
    adjusted: [],
  },
  {
    name: "Sonnet 4.5: a prefill's trailing whitespace is trimmed",
    source: "400 'final assistant content cannot end with trailing whitespace' (tailcallhq/forgecode#1872)",
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: { model: "claude-sonnet-4-5", messages: [...HI, { role: "assistant", content: "Sure: \n" }] },
    body: {
      messages: [
        { role: "user", content: [{ type: "text", text: "Hi" }] },
        { role: "assistant", content: [{ type: "text", text: "Sure:" }] },
      ],
    },
    adjusted: [["messages[1]", "changed"]],
  },
  // Anthropic, Claude 4.6 and later: adaptive thinking.
  {
    name: "Opus 4.6: adaptive with output_config.effort; xhigh is not offered → max (nearest, the higher on a tie); no temperature while thinking",
    source: "Anthropic effort page: Opus 4.6 takes low, medium, high, max; thinking is not compatible with temperature changes",
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: { model: "claude-opus-4-6", reasoning: { effort: "xhigh" }, temperature: 0.5 },
    body: { thinking: { type: "adaptive" }, output_config: { effort: "max" } },
    absent: ["temperature"],
    adjusted: [
      ["reasoning.effort", "changed"],
      ["temperature", "dropped"],
    ],
  },
  {
    name: "Opus 4.7: adaptive, display summarized, sampling dropped",
    source: "What's new in Opus 4.7: thinking omitted by default, display 'summarized'; sampling params 400 from Opus 4.7 on",
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: { model: "claude-opus-4-7", reasoning: { effort: "high" }, temperature: 0.5, top_p: 0.9 },
    body: { thinking: { type: "adaptive", display: "summarized" }, output_config: { effort: "high" } },
    absent: ["temperature", "top_p"],
    adjusted: [
      ["temperature", "dropped"],
      ["top_p", "dropped"],
    ],
  },
  {
    name: "Opus 4.8: a budget maps to an effort (20000 → high)",
    source: "Opus 4.7+ answer 400 to thinking.type.enabled (anomalyco/opencode#22863)",
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: { model: "claude-opus-4-8", reasoning: { budget_tokens: 20000 } },
    body: { thinking: { type: "adaptive", display: "summarized" }, output_config: { effort: "high" } },
    adjusted: [["reasoning.budget_tokens", "changed"]],
  },
  {
    name: "Sonnet 5 without reasoning: it thinks anyway, so display summarized is sent",
    source: "Sonnet 5 migration guide: adaptive thinking on by default; display defaults to omitted on 5.x (QwenLM/qwen-code#8039)",
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: { model: "claude-sonnet-5" },
    body: { thinking: { type: "adaptive", display: "summarized" } },
    absent: ["output_config"],
    adjusted: [["reasoning", "added"]],
  },
  {
    name: "Sonnet 5, effort none: thinking disabled",
    source: "Sonnet 5 takes thinking.type disabled (Opus 5.5 what's new; dify-official-plugins PR #3372)",
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: { model: "claude-sonnet-5", reasoning: { effort: "none" } },
    body: { thinking: { type: "disabled" } },
    adjusted: [],
  },
  {
    name: "Sonnet 5, forced tool and default thinking: thinking disabled for the forced call",
    source: "extended-thinking docs (forced tool use incompatible with thinking); router-for-me/CLIProxyAPI PR #4070",
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: { model: "claude-sonnet-5", tools: [WEATHER], tool_choice: { name: "weather" } },
    body: { thinking: { type: "disabled" }, tool_choice: { type: "tool", name: "weather" } },
    adjusted: [["reasoning", "added"]],
  },
  {
    name: "Opus 5.5, effort none: cannot turn thinking off → lowest effort",
    source: "What's new in Opus 5.5: thinking.type.disabled is not supported for this model",
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: { model: "claude-opus-5-5", reasoning: { effort: "none" } },
    body: { thinking: { type: "adaptive", display: "summarized" }, output_config: { effort: "low" } },
    adjusted: [["reasoning.effort", "changed"]],
  },
  {
    name: "Opus 5.5: forced tool use becomes auto",
    source: '400 \'tool_choice: type "tool" and "any" are not supported for this model.\' (can1357/oh-my-pi#12939)',
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: { model: "claude-opus-5-5", tools: [WEATHER], tool_choice: "required" },
    body: { tool_choice: { type: "auto" } },
    adjusted: [
      ["reasoning", "added"],
      ["tool_choice", "changed"],
    ],
  },
  {
    name: "Fable 5 keeps forced tool use (only 5.1 refuses it) but cannot stop thinking: the tool choice goes",
    source: "withceleste/celeste-python PR #393; Fable 5 migration guide (disabled → 400)",
    provider: "anthropic",
    dialect: "anthropic-messages",
    params: { model: "claude-fable-5", tools: [WEATHER], tool_choice: "required" },
    body: { tool_choice: { type: "auto" } },
    adjusted: [
      ["reasoning", "added"],
      ["tool_choice", "changed"],
    ],
  },
  // The other Claude routes.
  {
    name: "Bedrock us.anthropic.claude-opus-4-7-v1:0: thinking and effort in additionalModelRequestFields",
    source: "vercel/ai packages/amazon-bedrock amazon-bedrock-chat-language-model.ts; AWS claude-messages-adaptive-thinking",
    provider: "bedrock",
    dialect: "bedrock-converse",
    params: { model: "us.anthropic.claude-opus-4-7-v1:0", reasoning: { effort: "medium" }, temperature: 0.3 },
    body: { additionalModelRequestFields: { thinking: { type: "adaptive", display: "summarized" }, output_config: { effort: "medium" } } },
    adjusted: [["temperature", "dropped"]],
  },
  {
    name: "Bedrock: a conversation that starts with the assistant gets a user turn in front",
    source: "ValidationException 'A conversation must start with a user message' (langgenius/dify#12340)",
    provider: "bedrock",
    dialect: "bedrock-converse",
    params: {
      model: "us.amazon.nova-pro-v1:0",
      messages: [
        { role: "assistant", content: "Earlier answer" },
        { role: "user", content: "Go on" },
      ],
    },
    body: {
      messages: [
        { role: "user", content: [{ text: OPENING_USER_TURN }] },
        { role: "assistant", content: [{ text: "Earlier answer" }] },
        { role: "user", content: [{ text: "Go on" }] },
      ],
    },
    adjusted: [["messages[0]", "added"]],
  },
  {
    name: "Bedrock Nova: reasoning is dropped, temperature 1.5 clamped",
    source: "Bedrock InferenceConfiguration temperature 0-1; non-Claude reasoning switches differ per model",
    provider: "bedrock",
    dialect: "bedrock-converse",
    params: { model: "us.amazon.nova-pro-v1:0", reasoning: { effort: "high" }, temperature: 1.5 },
    body: { inferenceConfig: { temperature: 1 } },
    absent: ["additionalModelRequestFields"],
    adjusted: [
      ["reasoning", "dropped"],
      ["temperature", "changed"],
    ],
  },
  {
    name: "Vertex claude-opus-4-5@20251101: extended thinking",
    source:
      "Vertex Claude takes the Messages body (platform.claude.com/docs/en/build-with-claude/claude-on-vertex-ai; recordings/vertex/claude-text.ndjson); Opus 4.5 has no adaptive thinking",
    provider: "vertex",
    dialect: "anthropic-messages",
    params: { model: "claude-opus-4-5@20251101", reasoning: { budget_tokens: 3000 }, max_tokens: 10000 },
    body: { thinking: { type: "enabled", budget_tokens: 3000 }, max_tokens: 10000 },
    adjusted: [],
  },
  {
    name: "Copilot claude-opus-4.8 (dotted): adaptive",
    source: "Copilot spells Claude versions with dots (claude-opus-4.7 in recordings/copilot/models.ndjson); Opus 4.8 answers 400 to enabled",
    provider: "copilot",
    dialect: "anthropic-messages",
    params: { model: "claude-opus-4.8", reasoning: { effort: "xhigh" } },
    body: { thinking: { type: "adaptive", display: "summarized" }, output_config: { effort: "xhigh" } },
    adjusted: [],
  },
  // OpenAI.
  {
    name: "gpt-4o: reasoning is dropped",
    source: "non-reasoning models answer 400 to reasoning_effort (microsoft/agent-framework#7483)",
    provider: "openai",
    dialect: "openai-chat",
    params: { model: "gpt-4o", reasoning: { effort: "high" }, temperature: 0.7 },
    body: { temperature: 0.7 },
    absent: ["reasoning_effort"],
    adjusted: [["reasoning", "dropped"]],
  },
  {
    name: "gpt-4.1 on Responses after a reasoning model: the reasoning handed back is left out, no encrypted content asked for",
    source: "'Encrypted content is not supported with this model' (microsoft/agent-framework#7483)",
    provider: "openai",
    dialect: "openai-responses",
    params: {
      model: "gpt-4.1",
      messages: [
        { role: "user", content: "Hi" },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "hm", signature: "gAAAA-encrypted" },
            { type: "text", text: "Hello" },
          ],
        },
        { role: "user", content: "Again" },
      ],
    },
    body: { input: [{ type: "message", role: "user" }, { role: "assistant" }, { type: "message", role: "user" }] },
    absent: ["include", "reasoning"],
    adjusted: [["messages", "changed"]],
  },
  {
    name: "gpt-5: none is not offered → minimal; sampling and stop dropped on Chat",
    source: "openai-node ReasoningEffort ('before gpt-5.1 ... do not support none'); 'stop' not supported (BittnerPierre/AI-Agent-Casebook#133)",
    provider: "openai",
    dialect: "openai-chat",
    params: { model: "gpt-5", reasoning: { effort: "none" }, temperature: 0.2, stop: ["END"] },
    body: { reasoning_effort: "minimal" },
    absent: ["temperature", "stop"],
    adjusted: [
      ["reasoning.effort", "changed"],
      ["temperature", "dropped"],
      ["stop", "dropped"],
    ],
  },
  {
    name: "gpt-5.1: minimal is refused → low",
    source: "\"Unsupported value: 'minimal' is not supported with the 'gpt-5.1' model\" (anomalyco/opencode#4451)",
    provider: "openai",
    dialect: "openai-responses",
    params: { model: "gpt-5.1", reasoning: { effort: "minimal" } },
    body: { reasoning: { effort: "low", summary: "auto" } },
    adjusted: [["reasoning.effort", "changed"]],
  },
  {
    name: "gpt-5.1 effort none keeps temperature",
    source: "OpenAI latest-model guide: temperature and top_p only with effort none",
    provider: "openai",
    dialect: "openai-responses",
    params: { model: "gpt-5.1", reasoning: { effort: "none" }, temperature: 0.3 },
    body: { reasoning: { effort: "none" }, temperature: 0.3 },
    adjusted: [],
  },
  {
    name: "gpt-5.2 effort high drops temperature; Responses max_output_tokens raised to 16; stop dropped",
    source: "OpenAI latest-model guide; 'Expected a value >= 16' (earendil-works/pi#6265); CreateResponse has no stop",
    provider: "openai",
    dialect: "openai-responses",
    params: { model: "gpt-5.2", reasoning: { effort: "xhigh" }, temperature: 0.3, max_tokens: 8, stop: ["X"] },
    body: { reasoning: { effort: "xhigh", summary: "auto" }, max_output_tokens: 16 },
    absent: ["temperature"],
    adjusted: [
      ["temperature", "dropped"],
      ["stop", "dropped"],
      ["max_tokens", "changed"],
    ],
  },
  {
    name: "gpt-5.4 on Chat Completions with tools: no reasoning_effort at all",
    source: "400 'Function tools with reasoning_effort are not supported for gpt-5.4 in /v1/chat/completions' (pipecat-ai/pipecat#4043; also with none: livekit/agents#5084)",
    provider: "azure",
    dialect: "openai-chat",
    params: { model: "gpt-5.4", reasoning: { effort: "high" }, tools: [WEATHER] },
    absent: ["reasoning_effort"],
    adjusted: [["reasoning", "dropped"]],
  },
  {
    name: "gpt-5.6-sol: max is offered",
    source: "OpenAI deployment checklist: GPT-5.6 takes none, low, medium, high, xhigh and max",
    provider: "openai",
    dialect: "openai-responses",
    params: { model: "gpt-5.6-sol", reasoning: { effort: "max" } },
    body: { reasoning: { effort: "max", summary: "auto" } },
    adjusted: [],
  },
  {
    name: "gpt-5-pro: high only",
    source: "openai-node ReasoningEffort: 'gpt-5-pro ... defaults to (and only supports) high'",
    provider: "openai",
    dialect: "openai-responses",
    params: { model: "gpt-5-pro", reasoning: { effort: "low" } },
    body: { reasoning: { effort: "high", summary: "auto" } },
    adjusted: [["reasoning.effort", "changed"]],
  },
  {
    name: "Azure gpt-5-mini deployment on Chat: effort passes, temperature dropped",
    source: "Azure gpt-5-mini: \"'temperature' does not support 0.9 with this model\"",
    provider: "azure",
    dialect: "openai-chat",
    params: { model: "gpt-5-mini", reasoning: { effort: "low" }, temperature: 0.9 },
    body: { reasoning_effort: "low" },
    absent: ["temperature"],
    adjusted: [["temperature", "dropped"]],
  },
  // Gemini.
  {
    name: "Gemini 2.5 Pro, effort none: cannot stop thinking → budget 128",
    source: "ai.google.dev thinking: 2.5 Pro budget 128-32768, cannot disable thinking",
    provider: "vertex",
    dialect: "gemini",
    params: { model: "gemini-2.5-pro", reasoning: { effort: "none" } },
    body: { generationConfig: { thinkingConfig: { thinkingBudget: 128, includeThoughts: true } } },
    adjusted: [["reasoning.effort", "changed"]],
  },
  {
    name: "Gemini 2.5 Flash, budget 0: thinking off",
    source: "ai.google.dev thinking: 2.5 Flash thinkingBudget 0 turns thinking off",
    provider: "vertex",
    dialect: "gemini",
    params: { model: "gemini-2.5-flash", reasoning: { budget_tokens: 0 } },
    body: { generationConfig: { thinkingConfig: { thinkingBudget: 0 } } },
    adjusted: [],
  },
  {
    name: "Gemini 2.5 Flash: a 30000 budget is capped at 24576",
    source: "ai.google.dev thinking: 2.5 Flash 0 to 24576",
    provider: "vertex",
    dialect: "gemini",
    params: { model: "gemini-2.5-flash", reasoning: { budget_tokens: 30000 } },
    body: { generationConfig: { thinkingConfig: { thinkingBudget: 24576, includeThoughts: true } } },
    adjusted: [["reasoning.budget_tokens", "changed"]],
  },
  {
    name: "Gemini 3 Pro: thinkingLevel, never a budget; medium is not offered → high",
    source: "Gemini 3 guide: thinkingLevel, level + budget → 400; Gemini 3 Pro takes low or high",
    provider: "vertex",
    dialect: "gemini",
    params: { model: "gemini-3-pro-preview", reasoning: { effort: "medium" } },
    body: { generationConfig: { thinkingConfig: { thinkingLevel: "HIGH", includeThoughts: true } } },
    adjusted: [["reasoning.effort", "changed"]],
  },
  {
    name: "Gemini 3 Flash: a budget maps to a level (2000 → low)",
    source: "Gemini 3 guide: thinkingLevel minimal|low|medium|high",
    provider: "vertex",
    dialect: "gemini",
    params: { model: "gemini-3-flash-preview", reasoning: { budget_tokens: 2000 } },
    body: { generationConfig: { thinkingConfig: { thinkingLevel: "LOW", includeThoughts: true } } },
    adjusted: [["reasoning.budget_tokens", "changed"]],
  },
  // Tool names.
  {
    name: "OpenAI: a dotted MCP tool name is sent as a safe name",
    source: "openai-node FunctionDefinition.name: a-z, A-Z, 0-9, underscores and dashes, max 64",
    provider: "openai",
    dialect: "openai-chat",
    params: { model: "gpt-4.1", tools: [{ name: "github.create_issue", parameters: { type: "object" } }], tool_choice: { name: "github.create_issue" } },
    body: { tools: [{ type: "function", function: { name: "github_create_issue" } }], tool_choice: { type: "function", function: { name: "github_create_issue" } } },
    adjusted: [["tools[0].name", "changed"]],
  },
];

describe("model rules, by source", () => {
  for (const row of ROWS) {
    test(`${row.name} [${row.source}]`, () => {
      const shaped = shapeChat(row.provider, row.dialect, { messages: HI, ...row.params } as ChatParams);
      const body = ENCODERS[row.dialect](shaped.params);
      if (row.body !== undefined) expect(body).toMatchObject(row.body);
      for (const key of row.absent ?? []) expect(body).not.toHaveProperty(key);
      const pairs = (list: Array<[string, string]>): string[] => list.map((pair) => pair.join(" ")).sort();
      if (row.adjusted !== undefined) expect(pairs(shaped.adjustments.map((a) => [a.param, a.action]))).toEqual(pairs(row.adjusted));
      for (const adjustment of shaped.adjustments) expect(adjustment.reason).toMatch(/rule "[^"]+"/);
    });
  }
});

describe("requests the rules refuse, naming the param and the rule (nothing is sent)", () => {
  const cases: Array<{ name: string; provider: string; dialect: Dialect; params: Partial<ChatParams> & { model: string }; field: string; rule: string }> = [
    {
      name: "a prefill to Claude Opus 4.6 (migration guide: 'Prefilling assistant messages returns a 400 error on Claude 4.6 models')",
      provider: "anthropic",
      dialect: "anthropic-messages",
      params: { model: "claude-opus-4-6", messages: [...HI, { role: "assistant", content: "Sure" }] },
      field: "params.messages[1]",
      rule: "claude-4.6-no-prefill",
    },
    {
      name: "a GIF to Gemini (microsoft/vscode#286628)",
      provider: "vertex",
      dialect: "gemini",
      params: { model: "gemini-2.5-flash", messages: [{ role: "user", content: [{ type: "image", media_type: "image/gif", data: "R0lGOD" }] }] },
      field: "params.messages[0].content[0].media_type",
      rule: "gemini-limits",
    },
    {
      name: "a GIF inside a tool result to Gemini",
      provider: "vertex",
      dialect: "gemini",
      params: {
        model: "gemini-2.5-flash",
        messages: [
          { role: "user", content: "Look" },
          { role: "assistant", content: [{ type: "tool_call", id: "t", name: "shot", arguments: "{}" }] },
          { role: "tool", content: [{ type: "tool_result", tool_call_id: "t", content: [{ type: "image", media_type: "image/gif", data: "R0lGOD" }] }] },
        ],
      },
      field: "params.messages[2].content[0].content[0].media_type",
      rule: "gemini-limits",
    },
    {
      name: "five stop sequences on Chat Completions (StopConfiguration: up to 4)",
      provider: "openai",
      dialect: "openai-chat",
      params: { model: "gpt-4.1", stop: ["a", "b", "c", "d", "e"] },
      field: "params.stop",
      rule: "chat-completions-limits",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      let caught: unknown;
      try {
        shapeChat(c.provider, c.dialect, { messages: HI, ...c.params } as ChatParams);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(BridgeError);
      expect((caught as BridgeError).code).toBe("INVALID_PARAMS");
      expect((caught as BridgeError).field).toBe(c.field);
      expect((caught as BridgeError).message).toContain(c.field);
      expect((caught as BridgeError).message).toContain(`rule "${c.rule}"`);
    });
  }
});
