/**
 * Token counts remembered by text. An editor sends the whole conversation
 * again on every turn, so `count_tokens` for a 100-message chat would BPE
 * every message each time although only the last one is new; looking the
 * old ones up by content instead costs a hash of each text (JSON.parse makes
 * new string objects per request, so identity cannot be the key).
 *
 * Bounded by entries and by the characters the keys hold, least recently
 * used first out, so a long-running process cannot grow without limit; texts
 * longer than the character budget are counted but never kept.
 */

export interface CountCacheLimits {
  maxEntries: number;
  /** Sum of the lengths (UTF-16 code units) of the cached texts. */
  maxChars: number;
}

/** ~16 MiB of keys at worst (UTF-16), a few hundred long conversations. */
export const DEFAULT_COUNT_CACHE_LIMITS: CountCacheLimits = { maxEntries: 20_000, maxChars: 8 * 1024 * 1024 };

/** A count memoized by text; `peek` and `put` serve a caller that counts by other means (tiktoken.ts's yielding count). */
export interface CountMemo<T> {
  get(text: string): T;
  peek(text: string): T | undefined;
  put(text: string, value: T): void;
}

/** `count`, memoized by text within `limits`. */
export function cachedCount<T>(count: (text: string) => T, limits: CountCacheLimits = DEFAULT_COUNT_CACHE_LIMITS): CountMemo<T> {
  // A Map iterates in insertion order: re-inserting on a hit keeps the least recently used first.
  const cache = new Map<string, T>();
  let chars = 0;
  const peek = (text: string): T | undefined => {
    const known = cache.get(text);
    if (known === undefined) return undefined;
    cache.delete(text);
    cache.set(text, known);
    return known;
  };
  const put = (text: string, value: T): void => {
    if (text.length > limits.maxChars || limits.maxEntries <= 0 || cache.has(text)) return;
    cache.set(text, value);
    chars += text.length;
    for (const oldest of cache.keys()) {
      if (cache.size <= limits.maxEntries && chars <= limits.maxChars) break;
      cache.delete(oldest);
      chars -= oldest.length;
    }
  };
  return {
    peek,
    put,
    get(text) {
      const known = peek(text);
      if (known !== undefined) return known;
      const result = count(text);
      put(text, result);
      return result;
    },
  };
}
