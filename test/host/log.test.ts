/**
 * Log records on stderr: every string in them redacted, nested fields, field
 * names and error cause chains included, and each record one line whatever
 * its content (issue 16, items 4 and 7).
 */
import { describe, expect, test } from "bun:test";
import { createStderrLogger, formatLogRecord } from "../../src/host/log.ts";
import { BridgeError } from "../../src/protocol/errors.ts";
import { registerSecret } from "../../src/redact.ts";
import { GOOGLE_TOKEN_CANARY } from "../support/canary.ts";

const SECRET = "log-secret-7f3a-0000";
registerSecret(SECRET);

function logged(fields: Record<string, unknown>, env: Record<string, string> = {}): string[] {
  const out: string[] = [];
  createStderrLogger(env, (text) => void out.push(text)).log("error", `failed with ${SECRET}`, fields);
  return out;
}

describe("every string of a record is redacted", () => {
  test("message, nested values, field names, error messages and causes, plain and encoded", () => {
    const cause = new Error(`socket said ${encodeURIComponent(`Bearer ${SECRET}`)}`);
    const fields = {
      id: 3,
      request: { headers: { authorization: `Basic ${btoa(`user:${SECRET}`)}` }, list: [[`deep ${SECRET}`]] },
      [SECRET]: true,
      token: GOOGLE_TOKEN_CANARY,
      error: new BridgeError("AUTH_FAILED", `key ${SECRET} refused`, { providerType: SECRET, cause }),
    };
    const [line] = logged(fields);
    expect(line).toEndWith("\n");
    const record = JSON.parse(line!);
    expect(record.message).toBe("failed with [REDACTED]");
    expect(record.request.headers.authorization).toStartWith("Basic ");
    expect(record.request.list).toEqual([["deep [REDACTED]"]]);
    expect(record["[REDACTED]"]).toBe(true);
    expect(record.token).toBe("[REDACTED]");
    expect(record.error).toEqual({ name: "BridgeError", message: "key [REDACTED] refused", code: "AUTH_FAILED", cause: { name: "Error", message: "socket said [REDACTED]" } });
    for (const form of [SECRET, btoa(`user:${SECRET}`).slice(8, 24), encodeURIComponent(SECRET)]) expect(line).not.toContain(form);
  });

  test("a JSON-escaped form of a secret cannot slip through (it is redacted before serialising)", () => {
    const pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
    registerSecret('multi\nline "quoted" secret');
    const [line] = logged({ pem, quoted: 'x multi\nline "quoted" secret y' });
    const record = JSON.parse(line!);
    expect(record.pem).toBe("[REDACTED]");
    expect(record.quoted).toBe("x [REDACTED] y");
  });
});

describe("one line per record", () => {
  test("line ends JSON.stringify leaves raw (U+0085, U+2028, U+2029) are escaped", () => {
    const [line] = logged({ text: "a\u0085b\u2028c\u2029d\ne\rf" });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the line breaks Python's str.splitlines splits on are the point of the test.
    expect(line!.slice(0, -1)).not.toMatch(/[\n\r\v\f\x1c-\x1e\u0085\u2028\u2029]/);
    expect(JSON.parse(line!).text).toBe("a\u0085b\u2028c\u2029d\ne\rf");
  });

  test("fields that cannot be serialised still give a record", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const line = formatLogRecord({ time: "t", level: "warn", message: `about ${SECRET}`, cyclic });
    const record = JSON.parse(line);
    expect(record.message).toBe("about [REDACTED]");
    expect(record.fields_unserialisable).toBeString();
  });

  test("levels below the threshold are not written", () => {
    const out: string[] = [];
    const logger = createStderrLogger({ PLUE_LOG: "error" }, (text) => void out.push(text));
    logger.log("warn", "quiet");
    logger.log("error", "loud");
    expect(out.map((line) => JSON.parse(line).message)).toEqual(["loud"]);
  });
});
