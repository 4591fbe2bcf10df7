/**
 * Section 7's official-SDK equivalent (and a section 4 cold-start
 * contestant): `@anthropic-ai/sdk`, `openai` and
 * `@aws-sdk/client-bedrock-runtime`, kept alive by a stdin loop.
 */
import Anthropic from "@anthropic-ai/sdk";
import { BedrockRuntimeClient, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import OpenAI from "openai";
import { createInterface } from "node:readline";

const stack = {
  anthropic: new Anthropic({ apiKey: "sk-ant-CANARY.not.a.key" }),
  openai: new OpenAI({ apiKey: "sk-proj-CANARY.not.a.key" }),
  bedrock: new BedrockRuntimeClient({ region: "us-east-1" }),
};
for await (const line of createInterface({ input: process.stdin })) {
  process.stdout.write(`${JSON.stringify({ line: line.length, ready: Object.keys(stack).length })}\n`);
  if (line === "use") await stack.bedrock.send(new ConverseStreamCommand({ modelId: "m", messages: [] })).catch(() => undefined);
}
