/**
 * Providers whose issues have not landed yet. They are listed (so the editor
 * can show them) and answer every action with a clear error instead of
 * failing obscurely.
 */
import type { ProviderId } from "../catalog/catalog.ts";
import { BridgeError } from "../protocol/errors.ts";
import type { Provider } from "./types.ts";

export function unavailableProvider(id: ProviderId, name: string, auth: Provider["auth"]): Provider {
  const fail = async (): Promise<never> => {
    throw new BridgeError("PROVIDER_ERROR", `${id} is not available yet in this version of plue-ai-provider`, {
      retryable: false,
    });
  };
  return {
    id,
    name,
    auth,
    available: false,
    isConfigured: async () => false,
    planChat: fail,
    listModels: fail,
    countTokens: fail,
    authenticate: fail,
  };
}
