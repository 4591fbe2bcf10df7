/**
 * The request envelope and per-action params, and their validation. Every
 * line from stdin passes through `validateRequest` before anything is sent to a
 * provider; a bad line yields an INVALID_REQUEST error that names the
 * offending field (`params.messages[2].role`), with the request id when one
 * could be read.
 *
 * An id is echoed on every line of its request, so it must survive the trip
 * exactly: a string id holding a lone UTF-16 surrogate (only a JSON escape
 * such as "\ud800" can produce one) would be written back as U+FFFD, and two
 * such ids would look alike. Such an id is refused (INVALID_REQUEST naming
 * `id`, on a line whose id is null), and so is one given to `cancel`.
 *
 * A request nests at most MAX_NESTING arrays and objects deep; deeper input
 * is refused before any code that walks it by recursion sees it.
 */
import { EFFORTS, type ChatParams, type ContentPart, type Message, type ToolDefinition } from "./chat.ts";
import type { Usage } from "./chunks.ts";
import { BridgeError } from "./errors.ts";
import { isJsonObject } from "./json.ts";

export const ACTIONS = ["ping", "list_providers", "list_models", "stream_chat", "count_tokens", "calculate_cost", "authenticate", "logout", "cancel", "refresh_catalog"] as const;
export type Action = (typeof ACTIONS)[number];

export type RequestId = string | number;

/** Per-request overrides of the HTTP layer's timers, in ms (see wire/README.md for defaults). */
export interface TimeoutOverrides {
  headers_ms?: number;
  first_content_ms?: number;
  idle_ms?: number;
}

/** Params every provider-bound action accepts. */
export interface ProviderParams {
  base_url?: string;
  credentials?: Record<string, unknown>;
  headers?: Record<string, string>;
  timeouts?: TimeoutOverrides;
  max_retries?: number;
  /** Partial-response recovery (Anthropic family); default on, `false` opts out. */
  resume?: boolean;
  /** Provider-specific options (region, project, api_version, ...), validated by the provider. */
  [key: string]: unknown;
}

export interface BaseRequest {
  id: RequestId;
  provider?: string;
  /** Overall deadline for the whole request, in ms. */
  timeout?: number;
}

export type Request =
  | (BaseRequest & { action: "ping" | "list_providers"; params: Record<string, never> })
  | (BaseRequest & { action: "list_models" | "authenticate" | "logout"; provider: string; params: ProviderParams })
  | (BaseRequest & { action: "stream_chat" | "count_tokens"; provider: string; params: ChatParams & ProviderParams })
  | (BaseRequest & { action: "calculate_cost"; provider: string; params: ProviderParams & { model: string; usage: Usage } })
  | (BaseRequest & { action: "cancel"; params: { id: RequestId } })
  | (BaseRequest & { action: "refresh_catalog"; params: { url?: string; headers?: Record<string, string> } });

const ENVELOPE_FIELDS = new Set(["id", "action", "provider", "params", "timeout"]);
const PROVIDER_COMMON = ["base_url", "credentials", "headers", "timeouts", "max_retries", "resume"];
/** Provider-specific params accepted by the validator; each provider reads the ones that concern it. */
const PROVIDER_SPECIFIC = ["api", "api_version", "region", "project", "location", "github_url", "github_api_url"];
const CHAT_FIELDS = ["model", "messages", "tools", "tool_choice", "max_tokens", "temperature", "top_p", "stop", "reasoning", "cache"];

function invalid(field: string, message: string): BridgeError {
  return new BridgeError("INVALID_REQUEST", `${field}: ${message}`, { field });
}

type Json = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function requireObject(value: unknown, field: string): Json {
  if (!isJsonObject(value)) throw invalid(field, `must be an object, got ${describe(value)}`);
  return value;
}

function requireString(value: unknown, field: string, allowEmpty = false): string {
  if (typeof value !== "string") throw invalid(field, `must be a string, got ${describe(value)}`);
  if (!allowEmpty && value.length === 0) throw invalid(field, "must not be empty");
  return value;
}

function requireNumber(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER, integer = true): number {
  if (typeof value !== "number") throw invalid(field, `must be a number, got ${describe(value)}`);
  // JSON has no infinity, but a literal beyond the double range (1e400) parses to one.
  if (!Number.isFinite(value)) throw invalid(field, `must be a finite number between ${min} and ${max}, got one too large to represent (${value})`);
  if (integer && !Number.isInteger(value)) throw invalid(field, "must be an integer");
  if (value < min || value > max) throw invalid(field, `must be between ${min} and ${max}`);
  return value;
}

function rejectUnknown(object: Json, allowed: readonly string[] | Set<string>, path: string): void {
  const known = allowed instanceof Set ? allowed : new Set(allowed);
  for (const key of Object.keys(object)) {
    if (known.has(key)) continue;
    // An empty key still needs a field name the caller can show.
    const name = key === "" ? '[""]' : key;
    throw invalid(path ? `${path}${key === "" ? "" : "."}${name}` : key === "" ? `request${name}` : key, "unknown field");
  }
}

/** RFC 9110 §5.6.2 token: what fetch accepts as a header name. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Header fields the caller adds: names and values fetch would refuse (a TypeError deep in a provider, reported
 * as INTERNAL) are refused here, naming the header. Fetch values are byte strings without NUL, CR or LF.
 */
function validateHeaders(value: unknown, field: string): void {
  const object = requireObject(value, field);
  for (const [name, item] of Object.entries(object)) {
    const path = `${field}.${name}`;
    if (!HEADER_NAME.test(name)) {
      throw invalid(path, `${JSON.stringify(name)} is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_\`|~ only)`);
    }
    const text = requireString(item, path, true);
    const bad = /[\0\r\n]|[^\0-\xff]/.exec(text);
    if (bad !== null) {
      const code = `U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
      const why = /[\0\r\n]/.test(bad[0]) ? "a line break or NUL" : "a character outside Latin-1 (percent-encode it)";
      throw invalid(path, `not a valid HTTP header value: ${code} at offset ${bad.index} is ${why}`);
    }
  }
}

/** Arrays and objects deeper than this are refused: nothing legitimate nests so far, and validation recurses. */
export const MAX_NESTING = 256;

/**
 * The path of the first array or object nested deeper than MAX_NESTING, or null. Recurses at most
 * MAX_NESTING + 1 deep, and allocates nothing per element (a 64 MiB line can hold millions).
 */
function tooDeep(value: object, depth: number, path: Array<string | number>): Array<string | number> | null {
  if (depth > MAX_NESTING) return [...path];
  const visit = (key: string | number, item: unknown): Array<string | number> | null => {
    if (typeof item !== "object" || item === null) return null;
    path.push(key);
    const found = tooDeep(item, depth + 1, path);
    path.pop();
    return found;
  };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = visit(index, value[index]);
      if (found !== null) return found;
    }
    return null;
  }
  for (const key in value) {
    const found = visit(key, (value as Json)[key]);
    if (found !== null) return found;
  }
  return null;
}

function fieldPath(path: Array<string | number>): string {
  return path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`)).join("");
}

/** True for a string holding a lone UTF-16 surrogate: it cannot be written back unchanged as UTF-8. */
function hasLoneSurrogate(text: string): boolean {
  return /\p{Cs}/u.test(text);
}

function validateProviderCommon(params: Json): void {
  if (params.base_url !== undefined) {
    const url = requireString(params.base_url, "params.base_url");
    if (!/^https?:\/\//i.test(url)) throw invalid("params.base_url", "must be an http(s) URL");
  }
  if (params.credentials !== undefined) requireObject(params.credentials, "params.credentials");
  if (params.headers !== undefined) validateHeaders(params.headers, "params.headers");
  if (params.max_retries !== undefined) requireNumber(params.max_retries, "params.max_retries", 0, 10);
  if (params.api !== undefined && params.api !== "chat" && params.api !== "responses") {
    throw invalid("params.api", 'must be "chat" or "responses"');
  }
  if (params.resume !== undefined && typeof params.resume !== "boolean") throw invalid("params.resume", "must be a boolean");
  if (params.timeouts !== undefined) {
    const timeouts = requireObject(params.timeouts, "params.timeouts");
    rejectUnknown(timeouts, ["headers_ms", "first_content_ms", "idle_ms"], "params.timeouts");
    for (const [key, value] of Object.entries(timeouts)) requireNumber(value, `params.timeouts.${key}`, 1);
  }
  for (const key of ["api_version", "region", "project", "location", "github_url", "github_api_url"]) {
    if (params[key] !== undefined) requireString(params[key], `params.${key}`);
  }
}

function validatePart(part: unknown, field: string): ContentPart {
  const object = requireObject(part, field);
  const type = requireString(object.type, `${field}.type`);
  switch (type) {
    case "text":
      rejectUnknown(object, ["type", "text", "cache"], field);
      requireString(object.text, `${field}.text`, true);
      if (object.cache !== undefined && typeof object.cache !== "boolean") throw invalid(`${field}.cache`, "must be a boolean");
      break;
    case "image":
      rejectUnknown(object, ["type", "media_type", "data"], field);
      if (!/^image\/(png|jpeg|gif|webp)$/.test(requireString(object.media_type, `${field}.media_type`))) {
        throw invalid(`${field}.media_type`, "must be image/png, image/jpeg, image/gif or image/webp");
      }
      requireString(object.data, `${field}.data`);
      break;
    case "tool_call":
      rejectUnknown(object, ["type", "id", "name", "arguments", "provider_data"], field);
      requireString(object.id, `${field}.id`);
      requireString(object.name, `${field}.name`);
      requireString(object.arguments, `${field}.arguments`, true);
      if (object.provider_data !== undefined) validateProviderData(object.provider_data, `${field}.provider_data`);
      break;
    case "tool_result":
      rejectUnknown(object, ["type", "tool_call_id", "content", "is_error"], field);
      requireString(object.tool_call_id, `${field}.tool_call_id`);
      validateContent(object.content, `${field}.content`);
      if (object.is_error !== undefined && typeof object.is_error !== "boolean") throw invalid(`${field}.is_error`, "must be a boolean");
      break;
    case "reasoning":
      rejectUnknown(object, ["type", "text", "signature", "redacted", "provider_data"], field);
      requireString(object.text, `${field}.text`, true);
      if (object.signature !== undefined) requireString(object.signature, `${field}.signature`, true);
      if (object.redacted !== undefined) requireString(object.redacted, `${field}.redacted`, true);
      if (object.provider_data !== undefined) validateProviderData(object.provider_data, `${field}.provider_data`);
      break;
    default:
      throw invalid(`${field}.type`, `unknown part type "${type}" (expected text, image, tool_call, tool_result or reasoning)`);
  }
  return object as unknown as ContentPart;
}

/** Largest `provider_data` accepted, as JSON text: far above any signature or detail list seen, small enough to stay cheap. */
export const MAX_PROVIDER_DATA_BYTES = 64 * 1024;

/** `provider_data`: the object a chunk carried, handed back verbatim; only its shape and size are checked. */
function validateProviderData(value: unknown, field: string): void {
  if (!isJsonObject(value)) throw invalid(field, `must be an object (the provider_data of the chunk, as received), got ${describe(value)}`);
  const size = new TextEncoder().encode(JSON.stringify(value)).length;
  if (size > MAX_PROVIDER_DATA_BYTES)
    throw invalid(field, `is ${size} bytes of JSON, more than the ${MAX_PROVIDER_DATA_BYTES} allowed; send back the provider_data a chunk carried, unchanged`);
}

function validateContent(content: unknown, field: string): void {
  if (typeof content === "string") return;
  if (!Array.isArray(content)) throw invalid(field, `must be a string or an array of parts, got ${describe(content)}`);
  content.forEach((part, index) => {
    validatePart(part, `${field}[${index}]`);
  });
}

const ROLES = new Set(["system", "user", "assistant", "tool"]);

function validateMessage(message: unknown, field: string): Message {
  const object = requireObject(message, field);
  rejectUnknown(object, ["role", "content", "cache"], field);
  const role = requireString(object.role, `${field}.role`);
  if (!ROLES.has(role)) throw invalid(`${field}.role`, `must be one of system, user, assistant, tool; got "${role}"`);
  validateContent(object.content, `${field}.content`);
  if (object.cache !== undefined && typeof object.cache !== "boolean") throw invalid(`${field}.cache`, "must be a boolean");
  return object as unknown as Message;
}

function validateTool(tool: unknown, field: string): ToolDefinition {
  const object = requireObject(tool, field);
  rejectUnknown(object, ["name", "description", "parameters", "strict"], field);
  const name = requireString(object.name, `${field}.name`);
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(name)) throw invalid(`${field}.name`, "must be 1-128 characters of letters, digits, _ . -");
  if (object.description !== undefined) requireString(object.description, `${field}.description`, true);
  requireObject(object.parameters, `${field}.parameters`);
  if (object.strict !== undefined && typeof object.strict !== "boolean") throw invalid(`${field}.strict`, "must be a boolean");
  return object as unknown as ToolDefinition;
}

function validateChat(params: Json, forCounting: boolean): void {
  requireString(params.model, "params.model");
  if (!Array.isArray(params.messages)) throw invalid("params.messages", `must be an array, got ${describe(params.messages)}`);
  if (params.messages.length === 0 && !forCounting) throw invalid("params.messages", "must not be empty");
  params.messages.forEach((message, index) => {
    validateMessage(message, `params.messages[${index}]`);
  });
  if (params.tools !== undefined) {
    if (!Array.isArray(params.tools)) throw invalid("params.tools", "must be an array");
    params.tools.forEach((tool, index) => {
      validateTool(tool, `params.tools[${index}]`);
    });
  }
  const choice = params.tool_choice;
  if (choice !== undefined && choice !== "auto" && choice !== "none" && choice !== "required") {
    const object = requireObject(choice, "params.tool_choice");
    rejectUnknown(object, ["name"], "params.tool_choice");
    requireString(object.name, "params.tool_choice.name");
  }
  if (params.max_tokens !== undefined) requireNumber(params.max_tokens, "params.max_tokens", 1);
  if (params.temperature !== undefined) requireNumber(params.temperature, "params.temperature", 0, 2, false);
  if (params.top_p !== undefined) requireNumber(params.top_p, "params.top_p", 0, 1, false);
  if (params.stop !== undefined) {
    if (!Array.isArray(params.stop)) throw invalid("params.stop", "must be an array of strings");
    params.stop.forEach((item, index) => {
      requireString(item, `params.stop[${index}]`);
    });
  }
  if (params.reasoning !== undefined) {
    const reasoning = requireObject(params.reasoning, "params.reasoning");
    if ("effort" in reasoning && "budget_tokens" in reasoning) {
      throw invalid("params.reasoning", 'give either "effort" or "budget_tokens", not both');
    }
    if ("effort" in reasoning) {
      rejectUnknown(reasoning, ["effort"], "params.reasoning");
      if (!(EFFORTS as readonly unknown[]).includes(reasoning.effort)) {
        throw invalid("params.reasoning.effort", `must be one of ${EFFORTS.map((e) => `"${e}"`).join(", ")}; got ${JSON.stringify(reasoning.effort)}`);
      }
    } else if ("budget_tokens" in reasoning) {
      rejectUnknown(reasoning, ["budget_tokens"], "params.reasoning");
      requireNumber(reasoning.budget_tokens, "params.reasoning.budget_tokens", 0);
    } else {
      throw invalid("params.reasoning", 'must have "effort" or "budget_tokens"');
    }
  }
  if (params.cache !== undefined && typeof params.cache !== "boolean") throw invalid("params.cache", "must be a boolean");
}

const USAGE_FIELDS = ["input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens"] as const;

function validateParams(action: Action, params: Json): void {
  switch (action) {
    case "ping":
    case "list_providers":
      rejectUnknown(params, [], "params");
      return;
    case "cancel": {
      rejectUnknown(params, ["id"], "params");
      const id = params.id;
      if (typeof id !== "string" && !(typeof id === "number" && Number.isSafeInteger(id))) {
        throw invalid("params.id", "must be the string or integer id of the request to cancel");
      }
      if (typeof id === "string" && hasLoneSurrogate(id)) throw invalid("params.id", "contains a lone UTF-16 surrogate; no request can have such an id");
      return;
    }
    case "refresh_catalog":
      rejectUnknown(params, ["url", "headers"], "params");
      if (params.url !== undefined && !/^https?:\/\//i.test(requireString(params.url, "params.url"))) throw invalid("params.url", "must be an http(s) URL");
      if (params.headers !== undefined) validateHeaders(params.headers, "params.headers");
      return;
    case "calculate_cost": {
      rejectUnknown(params, ["model", "usage", ...PROVIDER_COMMON, ...PROVIDER_SPECIFIC], "params");
      validateProviderCommon(params);
      requireString(params.model, "params.model");
      const usage = requireObject(params.usage, "params.usage");
      rejectUnknown(usage, [...USAGE_FIELDS, "estimated"], "params.usage");
      for (const key of USAGE_FIELDS) {
        if (usage[key] !== undefined) requireNumber(usage[key], `params.usage.${key}`, 0);
      }
      return;
    }
    case "list_models":
      rejectUnknown(params, [...PROVIDER_COMMON, ...PROVIDER_SPECIFIC, "include_retired"], "params");
      validateProviderCommon(params);
      if (params.include_retired !== undefined && typeof params.include_retired !== "boolean") throw invalid("params.include_retired", "must be a boolean");
      return;
    case "authenticate":
    case "logout":
      rejectUnknown(params, [...PROVIDER_COMMON, ...PROVIDER_SPECIFIC], "params");
      validateProviderCommon(params);
      return;
    case "stream_chat":
    case "count_tokens":
      rejectUnknown(params, [...CHAT_FIELDS, ...PROVIDER_COMMON, ...PROVIDER_SPECIFIC], "params");
      validateProviderCommon(params);
      validateChat(params, action === "count_tokens");
      return;
  }
}

const NEEDS_PROVIDER = new Set<Action>(["list_models", "stream_chat", "count_tokens", "calculate_cost", "authenticate", "logout"]);

/** Best-effort id of a line that failed validation, so its error can still be routed. */
export function readId(value: unknown): RequestId | null {
  if (!isJsonObject(value)) return null;
  const id = value.id;
  if (typeof id === "string" && id.length > 0 && !hasLoneSurrogate(id)) return id;
  if (typeof id === "number" && Number.isSafeInteger(id)) return id;
  return null;
}

/** Validate a parsed JSON value as a request. Throws INVALID_REQUEST naming the field. */
export function validateRequest(value: unknown): Request {
  const object = requireObject(value, "request");
  const deep = tooDeep(object, 1, []);
  if (deep !== null) {
    // The whole path can be hundreds of steps long: the field named is the request field (`params.<name>` or an
    // envelope field) and, in a list, the element, i.e. the message, tool or param at fault.
    let steps = deep[0] === "params" && typeof deep[1] === "string" ? 2 : 1;
    if (typeof deep[steps] === "number") steps++;
    const field = fieldPath(deep.slice(0, steps));
    throw invalid(field, `nested more than ${MAX_NESTING} arrays and objects deep (at ${fieldPath(deep.slice(0, 8))}${deep.length > 8 ? "…" : ""})`);
  }
  rejectUnknown(object, ENVELOPE_FIELDS, "");
  if (typeof object.id === "string" && hasLoneSurrogate(object.id)) {
    throw invalid("id", "contains a lone UTF-16 surrogate (a \\ud800-\\udfff escape without its pair), which cannot be echoed back unchanged; use well-formed Unicode");
  }
  if (readId(object) === null) throw invalid("id", "required: a non-empty string or a safe integer");
  const action = requireString(object.action, "action");
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw invalid("action", `unknown action "${action}" (expected one of ${ACTIONS.join(", ")})`);
  }
  if (object.timeout !== undefined) requireNumber(object.timeout, "timeout", 1);
  if (NEEDS_PROVIDER.has(action as Action)) requireString(object.provider, "provider");
  else if (object.provider !== undefined) requireString(object.provider, "provider");
  const params = object.params === undefined ? {} : requireObject(object.params, "params");
  validateParams(action as Action, params);
  return { ...object, params } as Request;
}

/** The request type of one action (some request shapes serve several actions). */
export type RequestOf<A extends Action> = Request extends infer R ? (R extends { action: infer X } ? (A extends X ? R & { action: A } : never) : never) : never;
