/**
 * The credential store: one JSON file (`PLUE_AUTH_FILE`, default under the
 * XDG data directory), mode 0600, rewritten atomically. Entries are opaque
 * per-provider records (`{api_key}` for key-based providers, OAuth tokens
 * for Copilot). Values read from it are registered with the redactor so
 * they can never be echoed back.
 *
 * The store path must be a regular file. A symbolic link there is refused,
 * never followed: reading through it and then replacing it with a plain file
 * (rename) would silently part the two, and writing through it would put
 * secrets wherever the link points; PLUE_AUTH_FILE names another place
 * plainly. A store others may read is set to 0600 when read (and logged,
 * or reported when its mode cannot be changed). A UTF-8 byte-order mark is
 * accepted. A store that cannot be used (damaged JSON, `providers` not an
 * object, a directory, a link) is ignored with a warning by every reader, so
 * other credentials and `list_providers` still work, and is never
 * overwritten: `authenticate` and `logout` refuse and say why.
 */
import { FILE_REFUSED, type Deps } from "../deps.ts";
import { BridgeError } from "../protocol/errors.ts";
import { isJsonObject } from "../protocol/json.ts";
import { registerSecret } from "../redact.ts";

export type StoredCredentials = Record<string, unknown>;

interface StoreFile {
  version: 1;
  providers: Record<string, StoredCredentials>;
}

/** Why the file at the store path is not a store we can use: its JSON (`damaged`) or the file itself (`unusable`). */
type StoreProblem = { damaged: string } | { unusable: string };

/** What the store file holds: entries, or the reason it cannot be used as a store. */
async function readStore(deps: Deps, signal?: AbortSignal): Promise<StoreFile | StoreProblem> {
  let text: string | null;
  try {
    // The host's default limit (16 MiB), not CREDENTIAL_FILE_MAX_BYTES: this program writes the store, and
    // test/reliability/store-crash.test.ts pads it to 3 MiB so that its kills land mid-write.
    text = await deps.files.read(deps.authFile, {
      owned: { onLoosePermissions: (mode, fixed) => reportLoosePermissions(deps, mode, fixed) },
      ...(signal !== undefined && { signal }),
    });
  } catch (error) {
    // TIMEOUT or CANCELLED, naming the store.
    if (error instanceof BridgeError) throw error;
    if ((error as { code?: unknown } | null)?.code === FILE_REFUSED) return { unusable: (error as Error).message };
    throw new BridgeError("INTERNAL", `cannot read the credential store ${deps.authFile}`, { cause: error });
  }
  if (text === null) return { version: 1, providers: {} };
  text = text.replace(/^\uFEFF/, "");
  if (text.trim() === "") return { version: 1, providers: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Never echo the content (nor the parser's excerpt of it): it holds secrets.
    return { damaged: "not valid JSON" };
  }
  if (!isJsonObject(parsed)) return { damaged: "not a JSON object" };
  const providers = (parsed as { providers?: unknown }).providers;
  if (typeof providers !== "object" || providers === null) return { damaged: "missing providers object" };
  // An array here would take a provider's entry as a property and JSON.stringify would drop it: stored, then lost.
  if (Array.isArray(providers)) return { damaged: "providers is an array, not an object keyed by provider" };
  for (const [name, entry] of Object.entries(providers)) {
    if (!isJsonObject(entry)) return { damaged: `providers.${name} is not an object` };
  }
  return { version: 1, providers: providers as Record<string, StoredCredentials> };
}

function reportLoosePermissions(deps: Deps, mode: number, fixed: boolean): void {
  const found = `0${mode.toString(8)}`;
  if (fixed) deps.log.log("warn", "the credential store was readable by others; its mode is now 0600", { path: deps.authFile, mode: found });
  else deps.log.log("warn", "the credential store is readable by others and its mode could not be changed; run chmod 600 on it", { path: deps.authFile, mode: found });
}

function describeProblem(deps: Deps, problem: StoreProblem): string {
  if ("damaged" in problem) return `the credential store ${deps.authFile} is damaged (${problem.damaged}); fix or remove it, then try again`;
  return `the credential store ${deps.authFile} cannot be used (${problem.unusable}); replace it with a regular file, remove it, or set PLUE_AUTH_FILE to another path, then try again`;
}

/** Reading carries on without a store it cannot use (credentials elsewhere still work); the problem is logged. */
async function readStoreForUse(deps: Deps, signal?: AbortSignal): Promise<StoreFile> {
  const store = await readStore(deps, signal);
  if ("damaged" in store || "unusable" in store) {
    deps.log.log("warn", "credential store is unreadable; ignoring it", { path: deps.authFile, problem: "damaged" in store ? store.damaged : store.unusable });
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
    if ("damaged" in store || "unusable" in store) throw new BridgeError("INTERNAL", describeProblem(deps, store));
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

/** `signal`: the request's, which also ends a read of the store that does not finish (a stalled mount). */
export async function loadStoredCredentials(deps: Deps, provider: string, signal?: AbortSignal): Promise<StoredCredentials | undefined> {
  const entry = (await readStoreForUse(deps, signal)).providers[provider];
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
export async function updateStoredCredentials(deps: Deps, provider: string, change: (current: StoredCredentials | undefined) => StoredCredentials | undefined): Promise<void> {
  await updateStore(deps, (store) => {
    const next = change(store.providers[provider]);
    if (next === undefined) return false;
    store.providers[provider] = next;
    return true;
  });
}
