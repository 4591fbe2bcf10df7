/**
 * The unified stream vocabulary. Format mappers turn provider events into
 * `StreamEvent`s; the wire chunks among them are written to stdout as they
 * are, the internal ones (`usage`, `finish`, `end`, `heartbeat`) steer the
 * request's bookkeeping and never reach the wire.
 */

/**
 * Token counts with one meaning for every provider: `input_tokens` includes
 * cache reads and writes, `output_tokens` includes reasoning tokens.
 */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
}

export type UsageField = keyof Usage;

/** Usage as written on a terminal line: the figures plus which of them are estimates. */
export interface ReportedUsage extends Usage {
  /** Names of the figures that are estimates rather than the provider's own count; empty when all are exact. */
  estimated: UsageField[];
}

/** USD; `null` when the model or one of the prices it needs is unknown. */
export interface Cost {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
  total: number;
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "refusal" | "other";

export interface ToolCall {
  id: string;
  name: string;
  /** The complete JSON text of the arguments, as the model wrote it. */
  arguments: string;
}

/**
 * A change the model rules (src/rules/) made to a request before it was sent:
 * a param dropped, changed or added so the model accepts the request. `param`
 * names the request field as the caller wrote it (`temperature`,
 * `reasoning.effort`, `tools[2].name`, `messages[4]`); `reason` names the rule.
 */
export interface Adjustment {
  param: string;
  action: "dropped" | "changed" | "added";
  from?: unknown;
  to?: unknown;
  reason: string;
}

/** Opaque provider data a chunk carries and the matching message part hands back verbatim (a JSON object). */
export type ProviderData = Record<string, unknown>;

export type WireChunk =
  | { type: "content"; content: string }
  /**
   * `provider_data`: per-item data the provider needs back on the next turn
   * (OpenRouter `reasoning_details`), opaque; hand it back on the reasoning part.
   */
  | { type: "reasoning"; content: string; signature?: string; redacted?: string; provider_data?: ProviderData }
  | { type: "tool_call_delta"; index: number; id?: string; name?: string; arguments_delta: string }
  /** `provider_data`: per-call data to hand back on the tool_call part (Gemini's `extra_content`), opaque. */
  | { type: "tool_call"; tool_call: ToolCall; provider_data?: ProviderData }
  | { type: "retry"; attempt: number; delay_ms: number; reason: string }
  | { type: "resumed"; attempt: number; reason: string }
  /** authenticate (Copilot device flow): what the user must enter where; seconds. Not terminal. */
  | { type: "device_flow"; user_code: string; verification_uri: string; expires_in: number; interval: number }
  | {
      type: "done";
      finish_reason: FinishReason;
      /** The provider's own stop reason, untranslated (e.g. `end_turn`, `stop_sequence`). */
      raw_finish_reason?: string;
      model: string;
      usage: ReportedUsage;
      cost: Cost | null;
      /** Provider-specific extras, e.g. content-filter categories. */
      details?: Record<string, unknown>;
      /** What the model rules changed in the request; absent when nothing was. */
      adjustments?: Adjustment[];
    };

/** Internal events: bookkeeping that the mappers report and the action consumes. */
export type ControlEvent =
  /** Usage figures as the provider reports them so far; later reports replace earlier ones field by field. */
  | { type: "usage"; usage: Partial<Usage> }
  | { type: "finish"; finish_reason: FinishReason; raw?: string; details?: Record<string, unknown> }
  /** The provider's model id as it answered (may differ from the requested alias). */
  | { type: "model"; model: string }
  /** The provider's terminal event arrived (`message_stop`, `[DONE]`, `response.completed`, ...). */
  | { type: "end" }
  /** Keep-alive noise (`ping` events). Not progress: it does not reset the idle timer. */
  | { type: "heartbeat" };

export type StreamEvent = WireChunk | ControlEvent;

/** True for the events that are written to the wire. */
export function isWireChunk(event: StreamEvent): event is WireChunk {
  switch (event.type) {
    case "usage":
    case "finish":
    case "model":
    case "end":
    case "heartbeat":
      return false;
    default:
      return true;
  }
}

export function emptyUsage(): Usage {
  return { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 };
}
