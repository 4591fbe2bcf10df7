/**
 * Exact local tokenizers for OpenAI models, loaded lazily: the rank tables of
 * js-tiktoken's o200k_base and cl100k_base, stored packed (rank-data.ts) and
 * inflated on first use, counted by bpe.ts.
 *
 * Each table sits behind a dynamic `import()` of its own module, so a process
 * that never counts tokens never evaluates the data, and nothing of it is
 * built at start-up.
 */
import { BridgeError } from "../protocol/errors.ts";
import { BpeCount, type BpeEncoding, compilePreTokenPattern, MAX_PIECE_CHARS, PieceCache } from "./bpe.ts";
import { indexShortRanks } from "./merge.ts";
import type { RankMap } from "./rank-key.ts";
import { cachedCount } from "./count-cache.ts";
import { Pacer } from "./pacer.ts";
import { rankMapOf, unpackCl100k, unpackO200k } from "./rank-data.ts";

export type EncodingName = "o200k_base" | "cl100k_base";

export interface TokenCounter {
  count(text: string): number;
}

/** A count and whether it is the tokenizer's exact one (bpe.ts splits pre-tokens over 1 KiB). */
export interface Tally {
  readonly tokens: number;
  readonly exact: boolean;
}

/** A loaded encoding. `count` is `tally(text).tokens`. */
export interface Encoder extends TokenCounter {
  tally(text: string): Tally;
  /**
   * The same count, yielding to the event loop when `pacer`'s slice is used
   * up, so a 10 MB text does not stall other requests; ends with the
   * pacer's signal's reason once it aborts. One pacer can serve many texts.
   */
  tallyYielding(text: string, pacer?: Pacer): Promise<Tally>;
}

/**
 * Model id prefixes, most specific first, after tiktoken's own
 * MODEL_PREFIX_TO_ENCODING (openai/tiktoken `tiktoken/model.py`): "gpt-4o"
 * and "gpt-4.1" must win over "gpt-4".
 */
const PREFIXES: ReadonlyArray<readonly [string, EncodingName]> = [
  ["gpt-4o", "o200k_base"],
  ["chatgpt-4o", "o200k_base"],
  ["gpt-4.1", "o200k_base"],
  ["gpt-4.5", "o200k_base"],
  ["gpt-5", "o200k_base"],
  // gpt-oss uses o200k_harmony: o200k_base's ranks plus extra special tokens,
  // so ordinary text counts the same.
  ["gpt-oss", "o200k_base"],
  ["codex-mini", "o200k_base"],
  ["gpt-4", "cl100k_base"],
  ["gpt-3.5-turbo", "cl100k_base"],
  ["gpt-35-turbo", "cl100k_base"], // Azure's spelling
  ["text-embedding-3", "cl100k_base"],
  ["text-embedding-ada-002", "cl100k_base"],
];

/** o1, o3, o4-mini, ... (and their dated snapshots). */
export const O_SERIES = /^o\d+(?:$|-)/;

/** An OpenAI model id without the namespace gateways and fine-tunes add: `openai/gpt-4o`, `openai.gpt-oss-120b-1:0`, `ft:gpt-4o-mini:org::id`. */
export function bareOpenAIId(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/^ft:/, "")
    .replace(/^openai[/.]/, "");
}

/**
 * The encoding of an OpenAI model id, by family prefix; undefined for models
 * we have no local tokenizer for (claude-*, gemini-*, llama, ...). Tolerates
 * namespace prefixes seen on gateways and fine-tunes: `openai/gpt-4o`,
 * `openai.gpt-oss-120b-1:0` (Bedrock), `ft:gpt-4o-mini:org::id`.
 */
export function encodingForModel(model: string): EncodingName | undefined {
  const id = bareOpenAIId(model);
  if (O_SERIES.test(id)) return "o200k_base";
  for (const [prefix, encoding] of PREFIXES) {
    if (id.startsWith(prefix)) return encoding;
  }
  return undefined;
}

/** o200k_base's tokens, unpacked once: its own encoder and cl100k_base's references both need them. */
let o200kTokens: ReturnType<typeof unpackO200k> | undefined;
const loadO200kTokens = (): ReturnType<typeof unpackO200k> => (o200kTokens ??= import("./ranks/o200k_base.ts").then(({ PACKED }) => unpackO200k(PACKED)));

/** Pre-token pattern and ranks of each encoding. cl100k_base is packed as references into o200k_base's tokens. */
const RANK_LOADERS: Record<EncodingName, () => Promise<{ pattern: string; ranks: RankMap }>> = {
  o200k_base: async () => {
    const { PAT_STR } = await import("./ranks/o200k_base.ts");
    return { pattern: PAT_STR, ranks: await rankMapOf(await loadO200kTokens()) };
  },
  cl100k_base: async () => {
    const [{ PAT_STR, PACKED }, o200k] = await Promise.all([import("./ranks/cl100k_base.ts"), loadO200kTokens()]);
    return { pattern: PAT_STR, ranks: await rankMapOf(await unpackCl100k(PACKED, o200k)) };
  },
};

// The promise is cached, not the result, so concurrent first callers share one load.
const cache = new Map<EncodingName, Promise<Encoder>>();

/** The encoder for `name`, loaded on first use and shared afterwards. */
export function getEncoder(name: EncodingName): Promise<Encoder> {
  let pending = cache.get(name);
  if (pending === undefined) {
    pending = loadEncoder(name);
    cache.set(name, pending);
    // A failed load must not poison the cache for later attempts.
    pending.catch(() => cache.delete(name));
  }
  return pending;
}

async function loadEncoder(name: EncodingName): Promise<Encoder> {
  try {
    const { pattern: patStr, ranks } = await RANK_LOADERS[name]();
    const pacer = new Pacer();
    await indexShortRanks(ranks, () => pacer.pace());
    return encoderOf({ ranks, pattern: compilePreTokenPattern(patStr, MAX_PIECE_CHARS), maxPieceChars: MAX_PIECE_CHARS, pieces: new PieceCache() });
  } catch (cause) {
    throw new BridgeError("INTERNAL", `cannot load the ${name} tokenizer`, { cause });
  }
}

/** Work between two looks at the clock: a step of random letters, the slowest text to merge, takes ~4 ms. */
const STEP_CHARS = 16 * 1024;

/** An encoder over loaded ranks; exported for the tests, which build two over the same ranks. */
export function encoderOf(encoding: BpeEncoding): Encoder {
  const remembered = cachedCount((text: string): Tally => {
    const count = new BpeCount(text, encoding);
    count.step(Number.POSITIVE_INFINITY);
    return { tokens: count.tokens, exact: count.exact };
  });
  return {
    tally: (text) => remembered.get(text),
    count: (text) => remembered.get(text).tokens,
    async tallyYielding(text, pacer = new Pacer()) {
      const known = remembered.peek(text);
      if (known !== undefined) return known;
      const count = new BpeCount(text, encoding);
      while (!count.step(STEP_CHARS)) await pacer.pace();
      const tally = { tokens: count.tokens, exact: count.exact };
      remembered.put(text, tally);
      return tally;
    },
  };
}
