/**
 * The wire's error vocabulary. `ERROR_CODES` is exactly the `code` enum of
 * wire/schema/response.schema.json (a test keeps the two equal), and
 * `BridgeError` is the only error type that crosses module boundaries: every
 * failure is thrown as one at the point it is detected, and only
 * server/dispatch.ts turns it into a line.
 */
export const ERROR_CODES = [
  "INVALID_REQUEST",
  "UNKNOWN_PROVIDER",
  "AUTH_REQUIRED",
  "AUTH_FAILED",
  "RATE_LIMITED",
  "OVERLOADED",
  "CONTEXT_LENGTH_EXCEEDED",
  "INVALID_PARAMS",
  "NOT_FOUND",
  "PROVIDER_ERROR",
  "NETWORK_ERROR",
  "TIMEOUT",
  "CANCELLED",
  "STREAM_ERROR",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface BridgeErrorOptions {
  retryable?: boolean;
  /** HTTP status of the provider answer that caused it, when there was one. */
  status?: number;
  /** Server-advised wait before trying again. */
  retryAfterMs?: number;
  /** Content chunks were already written for this request. */
  partial?: boolean;
  /** The provider's own error type, e.g. `overloaded_error`, `insufficient_quota`. */
  providerType?: string;
  /** The provider's request id (`request-id`, `x-request-id`, ...), for support tickets. */
  requestId?: string;
  /** The offending request field, for INVALID_REQUEST. */
  field?: string;
  cause?: unknown;
}

export class BridgeError extends Error {
  readonly code: ErrorCode;
  retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  partial: boolean;
  readonly providerType: string | undefined;
  readonly requestId: string | undefined;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: BridgeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "BridgeError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.partial = options.partial ?? false;
    this.providerType = options.providerType;
    this.requestId = options.requestId;
    this.field = options.field;
  }
}

/** Wrap anything thrown into a BridgeError, keeping the original as `cause`. */
export function toBridgeError(error: unknown): BridgeError {
  if (error instanceof BridgeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BridgeError("INTERNAL", `internal error: ${message}`, { cause: error });
}

/** The string `code` a runtime error carries (Node's and Bun's `ECONNRESET`, `ENOENT`, ...), if any. */
export function systemErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
