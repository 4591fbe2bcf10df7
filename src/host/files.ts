/**
 * File access for the credential store and credential files. Writes are
 * atomic (temporary file in the same directory, then rename) and mode 0600,
 * so a crash mid-write leaves either the old or the new file, never half.
 */
import { chmod, mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { homedir } from "node:os";
import type { Env, FileSystem } from "../deps.ts";

export const nodeFileSystem: FileSystem & { home(): string } = {
  async read(path) {
    try {
      return await readFile(path, "utf8");
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return null;
      throw error;
    }
  },
  async writeAtomic(path, text) {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  },
  async remove(path) {
    await rm(path, { force: true });
  },
  withLock: withFileLock,
  home: () => homedir(),
};

/** A lock older than this belongs to a process that died holding it. */
const STALE_LOCK_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

/**
 * An exclusive lock file next to `path` (`open(..., "wx")` fails while
 * another process holds it). Waits up to 5 s, breaking locks older than 10 s.
 */
function withFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  // Callers in this process queue here, so only other processes ever contend for the file.
  const previous = localQueues.get(path) ?? Promise.resolve();
  const run = previous.then(() => holdingFileLock(path, work));
  const settled = run.then(() => {}, () => {});
  localQueues.set(path, settled);
  void settled.then(() => {
    if (localQueues.get(path) === settled) localQueues.delete(path);
  });
  return run;
}

const localQueues = new Map<string, Promise<void>>();

async function holdingFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const lockPath = `${path}.lock`;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      const handle = await open(lockPath, "wx", 0o600);
      await handle.close();
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      const age = await stat(lockPath).then((info) => Date.now() - info.mtimeMs, () => 0);
      if (age > STALE_LOCK_MS) await rm(lockPath, { force: true });
      else if (Date.now() > deadline) throw new Error(`${lockPath} is held by another process`);
      else await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}

/** `PLUE_AUTH_FILE`, else `$XDG_DATA_HOME/plue-ai-provider/auth.json`, else `~/.local/share/plue-ai-provider/auth.json`. */
export function authFilePath(env: Env, home: string): string {
  if (env.PLUE_AUTH_FILE) return env.PLUE_AUTH_FILE;
  const dataHome = env.XDG_DATA_HOME || join(home, ".local", "share");
  return join(dataHome, "plue-ai-provider", "auth.json");
}
