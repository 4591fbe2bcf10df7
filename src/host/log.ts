/**
 * Structured logs on stderr, one JSON object per line, every message passed
 * through the redactor. `PLUE_LOG` = error | warn | info | debug (default warn).
 */
import { redact } from "../redact.ts";
import type { Env, Logger, LogLevel } from "../deps.ts";
import { writeStderr } from "./stdio.ts";

const ORDER: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export function createStderrLogger(env: Env): Logger {
  const threshold = ORDER[(env.PLUE_LOG as LogLevel) ?? "warn"] ?? ORDER.warn;
  return {
    log(level, message, fields) {
      if (ORDER[level] > threshold) return;
      const record = { time: new Date().toISOString(), level, message, ...fields };
      writeStderr(`${redact(JSON.stringify(record, errorReplacer))}\n`);
    },
  };
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
