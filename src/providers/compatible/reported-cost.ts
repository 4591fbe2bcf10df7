/**
 * What a compatible server says a call was billed, read off its stream
 * (flag `usage_cost`): OpenRouter's usage accounting puts `usage.cost` (USD
 * credits, "the total amount charged to your account") and `cost_details`
 * with the upstream prompt and completion costs in the last chunk
 * (openrouter.ai/docs/use-cases/usage-accounting; every stream in
 * recordings/openrouter). The dialect mapper stays OpenAI's; this wrapper
 * looks at the raw events beside it, as Copilot's billing does
 * (../copilot/billing-stream.ts).
 *
 * Taken only when it is whole: a cost with both parts that add up to it.
 * With the user's own provider key (`is_byok`) `cost` is OpenRouter's fee
 * alone and the upstream charge is billed elsewhere, so the catalog prices
 * the usage instead, as it does when the server says nothing.
 */
import type { SseEvent } from "../../decode/sse-event.ts";
import type { StreamMapper } from "../../formats/types.ts";
import type { Cost } from "../../protocol/chunks.ts";
import { amount, payloadNaming } from "../../formats/json.ts";
import { isJsonObject } from "../../protocol/json.ts";

/** Parts may be rounded apart from the total by the server; beyond this they are not the same bill. */
const TOLERANCE = 1e-9;

export class ReportedCostMeter {
  /** The current attempt's billed cost, once its answer said so. */
  billed: Cost | undefined;

  /** `inner` for one attempt, watched for the reported cost. */
  wrap(inner: StreamMapper<SseEvent>): StreamMapper<SseEvent> {
    this.billed = undefined;
    return {
      map: (event, out) => {
        const cost = readCost(payloadNaming(event.data, '"cost"')?.["usage"]);
        if (cost !== undefined) this.billed = cost;
        inner.map(event, out);
      },
    };
  }
}

/** A usage object's billed cost, or undefined when it is absent, partial, the fee of a BYOK call, or not a sane number. */
export function readCost(usage: unknown): Cost | undefined {
  if (!isJsonObject(usage) || usage["is_byok"] === true) return undefined;
  const total = amount(usage["cost"]);
  const details = usage["cost_details"];
  if (total === undefined || !isJsonObject(details)) return undefined;
  const input = amount(details["upstream_inference_prompt_cost"]);
  const output = amount(details["upstream_inference_completions_cost"]);
  if (input === undefined || output === undefined || Math.abs(input + output - total) > TOLERANCE) return undefined;
  return { input, output, cache_read: 0, cache_write: 0, total };
}
