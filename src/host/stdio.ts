/**
 * stdin lines in, whole lines out. Works the same under Bun and Node.
 * `writeLines` resolves at once while the pipe accepts data and waits for
 * 'drain' when it does not, so a reader that stops reading stdout stops us
 * reading from providers instead of growing a buffer without bound.
 */
import process from "node:process";

/** A request line longer than this is answered with INVALID_REQUEST and skipped (images arrive base64-encoded, hence the size). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export interface LineHandlers {
  line(text: string): void;
  overlong(): void;
  end(): void;
}

export function readStdinLines(handlers: LineHandlers): void {
  const decoder = new TextDecoder();
  let pending: string[] = [];
  let pendingLength = 0;
  let skipping = false;
  process.stdin.on("data", (data: Uint8Array) => {
    const text = decoder.decode(data, { stream: true });
    let start = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
      const piece = text.slice(start, newline);
      start = newline + 1;
      if (skipping) {
        skipping = false;
        continue;
      }
      pending.push(piece);
      const line = pending.join("");
      pending = [];
      pendingLength = 0;
      const trimmed = line.endsWith("\r") ? line.slice(0, -1) : line;
      if (trimmed.trim().length > 0) handlers.line(trimmed);
    }
    if (skipping || start === text.length) return;
    const rest = text.slice(start);
    pendingLength += rest.length;
    if (pendingLength > MAX_LINE_BYTES) {
      pending = [];
      pendingLength = 0;
      skipping = true;
      handlers.overlong();
      return;
    }
    pending.push(rest);
  });
  process.stdin.on("end", () => {
    const rest = pending.join("") + decoder.decode();
    if (!skipping && rest.trim().length > 0) handlers.line(rest);
    handlers.end();
  });
  process.stdin.on("error", () => handlers.end());
}

let drainWaiter: Promise<void> | null = null;

// Once the reader of stdout is gone (EPIPE), every write fails and 'drain' never comes: a writer waiting for it
// would hold its provider stream open for ever. From then on writes are dropped and the closed handlers run.
let stdoutBroken = false;
const closedHandlers: Array<() => void> = [];
process.stdout.on("error", () => {
  if (stdoutBroken) return;
  stdoutBroken = true;
  for (const handler of closedHandlers) handler();
});
// A log line must never take the process down: a closed stderr just loses the logs.
process.stderr.on("error", () => {});

/** Run `handler` once if stdout breaks (its reader went away): no answer can be delivered any more. */
export function onStdoutClosed(handler: () => void): void {
  closedHandlers.push(handler);
}

export function writeStdout(text: string): Promise<void> {
  if (stdoutBroken) return Promise.resolve();
  if (process.stdout.write(text)) return drainWaiter ?? Promise.resolve();
  drainWaiter ??= new Promise<void>((resolve) => {
    const done = (): void => {
      drainWaiter = null;
      process.stdout.off("drain", done);
      process.stdout.off("error", done);
      resolve();
    };
    process.stdout.once("drain", done);
    process.stdout.once("error", done);
  });
  return drainWaiter;
}

/** Resolves once everything written so far has been handed to the OS (at once when stdout is broken). */
export function flushStdout(): Promise<void> {
  if (stdoutBroken) return Promise.resolve();
  return new Promise((resolve) => process.stdout.write("", () => resolve()));
}

export function writeStderr(text: string): void {
  process.stderr.write(text);
}
