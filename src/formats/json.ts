/** Small readers for provider JSON, shared by the dialects. */

export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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
