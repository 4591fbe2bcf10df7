/**
 * One reasoning vocabulary for every model: `params.reasoning` (an effort
 * from `none` to `max`, or a token budget) becomes the `Thinking` the
 * model's style asks for, with an adjustment for every change. The mapping
 * tables here are our own choices, not provider facts; the facts (styles,
 * effort sets, budget ranges, on/off) come from the rules table.
 */
import { EFFORTS, type Effort, type ReasoningOption } from "../protocol/chat.ts";
import type { Adjustment } from "../protocol/chunks.ts";
import type { ResolvedRules, Thinking, ThinkingStyle } from "./types.ts";

/**
 * Budgets for an effort on budget-style models. `low` is Anthropic's minimum
 * budget (1024); `high` (24576) plus the 4096-token answer room stays under
 * 32000, the smallest output cap among thinking Claude models (Opus 4 / 4.1);
 * `xhigh` and `max` go further and are capped by the model's own limits.
 */
export const EFFORT_BUDGETS: Record<Exclude<Effort, "none">, number> = {
  minimal: 1024,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
  max: 65536,
};

/** The effort a budget resembles, for models that take efforts: our thresholds (no provider publishes token figures per level). */
export function effortForBudget(budget: number): Effort {
  if (budget === 0) return "none";
  if (budget < 4096) return "low";
  if (budget < 16384) return "medium";
  if (budget < 32768) return "high";
  return "xhigh";
}

/** The nearest effort the model has; on a tie the higher one (the caller asked for some thinking). */
export function nearestEffort(wanted: Effort, offered: readonly Effort[]): Effort {
  if (offered.includes(wanted) || offered.length === 0) return wanted;
  const at = EFFORTS.indexOf(wanted);
  let best = offered[0]!;
  for (const effort of offered) {
    const distance = Math.abs(EFFORTS.indexOf(effort) - at);
    const bestDistance = Math.abs(EFFORTS.indexOf(best) - at);
    if (distance < bestDistance || (distance === bestDistance && EFFORTS.indexOf(effort) > EFFORTS.indexOf(best))) best = effort;
  }
  return best;
}

function lowest(offered: readonly Effort[] | undefined): Effort | undefined {
  return offered?.filter((effort) => effort !== "none")[0];
}

export interface ReasoningPlan {
  thinking?: Thinking;
  /** The request will make the model think (decides the rules that apply only while thinking). */
  thinks: boolean;
}

/**
 * The thinking for a request. `why(field)` names the rule behind a field,
 * for the adjustments' reasons.
 */
export function planReasoning(
  requested: ReasoningOption | undefined,
  resolved: ResolvedRules,
  why: (field: keyof ResolvedRules["rules"]) => string,
  adjust: (adjustment: Adjustment) => void,
): ReasoningPlan {
  const { rules } = resolved;
  const style = rules.thinking ?? "none";
  if (style === "none") {
    if (requested !== undefined) adjust({ param: "reasoning", action: "dropped", from: requested, reason: `the model does not reason (${why("thinking")})` });
    return { thinks: false };
  }
  if (requested === undefined) {
    const plan = defaultThinking(style, rules);
    if (plan.thinking !== undefined) {
      adjust({
        param: "reasoning",
        action: "added",
        to: plan.thinking,
        reason: `the model thinks unasked and would stream no thinking text without display "summarized" (${why("display")})`,
      });
    }
    return plan;
  }
  const param = "effort" in requested ? "reasoning.effort" : "reasoning.budget_tokens";
  const asked = "effort" in requested ? requested.effort : requested.budget_tokens;
  const wantsOff = asked === "none" || asked === 0;
  if (wantsOff) {
    if (rules.thinking_off !== false) return offThinking(style, rules);
    const least = leastThinking(style, rules);
    adjust({ param, action: "changed", from: asked, to: describe(least), reason: `the model cannot turn thinking off (${why("thinking_off")})` });
    return { thinking: least, thinks: true };
  }

  if (style === "budget" || (style === "adaptive" && rules.accepts_budget === true && "budget_tokens" in requested)) {
    const wanted = "budget_tokens" in requested ? requested.budget_tokens : EFFORT_BUDGETS[requested.effort as Exclude<Effort, "none">];
    const min = rules.budget_min ?? 0;
    const max = rules.budget_max ?? Number.MAX_SAFE_INTEGER;
    const budget = Math.min(Math.max(wanted, min), max);
    if ("effort" in requested) {
      adjust({ param, action: "changed", from: requested.effort, to: { budget_tokens: budget }, reason: `the model takes a thinking budget, not an effort (${why("thinking")})` });
    } else if (budget !== wanted) {
      adjust({
        param,
        action: "changed",
        from: wanted,
        to: budget,
        reason: `the model takes thinking budgets from ${min}${max === Number.MAX_SAFE_INTEGER ? "" : ` to ${max}`} (${why(budget === min ? "budget_min" : "budget_max")})`,
      });
    }
    return { thinking: { type: "budget", budget_tokens: budget }, thinks: true };
  }

  // adaptive, effort, level: an effort from the model's set.
  let effort: Effort = "effort" in requested ? requested.effort : effortForBudget(requested.budget_tokens);
  if ("budget_tokens" in requested) {
    adjust({ param, action: "changed", from: requested.budget_tokens, to: { effort }, reason: `the model takes an effort, not a budget (${why("thinking")})` });
  }
  const offered = (rules.efforts ?? []).filter((value) => value !== "none");
  const nearest = nearestEffort(effort, offered);
  if (nearest !== effort) {
    adjust({ param: "reasoning.effort", action: "changed", from: effort, to: nearest, reason: `the model takes ${offered.join(", ")} (${why("efforts")})` });
    effort = nearest;
  }
  return { thinking: withEffort(style, effort, rules), thinks: true };
}

function withEffort(style: "adaptive" | "effort" | "level", effort: Effort, rules: ResolvedRules["rules"]): Thinking {
  switch (style) {
    case "adaptive":
      return { type: "adaptive", effort, ...(rules.display && { display: rules.display }) };
    case "effort":
      return { type: "effort", effort };
    case "level":
      return { type: "level", level: effort };
  }
}

/** The least thinking a model that cannot stop thinking takes. */
function leastThinking(style: Exclude<ThinkingStyle, "none">, rules: ResolvedRules["rules"]): Thinking {
  if (style === "budget") return { type: "budget", budget_tokens: rules.budget_min ?? 1024 };
  if (style === "adaptive" && rules.efforts === undefined) return { type: "adaptive", ...(rules.display && { display: rules.display }) };
  return withEffort(style, lowest(rules.efforts) ?? "low", rules);
}

function describe(thinking: Thinking): unknown {
  switch (thinking.type) {
    case "budget":
      return { budget_tokens: thinking.budget_tokens };
    case "adaptive":
    case "effort":
      return thinking.effort === undefined ? "adaptive" : { effort: thinking.effort };
    case "level":
      return { effort: thinking.level };
    case "disabled":
      return "off";
  }
}

/** Nothing asked: the model's default, made visible where the model would hide its thinking. */
function defaultThinking(style: ThinkingStyle, rules: ResolvedRules["rules"]): ReasoningPlan {
  const thinks = rules.thinks_by_default === true;
  if (style === "adaptive" && thinks && rules.display !== undefined) {
    // The editor must see the thinking (and, on 5.5 models, the text between tool calls, which arrives as thinking).
    return { thinking: { type: "adaptive", display: rules.display }, thinks };
  }
  return { thinks };
}

/** Asked not to think, on a model that can stop: say so only where the model thinks unasked. */
export function offThinking(style: ThinkingStyle, rules: ResolvedRules["rules"]): ReasoningPlan {
  if (rules.thinks_by_default !== true) {
    return style === "effort" && rules.efforts?.includes("none") ? { thinking: { type: "effort", effort: "none" }, thinks: false } : { thinks: false };
  }
  switch (style) {
    case "budget":
      return { thinking: { type: "budget", budget_tokens: 0 }, thinks: false };
    case "adaptive":
      return { thinking: { type: "disabled" }, thinks: false };
    case "effort":
      return { thinking: { type: "effort", effort: "none" }, thinks: false };
    default:
      return { thinks: false };
  }
}
