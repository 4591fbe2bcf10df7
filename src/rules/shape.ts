/**
 * The one place where model rules are applied. Between validated chat params
 * and a dialect's encoder: given the provider, the dialect and the params,
 * `shapeChat` returns the params the model accepts and the list of what it
 * changed (reported to the editor as `adjustments`), or refuses with
 * INVALID_PARAMS naming the param and the rule when a request cannot be
 * honoured faithfully. The encoders carry no per-model knowledge.
 */
import { findModel, type ProviderId } from "../catalog/catalog.ts";
import type { ChatParams, ContentPart, Message, ToolChoice } from "../protocol/chat.ts";
import type { Adjustment } from "../protocol/chunks.ts";
import { BridgeError } from "../protocol/errors.ts";
import { offThinking, planReasoning } from "./reasoning.ts";
import { resolveRules } from "./table.ts";
import { alnum9Ids, renameToolCallIds } from "./tool-call-ids.ts";
import { ToolNames } from "./tool-names.ts";
import type { Dialect, ModelRules, RuleField, ShapedParams } from "./types.ts";

/** Answer room kept above a thinking budget when `max_tokens` must grow to hold it (Anthropic: budget < max_tokens). */
const ANSWER_ROOM = 4096;

/** The user turn put in front of a conversation that begins with the assistant, where a user turn must come first. */
export const OPENING_USER_TURN = "(continued)";

export interface Shaped<P> {
  params: P;
  adjustments: Adjustment[];
  rules: ModelRules;
  toolNames: ToolNames;
}

export function shapeChat<P extends ChatParams>(provider: string, dialect: Dialect, params: P): Shaped<Omit<P, "reasoning"> & ShapedParams> {
  const resolved = resolveRules(provider, dialect, params.model);
  const { rules } = resolved;
  const why = (field: RuleField): string => `rule "${resolved.from[field]?.id ?? "default"}"`;
  const refuse = (field: string, message: string, rule: RuleField): never => {
    throw new BridgeError("INVALID_PARAMS", `${field}: ${message} (${params.model} on ${provider}, ${why(rule)})`, { field });
  };
  const adjustments: Adjustment[] = [];
  const adjust = (adjustment: Adjustment): void => void adjustments.push(adjustment);

  const { reasoning, ...rest } = params;
  const out = rest as Omit<P, "reasoning"> & ShapedParams;
  let plan = planReasoning(reasoning, resolved, why, adjust);
  const thinkingOff = (reason: string): void => {
    dropReasoningAdjustments(adjustments);
    plan = offThinking(rules.thinking ?? "none", rules);
    if (reasoning !== undefined) adjust({ param: "reasoning", action: "dropped", from: reasoning, reason });
    else if (plan.thinking !== undefined) adjust({ param: "reasoning", action: "added", to: plan.thinking, reason });
  };

  // Tool choice: forced use where the model or its thinking forbids it.
  const forced = out.tool_choice === "required" || typeof out.tool_choice === "object";
  if (forced && rules.forced_tool_choice === false) {
    adjust({ param: "tool_choice", action: "changed", from: out.tool_choice, to: "auto", reason: `the model rejects forced tool use (${why("forced_tool_choice")})` });
    out.tool_choice = "auto";
  } else if (
    forced &&
    plan.thinks &&
    rules.forced_tool_choice_while_thinking === false &&
    !(plan.thinking?.type === "adaptive" && rules.forced_tool_choice_with_adaptive === true)
  ) {
    // The forced call is a hard contract (the caller's code may wait for it); thinking is a quality knob: thinking gives way.
    if (rules.thinking_off !== false) {
      thinkingOff(`forced tool use cannot go with thinking; the forced call wins (${why("forced_tool_choice_while_thinking")})`);
    } else {
      adjust({
        param: "tool_choice",
        action: "changed",
        from: out.tool_choice,
        to: "auto",
        reason: `forced tool use cannot go with thinking, which the model cannot turn off (${why("forced_tool_choice_while_thinking")})`,
      });
      out.tool_choice = "auto";
    }
  }
  if (plan.thinks && rules.tool_loop_needs_signed_thinking === true && rules.thinking_off !== false && unsignedToolLoop(out.messages)) {
    thinkingOff(`the open tool loop's assistant turn has no signed thinking to hand back, which the model requires while thinking (${why("tool_loop_needs_signed_thinking")})`);
  }
  if (plan.thinking?.type === "effort" && rules.effort_with_tools === false && (out.tools?.length ?? 0) > 0) {
    // Not even "none" may be sent (livekit/agents#5084): the field goes, and the model thinks as it does unasked.
    dropReasoningAdjustments(adjustments);
    if (reasoning !== undefined) {
      adjust({
        param: "reasoning",
        action: "dropped",
        from: reasoning,
        reason: `the model takes no reasoning effort beside function tools on Chat Completions; params.api "responses" takes both (${why("effort_with_tools")})`,
      });
    }
    plan = { thinks: rules.thinks_by_default === true };
  }
  if (plan.thinking !== undefined) out.thinking = plan.thinking;
  if (rules.tool_call_signatures === true) out.tool_call_signatures = true;
  if (rules.cache_points === false) out.cache_points = false;
  if (rules.tool_result_status === false) out.tool_result_status = false;

  // Sampling and limits.
  const drops = [...(rules.drop ?? []), ...(plan.thinks ? (rules.drop_while_thinking ?? []) : [])];
  for (const name of new Set(drops)) {
    if (out[name] === undefined) continue;
    const field: RuleField = (rules.drop ?? []).includes(name) ? "drop" : "drop_while_thinking";
    adjust({ param: name, action: "dropped", from: out[name], reason: `the model rejects ${name}${field === "drop" ? "" : " while it thinks"} (${why(field)})` });
    delete out[name];
  }
  const topPMin = rules.top_p_min_while_thinking;
  if (plan.thinks && topPMin !== undefined && out.top_p !== undefined && out.top_p < topPMin) {
    adjust({
      param: "top_p",
      action: "changed",
      from: out.top_p,
      to: topPMin,
      reason: `top_p must be at least ${topPMin} while the model thinks (${why("top_p_min_while_thinking")})`,
    });
    out.top_p = topPMin;
  }
  if (rules.temperature_max !== undefined && out.temperature !== undefined && out.temperature > rules.temperature_max) {
    adjust({
      param: "temperature",
      action: "changed",
      from: out.temperature,
      to: rules.temperature_max,
      reason: `the model takes temperature up to ${rules.temperature_max} (${why("temperature_max")})`,
    });
    out.temperature = rules.temperature_max;
  }
  if (rules.max_stop !== undefined && out.stop !== undefined && out.stop.length > rules.max_stop) {
    refuse("params.stop", `the model takes at most ${rules.max_stop} stop sequences, got ${out.stop.length}`, "max_stop");
  }
  if (rules.min_max_tokens !== undefined && out.max_tokens !== undefined && out.max_tokens < rules.min_max_tokens) {
    adjust({
      param: "max_tokens",
      action: "changed",
      from: out.max_tokens,
      to: rules.min_max_tokens,
      reason: `the API takes max_tokens from ${rules.min_max_tokens} (${why("min_max_tokens")})`,
    });
    out.max_tokens = rules.min_max_tokens;
  }
  if (out.thinking?.type === "budget" && out.thinking.budget_tokens > 0 && rules.budget_below_max_tokens === true) {
    fitBudget(out, findModel(provider as ProviderId, params.model)?.max_output ?? undefined, adjust, why("budget_below_max_tokens"));
  }

  // Messages.
  out.messages = shapeMessages(out.messages, rules, why, refuse, adjust);

  // Tool names.
  const toolNames = new ToolNames(toolNamesOf(out), rules.tool_name_chars, rules.tool_name_max);
  if (toolNames.renamed.size > 0) {
    const limits = `${rules.tool_name_chars === undefined ? "" : `[${rules.tool_name_chars}]`}${rules.tool_name_max === undefined ? "" : `, at most ${rules.tool_name_max} characters`}`;
    renameTools(out, toolNames, `the provider takes tool names of ${limits}; the answer maps them back (${why("tool_name_chars")})`, adjust);
  }
  if (rules.reasoning_format !== undefined) out.reasoning_format = rules.reasoning_format;

  // Tool call ids.
  if (rules.tool_call_ids === "alnum9") {
    const ids = alnum9Ids(out.messages);
    if (ids.size > 0) {
      // One adjustment for the lot: a long conversation from another provider maps every turn's ids again.
      const reason = `${ids.size} tool call id${ids.size === 1 ? "" : "s"} mapped: the provider takes exactly nine of [A-Za-z0-9] (${why("tool_call_ids")})`;
      adjust({ param: "messages", action: "changed", reason });
      out.messages = renameToolCallIds(out.messages, ids);
    }
  }
  return { params: out, adjustments, rules, toolNames };
}

/** Budget-style thinking needs `budget_tokens < max_tokens`, within the model's output limit. */
function fitBudget(out: ShapedParams, maxOutput: number | undefined, adjust: (a: Adjustment) => void, reason: string): void {
  const thinking = out.thinking as { type: "budget"; budget_tokens: number };
  if (out.max_tokens !== undefined && out.max_tokens > thinking.budget_tokens) return;
  let maxTokens = thinking.budget_tokens + ANSWER_ROOM;
  if (maxOutput !== undefined && maxTokens > maxOutput) {
    maxTokens = maxOutput;
    const budget = Math.max(1024, maxOutput - ANSWER_ROOM);
    adjust({
      param: "reasoning.budget_tokens",
      action: "changed",
      from: thinking.budget_tokens,
      to: budget,
      reason: `the budget must stay below max_tokens, within the model's output limit of ${maxOutput} (${reason})`,
    });
    out.thinking = { type: "budget", budget_tokens: budget };
  }
  adjust({
    param: "max_tokens",
    action: out.max_tokens === undefined ? "added" : "changed",
    ...(out.max_tokens !== undefined && { from: out.max_tokens }),
    to: maxTokens,
    reason: `max_tokens must exceed the thinking budget (${reason})`,
  });
  out.max_tokens = maxTokens;
}

type Refuse = (field: string, message: string, rule: RuleField) => never;

function shapeMessages(messages: Message[], rules: ModelRules, why: (f: RuleField) => string, refuse: Refuse, adjust: (a: Adjustment) => void): Message[] {
  let result = messages;
  if (rules.image_types !== undefined) {
    const allowed = rules.image_types;
    forEachImage(messages, (mediaType, field) => {
      if (!allowed.includes(mediaType)) refuse(`${field}.media_type`, `the model takes images of type ${allowed.join(", ")}, not ${mediaType}`, "image_types");
    });
  }
  if (rules.thinking === "none" && result.some(hasReasoning)) {
    // A model that does not reason refuses reasoning handed back from one that did (OpenAI: "Encrypted content is
    // not supported with this model", microsoft/agent-framework#7483, after a switch of model mid-conversation).
    adjust({ param: "messages", action: "changed", reason: `reasoning parts from another model were left out: this one does not reason (${why("thinking")})` });
    result = result.map((message) => (hasReasoning(message) ? { ...message, content: (message.content as ContentPart[]).filter((part) => part.type !== "reasoning") } : message));
  }
  const lastIndex = result.findLastIndex((message) => message.role !== "system");
  const last = result[lastIndex];
  if (last?.role === "assistant" && hasText(last.content)) {
    if (rules.prefill === false) {
      refuse(`params.messages[${lastIndex}]`, "the model does not accept a final assistant turn (prefill); end with a user turn", "prefill");
    }
    if (rules.prefill_trim === true) {
      const trimmed = trimEnd(last.content);
      if (trimmed !== last.content) {
        adjust({ param: `messages[${lastIndex}]`, action: "changed", reason: `a final assistant turn must not end in whitespace: trimmed (${why("prefill_trim")})` });
        result = result.map((message, i) => (i === lastIndex ? { ...message, content: trimmed } : message));
      }
    }
  }
  const firstIndex = result.findIndex((message) => message.role !== "system");
  if (rules.first_turn_user === true && result[firstIndex]?.role === "assistant") {
    adjust({
      param: `messages[${firstIndex}]`,
      action: "added",
      to: { role: "user", content: OPENING_USER_TURN },
      reason: `the conversation must begin with a user turn; one was put in front (${why("first_turn_user")})`,
    });
    result = [...result.slice(0, firstIndex), { role: "user", content: OPENING_USER_TURN }, ...result.slice(firstIndex)];
  }
  return result;
}

function hasReasoning(message: Message): boolean {
  return typeof message.content !== "string" && message.content.some((part) => part.type === "reasoning");
}

function hasText(content: Message["content"]): boolean {
  return typeof content === "string" ? content !== "" : content.some((part) => part.type === "text");
}

/** The content with the trailing whitespace of its last text removed; the same object when there is none. */
function trimEnd(content: Message["content"]): Message["content"] {
  if (typeof content === "string") return content.trimEnd() === content ? content : content.trimEnd();
  const at = content.findLastIndex((part) => part.type === "text");
  const part = content[at] as { type: "text"; text: string } | undefined;
  if (part === undefined || part.text.trimEnd() === part.text) return content;
  return content.map((item, i) => (i === at ? { ...part, text: part.text.trimEnd() } : item));
}

function forEachImage(messages: Message[], visit: (mediaType: string, field: string) => void): void {
  const walk = (parts: string | ContentPart[], field: string): void => {
    if (typeof parts === "string") return;
    parts.forEach((part, j) => {
      if (part.type === "image") visit(part.media_type, `${field}[${j}]`);
      else if (part.type === "tool_result") walk(part.content, `${field}[${j}].content`);
    });
  };
  messages.forEach((message, i) => {
    walk(message.content, `params.messages[${i}].content`);
  });
}

/**
 * The conversation ends in tool results answering an assistant turn whose
 * tool calls are not preceded by signed thinking (a loop begun without
 * thinking, or on another provider): Claude refuses to think on top of it.
 */
function unsignedToolLoop(messages: Message[]): boolean {
  const turns = messages.filter((message) => message.role !== "system");
  const last = turns[turns.length - 1];
  const answersTools = last !== undefined && typeof last.content !== "string" && last.content.length > 0 && last.content.every((part) => part.type === "tool_result");
  if (!answersTools) return false;
  const assistant = turns.findLast((message) => message.role === "assistant");
  if (assistant === undefined || typeof assistant.content === "string") return false;
  const first = assistant.content.find((part) => part.type !== "text" || part.text !== "");
  if (!assistant.content.some((part) => part.type === "tool_call")) return false;
  return !(first?.type === "reasoning" && ((first.signature ?? "") !== "" || (first.redacted ?? "") !== ""));
}

function toolNamesOf(params: ShapedParams): string[] {
  const names = (params.tools ?? []).map((tool) => tool.name);
  for (const message of params.messages) {
    if (typeof message.content === "string") continue;
    for (const part of message.content) if (part.type === "tool_call") names.push(part.name);
  }
  if (typeof params.tool_choice === "object") names.push(params.tool_choice.name);
  return names;
}

function renameTools(out: ShapedParams, names: ToolNames, reason: string, adjust: (a: Adjustment) => void): void {
  if (out.tools !== undefined) {
    out.tools = out.tools.map((tool, k) => {
      const mapped = names.provider(tool.name);
      if (mapped === tool.name) return tool;
      adjust({ param: `tools[${k}].name`, action: "changed", from: tool.name, to: mapped, reason });
      return { ...tool, name: mapped };
    });
  }
  out.messages = out.messages.map((message) => {
    if (typeof message.content === "string" || !message.content.some((part) => part.type === "tool_call" && names.provider(part.name) !== part.name)) return message;
    return { ...message, content: message.content.map((part) => (part.type === "tool_call" ? { ...part, name: names.provider(part.name) } : part)) };
  });
  if (typeof out.tool_choice === "object") out.tool_choice = { name: names.provider(out.tool_choice.name) } satisfies ToolChoice;
}

/** What the reasoning had been mapped to (or added as) no longer matters once the outcome is reported: those adjustments go. */
function dropReasoningAdjustments(adjustments: Adjustment[]): void {
  for (let i = adjustments.length - 1; i >= 0; i--) if (/^reasoning(\.|$)/.test(adjustments[i]!.param)) adjustments.splice(i, 1);
}
