/**
 * stdin lines in, whole lines out, under Bun and under Node.
 *
 * Under Bun the native stdin stream and `Bun.write` are used: touching
 * `process.stdin`/`process.stdout` loads Bun's node:stream layer, which costs
 * ~12 ms of start-up (a compiled binary answering one stdin line: 5.6 ms
 * native, 19.9 ms through node:process). Under Node, the process streams.
 *
 * Either way a write resolves once the pipe has taken it (Bun) or at once
 * while the stream's buffer has room and after 'drain' when it has not
 * (Node), so a reader that stops reading stdout stops us reading from
 * providers instead of growing a buffer without bound. Once stdout is broken
 * (EPIPE: the reader went away) writes are dropped and the closed handlers
 * run, rather than a writer waiting for ever.
 */
import process from "node:process";

/** A request line longer than this is answered with INVALID_REQUEST and skipped (images arrive base64-encoded, hence the size). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export interface LineHandlers {
  line(text: string): void;
  overlong(): void;
  end(): void;
}

interface Stdio {
  readLines(handlers: LineHandlers): void;
  write(text: string): Promise<void>;
  flush(): Promise<void>;
  writeStderr(text: string): void;
}

let stdoutBroken = false;
const closedHandlers: Array<() => void> = [];

function stdoutFailed(): void {
  if (stdoutBroken) return;
  stdoutBroken = true;
  for (const handler of closedHandlers) handler();
}

/** Splits decoded stdin text into lines: CRLF accepted, blank lines skipped, an overlong line reported and skipped. */
function lineSplitter(handlers: LineHandlers): { push(text: string): void; end(rest: string): void } {
  let pending: string[] = [];
  let pendingLength = 0;
  let skipping = false;
  return {
    push(text) {
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
    },
    end(rest) {
      const last = pending.join("") + rest;
      if (!skipping && last.trim().length > 0) handlers.line(last);
      handlers.end();
    },
  };
}

function bunStdio(bun: typeof Bun): Stdio {
  let stdoutTail: Promise<void> = Promise.resolve();
  let stderrTail: Promise<void> = Promise.resolve();
  return {
    readLines(handlers) {
      const decoder = new TextDecoder();
      const lines = lineSplitter(handlers);
      const reader = bun.stdin.stream().getReader();
      void (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            lines.push(decoder.decode(value, { stream: true }));
          }
        } catch {
          // A stdin that fails is a stdin that ended.
        }
        lines.end(decoder.decode());
      })();
    },
    write(text) {
      if (stdoutBroken) return Promise.resolve();
      // One write at a time, in order; each resolves once the pipe has taken all of it.
      stdoutTail = stdoutTail.then(async () => {
        if (stdoutBroken) return;
        try {
          await bun.write(bun.stdout, text);
        } catch {
          stdoutFailed();
        }
      });
      return stdoutTail;
    },
    // Logs go out asynchronously too: an exit right after a log line must wait for it.
    flush: () => Promise.all([stdoutTail, stderrTail]).then(() => {}),
    writeStderr(text) {
      // A closed stderr just loses the logs.
      stderrTail = stderrTail
        .then(() => bun.write(bun.stderr, text))
        .then(
          () => {},
          () => {},
        );
    },
  };
}

function nodeStdio(): Stdio {
  let drainWaiter: Promise<void> | null = null;
  process.stdout.on("error", stdoutFailed);
  process.stderr.on("error", () => {});
  return {
    readLines(handlers) {
      const decoder = new TextDecoder();
      const lines = lineSplitter(handlers);
      process.stdin.on("data", (data: Uint8Array) => lines.push(decoder.decode(data, { stream: true })));
      process.stdin.on("end", () => lines.end(decoder.decode()));
      process.stdin.on("error", () => handlers.end());
    },
    write(text) {
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
    },
    flush() {
      if (stdoutBroken) return Promise.resolve();
      return new Promise((resolve) => process.stdout.write("", () => resolve()));
    },
    writeStderr(text) {
      process.stderr.write(text);
    },
  };
}

const stdio: Stdio = typeof Bun === "undefined" ? nodeStdio() : bunStdio(Bun);

export function readStdinLines(handlers: LineHandlers): void {
  stdio.readLines(handlers);
}

/** Run `handler` once if stdout breaks (its reader went away): no answer can be delivered any more. */
export function onStdoutClosed(handler: () => void): void {
  closedHandlers.push(handler);
}

export function writeStdout(text: string): Promise<void> {
  return stdio.write(text);
}

/** Resolves once everything written to stdout and stderr so far has been handed to the OS (stdout: at once when broken). Await before exiting. */
export function flushOutput(): Promise<void> {
  return stdio.flush();
}

export function writeStderr(text: string): void {
  stdio.writeStderr(text);
}
