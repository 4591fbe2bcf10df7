/**
 * Every source of nondeterminism and every host facility the core uses,
 * injected as one record built in main.ts. Tests pass fakes (clock, fetch,
 * env, files) and never touch the real process.
 */
import { systemErrorCode } from "./protocol/errors.ts";

export type Env = Readonly<Record<string, string | undefined>>;

export type LogLevel = "error" | "warn" | "info" | "debug";

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

/** What `FileSystem.read` reads at most unless told otherwise: the catalog's layer files (src/catalog/layers.ts) and the credential store. */
export const DEFAULT_READ_MAX_BYTES = 16 * 1024 * 1024;
/** Credential files of other tools (key files, AWS shared files, tokens) hold a key or a token: a larger one is not what it claims to be. */
export const CREDENTIAL_FILE_MAX_BYTES = 1024 * 1024;
/**
 * The `code` of the Error `FileSystem.read` throws for a file it will not
 * read: not a regular file (directory, FIFO, device, socket), a symbolic
 * link where none is followed, or over the size limit. Its message says
 * which ("it is a FIFO (named pipe), not a regular file"), never what the
 * file holds; the caller names the file.
 */
export const FILE_REFUSED = "FILE_REFUSED";

/**
 * What to say after "cannot read <file>" for an error `FileSystem.read`
 * threw: the refusal's reason, else the system's error code (its message may
 * quote the path again, never the content).
 */
export function describeReadFailure(error: unknown): string {
  const code = systemErrorCode(error);
  if (code === FILE_REFUSED && error instanceof Error) return `: ${error.message}`;
  return code !== undefined ? ` (${code})` : "";
}

export interface ReadOptions {
  /**
   * Ends the read, and the wait for its turn, early: it then rejects with a
   * TIMEOUT or CANCELLED BridgeError (the signal's reason) naming the file.
   */
  signal?: AbortSignal;
  /** Refuse a larger file; default DEFAULT_READ_MAX_BYTES. */
  maxBytes?: number;
  /**
   * A file this program owns and keeps secret (the credential store): a
   * symbolic link at the path is refused, never followed, and group or other
   * permission bits are removed (0600); `onLoosePermissions` hears the mode
   * found, and whether it could be changed.
   */
  owned?: { onLoosePermissions?(mode: number, fixed: boolean): void };
}

export interface FileSystem {
  /**
   * The text of a regular file (UTF-8, a byte-order mark dropped), or null
   * when it does not exist. Anything else is refused (FILE_REFUSED) without
   * being read; a read that cannot finish (a stalled mount) ends at the
   * signal or the host's own time limit.
   */
  read(path: string, options?: ReadOptions): Promise<string | null>;
  /** Write via a temporary file and rename, mode 0600. */
  writeAtomic(path: string, text: string): Promise<void>;
  remove(path: string): Promise<void>;
  /**
   * Run `work` while holding an exclusive lock on `path` shared with other
   * processes (two editor windows updating the credential store). Hosts
   * without one run `work` directly.
   */
  withLock?<T>(path: string, work: () => Promise<T>): Promise<T>;
}

/**
 * One piece of what lives for the life of the process: a cache, a limiter,
 * a credential session. Declared next to the code that uses it, made from
 * the process's Deps, and listed in src/server/state.ts, the one place that
 * says what the process keeps.
 */
export interface StateSlot<T> {
  readonly name: string;
  make(deps: Deps): T;
}

/** The process's long-lived state, every slot made once at start-up (per Deps: tests run several "processes" side by side). */
export class ProcessState {
  private readonly values = new Map<StateSlot<unknown>, unknown>();

  constructor(deps: Deps, slots: readonly StateSlot<unknown>[]) {
    for (const slot of slots) this.values.set(slot, slot.make(deps));
  }

  get<T>(slot: StateSlot<T>): T {
    if (!this.values.has(slot)) throw new Error(`process state "${slot.name}" is not listed in src/server/state.ts`);
    return this.values.get(slot) as T;
  }

  /** What the process keeps, by name. */
  names(): string[] {
    return [...this.values.keys()].map((slot) => slot.name);
  }
}

export interface Deps {
  fetch: typeof fetch;
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
  env: Env;
  files: FileSystem;
  /** Path of the credential store file. */
  authFile: string;
  /** The catalog's refreshed cache and the user's override file (src/catalog/layers.ts); absent: none. */
  catalogFiles?: { cache?: string; override?: string };
  log: Logger;
  version: string;
  /** The user's home directory, for tools' own config files (~/.aws); absent when unknown. */
  home?: string;
  /** Caches, limiters and sessions kept for the life of the process (src/server/state.ts). */
  state: ProcessState;
  /** Run a shell command line (AWS `credential_process`) and collect its stdout and exit code. */
  runProcess?: (command: string, signal?: AbortSignal) => Promise<{ stdout: string; code: number }>;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
