/**
 * Spawn the executable (the compiled binary when PLUE_USE_BINARY=1 and it
 * exists, else src/main.ts under Bun) and exchange lines.
 *
 * Every request sent and every stdout line is checked against the wire
 * schema (wire-checker.ts): a bad request throws at `send`, a bad response
 * line fails the running test. Deliberately bad requests go through
 * `send(line, { invalid: true })`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { WireChecker, type SendOptions } from "./wire-checker.ts";

export const ROOT = join(import.meta.dir, "..", "..");
export const BINARY = join(ROOT, "dist", "plue-ai-provider");
const BUN = join(ROOT, "node_modules", ".bin", "bun");

export function executableCommand(): string[] {
  if (process.env.PLUE_USE_BINARY === "1" && existsSync(BINARY)) return [BINARY];
  return [BUN, join(ROOT, "src", "main.ts")];
}

export interface RunningProcess {
  child: ChildProcessWithoutNullStreams;
  /** Every stdout line so far, parsed. */
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
  /** Response lines that violated the wire schema (each also fails the running test). */
  violations: string[];
  send(request: unknown, options?: SendOptions): void;
  /** Resolves when a line matching the predicate has arrived (or rejects after `timeoutMs`). */
  waitFor(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  closeStdin(): void;
  exited: Promise<number | null>;
}

export function startProcess(env: Record<string, string> = {}, command = executableCommand()): RunningProcess {
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", PLUE_AUTH_FILE: "/nonexistent/plue-test-auth.json", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const lines: Array<Record<string, unknown>> = [];
  const checker = new WireChecker();
  const waiters: Array<() => void> = [];
  let stderr = "";
  let pending = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (text: string) => {
    pending += text;
    let newline: number;
    while ((newline = pending.indexOf("\n")) !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      checker.response(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    violations: checker.violations,
    send(request, options) {
      const line = typeof request === "string" ? request : JSON.stringify(request);
      checker.request(line, options);
      child.stdin.write(`${line}\n`);
    },
    closeStdin: () => child.stdin.end(),
    exited,
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching line within ${timeoutMs} ms; got ${JSON.stringify(lines)}; stderr ${stderr}`)), timeoutMs);
        const check = (): void => {
          const found = lines.find(predicate);
          if (found) {
            clearTimeout(timer);
            resolve(found);
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}

/** True for a request's terminal line: a result, a done chunk, or an error. */
export function isTerminal(line: Record<string, unknown>): boolean {
  if (line.success === false) return true;
  if (line.streaming !== true) return true;
  return (line.data as { type?: string } | undefined)?.type === "done";
}
