/**
 * The credential store: one JSON file (`PLUE_AUTH_FILE`, default under the
 * XDG data directory), mode 0600, rewritten atomically. Entries are opaque
 * per-provider records (`{api_key}` for key-based providers, OAuth tokens
 * for Copilot). Values read from it are registered with the redactor so
 * they can never be echoed back.
 */
import type { Deps } from "../deps.ts";
import { BridgeError } from "../protocol/errors.ts";
import { registerSecret } from "../redact.ts";

export type StoredCredentials = Record<string, unknown>;

interface StoreFile {
  version: 1;
  providers: Record<string, StoredCredentials>;
}

async function readStore(deps: Deps): Promise<StoreFile> {
  let text: string | null;
  try {
    text = await deps.files.read(deps.authFile);
  } catch (error) {
    throw new BridgeError("INTERNAL", `cannot read the credential store ${deps.authFile}`, { cause: error });
  }
  if (text === null || text.trim() === "") return { version: 1, providers: {} };
  try {
    const parsed = JSON.parse(text) as Partial<StoreFile>;
    if (typeof parsed !== "object" || parsed === null || typeof parsed.providers !== "object" || parsed.providers === null) {
      throw new Error("missing providers object");
    }
    return { version: 1, providers: parsed.providers };
  } catch (error) {
    // A damaged store must not take the process down or leak its content: say where it is and carry on without it.
    deps.log.log("warn", "credential store is unreadable; ignoring it", { path: deps.authFile, error });
    return { version: 1, providers: {} };
  }
}

export async function loadStoredCredentials(deps: Deps, provider: string): Promise<StoredCredentials | undefined> {
  const entry = (await readStore(deps)).providers[provider];
  if (entry) for (const value of Object.values(entry)) registerSecret(value);
  return entry;
}

export async function saveStoredCredentials(deps: Deps, provider: string, credentials: StoredCredentials): Promise<void> {
  const store = await readStore(deps);
  store.providers[provider] = credentials;
  try {
    await deps.files.writeAtomic(deps.authFile, `${JSON.stringify(store, null, 2)}\n`);
  } catch (error) {
    throw new BridgeError("INTERNAL", `cannot write the credential store ${deps.authFile}`, { cause: error });
  }
}

/** Returns whether there was anything to remove. */
export async function removeStoredCredentials(deps: Deps, provider: string): Promise<boolean> {
  const store = await readStore(deps);
  if (!(provider in store.providers)) return false;
  delete store.providers[provider];
  try {
    await deps.files.writeAtomic(deps.authFile, `${JSON.stringify(store, null, 2)}\n`);
  } catch (error) {
    throw new BridgeError("INTERNAL", `cannot write the credential store ${deps.authFile}`, { cause: error });
  }
  return true;
}
