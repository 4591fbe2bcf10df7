/** Bedrock model id → model family (provider-facts §6.1 id forms). */
import { expect, test } from "bun:test";
import { bedrockModelFamily } from "../../../src/formats/bedrock-converse/family.ts";

const CASES: [id: string, family: string][] = [
  ["anthropic.claude-sonnet-4-6", "anthropic"],
  ["anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic"],
  ["us.anthropic.claude-sonnet-4-20250514-v1:0", "anthropic"],
  ["eu.anthropic.claude-3-7-sonnet-20250219-v1:0", "anthropic"],
  ["apac.anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic"],
  ["jp.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic"],
  ["au.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic"],
  ["us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic"],
  ["global.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic"],
  ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0", "anthropic"],
  ["arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-6", "anthropic"],
  ["arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:inference-profile/us-gov.anthropic.claude-3-haiku-20240307-v1:0", "anthropic"],
  ["arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6", "other"],
  ["us.amazon.nova-micro-v1:0", "nova"],
  ["us.amazon.nova-2-lite-v1:0", "nova"],
  ["amazon.titan-text-express-v1", "other"],
  ["meta.llama3-1-70b-instruct-v1:0", "llama"],
  ["us.meta.llama4-maverick-17b-instruct-v1:0", "llama"],
  ["mistral.mistral-large-2407-v1:0", "mistral"],
  ["cohere.command-r-plus-v1:0", "cohere"],
  ["us.deepseek.r1-v1:0", "deepseek"],
  ["openai.gpt-oss-120b-1:0", "other"],
  ["US.Anthropic.Claude-Sonnet-4-6", "anthropic"],
  ["", "other"],
];

test.each(CASES)("%p → %p", (id, family) => {
  expect(bedrockModelFamily(id)).toBe(family as ReturnType<typeof bedrockModelFamily>);
});
