/**
 * Structured logs on stderr, one JSON object per line. Every string of a
 * record (message, field names and values, nested ones, error messages and
 * their causes) passes through the redactor before it is serialised, and the
 * line is escaped like a response line, so no content can split it.
 * `PLUE_LOG` = error | warn | info | debug (default warn).
 */
import { escapeLineBreaks } from "../protocol/lines.ts";
import { redact } from "../redact.ts";
import type { Env, Logger, LogLevel } from "../deps.ts";
import { writeStderr } from "./stdio.ts";

const ORDER: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export function createStderrLogger(env: Env, write: (text: string) => void = writeStderr): Logger {
  const threshold = ORDER[(env.PLUE_LOG as LogLevel) ?? "warn"] ?? ORDER.warn;
  return {
    log(level, message, fields) {
      if (ORDER[level] > threshold) return;
      write(formatLogRecord({ time: new Date().toISOString(), level, message, ...fields }));
    },
  };
}

/** One redacted log line, "\n" included. */
export function formatLogRecord(record: Record<string, unknown>): string {
  let text: string;
  try {
    text = JSON.stringify(record, redactingReplacer);
  } catch (error) {
    // A cycle or a BigInt in the fields: the record still says what happened, without them.
    const { time, level, message } = record;
    text = JSON.stringify({ time, level, message, fields_unserialisable: String(error) }, redactingReplacer);
  }
  return `${escapeLineBreaks(text)}\n`;
}

/** Errors serialise with their cause chain, which JSON.stringify would drop. */
export function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message };
    if ("code" in value) out.code = (value as { code: unknown }).code;
    if (value.cause !== undefined) out.cause = value.cause;
    return out;
  }
  return value;
}

function redactingReplacer(key: string, value: unknown): unknown {
  const out = errorReplacer(key, value);
  if (typeof out === "string") return redact(out);
  if (typeof out !== "object" || out === null || Array.isArray(out)) return out;
  // A replacer cannot rename a key: an object with a key that needs scrubbing is copied under clean keys.
  const keys = Object.keys(out);
  if (keys.every((name) => redact(name) === name)) return out;
  return Object.fromEntries(keys.map((name) => [redact(name), (out as Record<string, unknown>)[name]]));
}
