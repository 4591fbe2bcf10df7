/**
 * One matrix cell read back from the lines of one request: what the client
 * saw (content, retries, the terminal line) and whether that is what the
 * fault's expectation says. Shared by the in-process matrix and the binary
 * runs, so both judge a cell the same way.
 */
import type { Expectation } from "./faults.ts";

type LineLike = { id?: unknown; success?: unknown; streaming?: unknown; data?: any; error?: any };

export interface CellResult {
  content: string;
  retryDelays: number[];
  retryReasons: string[];
  terminals: LineLike[];
  terminalIsLast: boolean;
  done: boolean;
  error: { code: string; message: string; retryable: boolean; partial: boolean; status?: number; retry_after_ms?: number } | undefined;
}

export function isTerminalLine(line: LineLike): boolean {
  if (line.success === false) return true;
  if (line.streaming !== true) return true;
  return line.data?.type === "done";
}

export function readCell(lines: LineLike[], id: string): CellResult {
  const mine = lines.filter((line) => line.id === id);
  const terminals = mine.filter(isTerminalLine);
  const retries = mine.filter((line) => line.streaming === true && line.data?.type === "retry");
  const last = mine[mine.length - 1];
  const terminal = terminals[0];
  return {
    content: mine
      .filter((line) => line.streaming === true && line.data?.type === "content")
      .map((line) => line.data.content as string)
      .join(""),
    retryDelays: retries.map((line) => line.data.delay_ms as number),
    retryReasons: retries.map((line) => line.data.reason as string),
    terminals,
    terminalIsLast: terminal !== undefined && last === terminal,
    done: terminal?.data?.type === "done",
    error: terminal?.success === false ? terminal.error : undefined,
  };
}

/** `ok ×2`, `TIMEOUT R P ×1`: the outcome as the matrix prints it (R retryable, P partial, ×n attempts at the server). */
export function outcomeLabel(cell: CellResult, attempts: number): string {
  if (cell.terminals.length !== 1) return `${cell.terminals.length} terminal lines ×${attempts}`;
  if (cell.done) return `ok ×${attempts}`;
  const e = cell.error!;
  return `${e.code} ${e.retryable ? "R" : "-"}${e.partial ? "P" : "-"} ×${attempts}`;
}

export interface CellCheck {
  cell: CellResult;
  attempts: number;
  elapsedMs: number;
  fullText: string;
  prefixText: string;
  marginMs: number;
}

/** Every way the cell differs from its expectation (empty when it matches). */
export function problems(expectation: Expectation, check: CellCheck): string[] {
  const { cell, attempts, elapsedMs } = check;
  const out: string[] = [];
  if (cell.terminals.length !== 1) out.push(`${cell.terminals.length} terminal lines`);
  if (!cell.terminalIsLast) out.push("terminal line is not the last line");
  if (elapsedMs > expectation.deadlineMs + check.marginMs) out.push(`terminal after ${Math.round(elapsedMs)} ms (deadline ${expectation.deadlineMs} + ${check.marginMs} ms)`);
  if (attempts !== expectation.attempts) out.push(`${attempts} attempts at the server, expected ${expectation.attempts}`);
  // Every attempt but the first is announced by exactly one retry chunk.
  const retryChunks = expectation.retryChunks ?? attempts - 1;
  if (cell.retryDelays.length !== retryChunks) out.push(`${cell.retryDelays.length} retry chunks for ${attempts} attempts, expected ${retryChunks}`);
  if (expectation.delays !== undefined && JSON.stringify(cell.retryDelays) !== JSON.stringify(expectation.delays)) {
    out.push(`retry delays ${JSON.stringify(cell.retryDelays)}, expected ${JSON.stringify(expectation.delays)}`);
  }
  const want = { full: check.fullText, prefix: check.prefixText, none: "" }[expectation.content];
  if (cell.content !== want)
    out.push(`content ${JSON.stringify(cell.content.slice(0, 80))} (${cell.content.length} chars), expected the ${expectation.content} text (${want.length} chars)`);
  if (expectation.outcome === "done") {
    if (!cell.done) out.push(`expected done, got ${JSON.stringify(cell.error ?? cell.terminals)}`);
    return out;
  }
  const e = cell.error;
  if (e === undefined) {
    out.push("expected an error line");
    return out;
  }
  const codes = Array.isArray(expectation.code) ? expectation.code : [expectation.code];
  if (!codes.includes(e.code as never)) out.push(`code ${e.code}, expected ${codes.join(" or ")} (${e.message})`);
  if (expectation.retryable !== undefined && e.retryable !== expectation.retryable) out.push(`retryable ${e.retryable}, expected ${expectation.retryable}`);
  if (expectation.partial !== undefined && e.partial !== expectation.partial) out.push(`partial ${e.partial}, expected ${expectation.partial}`);
  if (expectation.status !== undefined && e.status !== expectation.status) out.push(`status ${e.status}, expected ${expectation.status}`);
  if (expectation.retryAfterMs !== undefined && e.retry_after_ms !== expectation.retryAfterMs) out.push(`retry_after_ms ${e.retry_after_ms}, expected ${expectation.retryAfterMs}`);
  return out;
}
