/**
 * One request's tokenizer count without stalling the process. The framing
 * rules (chat-tokens.ts, family-estimate.ts) count synchronously, text by
 * text; thousands of messages, or one 10 MB message, counted that way would
 * hold the event loop for seconds. So they run twice: first with a counter
 * that only notes which texts they ask for (message text, call arguments,
 * and the texts they build: rendered tool definitions, wrapped parallel
 * calls), then, once all of those are counted with the encoder's stepped
 * count under one pacer for the whole request, with a counter that answers
 * from those counts. The rules never branch on a count, so both runs ask for
 * the same texts.
 */
import { Pacer, yieldToEventLoop } from "./pacer.ts";

/** Below this many characters in all, a count takes well under a slice: no yield before it. */
const PACE_FROM_CHARS = 64 * 1024;
import type { Encoder, TokenCounter } from "./tiktoken.ts";

/** `count`'s result over `encoder`, counted a slice at a time; `exact` false once any text's count was not exact. */
export async function countPaced<T>(encoder: Encoder, count: (counter: TokenCounter) => T, signal?: AbortSignal): Promise<{ value: T; exact: boolean }> {
  const wanted = new Set<string>();
  count({
    count(text) {
      wanted.add(text);
      return 0;
    },
  });
  // A request with much to count was just parsed, itself a long run on the event loop: let other requests in first.
  let chars = 0;
  for (const text of wanted) chars += text.length;
  if (chars > PACE_FROM_CHARS) await yieldToEventLoop();
  const pacer = new Pacer(signal);
  const counted = new Map<string, number>();
  let exact = true;
  for (const text of wanted) {
    const tally = await encoder.tallyYielding(text, pacer);
    counted.set(text, tally.tokens);
    exact &&= tally.exact;
    await pacer.pace();
  }
  const value = count({
    count(text) {
      const known = counted.get(text);
      if (known !== undefined) return known;
      // Not asked for in the first run: counted here, in one go.
      const tally = encoder.tally(text);
      exact &&= tally.exact;
      return tally.tokens;
    },
  });
  return { value, exact };
}
