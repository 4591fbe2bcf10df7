/**
 * File access for the credential store and credential files. Writes are
 * atomic (temporary file in the same directory, then rename) and mode 0600,
 * so a crash mid-write leaves either the old or the new file, never half.
 */
import { mkdir, readFile, rename, rm, writeFile, chmod } from "node:fs/promises";
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
  home: () => homedir(),
};

/** `PLUE_AUTH_FILE`, else `$XDG_DATA_HOME/plue-ai-provider/auth.json`, else `~/.local/share/plue-ai-provider/auth.json`. */
export function authFilePath(env: Env, home: string): string {
  if (env.PLUE_AUTH_FILE) return env.PLUE_AUTH_FILE;
  const dataHome = env.XDG_DATA_HOME || join(home, ".local", "share");
  return join(dataHome, "plue-ai-provider", "auth.json");
}
