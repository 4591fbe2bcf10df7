/** The six providers, listed explicitly (no side-effect registration). */
import { anthropicProvider } from "./anthropic.ts";
import { openaiProvider } from "./openai.ts";
import type { Provider } from "./types.ts";
import { unavailableProvider } from "./unavailable.ts";

export function createRegistry(): ReadonlyMap<string, Provider> {
  const providers: Provider[] = [
    anthropicProvider,
    openaiProvider,
    unavailableProvider("copilot", "GitHub Copilot", "oauth_device"),
    unavailableProvider("bedrock", "AWS Bedrock", "aws"),
    unavailableProvider("vertex", "Google Vertex AI", "google"),
    unavailableProvider("azure", "Azure OpenAI", "api_key"),
  ];
  return new Map(providers.map((provider) => [provider.id, provider]));
}
