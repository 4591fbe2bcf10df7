/**
 * Answers trusted for a while (a model list, an account's deployments), kept
 * in the process state. Entries past their time are dropped whenever one is
 * added: keys that carry a rotating credential (Copilot's token is replaced
 * every half hour, an Entra token every hour) cannot pile up.
 */
export class TimedCache<V> {
  private readonly entries = new Map<string, { at: number; value: V }>();
  private readonly ttlMs: number;

  constructor(ttlMs: number) {
    this.ttlMs = ttlMs;
  }

  /** The value stored under `key` less than the time-to-live ago, if any. */
  get(key: string, now: number): V | undefined {
    const hit = this.entries.get(key);
    return hit !== undefined && now - hit.at < this.ttlMs ? hit.value : undefined;
  }

  set(key: string, value: V, now: number): void {
    for (const [stale, hit] of this.entries) if (now - hit.at >= this.ttlMs) this.entries.delete(stale);
    this.entries.set(key, { at: now, value });
  }
}
