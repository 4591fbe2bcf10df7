// Part of the calibration tooling (collect.ts): the billed input tokens of a recorded response.
import type { RawExchange } from "../../support/convert-shared.ts";

type Json = Record<string, unknown>;

/** Every JSON value in a response body: the whole body, SSE `data:` lines, or Bedrock event-stream payloads. */
export function responseValues(x: RawExchange): unknown[] {
  if ("bytes" in x.body) return eventStreamPayloads(x.body.bytes);
  const text = x.body.text;
  try {
    return [JSON.parse(text)];
  } catch {
    // not one JSON document: a stream
  }
  const out: unknown[] = [];
  for (const line of text.split(/\r?\n/)) {
    const data = /^data:\s?(.*)$/.exec(line)?.[1];
    if (data === undefined || data === "[DONE]") continue;
    try {
      out.push(JSON.parse(data));
    } catch {
      // a partial or non-JSON data line carries no usage
    }
  }
  return out;
}

/** application/vnd.amazon.eventstream: total length, headers length, prelude CRC, headers, payload, CRC. */
function eventStreamPayloads(bytes: Uint8Array): unknown[] {
  const out: unknown[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + 16 <= bytes.length; ) {
    const total = view.getUint32(at);
    const headers = view.getUint32(at + 4);
    const payload = new TextDecoder().decode(bytes.subarray(at + 12 + headers, at + total - 4));
    at += total;
    try {
      const value = JSON.parse(payload) as Json;
      // InvokeModel streams wrap each provider event as base64 in `bytes`.
      out.push(typeof value["bytes"] === "string" ? JSON.parse(Buffer.from(value["bytes"], "base64").toString("utf8")) : value);
    } catch {
      // an exception frame's text
    }
  }
  return out;
}

/** The largest value of each named number field anywhere in the values (streams repeat or grow them). */
function maxima(values: unknown[]): Map<string, number> {
  const found = new Map<string, number>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const item of v) walk(item);
    else if (typeof v === "object" && v !== null) {
      for (const [k, item] of Object.entries(v)) {
        if (typeof item === "number") found.set(k, Math.max(found.get(k) ?? 0, item));
        else walk(item);
      }
    }
  };
  walk(values);
  return found;
}

/**
 * Input tokens as billed. Anthropic's and Bedrock's input counts exclude
 * cache reads and writes (added back: the prompt is the sum); OpenAI's and
 * Gemini's include cached tokens already.
 */
export function billedInput(dialect: string, endpoint: "generate" | "count", values: unknown[]): number | undefined {
  const m = maxima(values);
  const positive = (n: number | undefined) => (n !== undefined && n > 0 ? n : undefined);
  switch (dialect) {
    case "anthropic": {
      const input = positive(m.get("input_tokens") ?? m.get("inputTokenCount"));
      return input === undefined ? undefined : input + (m.get("cache_creation_input_tokens") ?? 0) + (m.get("cache_read_input_tokens") ?? 0);
    }
    case "chat":
      return positive(m.get("prompt_tokens"));
    case "responses":
      return positive(m.get("input_tokens"));
    case "gemini":
      return positive(endpoint === "count" ? m.get("totalTokens") : m.get("promptTokenCount"));
    case "converse": {
      const input = positive(m.get("inputTokens"));
      return input === undefined ? undefined : input + (m.get("cacheReadInputTokens") ?? 0) + (m.get("cacheWriteInputTokens") ?? 0);
    }
    default:
      return undefined;
  }
}
