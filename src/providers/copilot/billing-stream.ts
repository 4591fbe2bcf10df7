/**
 * Reads Copilot's `copilot_usage` block off a chat stream, whichever dialect
 * carries it, and says on the finish what the call was billed.
 *
 * Copilot puts the block at the top level of one event on every route:
 * Responses on `response.completed` (our recording, from vercel/ai), Anthropic
 * Messages on `message_delta` (microsoft/vscode
 * `src/vs/platform/agentHost/node/claude/claudeProxyService.ts` reads it off
 * the Messages stream's events), Chat Completions on the chunk with `usage` or
 * on a chunk of its own (Copilot proxies read `chunk.copilot_usage` beside
 * `chunk.usage`; where exactly is not documented, 2026-12). The dialect
 * mappers stay as OpenAI and Anthropic define them; this wrapper looks at the
 * raw events beside them, so no dialect learns Copilot's billing.
 *
 * The block can come after the finish reason (Chat Completions sends
 * `finish_reason` before the usage chunk), so the finish is held back and
 * written just before the stream's `end`, with `details.copilot_usage` (the
 * block as sent) and `details.copilot_billing` (src/providers/copilot/billing.ts).
 * Without a block nothing is added: a plan still on premium requests (annual
 * Pro and Pro+, docs.github.com "Requests in GitHub Copilot (legacy)") or an
 * answer that does not say is not priced.
 */
import type { SseEvent } from "../../decode/sse-event.ts";
import type { StreamMapper } from "../../formats/types.ts";
import type { Cost, StreamEvent, Usage } from "../../protocol/chunks.ts";
import { payloadNaming } from "../../formats/json.ts";
import { billCall, readCopilotUsage, type CopilotTokenPrices, type CopilotUsageBlock } from "./billing.ts";

type FinishEvent = Extract<StreamEvent, { type: "finish" }>;

const HELD = new Set<StreamEvent["type"]>(["usage", "finish", "end"]);

/** One chat request's billing state: each attempt's mapper starts it afresh. */
export class CopilotBillingMeter {
  /** What the current attempt was billed, in USD, once its answer said so. */
  billed: Cost | undefined;
  private readonly prices: CopilotTokenPrices | undefined;

  constructor(prices: CopilotTokenPrices | undefined) {
    this.prices = prices;
  }

  /** `inner` for one attempt, with Copilot's billing added to its finish. */
  wrap(inner: StreamMapper<SseEvent>): StreamMapper<SseEvent> {
    this.billed = undefined;
    return new BilledMapper(inner, this);
  }

  /** @internal the finish of an attempt whose answer carried a `copilot_usage` block. */
  settle(block: CopilotUsageBlock, usage: Partial<Usage>): Record<string, unknown> {
    const billing = billCall(block, usage, this.prices);
    if (billing.cost !== null) this.billed = billing.cost;
    return { ...billing };
  }
}

class BilledMapper implements StreamMapper<SseEvent> {
  private raw: unknown;
  private block: CopilotUsageBlock | undefined;
  private finish: FinishEvent | undefined;
  private readonly usage: Partial<Usage> = {};
  private readonly inner: StreamMapper<SseEvent>;
  private readonly meter: CopilotBillingMeter;

  constructor(inner: StreamMapper<SseEvent>, meter: CopilotBillingMeter) {
    this.inner = inner;
    this.meter = meter;
  }

  map(event: SseEvent, out: StreamEvent[]): void {
    this.note(event);
    let from = out.length;
    this.inner.map(event, out);
    // Text deltas pass untouched; only a batch with usage, the finish or the end is rearranged.
    while (from < out.length && !HELD.has(out[from]!.type)) from++;
    if (from === out.length) return;
    for (const mapped of out.splice(from)) {
      switch (mapped.type) {
        case "usage":
          Object.assign(this.usage, mapped.usage);
          out.push(mapped);
          break;
        case "finish":
          this.finish = mapped;
          break;
        case "end": {
          const finish = this.settled();
          if (finish !== undefined) out.push(finish);
          out.push(mapped);
          break;
        }
        default:
          out.push(mapped);
      }
    }
  }

  private note(event: SseEvent): void {
    const raw = payloadNaming(event.data, '"copilot_usage"')?.["copilot_usage"];
    const block = readCopilotUsage(raw);
    if (block === undefined) return;
    this.raw = raw;
    this.block = block;
  }

  /** The held finish with the billing added; a bare one when only the block came (the stream's own finish is "other" then too). */
  private settled(): FinishEvent | undefined {
    if (this.block === undefined) return this.finish;
    const finish: FinishEvent = this.finish ?? { type: "finish", finish_reason: "other" };
    return { ...finish, details: { ...finish.details, copilot_usage: this.raw, copilot_billing: this.meter.settle(this.block, this.usage) } };
  }
}
