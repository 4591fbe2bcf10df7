/**
 * Every wire/conformance transcript, run against the compiled binary over
 * loopback replays (format: wire/conformance/README.md). Each line both
 * sides write is also checked against the wire schema by run-binary.ts.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import responseSchema from "../../wire/schema/response.schema.json" with { type: "json" };
import { ERROR_CODES } from "../../src/protocol/errors.ts";
import { ACTIONS } from "../../src/protocol/request.ts";
import { ensureBuilt } from "../support/build.ts";
import { serializeCassette } from "../support/cassette.ts";
import { ROOT } from "../support/run-binary.ts";
import { loadTranscript, runTranscript } from "../support/transcript.ts";
import { CONFORMANCE_CASSETTES, conformanceCassettes } from "./conformance-cassettes.ts";

const DIR = join(ROOT, "wire", "conformance");
const FILES = readdirSync(DIR)
  .filter((name) => name.endsWith(".ndjson"))
  .sort();

let binary = "";
beforeAll(() => {
  binary = ensureBuilt();
}, 120_000);

describe("conformance transcripts against dist/plue-ai-provider", () => {
  test.each(FILES)(
    "%s",
    async (file) => {
      await runTranscript(loadTranscript(join(DIR, file)), [binary]);
    },
    30_000,
  );
});

/** What the transcripts exercise, read from the lines they send and the patterns the executable's lines must match. */
function coverage(): { actions: Set<string>; chunks: Set<string>; codes: Set<string> } {
  const actions = new Set<string>();
  const chunks = new Set<string>();
  const codes = new Set<string>();
  for (const file of FILES) {
    for (const line of loadTranscript(join(DIR, file)).lines) {
      const step = JSON.parse(line) as Record<string, any>;
      let request: any = step.send;
      if (typeof step.send_raw === "string") {
        try {
          request = JSON.parse(step.send_raw);
        } catch {
          request = undefined;
        }
      }
      if (typeof request?.action === "string") actions.add(request.action);
      if (typeof step.expect?.data?.type === "string" && step.expect.streaming === true) chunks.add(step.expect.data.type);
      if (typeof step.expect_text?.type === "string") chunks.add(step.expect_text.type);
      if (typeof step.expect?.error?.code === "string") codes.add(step.expect.error.code);
    }
  }
  return { actions, chunks, codes };
}

// Not reachable offline in this version, each for a reason written in wire/conformance/README.md.
const UNREACHABLE_CHUNKS: string[] = [];
const UNREACHABLE_CODES: string[] = ["INTERNAL"];

describe("coverage", () => {
  const { actions, chunks, codes } = coverage();
  test("every action is sent", () => {
    expect([...ACTIONS].filter((action) => !actions.has(action))).toEqual([]);
  });
  test("every chunk type is expected, except those that cannot be provoked offline", () => {
    const all = (responseSchema as any).$defs.chunk.properties.type.enum as string[];
    expect(all.filter((type) => !chunks.has(type))).toEqual(UNREACHABLE_CHUNKS);
  });
  test("every error code is expected, except INTERNAL", () => {
    expect(ERROR_CODES.filter((code) => !codes.has(code)) as string[]).toEqual(UNREACHABLE_CODES);
  });
});

describe("conformance cassettes", () => {
  test.each(Object.keys(conformanceCassettes()))("%s is what test/wire/conformance-cassettes.ts writes", (name) => {
    expect(readFileSync(join(CONFORMANCE_CASSETTES, name), "utf8")).toBe(serializeCassette(conformanceCassettes()[name]!));
  });
});
