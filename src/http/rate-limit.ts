/**
 * A queue per provider and credential, so that the editor's many requests
 * meet a provider's rate limits in order instead of in a stampede:
 *
 * - at most `maxConcurrent` requests (default 8, `PLUE_MAX_CONCURRENT`) are in
 *   flight per key; the rest wait in arrival order. A stream holds its place
 *   until its body is done;
 * - after a 429, the key is held for the server's `retry-after`
 *   (`retry-after-ms`) (1 s when it names none), so queued and new requests
 *   wait it out instead of each collecting their own 429;
 * - a response saying that nothing is left of a limit
 *   (`anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-remaining: 0`,
 *   `x-ratelimit-remaining-{requests,tokens}: 0`) holds the key until that
 *   limit's reset: a request sent before it would certainly be refused.
 *
 * Holds longer than MAX_HOLD_MS are not applied: a request then goes out and
 * comes back with the provider's own error and `retry_after_ms`, which beats
 * waiting minutes in silence. The request whose 429 caused a hold is not held
 * by it: its own retry already waits (src/http/retry.ts).
 *
 * Waiting is cancelled by the request's signal (cancel, its `timeout`,
 * shutdown), whose reason is the error. Keys name the origin (provider or
 * gateway) and a hash of the credential, never the credential itself. Short
 * JSON calls (`pass`) wait out holds and report 429s but take no place in the
 * queue. One limiter per Deps (the process, or one in-process test harness).
 */
import type { Deps, StateSlot } from "../deps.ts";
import { DEFAULT_RETRY_POLICY, parseRetryAfter } from "./retry.ts";

export const DEFAULT_MAX_CONCURRENT = 8;
/** The longest hold applied, as the longest server-advised wait the retry policy accepts. */
export const MAX_HOLD_MS = DEFAULT_RETRY_POLICY.maxServerDelayMs;
/** The hold after a 429 that does not say how long to wait. */
export const DEFAULT_429_HOLD_MS = 1_000;

export interface RateLimitClock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A place in the queue: release it exactly once when the exchange is over. */
export interface Lease {
  /** Tell the queue what the provider's answer said about its limits. */
  observe(status: number, headers: Headers): void;
  release(): void;
}

interface Waiter {
  grant(): void;
}

interface KeyState {
  active: number;
  waiters: Waiter[];
  /** No request goes out before this time (ms since the epoch). */
  holdUntil: number;
  /** The request whose answer set the hold: it waits through its own retry instead. */
  holdOwner: object | undefined;
}

export class RateLimiter {
  private readonly keys = new Map<string, KeyState>();
  private readonly clock: RateLimitClock;
  readonly maxConcurrent: number;

  constructor(clock: RateLimitClock, maxConcurrent = DEFAULT_MAX_CONCURRENT) {
    this.clock = clock;
    this.maxConcurrent = Math.max(1, Math.floor(maxConcurrent));
  }

  /**
   * Wait for a place under `key`. `owner` identifies the request across its
   * attempts (any object, the same for each). Rejects with the signal's
   * reason if it aborts while waiting; the place is then not taken.
   */
  async acquire(key: string, signal: AbortSignal, owner: object = {}): Promise<Lease> {
    const state = this.stateOf(key);
    if (signal.aborted) throw signal.reason;
    if (state.active < this.maxConcurrent && state.waiters.length === 0) state.active++;
    else await this.enqueue(state, signal);
    // From here the place is ours: give it back if the wait for a hold is cancelled.
    try {
      await this.waitOutHold(state, signal, owner);
    } catch (error) {
      this.releaseOne(key, state);
      throw error;
    }
    let released = false;
    return {
      observe: (status, headers) => this.observe(key, status, headers, owner),
      release: () => {
        if (released) return;
        released = true;
        this.releaseOne(key, state);
      },
    };
  }

  /**
   * For short calls (model listings, token counts, key checks): wait out a
   * hold on `key` but take no place, so that they never queue behind long
   * streams; their answers still count (a 429 holds the key for everyone).
   */
  async pass(key: string, signal: AbortSignal, owner: object = {}): Promise<Lease> {
    const state = this.stateOf(key);
    if (signal.aborted) throw signal.reason;
    await this.waitOutHold(state, signal, owner);
    return { observe: (status, headers) => this.observe(key, status, headers, owner), release: () => {} };
  }

  /** Requests in flight and waiting under `key` (for tests and logs). */
  stats(key: string): { active: number; waiting: number; holdMs: number } {
    const state = this.keys.get(key);
    if (!state) return { active: 0, waiting: 0, holdMs: 0 };
    return { active: state.active, waiting: state.waiters.length, holdMs: Math.max(0, state.holdUntil - this.clock.now()) };
  }

  private stateOf(key: string): KeyState {
    let state = this.keys.get(key);
    if (!state) {
      state = { active: 0, waiters: [], holdUntil: 0, holdOwner: undefined };
      this.keys.set(key, state);
    }
    return state;
  }

  private enqueue(state: KeyState, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const at = state.waiters.indexOf(waiter);
        if (at !== -1) state.waiters.splice(at, 1);
        reject(signal.reason);
      };
      const waiter: Waiter = {
        grant: () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      state.waiters.push(waiter);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Hand the place to the next waiter, so a newcomer cannot overtake the queue. */
  private releaseOne(key: string, state: KeyState): void {
    const next = state.waiters.shift();
    if (next) {
      next.grant();
      return;
    }
    state.active--;
    if (state.active === 0 && state.holdUntil <= this.clock.now()) this.keys.delete(key);
  }

  /**
   * Sleep until the key's hold is over. Each hold end is slept for once; a
   * hold extended meanwhile (another 429) is slept for again.
   */
  private async waitOutHold(state: KeyState, signal: AbortSignal, owner: object): Promise<void> {
    let waited = 0;
    for (;;) {
      const until = state.holdUntil;
      if (state.holdOwner === owner || until <= waited) return;
      const wait = until - this.clock.now();
      if (wait <= 0) return;
      await this.clock.sleep(wait, signal);
      waited = until;
    }
  }

  private observe(key: string, status: number, headers: Headers, owner: object): void {
    const now = this.clock.now();
    let hold = status === 429 ? (parseRetryAfter(headers, now) ?? DEFAULT_429_HOLD_MS) : 0;
    const exhausted = exhaustedFor(headers, now);
    if (exhausted !== undefined) hold = Math.max(hold, exhausted);
    if (hold <= 0 || hold > MAX_HOLD_MS) return;
    // Looked up now, not when the call set out: a short call takes no place, so the key may have gone idle and been dropped meanwhile.
    const state = this.stateOf(key);
    const until = now + hold;
    if (until > state.holdUntil) {
      state.holdUntil = until;
      // Only a 429's own retry waits (its retry-after); after a used-up limit on any other answer, its next attempt (a retry or resume) must wait too.
      state.holdOwner = status === 429 ? owner : undefined;
    }
  }
}

/** fetch that tells the lease what each answer says about the limits (a 429's retry-after, limits at 0). */
export function observingFetch(fetcher: typeof fetch, lease: Lease): typeof fetch {
  const observing = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await fetcher(input, init);
    lease.observe(response.status, response.headers);
    return response;
  };
  return observing as typeof fetch;
}

/** [remaining header, reset header, reset format] for every limit a response can say is used up. */
const LIMITS: Array<[string, string, "date" | "duration"]> = [
  ...["requests", "tokens", "input-tokens", "output-tokens"].map((limit): [string, string, "date"] => [
    `anthropic-ratelimit-${limit}-remaining`,
    `anthropic-ratelimit-${limit}-reset`,
    "date",
  ]),
  ...["requests", "tokens"].map((limit): [string, string, "duration"] => [`x-ratelimit-remaining-${limit}`, `x-ratelimit-reset-${limit}`, "duration"]),
];

/** How long until the latest reset among the limits at 0, or undefined when none is at 0 (or its reset is unreadable). */
function exhaustedFor(headers: Headers, now: number): number | undefined {
  let longest: number | undefined;
  for (const [remainingHeader, resetHeader, format] of LIMITS) {
    const remaining = headers.get(remainingHeader)?.trim();
    if (remaining !== "0") continue;
    const reset = headers.get(resetHeader);
    if (reset === null) continue;
    const ms = format === "date" ? parseResetDate(reset, now) : parseRateLimitDuration(reset);
    if (ms !== undefined && (longest === undefined || ms > longest)) longest = ms;
  }
  return longest;
}

function parseResetDate(value: string, now: number): number | undefined {
  const at = Date.parse(value.trim());
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

const DURATION_UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/**
 * OpenAI's reset durations (`6m0s`, `1s`, `20ms`, `1h2m3.5s`, `0.5s`) in ms;
 * a bare number counts as seconds. Undefined for anything else.
 */
export function parseRateLimitDuration(value: string): number | undefined {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number.parseFloat(text) * 1000;
  if (!/^(\d+(\.\d+)?(h|ms|m|s))+$/.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) total += Number.parseFloat(match[1]!) * DURATION_UNITS[match[2]!]!;
  return total;
}

/**
 * The queue key of a request: the origin it goes to (the provider, or the
 * gateway in `base_url`) and a hash of the credential it carries (API key
 * headers, a bearer token, or the access key id of a SigV4 signature, which
 * itself changes with every request). Chat and the short calls of one
 * account share a key, as they share the provider's limits.
 */
export async function rateLimitKey(request: Request): Promise<string> {
  const origin = new URL(request.url).origin;
  const credential = credentialOf(request.headers);
  if (credential === undefined) return origin;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(credential)));
  const hex = [...digest.slice(0, 8)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${origin} ${hex}`;
}

function credentialOf(headers: Headers): string | undefined {
  for (const name of ["x-api-key", "api-key", "x-goog-api-key"]) {
    const value = headers.get(name);
    if (value) return `${name}:${value}`;
  }
  const authorization = headers.get("authorization");
  if (!authorization) return undefined;
  const sigv4 = /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)/i.exec(authorization);
  return sigv4 ? `sigv4:${sigv4[1]}` : `authorization:${authorization}`;
}

/** The process's limiter (src/server/state.ts). */
export const RATE_LIMITER: StateSlot<RateLimiter> = { name: "rate limiter", make: (deps) => new RateLimiter(deps, maxConcurrentFrom(deps)) };

export function rateLimiterFor(deps: Deps): RateLimiter {
  return deps.state.get(RATE_LIMITER);
}

function maxConcurrentFrom(deps: Deps): number {
  const value = deps.env.PLUE_MAX_CONCURRENT;
  if (value === undefined || value === "") return DEFAULT_MAX_CONCURRENT;
  const parsed = Number(value);
  if (Number.isInteger(parsed) && parsed >= 1) return parsed;
  deps.log.log("warn", "PLUE_MAX_CONCURRENT must be an integer >= 1; using the default", { value, default: DEFAULT_MAX_CONCURRENT });
  return DEFAULT_MAX_CONCURRENT;
}
