/**
 * The in-process contestants of sections 1 (SSE) and 2 (event-stream). Each
 * takes the same chunk array, delivered through the same pull-based
 * ReadableStream one network chunk per read (as fetch delivers a body), and
 * returns how many events it produced. `tick` is called once per chunk so the
 * worker can sample RSS on every path alike.
 *
 * "Ours" goes all the way to unified chunks the way src/actions/stream-chat.ts
 * drives it: decoder.feed per read, mapper.map per event into one array per read.
 */
import { createAnthropic } from "@ai-sdk/anthropic";
import { createAmazonBedrock } from "@ai-sdk/amazon-bedrock";
import Anthropic from "@anthropic-ai/sdk";
import { BedrockRuntimeClient, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { createParser } from "eventsource-parser";
import { Readable } from "node:stream";
import { crc32 } from "../../src/decode/crc32.ts";
import { createBedrockStreamDecoder, createSseStreamDecoder } from "../../src/decode/stream-decoder.ts";
import { anthropicMessagesFormat } from "../../src/formats/anthropic-messages/index.ts";
import { bedrockConverseFormat } from "../../src/formats/bedrock-converse/index.ts";
import type { StreamEvent } from "../../src/protocol/chunks.ts";

export type Tick = () => void;
export type Contestant = (chunks: Uint8Array[], tick: Tick) => Promise<number>;

export function bodyStream(chunks: Uint8Array[], tick: Tick): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        tick();
        const chunk = chunks[i++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
}

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8" };
const ES_HEADERS = { "content-type": "application/vnd.amazon.eventstream" };
const CANARY_KEY = "sk-ant-CANARY.not.a.key.bench";
const AWS_FAKE = { accessKeyId: "AKIDCANARYBENCH", secretAccessKey: "bench/not/a/secret/AKID" };
const PROMPT = [{ role: "user" as const, content: [{ type: "text" as const, text: "Hi" }] }];

/** Ours: the stream-chat loop without the I/O — decode per read, map per event, one output array per read. */
async function oursLoop<E>(chunks: Uint8Array[], tick: Tick, decoder: { feed(c: Uint8Array): E[]; end(): E[] }, mapper: { map(e: E, out: StreamEvent[]): void }): Promise<number> {
  const reader = bodyStream(chunks, tick).getReader();
  const out: StreamEvent[] = [];
  let count = 0;
  for (;;) {
    const result = await reader.read();
    const decoded = result.done ? decoder.end() : decoder.feed(result.value);
    for (const event of decoded) mapper.map(event, out);
    count += out.length;
    out.length = 0;
    if (result.done) return count;
  }
}

export const SSE_CONTESTANTS: Record<string, Contestant> = {
  ours: (chunks, tick) => oursLoop(chunks, tick, createSseStreamDecoder(), anthropicMessagesFormat.createMapper()),

  /** The lower bound L: TextDecoder, newline split, JSON.parse of each data line; no event assembly, no mapping. */
  "lower-bound": async (chunks, tick) => {
    const reader = bodyStream(chunks, tick).getReader();
    const decoder = new TextDecoder();
    let rest = "";
    let count = 0;
    for (;;) {
      const result = await reader.read();
      const text = rest + (result.done ? decoder.decode() : decoder.decode(result.value, { stream: true }));
      const lines = text.split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("data:")) {
          JSON.parse(line.slice(5));
          count++;
        }
      }
      if (result.done) return count;
    }
  },

  "eventsource-parser": async (chunks, tick) => {
    const reader = bodyStream(chunks, tick).getReader();
    const decoder = new TextDecoder();
    let count = 0;
    const parser = createParser({
      onEvent(event) {
        JSON.parse(event.data);
        count++;
      },
    });
    for (;;) {
      const result = await reader.read();
      if (result.done) {
        parser.feed(decoder.decode());
        return count;
      }
      parser.feed(decoder.decode(result.value, { stream: true }));
    }
  },

  "@anthropic-ai/sdk": async (chunks, tick) => {
    const client = new Anthropic({
      apiKey: CANARY_KEY,
      maxRetries: 0,
      fetch: async () => new Response(bodyStream(chunks, tick), { headers: SSE_HEADERS }),
    });
    const stream = await client.messages.create({ model: "claude-bench-model", max_tokens: 1024, messages: [{ role: "user", content: "Hi" }], stream: true });
    let count = 0;
    for await (const _event of stream) count++;
    return count;
  },

  "@ai-sdk/anthropic": async (chunks, tick) => {
    const provider = createAnthropic({
      apiKey: CANARY_KEY,
      fetch: (async () => new Response(bodyStream(chunks, tick), { headers: SSE_HEADERS })) as unknown as typeof fetch,
    });
    const { stream } = await provider("claude-bench-model").doStream({ prompt: PROMPT });
    return countParts(stream);
  },
};

async function countParts(stream: ReadableStream<unknown>): Promise<number> {
  const reader = stream.getReader();
  let count = 0;
  for (;;) {
    const result = await reader.read();
    if (result.done) return count;
    count++;
  }
}

async function* chunkIterable(chunks: Uint8Array[], tick: Tick): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) {
    tick();
    yield chunk;
  }
}

export const ES_CONTESTANTS: Record<string, Contestant> = {
  ours: (chunks, tick) => oursLoop(chunks, tick, createBedrockStreamDecoder(), bedrockConverseFormat.createMapper()),

  /** The lower bound: one CRC-32 pass over every byte, nothing else. */
  "lower-bound": async (chunks, tick) => {
    const reader = bodyStream(chunks, tick).getReader();
    let crc = 0;
    for (;;) {
      const result = await reader.read();
      if (result.done) return crc === 0x12345678 ? 1 : 0;
      crc = crc32(result.value, crc);
    }
  },

  /**
   * The codec AWS SDKs use (its `decode` takes one whole message, so messages
   * are cut at each prelude's total length first, as the SDK's
   * getChunkedStream does), plus what any consumer must do next: read
   * :event-type, JSON.parse the payload.
   */
  "@smithy/eventstream-codec": async (chunks, tick) => {
    const reader = bodyStream(chunks, tick).getReader();
    const codec = new EventStreamCodec(toUtf8, fromUtf8);
    let pending = new Uint8Array(0);
    let count = 0;
    for (;;) {
      const result = await reader.read();
      if (result.done) {
        if (pending.length !== 0) throw new Error("truncated");
        return count;
      }
      let bytes: Uint8Array = result.value;
      if (pending.length !== 0) {
        const joined = new Uint8Array(pending.length + bytes.length);
        joined.set(pending);
        joined.set(bytes, pending.length);
        bytes = joined;
      }
      let at = 0;
      while (bytes.length - at >= 4) {
        const total = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0);
        if (bytes.length - at < total) break;
        const message = codec.decode(bytes.subarray(at, at + total));
        const type = message.headers[":event-type"]?.value;
        if (typeof type !== "string") throw new Error("no :event-type");
        JSON.parse(toUtf8(message.body));
        count++;
        at += total;
      }
      pending = bytes.slice(at);
    }
  },

  "@aws-sdk/client-bedrock-runtime": async (chunks, tick) => {
    const client = new BedrockRuntimeClient({
      region: "us-east-1",
      credentials: AWS_FAKE,
      maxAttempts: 1,
      requestHandler: {
        handle: async () => ({
          response: { statusCode: 200, reason: "OK", headers: ES_HEADERS, body: Readable.from(chunkIterable(chunks, tick)) },
        }),
        updateHttpClientConfig: () => {},
        httpHandlerConfigs: () => ({}),
      } as never,
    });
    const response = await client.send(new ConverseStreamCommand({ modelId: "amazon.nova-micro-v1:0", messages: [{ role: "user", content: [{ text: "Hi" }] }] }));
    let count = 0;
    for await (const _event of response.stream ?? []) count++;
    return count;
  },

  "@ai-sdk/amazon-bedrock": async (chunks, tick) => {
    const provider = createAmazonBedrock({
      region: "us-east-1",
      ...AWS_FAKE,
      fetch: (async () => new Response(bodyStream(chunks, tick), { headers: ES_HEADERS })) as unknown as typeof fetch,
    });
    const { stream } = await provider("amazon.nova-micro-v1:0").doStream({ prompt: PROMPT });
    return countParts(stream);
  },
};
