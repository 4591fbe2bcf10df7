/**
 * Section 7's AI SDK equivalent (and a section 4 cold-start contestant): the
 * `ai` core with the Anthropic and Bedrock providers our binary covers, kept
 * alive by a stdin loop that answers each line, so nothing is tree-shaken.
 */
import { createAmazonBedrock } from "@ai-sdk/amazon-bedrock";
import { createAnthropic } from "@ai-sdk/anthropic";
import { streamText } from "ai";
import { createInterface } from "node:readline";

const stack = { streamText, anthropic: createAnthropic({ apiKey: "sk-ant-CANARY.not.a.key" }), bedrock: createAmazonBedrock({ region: "us-east-1" }) };
for await (const line of createInterface({ input: process.stdin })) {
  process.stdout.write(`${JSON.stringify({ line: line.length, ready: Object.keys(stack).length })}\n`);
  if (line === "use") await stack.streamText({ model: stack.anthropic("claude-bench-model"), prompt: line }).text.then(undefined, () => "");
}
