/**
 * Which model family a Bedrock model id belongs to. Converse is one request
 * shape for every vendor, but what a request may carry is not: Claude's
 * thinking goes in `additionalModelRequestFields`, only some families accept
 * `cachePoint` blocks or a tool result `status`.
 *
 * Ids come as foundation-model ids (`anthropic.claude-sonnet-4-6`),
 * cross-Region inference profile ids (a geography prefix, provider-facts §6.1:
 * `us.anthropic.claude-…`, `global.anthropic.claude-…`) or ARNs of either
 * (`arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-…`).
 * An application inference profile ARN ends in an opaque id and says nothing
 * about the model: `other`.
 */
export type BedrockModelFamily = "anthropic" | "nova" | "llama" | "mistral" | "cohere" | "deepseek" | "other";

const GEOGRAPHY_PREFIXES = ["us-gov.", "us.", "eu.", "apac.", "jp.", "au.", "global."];

const VENDOR_PREFIXES: [prefix: string, family: BedrockModelFamily][] = [
  ["anthropic.", "anthropic"],
  ["amazon.nova", "nova"],
  ["meta.", "llama"],
  ["mistral.", "mistral"],
  ["cohere.", "cohere"],
  ["deepseek.", "deepseek"],
];

export function bedrockModelFamily(modelId: string): BedrockModelFamily {
  let id = modelId.trim().toLowerCase();
  // arn:<partition>:bedrock:<region>:<account>:<resource-type>/<id>
  if (id.startsWith("arn:")) id = id.slice(id.lastIndexOf("/") + 1);
  const geography = GEOGRAPHY_PREFIXES.find((prefix) => id.startsWith(prefix));
  if (geography !== undefined) id = id.slice(geography.length);
  for (const [prefix, family] of VENDOR_PREFIXES) if (id.startsWith(prefix)) return family;
  return "other";
}
