/**
 * Checks every line a test exchanges with the executable against the wire
 * schema: each request line before it is sent, each response line as it
 * arrives (with the shape of the action that asked for it). Used by
 * in-process.ts and run-binary.ts, so every test that talks to the bridge
 * is also a schema test.
 *
 * A request that violates the schema throws at the send call. A response
 * that violates it is recorded in `violations` and rethrown from a timer:
 * the code that receives lines runs inside the executable's callbacks
 * (where a throw could be swallowed or turned into an error line), while an
 * uncaught error fails the running bun test, loudly.
 */
import type { Action } from "../../src/protocol/request.ts";
import { validateRequestLine, validateResponseLine } from "./wire-schema.ts";

export interface SendOptions {
  /**
   * The line is a deliberately bad request (a bad-input test). Instead of
   * rejecting it, the checker asserts that the schema rejects it too, so the
   * test's premise and the schema cannot drift apart. Lines the schema
   * accepts but the executable still refuses (a duplicate in-flight id) need
   * no flag.
   */
  invalid?: boolean;
}

// Marks an id whose action cannot be told from the requests sent (the same id
// sent twice for different actions while the first is still running).
const AMBIGUOUS = "ambiguous";

/** The default reporter: an uncaught error, which fails the running test (or the run, between tests). */
function throwLater(message: string): void {
  setTimeout(() => {
    throw new Error(`wire schema violation in a line the executable wrote: ${message}`);
  }, 0);
}

export class WireChecker {
  readonly violations: string[] = [];
  private readonly actions = new Map<unknown, Action | typeof AMBIGUOUS>();
  private readonly report: (message: string) => void;

  constructor(report: (message: string) => void = throwLater) {
    this.report = report;
  }

  /** Validates one request line (no trailing newline needed); throws on a mismatch. */
  request(line: string, options: SendOptions = {}): void {
    if (options.invalid === true) {
      let accepted = true;
      try {
        validateRequestLine(line);
      } catch {
        accepted = false;
      }
      if (accepted) throw new Error(`request sent as invalid, but the wire schema accepts it: ${line}`);
      return;
    }
    validateRequestLine(line);
    const { id, action } = JSON.parse(line) as { id: unknown; action: Action };
    const known = this.actions.get(id);
    this.actions.set(id, known === undefined || known === action ? action : AMBIGUOUS);
  }

  /** Validates one response line; a mismatch is recorded and fails the running test. */
  response(line: string): void {
    let parsed: { id?: unknown; success?: unknown; streaming?: unknown; data?: { type?: unknown } } | undefined;
    try {
      // wire/README, Transport: readers that split on these must still see one line.
      // Line breaks to Python's str.splitlines that JSON.stringify leaves raw (src/protocol/lines.ts escapes them).
      if (/[\u0085\u2028\u2029]/.test(line)) throw new Error(`response line carries a raw U+0085/U+2028/U+2029: ${JSON.stringify(line)}`);
      // JSON.stringify escapes only lone surrogates, so any surrogate escape is one; strict parsers reject the line.
      if (/(?:^|[^\\])(?:\\\\)*\\u[dD][89a-fA-F][0-9a-fA-F]{2}/.test(line)) throw new Error(`response line carries a lone surrogate: ${line.slice(0, 300)}`);
      parsed = JSON.parse(line) as typeof parsed;
      const action = parsed?.id === null || parsed?.id === undefined ? undefined : this.actions.get(parsed.id);
      validateResponseLine(line, action === AMBIGUOUS ? undefined : action);
    } catch (error) {
      this.fail((error as Error).message);
    }
    if (parsed && (parsed.success === false || parsed.streaming !== true || parsed.data?.type === "done")) this.actions.delete(parsed.id);
  }

  private fail(message: string): void {
    this.violations.push(message);
    this.report(message);
  }
}
