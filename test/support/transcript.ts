/**
 * Runs wire/conformance/*.ndjson transcripts against an executable. The
 * format is documented in wire/conformance/README.md; wire/zig/test/conformance.zig
 * implements the same rules, so keep the two in step.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCassette } from "./cassette.ts";
import { startReplayServer, type ReplayServer } from "./replay-server.ts";
import { ROOT, startProcess, type RunningProcess } from "./run-binary.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

export interface CassetteStep {
  cassette: string | string[];
  name?: string;
  pacing?: "none" | "recorded";
}

export interface Transcript {
  path: string;
  /** Raw lines, placeholders not yet substituted (1-based line n is lines[n - 1]). */
  lines: string[];
  header: Obj;
  cassettes: CassetteStep[];
}

const DIRECTIVES = ["scenario", "env", "cassette", "send", "send_raw", "expect", "expect_text", "close_stdin", "expect_exit"] as const;
const DEFAULT_WAIT_MS = 10_000;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The directive of a transcript line: its one key from DIRECTIVES. */
export function directiveOf(step: Obj): (typeof DIRECTIVES)[number] {
  const found = DIRECTIVES.filter((key) => key in step);
  if (found.length !== 1) throw new Error(`a line needs exactly one of ${DIRECTIVES.join(", ")}; got keys ${JSON.stringify(Object.keys(step))}`);
  return found[0]!;
}

export function loadTranscript(path: string): Transcript {
  const lines = readFileSync(path, "utf8").split("\n");
  if (lines.at(-1) === "") lines.pop();
  const parsed = lines.map((line, index) => {
    try {
      const value = JSON.parse(line) as unknown;
      if (!isObject(value)) throw new Error("not an object");
      directiveOf(value);
      return value;
    } catch (error) {
      throw new Error(`${path}:${index + 1}: ${(error as Error).message}`);
    }
  });
  const header = parsed[0];
  if (header === undefined || !("scenario" in header)) throw new Error(`${path}: line 1 must be {"scenario": ...}`);
  const cassettes = parsed.filter((step) => "cassette" in step) as unknown as CassetteStep[];
  return { path, lines, header, cassettes };
}

/** `${NAME}` → value, for every placeholder; an unknown placeholder is an error. */
export function substitute(line: string, values: Record<string, string>): string {
  return line.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`unknown placeholder ${whole}`);
    return value;
  });
}

/** `${REPLAY_URL}` for an unnamed cassette, `${REPLAY_URL_<NAME>}` for a named one. */
export function replayPlaceholder(step: CassetteStep): string {
  return step.name === undefined ? "REPLAY_URL" : `REPLAY_URL_${step.name}`;
}

/** Starts one loopback replay server per cassette line; returns the placeholder values and a closer. */
export async function startReplays(transcript: Transcript): Promise<{ values: Record<string, string>; servers: ReplayServer[]; close(): Promise<void> }> {
  const values: Record<string, string> = {};
  const servers: ReplayServer[] = [];
  for (const step of transcript.cassettes) {
    const paths = Array.isArray(step.cassette) ? step.cassette : [step.cassette];
    const cassettes = await Promise.all(paths.map((path) => loadCassette(join(ROOT, path))));
    const server = await startReplayServer(cassettes, { pacing: step.pacing ?? "none" });
    servers.push(server);
    values[replayPlaceholder(step)] = server.url;
  }
  return { values, servers, close: async () => void (await Promise.all(servers.map((server) => server.close()))) };
}

// ---------------------------------------------------------------------------
// Patterns

const PLACEHOLDERS = new Set(["$any", "$string", "$number", "$integer", "$boolean", "$object", "$array", "$absent"]);

function expandRepeat(pattern: Obj): string {
  return String(pattern.$repeat).repeat(Number(pattern.count));
}

function numbersEqual(a: number, b: number): boolean {
  if (Number.isInteger(a) && Number.isInteger(b)) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** null when `actual` matches `pattern`, else where and why it does not. */
export function mismatch(pattern: Json, actual: Json | undefined, path = "$"): string | null {
  const show = (value: unknown): string => (value === undefined ? "nothing" : JSON.stringify(value).slice(0, 200));
  if (typeof pattern === "string" && PLACEHOLDERS.has(pattern)) {
    const ok =
      pattern === "$any"
        ? actual !== undefined
        : pattern === "$string"
          ? typeof actual === "string"
          : pattern === "$number"
            ? typeof actual === "number"
            : pattern === "$integer"
              ? typeof actual === "number" && Number.isInteger(actual)
              : pattern === "$boolean"
                ? typeof actual === "boolean"
                : pattern === "$object"
                  ? isObject(actual)
                  : pattern === "$array"
                    ? Array.isArray(actual)
                    : actual === undefined; // $absent
    return ok ? null : `${path}: expected ${pattern}, got ${show(actual)}`;
  }
  if (isObject(pattern) && "$contains" in pattern) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${show(actual)}`;
    for (const [index, item] of (pattern.$contains as Json[]).entries()) {
      if (!actual.some((element) => mismatch(item, element) === null)) return `${path}: no element matches $contains[${index}] ${show(item)}`;
    }
    return null;
  }
  if (isObject(pattern) && "$repeat" in pattern) {
    const expected = expandRepeat(pattern);
    if (actual === expected) return null;
    return `${path}: expected ${show(pattern.$repeat)} × ${String(pattern.count)}, got a ${typeof actual} of length ${typeof actual === "string" ? actual.length : "-"}`;
  }
  if (isObject(pattern)) {
    if (!isObject(actual)) return `${path}: expected an object, got ${show(actual)}`;
    for (const [key, value] of Object.entries(pattern)) {
      const problem = mismatch(value, actual[key], `${path}.${key}`);
      if (problem !== null) return problem;
    }
    return null;
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${show(actual)}`;
    if (actual.length !== pattern.length) return `${path}: expected ${pattern.length} elements, got ${actual.length}: ${show(actual)}`;
    for (const [index, value] of pattern.entries()) {
      const problem = mismatch(value, actual[index], `${path}[${index}]`);
      if (problem !== null) return problem;
    }
    return null;
  }
  if (typeof pattern === "number" && typeof actual === "number") return numbersEqual(pattern, actual) ? null : `${path}: expected ${pattern}, got ${actual}`;
  return pattern === actual ? null : `${path}: expected ${show(pattern)}, got ${show(actual)}`;
}

// ---------------------------------------------------------------------------
// Running

export interface RunResult {
  /** Every response line, in arrival order. */
  lines: Obj[];
  stderr: string;
}

/** Runs one transcript against `command` (e.g. [dist/plue-ai-provider]); throws with the line number on the first failure. */
export async function runTranscript(transcript: Transcript, command: string[]): Promise<RunResult> {
  const tmp = mkdtempSync(join(tmpdir(), "plue-conformance-"));
  const replays = await startReplays(transcript);
  const values: Record<string, string> = { ...replays.values, TMP: tmp };
  const waitMs = typeof transcript.header.timeout_ms === "number" ? transcript.header.timeout_ms : DEFAULT_WAIT_MS;
  const env: Record<string, string> = { HOME: tmp, PLUE_AUTH_FILE: join(tmp, "auth.json") };
  let child: RunningProcess | undefined;
  const consumed = new Set<number>();
  let exitCode: number | null | undefined;
  let closed = false;
  const wakers: Array<() => void> = [];

  const start = (): RunningProcess => {
    if (child) return child;
    child = startProcess(env, command);
    const wake = (): void => {
      for (const resolve of wakers.splice(0)) resolve();
    };
    child.child.stdout.on("data", wake);
    child.child.stdout.on("close", () => {
      closed = true;
      wake();
    });
    void child.exited.then((code) => {
      exitCode = code;
      wake();
    });
    return child;
  };

  /** Index (into child.lines) of the first unconsumed line with this id, waiting for it. */
  const nextFor = async (id: Json): Promise<number> => {
    const running = start();
    const deadline = Date.now() + waitMs;
    for (;;) {
      const index = running.lines.findIndex((line, at) => !consumed.has(at) && line.id === id);
      if (index !== -1) return index;
      if (closed) throw new Error(`stdout ended before a line with id ${JSON.stringify(id)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line with id ${JSON.stringify(id)} within ${waitMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wakers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };

  try {
    for (const [index, raw] of transcript.lines.entries()) {
      const at = `${transcript.path}:${index + 1}`;
      try {
        const step = JSON.parse(substitute(raw, values)) as Obj;
        switch (directiveOf(step)) {
          case "scenario":
          case "cassette":
            break;
          case "env":
            if (child) throw new Error("env must come before the first send");
            Object.assign(env, step.env as Record<string, string>);
            break;
          case "send":
            start().send(step.send);
            break;
          case "send_raw":
            start().send(step.send_raw as string, { invalid: step.invalid === true });
            break;
          case "expect": {
            const pattern = step.expect as Obj;
            if (!("id" in pattern)) throw new Error("an expect pattern needs a literal id");
            const found = await nextFor(pattern.id!);
            consumed.add(found);
            const problem = mismatch(pattern, child!.lines[found] as Obj);
            if (problem !== null) throw new Error(`${problem}\n  line: ${JSON.stringify(child!.lines[found]).slice(0, 500)}`);
            break;
          }
          case "expect_text": {
            const spec = step.expect_text as { id: Json; type: string; text: Json };
            // A literal text (or $repeat) ends the run as soon as it is complete, so a stream
            // that stalls after it can still be matched; a placeholder runs until another line.
            const literal =
              typeof spec.text === "string" && !PLACEHOLDERS.has(spec.text) ? spec.text : isObject(spec.text) && "$repeat" in spec.text ? expandRepeat(spec.text) : undefined;
            let text = "";
            let count = 0;
            while (literal === undefined || text !== literal) {
              const found = await nextFor(spec.id);
              const line = child!.lines[found] as { streaming?: boolean; data?: Obj };
              const data = line.data;
              const plain = line.streaming === true && isObject(data) && data.type === spec.type && Object.keys(data).every((key) => key === "type" || key === "content");
              if (!plain) break;
              consumed.add(found);
              text += data.content as string;
              count++;
              if (literal !== undefined && !literal.startsWith(text)) break;
            }
            if (count === 0)
              throw new Error(`expected ${spec.type} chunks for id ${JSON.stringify(spec.id)}, got ${JSON.stringify(child!.lines[await nextFor(spec.id)]).slice(0, 300)}`);
            const problem = mismatch(spec.text, text, `concatenated ${spec.type}`);
            if (problem !== null) throw new Error(problem);
            break;
          }
          case "close_stdin":
            start().closeStdin();
            break;
          case "expect_exit": {
            const running = start();
            const deadline = Date.now() + waitMs;
            while ((exitCode === undefined || !closed) && Date.now() < deadline) {
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, deadline - Date.now());
                wakers.push(() => {
                  clearTimeout(timer);
                  resolve();
                });
              });
            }
            if (exitCode === undefined) throw new Error(`the process did not exit within ${waitMs} ms`);
            if (exitCode !== step.expect_exit) throw new Error(`exit code ${String(exitCode)}, expected ${String(step.expect_exit)}; stderr: ${running.stderr().slice(-2000)}`);
            const left = running.lines.filter((_line, at) => !consumed.has(at));
            if (left.length > 0) throw new Error(`lines no expect consumed: ${left.map((line) => JSON.stringify(line).slice(0, 300)).join("\n  ")}`);
            break;
          }
        }
      } catch (error) {
        throw new Error(`${at}: ${(error as Error).message}`, { cause: error });
      }
    }
    if (exitCode === undefined) throw new Error(`${transcript.path}: a transcript must end with close_stdin and expect_exit`);
    return { lines: child!.lines as Obj[], stderr: child!.stderr() };
  } finally {
    if (child && exitCode === undefined) child.child.kill("SIGKILL");
    await replays.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
