/**
 * File access for the credential store and credential files. Writes are
 * atomic (temporary file in the same directory, then rename) and mode 0600,
 * so a crash mid-write leaves either the old or the new file, never half,
 * and take the file's lock (file-lock.ts).
 *
 * Reads are of regular files only, under a size limit, and end at their
 * caller's signal or after READ_TIME_LIMIT_MS. A call stuck in the kernel (a
 * file on a stalled network mount) still holds one of the runtime's file
 * threads until the kernel gives up: every file operation of the process
 * shares a small pool (Bun 1.4.5: two threads on one or two cores, where
 * two FIFOs opened for reading stalled every other file read). So reads take
 * turns in two lanes, one for credential and catalog files and one for the
 * credential store: a stuck read holds one thread, the reads behind it in its
 * lane end at their own deadline naming the file that holds them up, and the
 * store is never held up by another file.
 */
import { homedir } from "node:os";
import type { Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { untilAborted } from "../protocol/abort.ts";
import { DEFAULT_READ_MAX_BYTES, FILE_REFUSED, type Env, type FileSystem, type ReadOptions } from "../deps.ts";
import { BridgeError, systemErrorCode } from "../protocol/errors.ts";

import { concatBytes } from "../http/bytes.ts";
import { withFileLock } from "./file-lock.ts";
import { loadFileModules as load } from "./fs-modules.ts";

/** A local file answers in milliseconds; one that has not in this long is on a disk or mount that stalled. */
export const READ_TIME_LIMIT_MS = 10_000;

/** The calls a read makes; tests replace them (a stat that never answers stands for a stalled mount). */
export interface FileReadCalls {
  stat(path: string): Promise<Stats>;
  lstat(path: string): Promise<Stats>;
  open(path: string, flags: number): Promise<FileHandle>;
}

/**
 * Reads that take turns, one at a time, each ending at its own signal whether it is waiting or running.
 * Declared above createNodeFileSystem: nodeFileSystem is built as the module loads, and a class is not hoisted.
 */
class ReadLane {
  #tail: Promise<void> = Promise.resolve();
  #current: { path: string; since: number } | undefined;

  readonly #timeLimitMs: number;

  constructor(timeLimitMs: number) {
    this.#timeLimitMs = timeLimitMs;
  }

  async run<T>(path: string, callerSignal: AbortSignal | undefined, job: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const stop = readDeadline(callerSignal, this.#timeLimitMs);
    const previous = this.#tail;
    let pass!: () => void;
    this.#tail = new Promise((resolve) => (pass = resolve));
    try {
      try {
        await untilStopped(previous, stop.signal, () => `while waiting to read ${path}${this.#describeCurrent()}`);
      } catch (error) {
        // Leaving the queue: the turn passes on once the read ahead really ends.
        void previous.then(pass);
        throw error;
      }
      this.#current = { path, since: Date.now() };
      const work = job(stop.signal);
      const release = (): void => {
        this.#current = undefined;
        pass();
      };
      // The turn passes when the calls end, not when the caller stops waiting for them: a stuck call keeps its thread.
      void work.then(release, release);
      return await untilStopped(work, stop.signal, () => `while reading ${path}`);
    } finally {
      stop.dispose();
    }
  }

  #describeCurrent(): string {
    if (this.#current === undefined) return "";
    const seconds = Math.floor((Date.now() - this.#current.since) / 1000);
    return ` behind a read of ${this.#current.path} that has not finished for ${seconds} s`;
  }
}

export interface NodeFileSystemOptions {
  calls?: Partial<FileReadCalls>;
  /** Default READ_TIME_LIMIT_MS. */
  readTimeLimitMs?: number;
}

export function createNodeFileSystem(options: NodeFileSystemOptions = {}): FileSystem & { home(): string } {
  const calls = options.calls ?? {};
  const timeLimitMs = options.readTimeLimitMs ?? READ_TIME_LIMIT_MS;
  const lanes = { files: new ReadLane(timeLimitMs), store: new ReadLane(timeLimitMs) };
  return {
    async read(path, readOptions = {}) {
      const [fsp] = await load();
      const io: FileReadCalls = { stat: fsp.stat, lstat: fsp.lstat, open: fsp.open, ...calls };
      const lane = readOptions.owned ? lanes.store : lanes.files;
      return lane.run(path, readOptions.signal, (signal) => readRegularFile(io, fsp.constants, path, readOptions, signal));
    },
    async writeAtomic(path, text) {
      const [{ chmod, mkdir, rename, writeFile }, { dirname }] = await load();
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const temporary = `${path}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(temporary, text, { mode: 0o600 });
      await chmod(temporary, 0o600);
      await rename(temporary, path);
    },
    async remove(path) {
      const [{ rm }] = await load();
      await rm(path, { force: true });
    },
    withLock: withFileLock,
    home: () => homedir(),
  };
}

export const nodeFileSystem = createNodeFileSystem();

/** The caller's signal, or the read's own time limit, whichever ends first. */
function readDeadline(callerSignal: AbortSignal | undefined, timeLimitMs: number): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new BridgeError("TIMEOUT", `no answer from the file system in ${timeLimitMs} ms`, { retryable: true }));
  }, timeLimitMs);
  const onAbort = (): void => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) onAbort();
  else callerSignal?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onAbort);
    },
  };
}

/** `promise`, unless the signal aborts first: then a TIMEOUT or CANCELLED naming what was being done. */
function untilStopped<T>(promise: Promise<T>, signal: AbortSignal, doing: () => string): Promise<T> {
  return untilAborted(promise, signal, ({ reason }) =>
    reason instanceof BridgeError
      ? new BridgeError(reason.code, `${reason.message} ${doing()}`, { retryable: reason.retryable, cause: reason })
      : new BridgeError("CANCELLED", `cancelled ${doing()}`, { cause: reason }),
  );
}

async function readRegularFile(io: FileReadCalls, flags: typeof import("node:fs").constants, path: string, options: ReadOptions, signal: AbortSignal): Promise<string | null> {
  const limit = options.maxBytes ?? DEFAULT_READ_MAX_BYTES;
  const owned = options.owned;
  let found: Stats;
  try {
    // Looked at before it is opened: opening a device can do things of its own (a tape rewinds, a watchdog starts).
    found = owned ? await io.lstat(path) : await io.stat(path);
  } catch (error) {
    if (systemErrorCode(error) === "ENOENT") return null;
    throw error;
  }
  refuseUnreadable(found, limit);
  signal.throwIfAborted();
  let handle: FileHandle;
  try {
    // O_NONBLOCK: a FIFO put in place since the look above must not hang open() waiting for a writer.
    const mode = flags.O_RDONLY | (flags.O_NONBLOCK ?? 0) | (flags.O_NOCTTY ?? 0) | (owned ? (flags.O_NOFOLLOW ?? 0) : 0);
    handle = await io.open(path, mode);
  } catch (error) {
    if (systemErrorCode(error) === "ENOENT") return null;
    if (owned && systemErrorCode(error) === "ELOOP") throw refusal(SYMLINK, error);
    throw error;
  }
  try {
    const opened = await handle.stat();
    refuseUnreadable(opened, limit);
    if (owned && (opened.mode & 0o077) !== 0) {
      const mode = opened.mode & 0o777;
      let fixed = true;
      // Reading goes on either way: the store is still this user's, and the callback reports what could not be fixed.
      await handle.chmod(0o600).catch(() => (fixed = false));
      owned.onLoosePermissions?.(mode, fixed);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      signal.throwIfAborted();
      // The size stat gave is not trusted: /proc files say 0, and a file can grow while it is read.
      const buffer = new Uint8Array(Math.min(limit + 1 - total, Math.max(opened.size + 1 - total, 64 * 1024)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw refusal(`it grew past the ${formatSize(limit)} limit while being read`);
    }
    const bytes = concatBytes(chunks, total);
    // TextDecoder drops a leading byte-order mark, which editors on Windows put in front of JSON and INI files.
    return new TextDecoder().decode(bytes);
  } finally {
    await handle.close();
  }
}

const SYMLINK = "it is a symbolic link, and links are not followed for this file";

function refuseUnreadable(info: Stats, limit: number): void {
  if (info.isSymbolicLink()) throw refusal(SYMLINK);
  if (!info.isFile()) throw refusal(`it is ${kindOf(info)}, not a regular file`);
  if (info.size > limit) throw refusal(`it is ${formatSize(info.size)}, over the ${formatSize(limit)} limit`);
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  if (info.isSocket()) return "a socket";
  return "of an unknown kind";
}

function formatSize(bytes: number): string {
  const MiB = 1024 * 1024;
  return bytes >= MiB ? `${Number((bytes / MiB).toFixed(1))} MiB` : `${bytes} bytes`;
}

function refusal(message: string, cause?: unknown): Error {
  return Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { code: FILE_REFUSED });
}

/** `PLUE_AUTH_FILE`, else `$XDG_DATA_HOME/plue-ai-provider/auth.json`, else `~/.local/share/plue-ai-provider/auth.json`. */
export function authFilePath(env: Env, home: string): string {
  return env.PLUE_AUTH_FILE || `${xdgDir(env.XDG_DATA_HOME, home, ".local/share")}/plue-ai-provider/auth.json`;
}

/**
 * An XDG base directory: the variable's value, else `fallback` under the home
 * directory; trailing separators trimmed. Joined by hand (node:path is loaded
 * lazily); "/" is a separator on every platform Node runs on.
 */
function xdgDir(variable: string | undefined, home: string, fallback: string): string {
  return (variable || `${home.replace(/[\\/]+$/, "")}/${fallback}`).replace(/[\\/]+$/, "");
}

/**
 * The catalog files: the user's override file (`PLUE_MODELS_FILE`, else
 * `$XDG_CONFIG_HOME/plue-ai-provider/models.json`) and the refreshed cache
 * (`$XDG_CACHE_HOME/plue-ai-provider/catalog.json`).
 */
export function catalogFilePaths(env: Env, home: string): { cache: string; override: string } {
  return {
    override: env.PLUE_MODELS_FILE || `${xdgDir(env.XDG_CONFIG_HOME, home, ".config")}/plue-ai-provider/models.json`,
    cache: `${xdgDir(env.XDG_CACHE_HOME, home, ".cache")}/plue-ai-provider/catalog.json`,
  };
}

/** The user's named OpenAI-compatible endpoints: `PLUE_PROVIDERS_FILE`, else `$XDG_CONFIG_HOME/plue-ai-provider/providers.json` (`~/.config/…`). */
export function providersFilePath(env: Env, home: string): string {
  return env.PLUE_PROVIDERS_FILE || `${xdgDir(env.XDG_CONFIG_HOME, home, ".config")}/plue-ai-provider/providers.json`;
}
