/**
 * One writer at a time for a file several editor windows share (the
 * credential store): an exclusive lock file next to it that names its
 * holder's pid, broken at once when that process is dead and after 10 s in
 * any case. Writers in this process queue before contending.
 */
import process from "node:process";
import { loadFileModules as load } from "./fs-modules.ts";

/** A lock older than this belongs to a process that died holding it. */
const STALE_LOCK_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

/**
 * An exclusive lock file next to `path` (creating it fails while another
 * process holds it) that names its holder's pid. Waits up to 5 s, breaking
 * at once a lock whose holder is dead, and any lock older than 10 s.
 */
export function withFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
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
