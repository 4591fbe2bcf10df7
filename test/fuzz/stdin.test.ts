/**
 * stdin fuzz run against the compiled binary (issue 6, part 4): a seeded mix
 * of random bytes, random strings, truncated and mutated valid requests, huge
 * integers, deep nesting and unicode, then a final ping. The process must
 * survive, answer every line that carries a readable id with exactly one
 * terminal line, answer every other line with an error whose id is null, and
 * exit 0 once stdin closes. Every stdout line is schema-checked by
 * run-binary.ts.
 *
 * 3,000 lines by default (the CI size, a few seconds on a 2-core machine);
 * FUZZ_FULL=1 runs the full 10,000 (also via FUZZ_LINES=n).
 */
import { describe, expect, test } from "bun:test";
import { createServer, type AddressInfo } from "node:net";
import fc from "fast-check";
import { ensureBuilt } from "../support/build.ts";
import { isTerminal, startProcess } from "../support/run-binary.ts";
import { validateRequestLine } from "../support/wire-schema.ts";

const LINES = Number(process.env.FUZZ_LINES ?? (process.env.FUZZ_FULL === "1" ? 10_000 : 3_000));
const SEED = 0x5eed6;

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The id the protocol promises to read: a non-empty string or a safe integer at the top of a JSON object. */
function readableId(line: string): string | number | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const id = (value as { id?: unknown }).id;
  if (typeof id === "string" && id.length > 0) return id;
  if (typeof id === "number" && Number.isSafeInteger(id)) return id;
  return null;
}

type Template = (id: string | number) => Record<string, unknown>;

function templates(baseUrl: string): Template[] {
  const credentials = { api_key: "sk-fuzz-0000000000000000" };
  const message = [{ role: "user", content: [{ type: "text", text: "hello fuzz" }] }];
  return [
    (id) => ({ id, action: "ping" }),
    (id) => ({ id, action: "list_providers", params: {} }),
    (id) => ({ id, action: "calculate_cost", provider: "anthropic", params: { model: "claude-sonnet-4-5", usage: { input_tokens: 1000, output_tokens: 500 } } }),
    (id) => ({ id, action: "count_tokens", provider: "openai", params: { model: "gpt-4o", messages: message } }),
    (id) => ({ id, action: "stream_chat", provider: "openai", params: { model: "gpt-4o", api: "chat", base_url: baseUrl, credentials, max_retries: 0, messages: message } }),
  ];
}

// Mutations never remove base_url or credentials and never change provider to a
// real one: a mutated line must not reach the internet.
const PROTECTED = new Set(["base_url", "credentials", "provider"]);

type Line = { kind: "bytes"; bytes: Uint8Array } | { kind: "text"; text: string };

function lineArbitrary(baseUrl: string): fc.Arbitrary<(id: string | number) => Line> {
  const all = templates(baseUrl);
  const template = fc.integer({ min: 0, max: all.length - 1 }).map((index) => all[index]!);
  const text =
    (make: (id: string | number) => string) =>
    (id: string | number): Line => ({ kind: "text", text: make(id) });
  const odd = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(null, "", -1, 0.5, 2 ** 53, [], {}, "\u2028", "🦀", "\u0000"));
  return fc.oneof(
    // Random bytes (newlines removed: one fuzz line is one stdin line).
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => () => ({ kind: "bytes", bytes: bytes.map((byte) => (byte === 10 ? 32 : byte)) }) as Line),
    // Random strings, including full unicode.
    fc
      .oneof(
        fc.string({ minLength: 1, maxLength: 200, unit: "binary" }),
        fc.string({ minLength: 1, maxLength: 200, unit: "grapheme" }),
        fc.string({ minLength: 1, maxLength: 200 }),
      )
      .map((value) => text(() => value)),
    // Random JSON values (no readable id unless by chance; expectations are computed per line).
    fc.jsonValue({ maxDepth: 4 }).map((value) => text(() => JSON.stringify(value))),
    // Valid requests.
    template.map((make) => text((id) => JSON.stringify(make(id)))),
    // Truncated valid requests.
    fc.tuple(template, fc.nat()).map(([make, cut]) =>
      text((id) => {
        const full = JSON.stringify(make(id));
        return full.slice(0, 1 + (cut % (full.length - 1)));
      }),
    ),
    // Mutated valid requests: retype or drop a field, or add an unknown one.
    fc.tuple(template, fc.nat(), fc.constantFrom("drop", "retype", "add"), odd).map(([make, pick, how, value]) =>
      text((id) => {
        const request = make(id);
        const params = (request.params ?? {}) as Record<string, unknown>;
        const targets: Array<[Record<string, unknown>, string]> = [
          ...Object.keys(request)
            .filter((key) => !PROTECTED.has(key) && key !== "id")
            .map((key): [Record<string, unknown>, string] => [request, key]),
          ...Object.keys(params)
            .filter((key) => !PROTECTED.has(key))
            .map((key): [Record<string, unknown>, string] => [params, key]),
        ];
        const [object, key] = targets[pick % targets.length]!;
        if (how === "drop") delete object[key];
        else if (how === "retype") object[key] = value;
        else object[`x_${key}`] = value;
        return JSON.stringify(request);
      }),
    ),
    // Unreadable ids on otherwise valid requests: huge, fractional, empty, wrong type.
    fc
      .tuple(template, fc.constantFrom("123456789012345678901234567890", "1e400", "-9007199254740993", "1.5", '""', "null", "[]", "{}", "true"))
      .map(([make, raw]) => text((id) => JSON.stringify(make(id)).replace(/^\{"id":(?:"[^"]*"|-?\d+)/, `{"id":${raw}`))),
    // Huge integers elsewhere.
    template.map((make) => text((id) => JSON.stringify({ ...make(id), timeout: 1 }).replace('"timeout":1', '"timeout":1234567890123456789012345678901234567890'))),
    // Deep nesting: bare (no id), and inside a request that has one.
    fc.integer({ min: 1, max: 100_000 }).map((depth) => text(() => "[".repeat(depth) + "]".repeat(depth))),
    fc.integer({ min: 1, max: 500 }).map((depth) => text((id) => `{"id":${JSON.stringify(id)},"action":"ping","params":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}`)),
    // Unicode ids and payloads.
    fc
      .tuple(template, fc.constantFrom("🦀", "日本語", "\u2028\u2029", "e\u0301", "\u0000", "\uFEFF"))
      .map(([make, suffix]) => text((id) => JSON.stringify(make(typeof id === "string" ? `${id}${suffix}` : id)))),
  );
}

describe("stdin fuzz", () => {
  test(`${LINES} random and mutated lines: the binary survives and answers every line`, async () => {
    const binary = ensureBuilt();
    const port = await closedPort();
    const makers = fc.sample(lineArbitrary(`http://127.0.0.1:${port}`), { seed: SEED, numRuns: LINES });

    const running = startProcess({}, [binary]);
    const expectedIds = new Map<string | number, number>();
    let expectedNull = 0;
    let sent = 0;
    const started = performance.now();
    const decoder = new TextDecoder();

    makers.forEach((make, index) => {
      // Unique per line; half strings, half integers.
      const line = make(index % 2 === 0 ? `f${index}` : 1_000_000 + index);
      const text = line.kind === "text" ? line.text.replaceAll("\n", " ").replaceAll("\r", " ") : decoder.decode(line.bytes);
      // The reader skips blank lines without an answer.
      if (text.trim().length === 0) return;
      const id = line.kind === "text" ? readableId(text) : null;
      if (id !== null && expectedIds.has(id)) return; // keep readable ids unique
      if (line.kind === "bytes") {
        running.child.stdin.write(line.bytes);
        running.child.stdin.write("\n");
      } else {
        let valid = true;
        try {
          validateRequestLine(text);
        } catch {
          valid = false;
        }
        running.send(text, { invalid: !valid });
      }
      if (id === null) expectedNull += 1;
      else expectedIds.set(id, 0);
      sent += 1;
    });
    running.send({ id: "final-ping", action: "ping" });
    expectedIds.set("final-ping", 0);
    sent += 1;

    const finalPing = await running.waitFor((line) => line.id === "final-ping", 60_000);
    expect(finalPing.success).toBe(true);
    running.closeStdin();
    const code = await Promise.race([running.exited, new Promise<string>((resolve) => setTimeout(() => resolve("timeout"), 30_000))]);
    const elapsed = performance.now() - started;
    expect(code, running.stderr().slice(-2000)).toBe(0);

    let nullErrors = 0;
    const unexpected: unknown[] = [];
    for (const line of running.lines) {
      if (line.id === null) {
        expect(line.success).toBe(false);
        nullErrors += 1;
        continue;
      }
      const id = line.id as string | number;
      if (!expectedIds.has(id)) {
        unexpected.push(line);
        continue;
      }
      if (isTerminal(line)) expectedIds.set(id, expectedIds.get(id)! + 1);
    }
    const wrongCount = [...expectedIds].filter(([, count]) => count !== 1);
    console.log(`stdin fuzz: ${sent} lines sent (${expectedIds.size} with an id, ${expectedNull} without), ${running.lines.length} lines answered, ${elapsed.toFixed(0)} ms`);
    expect(unexpected).toEqual([]);
    expect(wrongCount.slice(0, 20)).toEqual([]);
    expect(nullErrors).toBe(expectedNull);
    expect(running.violations).toEqual([]);
  }, 120_000);
});
