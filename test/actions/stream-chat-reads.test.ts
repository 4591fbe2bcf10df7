/**
 * stream_chat with large reads and long answers (issue 7, memory): a read
 * holding a whole answer is decoded in slices, and the text kept for a resume
 * is kept in blocks. Neither may change what is written: the same lines, the
 * terminal event still ends the answer, a multi-byte character split by a
 * slice boundary survives, and the prefill carries every delta.
 */
import { describe, expect, test } from "bun:test";
import { createHarness, terminalOf, type Line } from "../support/in-process.ts";

const KEY = "sk-ant-CANARY.not.a.key.reads";
const enc = new TextEncoder();

const sse = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const start = (): string =>
  sse("message_start", {
    message: { id: "msg_reads", type: "message", role: "assistant", model: "claude-sonnet-4-5-20250929", content: [], usage: { input_tokens: 10, output_tokens: 1 } },
  }) + sse("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
const delta = (text: string): string => sse("content_block_delta", { index: 0, delta: { type: "text_delta", text } });
const stop = (): string =>
  sse("content_block_stop", { index: 0 }) + sse("message_delta", { delta: { stop_reason: "end_turn" }, usage: { output_tokens: 7 } }) + sse("message_stop", {});

/** A fetch answering each call with the next body, every body handed over as ONE read; request bodies are kept. */
function oneReadFetch(bodies: string[], sent: string[]): typeof fetch {
  let call = 0;
  return (async (input: unknown, init?: RequestInit) => {
    sent.push(await new Request(input as string | Request, init).text());
    const bytes = enc.encode(bodies[call++] ?? "");
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
  }) as unknown as typeof fetch;
}

const request = (id: number) => ({
  id,
  action: "stream_chat",
  provider: "anthropic",
  params: { model: "claude-sonnet-4-5", base_url: "http://anthropic.invalid", credentials: { api_key: KEY }, messages: [{ role: "user", content: "Hi" }] },
});

const contentOf = (lines: Line[]): string =>
  lines
    .filter((l) => l.data?.type === "content")
    .map((l) => l.data.content as string)
    .join("");

/** Deltas of mixed width (ASCII, 2-, 3- and 4-byte UTF-8), so slice boundaries fall inside characters. */
function deltas(count: number): string[] {
  const words = ["alpha ", "ção ", "한국어 ", "😀 ", "beta, ", "\u00e9t\u00e9 "];
  return Array.from({ length: count }, (_, i) => `${words[i % words.length]}${i} `);
}

describe("stream_chat: a whole answer in one read", () => {
  test("is written in full, in order, and ends with done (body of several slices)", async () => {
    const parts = deltas(5_000);
    const body = start() + parts.map(delta).join("") + stop();
    expect(enc.encode(body).length).toBeGreaterThan(4 * 64 * 1024);
    const harness = createHarness({ fetch: oneReadFetch([body], []) });
    const lines = await harness.run(request(1));
    expect(contentOf(lines)).toBe(parts.join(""));
    expect(terminalOf(lines).data).toMatchObject({ type: "done", finish_reason: "stop" });
  });

  test("what follows the terminal event in the same read is ignored", async () => {
    const body = start() + delta("Hello") + stop() + delta("after the end").repeat(20_000);
    const harness = createHarness({ fetch: oneReadFetch([body], []) });
    const lines = await harness.run(request(2));
    expect(contentOf(lines)).toBe("Hello");
    expect(terminalOf(lines).data?.type).toBe("done");
  });
});

describe("stream_chat: a resume after a long answer", () => {
  test("the prefill carries every delta written (more than one block of them)", async () => {
    const before = deltas(1_000);
    const sent: string[] = [];
    // The first call breaks off without its terminal event (truncated): resumed with the text so far.
    const bodies = [start() + before.map(delta).join(""), start() + delta("the end.") + stop()];
    const harness = createHarness({ fetch: oneReadFetch(bodies, sent) });
    const lines = await harness.run(request(3));
    expect(sent.length).toBe(2);
    const messages = (JSON.parse(sent[1]!) as { messages: Array<{ role: string; content: unknown }> }).messages;
    const last = messages[messages.length - 1]!;
    expect(last.role).toBe("assistant");
    const prefill = typeof last.content === "string" ? last.content : (last.content as Array<{ text: string }>).map((p) => p.text).join("");
    expect(prefill).toBe(before.join("").trimEnd());
    expect(lines.filter((l) => l.data?.type === "resumed").length).toBe(1);
    expect(contentOf(lines)).toBe(`${before.join("")}the end.`);
    expect(terminalOf(lines).data?.type).toBe("done");
  });
});
