/**
 * Exact local tokenizers for OpenAI models, loaded lazily: js-tiktoken's rank
 * data and pre-token patterns, counted by bpe.ts.
 *
 * Only the two encodings current chat models use are reachable, each through
 * its own `js-tiktoken/ranks/<name>` entry point behind a dynamic `import()`:
 * the package's top-level entry would pull in every encoding (~5.6 MB) and
 * the bundler could not leave any of them out of the executable.
 */
import { BridgeError } from "../protocol/errors.ts";
import { compilePreTokenPattern, countBpeTokens, loadRankMap, type RankFile } from "./bpe.ts";

export type EncodingName = "o200k_base" | "cl100k_base";

export interface TokenCounter {
  count(text: string): number;
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
const O_SERIES = /^o\d+(?:$|-)/;

/**
 * The encoding of an OpenAI model id, by family prefix; undefined for models
 * we have no local tokenizer for (claude-*, gemini-*, llama, ...). Tolerates
 * namespace prefixes seen on gateways and fine-tunes: `openai/gpt-4o`,
 * `openai.gpt-oss-120b-1:0` (Bedrock), `ft:gpt-4o-mini:org::id`.
 */
export function encodingForModel(model: string): EncodingName | undefined {
  const id = model
    .trim()
    .toLowerCase()
    .replace(/^ft:/, "")
    .replace(/^openai[/.]/, "");
  if (O_SERIES.test(id)) return "o200k_base";
  for (const [prefix, encoding] of PREFIXES) {
    if (id.startsWith(prefix)) return encoding;
  }
  return undefined;
}

/** Literal specifiers so the bundler sees (and includes) exactly these two. */
const RANK_LOADERS: Record<EncodingName, () => Promise<{ default: RankFile }>> = {
  o200k_base: () => import("js-tiktoken/ranks/o200k_base"),
  cl100k_base: () => import("js-tiktoken/ranks/cl100k_base"),
};

// The promise is cached, not the result, so concurrent first callers share one load.
const cache = new Map<EncodingName, Promise<TokenCounter>>();

/** The encoder for `name`, loaded on first use and shared afterwards. */
export function getEncoder(name: EncodingName): Promise<TokenCounter> {
  let pending = cache.get(name);
  if (pending === undefined) {
    pending = loadEncoder(name);
    cache.set(name, pending);
    // A failed load must not poison the cache for later attempts.
    pending.catch(() => cache.delete(name));
  }
  return pending;
}

async function loadEncoder(name: EncodingName): Promise<TokenCounter> {
  try {
    const { default: file } = await RANK_LOADERS[name]();
    const ranks = loadRankMap(file.bpe_ranks);
    const pattern = compilePreTokenPattern(file.pat_str);
    return { count: (text) => countBpeTokens(text, ranks, pattern) };
  } catch (cause) {
    throw new BridgeError("INTERNAL", `cannot load the ${name} tokenizer`, { cause });
  }
}
