/**
 * Run requests through the real Server in this process, with injected
 * dependencies: real fetch (so replays cross a loopback socket), a fake
 * clock for retry waits, a fixed random, an in-memory credential store.
 */
import type { Deps, FileSystem } from "../../src/deps.ts";
import { createRegistry } from "../../src/providers/registry.ts";
import { Server } from "../../src/server/dispatch.ts";

export type Line = { id: string | number | null; success: boolean; streaming?: boolean; data?: any; error?: any };

export function memoryFiles(initial: Record<string, string> = {}): FileSystem & { files: Map<string, string> } {
  const files = new Map(Object.entries(initial));
  return {
    files,
    read: async (path) => files.get(path) ?? null,
    writeAtomic: async (path, text) => void files.set(path, text),
    remove: async (path) => void files.delete(path),
  };
}

export interface Harness {
  server: Server;
  deps: Deps;
  lines: Line[];
  /** Delays the fake sleep was asked for, in order. */
  sleeps: number[];
  logs: string[];
  /** Send one request object (or raw line) and wait until its terminal line arrives. */
  run(request: unknown): Promise<Line[]>;
}

export function createHarness(overrides: Partial<Deps> = {}): Harness {
  const lines: Line[] = [];
  const sleeps: number[] = [];
  const logs: string[] = [];
  const deps: Deps = {
    fetch: globalThis.fetch,
    now: () => Date.now(),
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      if (signal?.aborted) throw signal.reason;
    },
    random: () => 0.5,
    env: {},
    files: memoryFiles(),
    authFile: "/memory/auth.json",
    log: { log: (level, message, fields) => void logs.push(JSON.stringify({ level, message, ...fields })) },
    version: "test",
    ...overrides,
  };
  const server = new Server(deps, createRegistry(), async (text) => {
    for (const line of text.split("\n")) if (line) lines.push(JSON.parse(line) as Line);
  });
  return {
    server,
    deps,
    lines,
    sleeps,
    logs,
    async run(request) {
      const id = typeof request === "object" && request !== null ? (request as { id?: unknown }).id : undefined;
      const before = lines.length;
      server.handleLine(typeof request === "string" ? request : JSON.stringify(request));
      await server.drain();
      return lines.slice(before).filter((line) => id === undefined || line.id === id || line.id === null);
    },
  };
}

export function terminalOf(lines: Line[]): Line {
  const terminal = lines.filter((line) => !line.streaming || line.data?.type === "done" || line.success === false);
  if (terminal.length !== 1) throw new Error(`expected exactly one terminal line, got ${terminal.length}: ${JSON.stringify(lines)}`);
  return terminal[0]!;
}
