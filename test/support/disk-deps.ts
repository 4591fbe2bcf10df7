/** Deps for tests of the credential store on the real file system (no network, no waiting). */
import type { Deps } from "../../src/deps.ts";
import { nodeFileSystem } from "../../src/host/files.ts";
import { withProcessState } from "../../src/server/state.ts";

export function diskDeps(authFile: string, logs: string[] = []): Deps {
  return withProcessState({
    fetch: globalThis.fetch,
    now: () => Date.now(),
    sleep: async () => {},
    random: () => 0.5,
    env: {},
    files: nodeFileSystem,
    authFile,
    log: { log: (level, message, fields) => void logs.push(JSON.stringify({ level, message, ...fields })) },
    version: "test",
  });
}
