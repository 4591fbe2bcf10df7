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

/** What the store file holds: entries, or the reason it cannot be read as a store. */
async function readStore(deps: Deps): Promise<StoreFile | { damaged: string }> {
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
    // Never echo the content: it holds secrets.
    return { damaged: error instanceof SyntaxError ? "not valid JSON" : (error as Error).message };
  }
}

/** Reading carries on without a damaged store (credentials elsewhere still work); the problem is logged. */
async function readStoreForUse(deps: Deps): Promise<StoreFile> {
  const store = await readStore(deps);
  if ("damaged" in store) {
    deps.log.log("warn", "credential store is unreadable; ignoring it", { path: deps.authFile, problem: store.damaged });
    return { version: 1, providers: {} };
  }
  return store;
}

/**
 * Read, change and write the store under the cross-process lock, so two
 * editor windows saving at once both keep their entries. A damaged store is
 * never overwritten: the user may want what is in it.
 */
async function updateStore(deps: Deps, change: (store: StoreFile) => boolean): Promise<boolean> {
  const work = async (): Promise<boolean> => {
    const store = await readStore(deps);
    if ("damaged" in store) {
      throw new BridgeError("INTERNAL", `the credential store ${deps.authFile} is damaged (${store.damaged}); fix or remove it, then try again`);
    }
    if (!change(store)) return false;
    try {
      await deps.files.writeAtomic(deps.authFile, `${JSON.stringify(store, null, 2)}\n`);
    } catch (error) {
      throw new BridgeError("INTERNAL", `cannot write the credential store ${deps.authFile}`, { cause: error });
    }
    return true;
  };
  try {
    return await (deps.files.withLock ? deps.files.withLock(deps.authFile, work) : work());
  } catch (error) {
    if (error instanceof BridgeError) throw error;
    throw new BridgeError("INTERNAL", `cannot lock the credential store ${deps.authFile}: ${(error as Error).message}`, { cause: error });
  }
}

export async function loadStoredCredentials(deps: Deps, provider: string): Promise<StoredCredentials | undefined> {
  const entry = (await readStoreForUse(deps)).providers[provider];
  if (entry) for (const value of Object.values(entry)) registerSecret(value);
  return entry;
}

export async function saveStoredCredentials(deps: Deps, provider: string, credentials: StoredCredentials): Promise<void> {
  await updateStore(deps, (store) => {
    store.providers[provider] = credentials;
    return true;
  });
}

/** Returns whether there was anything to remove. */
export async function removeStoredCredentials(deps: Deps, provider: string): Promise<boolean> {
  return updateStore(deps, (store) => {
    if (!(provider in store.providers)) return false;
    delete store.providers[provider];
    return true;
  });
}

/**
 * Change one provider's entry under the lock, from what the store holds at
 * that moment (another process may have changed it since we read it).
 * `change` returns the new entry, or undefined to leave the store as it is.
 */
export async function updateStoredCredentials(
  deps: Deps,
  provider: string,
  change: (current: StoredCredentials | undefined) => StoredCredentials | undefined,
): Promise<void> {
  await updateStore(deps, (store) => {
    const next = change(store.providers[provider]);
    if (next === undefined) return false;
    store.providers[provider] = next;
    return true;
  });
}
