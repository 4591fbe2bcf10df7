/**
 * Every source of nondeterminism and every host facility the core uses,
 * injected as one record built in main.ts. Tests pass fakes (clock, fetch,
 * env, files) and never touch the real process.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export type LogLevel = "error" | "warn" | "info" | "debug";

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

export interface FileSystem {
  /** The file's text, or null when it does not exist. */
  read(path: string): Promise<string | null>;
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
