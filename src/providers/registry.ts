/**
 * Every provider, listed explicitly (no side-effect registration): the native
 * ones, then the OpenAI-compatible presets and the user's named endpoints
 * (src/providers/compatible/).
 */
import { anthropicProvider } from "./anthropic.ts";
import { azureProvider } from "./azure.ts";
import { bedrockProvider } from "./bedrock.ts";
import { type CompatibleSpec, compatibleProviders } from "./compatible.ts";
import { copilotProvider } from "./copilot.ts";
import { googleProvider } from "./google.ts";
import { openaiProvider } from "./openai.ts";
import { vertexProvider } from "./vertex.ts";
import type { Provider } from "./types.ts";

export function createRegistry(endpoints: readonly CompatibleSpec[] = []): ReadonlyMap<string, Provider> {
  const providers: Provider[] = [anthropicProvider, openaiProvider, copilotProvider, bedrockProvider, vertexProvider, azureProvider, googleProvider];
  return new Map([...providers, ...compatibleProviders(endpoints)].map((provider) => [provider.id, provider]));
}
