/**
 * stream_chat: provider plan → HTTP → SSE decode → dialect mapper → chunks.
 * Retries happen only before the first chunk reaches stdout (each announced
 * by a `retry` chunk). After that, an Anthropic-family answer that is text so
 * far is resumed with the text as a prefill (a `resumed` chunk marks the
 * seam; rules in resume.ts); any other failure ends the request with
 * `partial: true` and the usage known so far. A stream that ends without its
 * provider's terminal event is a STREAM_ERROR, never a silently short answer.
 */
import type { ProviderId } from "../catalog/catalog.ts";
import { addCost } from "../catalog/cost.ts";
import { abortReason, readCapped, sendRequest } from "../http/client.ts";
import { observingFetch, rateLimiterFor, rateLimitKey } from "../http/rate-limit.ts";
import { type AttemptDecision, runAttempts } from "../http/attempts.ts";
import { DEFAULT_RETRY_POLICY, decideRetry } from "../http/retry.ts";
import { resolveTimeouts, Watchdog } from "../http/watchdog.ts";
import { isWireChunk, type Cost, type FinishReason, type ReportedUsage, type StreamEvent, type WireChunk } from "../protocol/chunks.ts";
import { BridgeError, toBridgeError } from "../protocol/errors.ts";
import type { RequestOf } from "../protocol/request.ts";
import type { ChatPlan, Provider, ShapedRequestParams } from "../providers/types.ts";
import type { ToolNames } from "../rules/tool-names.ts";
import { addUsage, prefillParams, resumeAllowed, resumeLimit, Seam, TextLog, trailingWhitespace } from "./resume.ts";
import type { ActionContext, Outcome } from "./types.ts";
import { costOf, UsageTracker } from "./usage-report.ts";

type ChatRequest = RequestOf<"stream_chat">;

/** Most body bytes decoded and delivered at a time. */
const FEED_BYTES = 64 * 1024;

interface StreamState {
  usage: UsageTracker;
  /** A content, reasoning or tool chunk has been written: from here on, no automatic retry. */
  wroteContent: boolean;
  /** Every chunk written so far was `content` (the condition for resuming). */
  textOnly: boolean;
  /** The content written so far, for a resume's prefill: only where a resume may follow. */
  written?: TextLog;
  /** The current attempt got an event past the headers (a failed resume call that got none used nothing). */
  attemptProgressed: boolean;
  /** Set while a resumed attempt's continuation has not yet passed the stripped whitespace. */
  seam?: Seam;
  ended: boolean;
  finish?: { finish_reason: FinishReason; raw?: string; details?: Record<string, unknown> };
  model?: string;
}

/** What the earlier calls of a resumed request used. */
interface Carried {
  usage: ReportedUsage;
  cost: Cost | null;
}

export async function streamChat(ctx: ActionContext<ChatRequest>, provider: Provider): Promise<Outcome> {
  const { request, deps } = ctx;
  const params = request.params;
  const state: StreamState = {
    usage: new UsageTracker(),
    wroteContent: false,
    textOnly: true,
    attemptProgressed: false,
    ended: false,
  };
  const policy = { ...DEFAULT_RETRY_POLICY, maxRetries: params.max_retries ?? DEFAULT_RETRY_POLICY.maxRetries };
  const timeouts = resolveTimeouts(params.timeouts);
  const providerId = provider.id as ProviderId;
  /** The params of the current call: the shaped request, or that with its prefill once resumed (for estimates). */
  let current: ShapedRequestParams;
  let carried: Carried | undefined;
  let resumes = 0;

  /** This call's usage and cost plus those of the calls before it. */
  const total = (complete: boolean): Carried => {
    if (carried !== undefined && !state.attemptProgressed) return carried;
    const usage = state.usage.report(current, complete);
    const cost = plan.billedCost?.() ?? costOf(providerId, state.model ?? params.model, usage, params.model);
    if (carried === undefined) return { usage, cost };
    return { usage: addUsage(carried.usage, usage), cost: addCost(carried.cost, cost) };
  };
  const reportFailure = (): void => {
    const { usage, cost } = total(false);
    ctx.setFailureUsage(usage, cost);
  };

  let plan: ChatPlan;
  try {
    plan = await provider.planChat(params, { deps, signal: ctx.signal });
  } catch (error) {
    throw toBridgeError(error);
  }
  current = plan.shaping.params;
  const { adjustments, toolNames } = plan.shaping;
  if (adjustments.length > 0) ctx.setAdjustments(adjustments);
  const maxResumes = resumeLimit(policy.maxRetries);
  const mayResume = resumeAllowed(plan) && maxResumes > 0;
  if (mayResume) state.written = new TextLog();

  return runAttempts<Outcome>({
    deps,
    signal: ctx.signal,
    attempt: async () => {
      state.attemptProgressed = false;
      try {
        await runAttempt(ctx, plan, state, timeouts, toolNames);
      } catch (error) {
        throw plan.explainFailure === undefined ? error : plan.explainFailure(toBridgeError(error));
      }
      const { usage, cost } = total(true);
      const model = state.model ?? params.model;
      const done: Extract<WireChunk, { type: "done" }> = {
        type: "done",
        finish_reason: state.finish?.finish_reason ?? "other",
        model,
        usage,
        cost,
      };
      if (state.finish?.raw !== undefined) done.raw_finish_reason = state.finish.raw;
      if (state.finish?.details !== undefined) done.details = state.finish.details;
      if (adjustments.length > 0) done.adjustments = adjustments;
      return { kind: "done", chunk: done };
    },
    decide: (error, attempt): AttemptDecision => {
      error.partial = state.wroteContent;
      if (state.wroteContent) {
        // After content: no retry, only a resume (src/actions/resume.ts), with its own count and limit.
        const resume = mayResume && state.textOnly && resumes < maxResumes ? decideRetry(resumes, error, { ...policy, maxRetries: maxResumes }, deps.random()) : undefined;
        if (resume === undefined || !resume.retry) return { retry: false };
        return {
          retry: true,
          delayMs: resume.delayMs,
          waitName: "resume wait",
          announce: async () => {
            resumes++;
            // The broken call is billed for what it processed; a resume call that failed before any event used nothing.
            carried = total(false);
            state.usage.reset();
            const written = state.written?.text() ?? "";
            current = prefillParams(plan.shaping.params, written, carried.usage.output_tokens);
            plan.continueWith?.(current);
            state.seam = new Seam(trailingWhitespace(written));
            deps.log.log("info", "resuming", { id: request.id, attempt: resumes, delay_ms: resume.delayMs, error });
            await ctx.emit([{ type: "resumed", attempt: resumes, reason: resume.reason }]);
            // Until the resumed call gets an event, the request has used what the broken calls used.
            state.attemptProgressed = false;
          },
        };
      }
      // A provider's own way out first (Bedrock's inference profile, a token refresh), at once.
      const recovery = plan.recover?.(error);
      if (recovery !== undefined) {
        return {
          retry: true,
          announce: async () => {
            await ctx.emit([{ type: "retry", attempt: attempt + 1, delay_ms: 0, reason: recovery }]);
            state.usage.reset();
          },
        };
      }
      const decision = decideRetry(attempt, error, policy, deps.random());
      if (!decision.retry) return { retry: false };
      return {
        retry: true,
        delayMs: decision.delayMs,
        announce: async () => {
          deps.log.log("info", "retrying", { id: request.id, attempt: attempt + 1, delay_ms: decision.delayMs, error });
          await ctx.emit([{ type: "retry", attempt: attempt + 1, delay_ms: decision.delayMs, reason: decision.reason }]);
          state.usage.reset();
        },
      };
    },
    onGiveUp: reportFailure,
  });
}

async function runAttempt(ctx: ActionContext<ChatRequest>, plan: ChatPlan, state: StreamState, timeouts: ReturnType<typeof resolveTimeouts>, toolNames: ToolNames): Promise<void> {
  const httpRequest = await plan.buildRequest();
  // Queue time is not the provider's: the attempt's timers start once the request may go (only the request's own deadline runs).
  const lease = await rateLimiterFor(ctx.deps).acquire(await rateLimitKey(httpRequest), ctx.signal, state);
  const observed = { ...ctx.deps, fetch: observingFetch(ctx.deps.fetch, lease) };
  const attemptController = new AbortController();
  const signal = AbortSignal.any([ctx.signal, attemptController.signal]);
  const watchdog = new Watchdog(attemptController, timeouts);
  watchdog.start();
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    const response = await sendRequest(observed, httpRequest, signal, plan.format.classifyError);
    watchdog.headersReceived();
    if (!response.body) throw new BridgeError("STREAM_ERROR", "provider answered without a body", { retryable: true });
    const contentType = response.headers.get("content-type") ?? "";
    if (contentType.includes("json") || contentType.includes("html")) {
      // A gateway, a non-streaming deployment or a captive portal answered one document: asking again would get the same.
      const text = await readCapped(response, 2048);
      const hint = contentType.includes("html") ? " (a proxy or sign-in page in the way?)" : "";
      throw new BridgeError("STREAM_ERROR", `provider answered ${contentType} instead of an event stream${hint}: ${text.slice(0, 200)}`);
    }
    reader = response.body.getReader();
    const decoder = plan.createDecoder();
    const mapper = plan.format.createMapper();
    const events: StreamEvent[] = [];
    /** Decode, map and deliver one piece of the body (`undefined`: its end). */
    const consume = async (piece: Uint8Array | undefined): Promise<void> => {
      const decoded = piece === undefined ? decoder.end() : decoder.feed(piece);
      for (const event of decoded) {
        if (state.ended) break; // nothing after the terminal event counts
        const before = events.length;
        try {
          mapper.map(event, events);
        } catch (error) {
          // What the provider sent ahead of its error, in the same read, is part of the answer: deliver it first,
          // so it is not lost and the failure counts as partial (no retry) whatever the network's segmentation.
          if (events.length > 0) await deliver(ctx, state, events, watchdog, toolNames);
          throw error;
        }
        for (let i = before; i < events.length; i++) if (events[i]!.type === "end") state.ended = true;
      }
      if (events.length > 0) {
        await deliver(ctx, state, events, watchdog, toolNames);
        events.length = 0;
      }
    };
    for (;;) {
      let result: Awaited<ReturnType<typeof reader.read>>;
      try {
        result = await reader.read();
      } catch (error) {
        throw abortReason(signal, error, "stream read failed");
      }
      if (result.done) {
        await consume(undefined);
        break;
      }
      // The runtime hands over everything it buffered while we were writing (a whole answer, at times): taken in
      // slices, what one read turns into (text, events, lines) is garbage per slice, not per answer.
      const bytes = result.value;
      for (let at = 0; at < bytes.length && !state.ended; at += FEED_BYTES) await consume(bytes.subarray(at, at + FEED_BYTES));
      if (state.ended) break;
    }
    if (!state.ended) {
      throw new BridgeError("STREAM_ERROR", "stream ended before the provider's terminal event (truncated answer)", {
        retryable: true,
      });
    }
  } catch (error) {
    // A timer or cancel may have fired while something else was being awaited; its reason wins.
    if (signal.aborted) throw abortReason(signal, error, "");
    throw error;
  } finally {
    watchdog.stop();
    reader?.cancel().catch(() => {});
    lease.release();
  }
}

/** Apply a batch of mapped events: bookkeeping for control events, one write for all wire chunks. */
async function deliver(ctx: ActionContext<ChatRequest>, state: StreamState, events: StreamEvent[], watchdog: Watchdog, toolNames: ToolNames): Promise<void> {
  const chunks: WireChunk[] = [];
  let progressed = false;
  for (const event of events) {
    switch (event.type) {
      case "heartbeat":
        continue;
      case "usage":
        state.usage.update(event.usage);
        break;
      case "finish":
        state.finish = { finish_reason: event.finish_reason };
        if (event.raw !== undefined) state.finish.raw = event.raw;
        if (event.details !== undefined) state.finish.details = event.details;
        break;
      case "model":
        state.model = event.model;
        break;
      case "end":
        break;
      default:
        if (isWireChunk(event)) {
          if (event.type === "content" || event.type === "reasoning") state.usage.noteGenerated(event.content);
          else if (event.type === "tool_call_delta") state.usage.noteGenerated(event.arguments_delta);
          if (event.type === "content") {
            const content = state.seam === undefined ? event.content : state.seam.take(event.content);
            // Whitespace the seam dropped is still the provider's progress, only nothing to write.
            if (content !== "") {
              state.written?.append(content);
              chunks.push(content === event.content ? event : { type: "content", content });
            }
          } else {
            // Something other than text came first: nothing more to drop.
            delete state.seam;
            state.textOnly = false;
            chunks.push(editorNames(event, toolNames));
          }
          if (state.seam?.settled) delete state.seam;
        }
    }
    progressed = true;
  }
  if (progressed) state.attemptProgressed = true;
  if (chunks.length > 0) {
    state.wroteContent = true;
    // A reader that is slow to take stdout is our stall, not the provider's: no timer runs while we wait for it.
    watchdog.stop();
    await ctx.emit(chunks);
    watchdog.progress(true);
  } else if (progressed) {
    watchdog.progress(false);
  }
}

/** A tool chunk under the name the editor gave the tool (the rules may have sent a provider-safe one). */
function editorNames(chunk: WireChunk, names: ToolNames): WireChunk {
  if (chunk.type === "tool_call_delta" && chunk.name !== undefined) {
    const name = names.editor(chunk.name);
    return name === chunk.name ? chunk : { ...chunk, name };
  }
  if (chunk.type === "tool_call") {
    const name = names.editor(chunk.tool_call.name);
    return name === chunk.tool_call.name ? chunk : { ...chunk, tool_call: { ...chunk.tool_call, name } };
  }
  return chunk;
}
