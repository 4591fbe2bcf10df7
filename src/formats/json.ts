/** Small readers and writers of provider JSON, shared by the dialects. */
import { BridgeError } from "../protocol/errors.ts";
import { asJsonObject, isJsonObject, type JsonObject } from "../protocol/json.ts";

export type { JsonObject };

/** The dialects' name for protocol/json.ts's one object test. */
export const isRecord = isJsonObject;

/** A finite number of zero or more (a count, a price), else undefined. */
export function amount(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * An event's JSON payload when its text names `marker`, for a watcher beside
 * a dialect mapper (Copilot's billing, a reported cost): text deltas, which
 * never name it, are not parsed a second time. Undefined for anything else,
 * malformed JSON included: the dialect mapper reports that itself.
 */
export function payloadNaming(data: string, marker: string): JsonObject | undefined {
  if (!data.includes(marker)) return undefined;
  try {
    return asJsonObject(JSON.parse(data));
  } catch {
    return undefined;
  }
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Parse an error body: `undefined` when it is empty or not JSON (HTML pages, plain text). */
export function parseJsonBody(body: string): unknown {
  const text = body.trim();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A short plain-text error body is the message itself; markup, JSON and long bodies are not. */
export function plainTextMessage(body: string): string | undefined {
  const text = body.trim();
  if (text === "" || text.startsWith("<") || text.startsWith("{") || text.startsWith("[") || text.length > 500) return undefined;
  return text;
}

/** A short description of a body that had no usable error in it (empty, HTML page). */
export function describeBody(status: number, body: string): string {
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1]?.trim();
  if (title !== undefined && title !== "") return `HTTP ${status}: ${title}`;
  return `HTTP ${status}`;
}

/** An INVALID_REQUEST naming the request field at fault. */
export function invalidField(field: string, why: string): BridgeError {
  return new BridgeError("INVALID_REQUEST", `${field}: ${why}`, { field });
}

/** Tool-call arguments arrive as JSON text; the providers want the object. */
export function parseToolArguments(text: string, field: string): JsonObject {
  // A call without parameters may come with no argument text at all.
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new BridgeError("INVALID_REQUEST", `${field} is not valid JSON`, { field, cause });
  }
  if (!isRecord(value)) throw invalidField(field, "tool call arguments must be a JSON object");
  return value;
}
