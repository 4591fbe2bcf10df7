/**
 * File access for the credential store and credential files. Writes are
 * atomic (temporary file in the same directory, then rename) and mode 0600,
 * so a crash mid-write leaves either the old or the new file, never half.
 * node:fs/promises and node:path are loaded on first use: most sessions
 * never touch a file, and loading them costs every start-up milliseconds.
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
import process from "node:process";
import type { Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { untilAborted } from "../protocol/abort.ts";
import { DEFAULT_READ_MAX_BYTES, FILE_REFUSED, type Env, type FileSystem, type ReadOptions } from "../deps.ts";
import { BridgeError } from "../protocol/errors.ts";

let modules: Promise<[typeof import("node:fs/promises"), typeof import("node:path")]> | undefined;
const load = () => (modules ??= Promise.all([import("node:fs/promises"), import("node:path")]));

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
    if (errorCode(error) === "ENOENT") return null;
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
    if (errorCode(error) === "ENOENT") return null;
    if (owned && errorCode(error) === "ELOOP") throw refusal(SYMLINK, error);
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
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
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

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** A lock older than this belongs to a process that died holding it. */
const STALE_LOCK_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

/**
 * An exclusive lock file next to `path` (creating it fails while another
 * process holds it) that names its holder's pid. Waits up to 5 s, breaking
 * at once a lock whose holder is dead, and any lock older than 10 s.
 */
function withFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  // Callers in this process queue here, so only other processes ever contend for the file.
  const previous = localQueues.get(path) ?? Promise.resolve();
  const run = previous.then(() => holdingFileLock(path, work));
  const settled = run.then(
    () => {},
    () => {},
  );
  localQueues.set(path, settled);
  void settled.then(() => {
    if (localQueues.get(path) === settled) localQueues.delete(path);
  });
  return run;
}

const localQueues = new Map<string, Promise<void>>();

async function holdingFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const [{ link, mkdir, rm, stat, writeFile }, { dirname }] = await load();
  const lockPath = `${path}.lock`;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    // The lock appears with its owner's pid already in it (written aside, then hard-linked into place, which fails
    // if the lock exists), so a holder killed at any moment leaves either no lock or one naming a dead pid.
    const claim = `${lockPath}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    try {
      await writeFile(claim, `${process.pid}\n`, { mode: 0o600 });
      await link(claim, lockPath);
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      const owner = await lockOwner(lockPath);
      const age = await stat(lockPath).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      // A process killed while holding the lock (SIGKILL, power loss) never removes it; its successors must not
      // wait out STALE_LOCK_MS (longer than LOCK_WAIT_MS) for it.
      if ((owner !== undefined && isDeadHolder(owner)) || age > STALE_LOCK_MS) await breakLock(lockPath, owner);
      else if (Date.now() > deadline) throw new Error(`${lockPath} is held by another process`);
      else await new Promise((resolve) => setTimeout(resolve, delay));
    } finally {
      await rm(claim, { force: true });
    }
  }
  try {
    await sweepOrphans(path);
    return await work();
  } finally {
    // Work that ran past STALE_LOCK_MS may have had its lock broken and claimed by another process: leave that one be.
    if ((await lockOwner(lockPath)) === process.pid) await rm(lockPath, { force: true });
  }
}

/**
 * Every write of `path` happens under its lock, so with the lock held a
 * temporary file of `path` was left by a writer that crashed before its
 * rename (it holds secrets: remove it), and a claim naming a dead pid by one
 * that crashed while claiming. Best effort: a sweep that fails is tried again
 * by the next holder.
 */
async function sweepOrphans(path: string): Promise<void> {
  const [{ readdir, rm }, { basename, dirname, join }] = await load();
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const claim = /^lock\.(\d+)\.[a-z0-9]+$/.exec(rest);
    const orphan = /^\d+\.[a-z0-9]+\.tmp$/.test(rest) || (claim?.[1] !== undefined && Number(claim[1]) !== process.pid && !isAlive(Number(claim[1])));
    if (orphan) await rm(join(dirname(path), name), { force: true }).catch(() => {});
  }
}

/** The pid written in a lock file, or undefined while it is still being written (or unreadable). */
async function lockOwner(lockPath: string): Promise<number | undefined> {
  const [{ readFile }] = await load();
  const text = await readFile(lockPath, "utf8").catch(() => "");
  const pid = Number.parseInt(text, 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * This process never contends with itself (callers queue in withFileLock), so a lock naming its own pid was
 * left by an earlier process that had the same pid (pids restart in containers).
 */
function isDeadHolder(pid: number): boolean {
  return pid === process.pid || !isAlive(pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as { code?: string }).code === "EPERM";
  }
}

/** Remove a dead or stale lock, unless another waiter already replaced it with its own. */
async function breakLock(lockPath: string, owner: number | undefined): Promise<void> {
  const [{ rm }] = await load();
  if ((await lockOwner(lockPath)) !== owner) return;
  await rm(lockPath, { force: true });
}

/** `PLUE_AUTH_FILE`, else `$XDG_DATA_HOME/plue-ai-provider/auth.json`, else `~/.local/share/plue-ai-provider/auth.json`. */
export function authFilePath(env: Env, home: string): string {
  if (env.PLUE_AUTH_FILE) return env.PLUE_AUTH_FILE;
  // Joined by hand (node:path is loaded lazily); "/" is a separator on every platform Node runs on.
  const dataHome = env.XDG_DATA_HOME || `${home.replace(/[\\/]+$/, "")}/.local/share`;
  return `${dataHome.replace(/[\\/]+$/, "")}/plue-ai-provider/auth.json`;
}

/**
 * The catalog files: the user's override file (`PLUE_MODELS_FILE`, else
 * `$XDG_CONFIG_HOME/plue-ai-provider/models.json`) and the refreshed cache
 * (`$XDG_CACHE_HOME/plue-ai-provider/catalog.json`).
 */
export function catalogFilePaths(env: Env, home: string): { cache: string; override: string } {
  const base = (variable: string | undefined, fallback: string): string => (variable || `${home.replace(/[\\/]+$/, "")}/${fallback}`).replace(/[\\/]+$/, "");
  return {
    override: env.PLUE_MODELS_FILE || `${base(env.XDG_CONFIG_HOME, ".config")}/plue-ai-provider/models.json`,
    cache: `${base(env.XDG_CACHE_HOME, ".cache")}/plue-ai-provider/catalog.json`,
  };
}

/** The user's named OpenAI-compatible endpoints: `PLUE_PROVIDERS_FILE`, else `$XDG_CONFIG_HOME/plue-ai-provider/providers.json` (`~/.config/…`). */
export function providersFilePath(env: Env, home: string): string {
  if (env.PLUE_PROVIDERS_FILE) return env.PLUE_PROVIDERS_FILE;
  const configHome = (env.XDG_CONFIG_HOME || `${home.replace(/[\\/]+$/, "")}/.config`).replace(/[\\/]+$/, "");
  return `${configHome}/plue-ai-provider/providers.json`;
}
