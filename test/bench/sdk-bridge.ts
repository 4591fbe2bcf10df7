/**
 * Section 3's peer: a minimal stdio bridge built on `@anthropic-ai/sdk`, as a
 * project that adopted the official SDK would write it. One JSON request per
 * stdin line (the subset of our wire request the bench sends), requests run
 * concurrently, one stdout line per delta, a `done` line at the end.
 * Compiled by run.ts with `bun build --compile --minify`, as ours is.
 */
import Anthropic from "@anthropic-ai/sdk";
import { createInterface } from "node:readline";

interface BenchRequest {
  id: number;
  action: string;
  params: { model: string; base_url: string; messages: Array<{ role: "user" | "assistant"; content: string }>; credentials: { api_key: string } };
}

const write = (id: number, data: unknown): void => {
  process.stdout.write(`${JSON.stringify({ id, success: true, streaming: true, data })}\n`);
};

async function handle(request: BenchRequest): Promise<void> {
  if (request.action === "ping") {
    process.stdout.write(`${JSON.stringify({ id: request.id, success: true, data: { pong: true } })}\n`);
    return;
  }
  const { params } = request;
  const client = new Anthropic({ apiKey: params.credentials.api_key, baseURL: params.base_url, maxRetries: 0 });
  try {
    const stream = await client.messages.create({ model: params.model, max_tokens: 4096, messages: params.messages, stream: true });
    let finish = "other";
    for await (const event of stream) {
      if (event.type === "content_block_delta") {
        const delta = event.delta;
        if (delta.type === "text_delta") write(request.id, { type: "content", content: delta.text });
        else if (delta.type === "thinking_delta") write(request.id, { type: "reasoning", content: delta.thinking });
        else if (delta.type === "input_json_delta") write(request.id, { type: "tool_call_delta", index: event.index, arguments_delta: delta.partial_json });
      } else if (event.type === "message_delta") {
        finish = event.delta.stop_reason ?? finish;
      }
    }
    write(request.id, { type: "done", finish_reason: finish });
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ id: request.id, success: false, error: { code: "PROVIDER_ERROR", message: String(error) } })}\n`);
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== "") void handle(JSON.parse(line) as BenchRequest);
}
