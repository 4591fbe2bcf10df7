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
