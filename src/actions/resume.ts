/**
 * Partial-response recovery for the Anthropic family (Anthropic, Claude on
 * Bedrock, Vertex and Copilot's Messages route): when a stream breaks after text was written,
 * the request is sent again with that text as a trailing assistant message
 * (a prefill), and the model's continuation is written after it.
 *
 * The rules, decided here and documented in wire/README.md:
 * - only models that accept a prefill (the model rules' `prefill`: Claude
 *   up to 4.5); for later models the original error ends the request;
 * - only answers that are text so far: once a reasoning, tool-call or other
 *   non-text chunk was written the stream is not resumed (a prefill cannot
 *   carry an open tool call, and Anthropic rejects a prefill together with
 *   extended thinking, so requests with `reasoning` are never resumed);
 * - at most MAX_RESUMES times per request, and never more often than
 *   `max_retries` allows (`max_retries: 0` turns resuming off too: a resume
 *   sends the request again);
 * - `params.resume: false` opts out.
 *
 * Anthropic rejects a final assistant message that ends in whitespace, so
 * the prefill is the text with its trailing whitespace stripped, and the
 * continuation (which follows the stripped text) has as much of that
 * whitespace removed from its start as it repeats: the text on the wire
 * stays exactly what was written plus what the model added.
 */
import type { ReportedUsage, UsageField } from "../protocol/chunks.ts";
import type { ContentPart, Message } from "../protocol/chat.ts";
import type { ChatPlan, ShapedRequestParams } from "../providers/types.ts";

/** How many times one request may be resumed. */
export const MAX_RESUMES = 2;

/**
 * Whether this request may be resumed at all (before looking at what was
 * written): the route can continue a prefill, the model rules say the model
 * accepts one (Claude 4.6 and later answer 400: src/catalog/rules.json
 * "claude-4.6-no-prefill"), the request does not think, and the caller did
 * not opt out.
 */
export function resumeAllowed(plan: ChatPlan): boolean {
  const { params, rules } = plan.shaping;
  const thinks = params.thinking !== undefined && params.thinking.type !== "disabled" && !(params.thinking.type === "budget" && params.thinking.budget_tokens === 0);
  return plan.continueWith !== undefined && params.resume !== false && rules.prefill === true && !thinks;
}

/** How many resumes a request gets: MAX_RESUMES, within its retry budget. */
export function resumeLimit(maxRetries: number): number {
  return Math.min(MAX_RESUMES, maxRetries);
}

/** The whitespace at the end of `text` that a prefill cannot carry. */
export function trailingWhitespace(text: string): string {
  return text.slice(text.trimEnd().length);
}

/**
 * The request again, with `written` (everything the answer has written so
 * far) as the start of the assistant's answer. A request that already ends
 * with an assistant turn (the caller's own prefill) gets `written` appended to
 * its last text, which is where the model continued from. `outputSoFar`
 * (tokens already generated) comes off `max_tokens`, so the whole answer
 * keeps to the caller's limit.
 */
export function prefillParams(params: ShapedRequestParams, written: string, outputSoFar: number): ShapedRequestParams {
  const messages: Message[] = params.messages.map((message) => ({ ...message }));
  const next: ShapedRequestParams = { ...params, messages };
  if (params.max_tokens !== undefined) next.max_tokens = Math.max(1, params.max_tokens - outputSoFar);
  if (params.cache === true) keepCacheMarks(next, messages);
  const last = messages[messages.length - 1];
  if (last !== undefined && last.role === "assistant") {
    const content = extendAnswer(last.content, written);
    if (content === undefined) messages.pop();
    else messages[messages.length - 1] = { ...last, content };
    return next;
  }
  const prefill = written.trimEnd();
  if (prefill !== "") messages.push({ role: "assistant", content: prefill });
  return next;
}

/**
 * `cache: true` marks the system prompt and the last message; with a prefill
 * appended, "the last message" would move onto the prefill and write a new
 * cache entry. The marks are pinned where the first call put them instead.
 */
function keepCacheMarks(next: ShapedRequestParams, messages: Message[]): void {
  delete next.cache;
  const lastSystem = messages.findLastIndex((message) => message.role === "system");
  const lastTurn = messages.findLastIndex((message) => message.role !== "system");
  for (const index of [lastSystem, lastTurn]) {
    const message = messages[index];
    if (message !== undefined) messages[index] = { ...message, cache: true };
  }
}

/**
 * The caller's own answer start with `written` after it, trailing whitespace
 * stripped (the caller's own trailing whitespace too: Bedrock strips it before
 * sending, Anthropic refuses it, so the model never continued from it).
 * Undefined when nothing is left.
 */
function extendAnswer(content: Message["content"], written: string): Message["content"] | undefined {
  if (typeof content === "string") {
    const text = (content.trimEnd() + written).trimEnd();
    return text === "" ? undefined : text;
  }
  const parts: ContentPart[] = [...content];
  const lastPart = parts[parts.length - 1];
  const text = ((lastPart?.type === "text" ? lastPart.text.trimEnd() : "") + written).trimEnd();
  if (lastPart?.type === "text") parts.pop();
  if (text !== "") parts.push(lastPart?.type === "text" ? { ...lastPart, text } : { type: "text", text });
  return parts.length === 0 ? undefined : parts;
}

/**
 * The seam between the written text and its continuation: drops from the
 * start of the continuation the longest prefix it shares with the whitespace
 * the prefill left out, across as many deltas as that takes. Whitespace the
 * continuation does not repeat stays written; whitespace it adds beyond it
 * passes through.
 */
export class Seam {
  private pending: string;

  constructor(stripped: string) {
    this.pending = stripped;
  }

  get settled(): boolean {
    return this.pending === "";
  }

  /** The part of a continuation delta to write. */
  take(delta: string): string {
    let i = 0;
    while (i < delta.length && i < this.pending.length && delta[i] === this.pending[i]) i++;
    if (i === delta.length) {
      this.pending = this.pending.slice(i);
      return "";
    }
    // A character that differs (or the end of the stripped run) settles the seam for good.
    this.pending = "";
    return delta.slice(i);
  }
}

/**
 * The text written so far, for the prefill: appended a delta at a time, kept
 * flat. A string grown with `+=` is a rope holding every delta (some 20
 * characters each) in its own cells, several times the size of the text, for
 * as long as the stream runs.
 */
export class TextLog {
  private blocks: string[] = [];
  private pieces: string[] = [];

  append(text: string): void {
    this.pieces.push(text);
    if (this.pieces.length >= 256) this.seal();
  }

  text(): string {
    this.seal();
    if (this.blocks.length > 1) this.blocks = [this.blocks.join("")];
    return this.blocks[0] ?? "";
  }

  private seal(): void {
    if (this.pieces.length === 0) return;
    this.blocks.push(this.pieces.join(""));
    this.pieces = [];
  }
}

/** What the calls of one request used, added up: each call is billed for everything it processed. */
export function addUsage(a: ReportedUsage, b: ReportedUsage): ReportedUsage {
  const estimated = [...new Set<UsageField>([...a.estimated, ...b.estimated])];
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_read_tokens: a.cache_read_tokens + b.cache_read_tokens,
    cache_write_tokens: a.cache_write_tokens + b.cache_write_tokens,
    reasoning_tokens: a.reasoning_tokens + b.reasoning_tokens,
    estimated,
  };
}
