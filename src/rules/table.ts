/**
 * The rules table (src/catalog/rules.json, kept with the model catalog) and
 * its resolution for one request: every rule whose match fits, in file
 * order, each overriding the fields the earlier ones set. So the table goes
 * from the general (a dialect's limits) to the particular (one model), and a
 * model the table does not name gets its family's rules.
 *
 * `parseRules` checks a table field by field, so a table from elsewhere (the
 * catalog override file) is taken whole or refused with the reason.
 */
import data from "../catalog/rules.json" with { type: "json" };
import { findModel, type ProviderId } from "../catalog/catalog.ts";
import { EFFORTS } from "../protocol/chat.ts";
import { isJsonObject } from "../protocol/json.ts";
import { globRegex, inVersionRange, modelKey, modelVersion } from "./model-key.ts";
import { DIALECTS, DROPPABLE, THINKING_STYLES, type Dialect, type ModelRules, type ResolvedRules, type Rule, type RuleField } from "./types.ts";

function stringList(value: unknown, where: string, allowed?: readonly string[]): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((item) => typeof item === "string" && item !== "")) {
    throw new Error(`${where}: must be a non-empty array of strings`);
  }
  if (allowed !== undefined) {
    const bad = value.find((item) => !allowed.includes(item));
    if (bad !== undefined) throw new Error(`${where}: ${JSON.stringify(bad)} is not one of ${allowed.join(", ")}`);
  }
  return value;
}

/** How each ModelRules field is checked: one table, so a new field is one line here and one in types.ts. */
const FIELD_CHECKS: Record<RuleField, (value: unknown, where: string) => void> = {
  thinking: (v, w) => void stringList([v], w, THINKING_STYLES),
  efforts: (v, w) => void stringList(v, w, EFFORTS),
  budget_min: count,
  budget_max: count,
  budget_below_max_tokens: flag,
  accepts_budget: flag,
  thinking_off: flag,
  thinks_by_default: flag,
  effort_with_tools: flag,
  display: (v, w) => void stringList([v], w, ["summarized"]),
  drop: (v, w) => void stringList(v, w, DROPPABLE),
  drop_while_thinking: (v, w) => void stringList(v, w, DROPPABLE),
  top_p_min_while_thinking: (v, w) => void number(v, w, 0, 1),
  temperature_max: (v, w) => void number(v, w, 0, 2),
  max_stop: count,
  min_max_tokens: count,
  forced_tool_choice: flag,
  forced_tool_choice_while_thinking: flag,
  forced_tool_choice_with_adaptive: flag,
  prefill: flag,
  prefill_trim: flag,
  tool_loop_needs_signed_thinking: flag,
  first_turn_user: flag,
  tool_name_chars: (v, w) => {
    if (typeof v !== "string" || !/^[A-Za-z0-9_.:-]+$/.test(v)) throw new Error(`${w}: must be character-class text such as "A-Za-z0-9_-"`);
  },
  tool_name_max: (v, w) => void number(v, w, 16, 1024),
  tool_call_signatures: flag,
  tool_call_ids: (v, w) => void stringList([v], w, ["alnum9"]),
  reasoning_format: (v, w) => void stringList([v], w, ["parsed"]),
  cache_points: flag,
  tool_result_status: flag,
  image_types: (v, w) => void stringList(v, w),
  vertex_location: (v, w) => {
    if (typeof v !== "string" || !/^[a-z0-9-]+$/.test(v)) throw new Error(`${w}: must be a Vertex location such as "global"`);
  },
};

function flag(value: unknown, where: string): void {
  if (typeof value !== "boolean") throw new Error(`${where}: must be true or false`);
}

function number(value: unknown, where: string, min: number, max: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) throw new Error(`${where}: must be a number from ${min} to ${max}`);
}

function count(value: unknown, where: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new Error(`${where}: must be a non-negative integer`);
}

/** A rules table as data → rules, or an Error saying which field of which rule is wrong. */
export function parseRules(value: unknown, where = "rules"): Rule[] {
  if (!Array.isArray(value)) throw new Error(`${where}: must be an array`);
  return value.map((item, i) => {
    const at = `${where}[${i}]`;
    if (!isJsonObject(item)) throw new Error(`${at}: must be an object`);
    if (typeof item.id !== "string" || item.id === "") throw new Error(`${at}.id: must be a non-empty string`);
    if (typeof item.source !== "string" || item.source.length < 8) throw new Error(`${at}.source: must name the rule's public source`);
    if (!isJsonObject(item.match)) throw new Error(`${at}.match: must be an object`);
    if (!isJsonObject(item.set) || Object.keys(item.set).length === 0) throw new Error(`${at}.set: must be a non-empty object`);
    const match = item.match;
    for (const key of Object.keys(match)) {
      if (!["provider", "dialect", "model", "version"].includes(key)) throw new Error(`${at}.match.${key}: unknown field`);
    }
    if (match.provider !== undefined) stringList(match.provider, `${at}.match.provider`);
    if (match.dialect !== undefined) stringList(match.dialect, `${at}.match.dialect`, DIALECTS);
    if (match.model !== undefined) stringList(match.model, `${at}.match.model`);
    if (match.version !== undefined) {
      if (typeof match.version !== "string") throw new Error(`${at}.match.version: must be a string such as ">=4.6"`);
      try {
        inVersionRange([0, 0], match.version);
      } catch (error) {
        throw new Error(`${at}.match.version: ${(error as Error).message}`);
      }
    }
    for (const [field, fieldValue] of Object.entries(item.set)) {
      const check = FIELD_CHECKS[field as RuleField];
      if (check === undefined) throw new Error(`${at}.set.${field}: unknown rule field`);
      check(fieldValue, `${at}.set.${field}`);
    }
    return item as unknown as Rule;
  });
}

interface CompiledRule {
  rule: Rule;
  models?: RegExp[];
}

let bundled: CompiledRule[] | undefined;
let extra: CompiledRule[] = [];
let combined: CompiledRule[] | undefined;

function compile(rules: Rule[]): CompiledRule[] {
  return rules.map((rule) => (rule.match.model === undefined ? { rule } : { rule, models: rule.match.model.map(globRegex) }));
}

function table(): CompiledRule[] {
  bundled ??= compile(parseRules((data as { rules: unknown }).rules, "src/catalog/rules.json rules"));
  // Joined once per setExtraRules, not on every request.
  combined ??= extra.length === 0 ? bundled : [...bundled, ...extra];
  return combined;
}

/** Rules to apply after the bundled ones (the catalog override file); replaces any set before. */
export function setExtraRules(rules: Rule[]): void {
  extra = compile(rules);
  combined = undefined;
}

/** The bundled table as written (for tests and documentation). */
export function bundledRules(): readonly Rule[] {
  table();
  return bundled!.map((compiled) => compiled.rule);
}

/** The source the catalog gives for a model's capabilities: its price source, the one provenance an entry has. */
const CATALOG_NO_REASONING: Rule = {
  id: "catalog: model does not reason",
  match: {},
  set: { thinking: "none" },
  source: "src/catalog/models.json capabilities.reasoning = false",
};

/** The rules for one model on one provider and dialect. */
export function resolveRules(provider: string, dialect: Dialect, modelId: string): ResolvedRules {
  const key = modelKey(modelId);
  const version = modelVersion(key);
  const rules: ModelRules = {};
  const from: ResolvedRules["from"] = {};
  const apply = (rule: Rule): void => {
    for (const [field, value] of Object.entries(rule.set)) {
      (rules as Record<string, unknown>)[field] = value;
      from[field as RuleField] = rule;
    }
  };
  for (const { rule, models } of table()) {
    const { match } = rule;
    if (match.provider !== undefined && !match.provider.includes(provider)) continue;
    if (match.dialect !== undefined && !match.dialect.includes(dialect)) continue;
    if (models !== undefined && !models.some((glob) => glob.test(key))) continue;
    if (match.version !== undefined && !inVersionRange(version, match.version)) continue;
    apply(rule);
  }
  // The catalog knows per model whether it reasons; that beats any family pattern.
  const entry = findModel(provider as ProviderId, modelId);
  if (entry !== undefined && !entry.capabilities.reasoning) apply(CATALOG_NO_REASONING);
  return { rules, from };
}
