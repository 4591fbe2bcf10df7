/**
 * Redirect variants per provider, through the real Server in this process
 * (real fetch over loopback, canary credentials): the provider's endpoint
 * answers its chat request (and its model listing) with a redirect, and the
 * policy of src/http/redirect.ts decides:
 *
 * - to another origin, or from https to http: refused with a final
 *   PROVIDER_ERROR naming the target host; the target never sees a request;
 * - a loop, or more than five hops: refused the same way;
 * - one hop within the origin: followed, the answer arrives whole.
 *
 * Azure and the Copilot token exchange build their requests with
 * `redirect: "manual"` (as openai-node does for Azure keys): they follow no
 * redirect at all, and the 3xx is the provider's error. Every line and log
 * call is scanned for the canaries at the end.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHarness, type Harness } from "../support/in-process.ts";
import { readCell } from "./cells.ts";
import { startFaultServer, type FaultServer, type Received, type Step } from "./fault-server.ts";
import { selfSignedCertificate, type Certificate } from "./hostile-server.ts";
import { allCanaryEnv, CANARY, canaryHits, cleanAnswer, fullText, PROVIDERS, type ProviderRow } from "./providers.ts";

let certificate: Certificate;
/** Where a refused redirect points: it must never receive a request. */
let target: FaultServer;
const logs: string[] = [];
const harnesses: Harness[] = [];

beforeAll(async () => {
  certificate = selfSignedCertificate();
  target = await startFaultServer(await cleanAnswer(PROVIDERS[0]!));
});
afterAll(() => target.close());

function harness(): Harness {
  const made = createHarness({
    env: allCanaryEnv(),
    // Trusts the throwaway certificate, as PLUE_CA_BUNDLE makes src/host/fetch.ts do.
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, { ...init, tls: { ca: certificate.cert } } as RequestInit)) as typeof fetch,
    log: {
      log: (level, message, fields) =>
        void logs.push(JSON.stringify({ level, message, ...fields }, (_key, value: unknown) => (value instanceof Error ? { message: value.message, cause: value.cause } : value))),
    },
  });
  harnesses.push(made);
  return made;
}

const redirect = (status: number, location: string): Step[] => [{ do: "head", status, headers: { location, "content-type": "text/plain" } }, { do: "end" }];
const pathOf = (request: Received): string => request.path;

interface Variant {
  name: string;
  tls?: boolean;
  /** Requests that get the redirect (later ones get the clean answer). */
  times?: number;
  script: (request: Received) => Step[];
  /** What happens when the provider's request may follow redirects. */
  expect: { outcome: "refused"; why: string; attempts: number; names: "target" | "self" } | { outcome: "done"; attempts: number };
}

const VARIANTS: Variant[] = [
  {
    name: "307 to another origin",
    script: (request) => redirect(307, `${target.url}/collect${pathOf(request)}`),
    expect: { outcome: "refused", why: "the request carries credentials", attempts: 1, names: "target" },
  },
  {
    name: "301 from https to http",
    tls: true,
    script: (request) => redirect(301, `${target.url}${pathOf(request)}`),
    expect: { outcome: "refused", why: "it leaves https for plain http", attempts: 1, names: "target" },
  },
  {
    name: "a loop (307 to the same URL)",
    script: (request) => redirect(307, pathOf(request)),
    expect: { outcome: "refused", why: "a redirect loop", attempts: 1, names: "self" },
  },
  {
    name: "six hops within the origin",
    script: (request) => {
      const hop = Number(/^\/hop(\d+)/.exec(request.path)?.[1] ?? 0);
      return redirect(307, `/hop${hop + 1}${request.path.replace(/^\/hop\d+/, "")}`);
    },
    expect: { outcome: "refused", why: "more than 5 redirects", attempts: 6, names: "self" },
  },
  {
    name: "one hop within the origin",
    times: 1,
    script: (request) => redirect(307, `/moved${pathOf(request)}`),
    expect: { outcome: "done", attempts: 2 },
  },
];

/** The row's side routes, less the model list when the listing itself is under test. */
function sideFor(row: ProviderRow, listing: boolean): ProviderRow["side"] {
  if (row.side === undefined) return undefined;
  return listing ? (request) => (request.path.split("?")[0] === "/models" ? undefined : row.side!(request)) : row.side;
}

const manual = (row: ProviderRow): boolean => row.id === "azure";

for (const variant of VARIANTS) {
  describe(`stream_chat: ${variant.name}`, () => {
    for (const row of PROVIDERS) {
      test(row.id, async () => {
        const answer = await cleanAnswer(row);
        const server = await startFaultServer(answer, sideFor(row, false), variant.tls ? certificate : undefined);
        target.clean();
        try {
          server.set(variant.script, variant.times);
          const id = `${row.id}-${variant.name}`;
          const cell = readCell(await harness().run({ id, action: "stream_chat", provider: row.id, params: { ...row.params(server.url), resume: false } }), id);
          expect(target.received).toEqual([]);
          expect(cell.terminals.length).toBe(1);
          if (manual(row)) {
            // Not followed at all: the first 3xx is the answer, classified by the provider, final.
            expect(cell.error).toMatchObject({ retryable: false, status: variant.tls ? 301 : 307 });
            expect(server.received.length).toBe(1);
            return;
          }
          const want = variant.expect;
          expect(server.received.length).toBe(want.attempts);
          if (want.outcome === "done") {
            expect(cell.done).toBe(true);
            expect(cell.content).toBe(fullText(answer));
            return;
          }
          expect(cell.error).toMatchObject({ code: "PROVIDER_ERROR", retryable: false, partial: false });
          expect(cell.error!.message).toContain(want.why);
          const named = want.names === "target" ? new URL(target.url).host : new URL(server.url).host;
          expect(cell.error!.message).toContain(`a redirect to ${named}`);
          expect(cell.retryDelays).toEqual([]);
        } finally {
          await server.close();
        }
      });
    }
  });
}

describe("list_models: 307 to another origin", () => {
  for (const row of PROVIDERS) {
    test(row.id, async () => {
      const server = await startFaultServer(await cleanAnswer(row), sideFor(row, true));
      target.clean();
      try {
        server.set((request) => redirect(307, `${target.url}${pathOf(request)}`));
        const { model: _model, messages: _messages, ...options } = row.params(server.url);
        const lines = await harness().run({ id: `list-${row.id}`, action: "list_models", provider: row.id, params: options });
        const terminal = lines[lines.length - 1]!;
        expect(target.received).toEqual([]);
        expect(server.received.length).toBe(1);
        expect(terminal.success).toBe(false);
        if (manual(row)) expect(terminal.error).toMatchObject({ status: 307, retryable: false });
        else expect(terminal.error.message).toContain(`a redirect to ${new URL(target.url).host}; not followed: the request carries credentials`);
      } finally {
        await server.close();
      }
    });
  }
});

test("copilot: the token exchange (redirect: manual) follows no redirect; the GitHub token stays home", async () => {
  const row = PROVIDERS.find((r) => r.id === "copilot")!;
  const server = await startFaultServer(await cleanAnswer(row), (request) =>
    request.path.startsWith("/copilot_internal/v2/token") ? redirect(307, `${target.url}/copilot_internal/v2/token`) : row.side!(request),
  );
  target.clean();
  try {
    const cell = readCell(await harness().run({ id: "exchange", action: "stream_chat", provider: "copilot", params: { ...row.params(server.url), resume: false } }), "exchange");
    expect(target.received).toEqual([]);
    expect(target.sideReceived).toEqual([]);
    expect(server.received).toEqual([]);
    expect(cell.error).toMatchObject({ retryable: false, status: 307 });
  } finally {
    await server.close();
  }
});

test("canary scan: no line and no log call of the redirect cells carries a credential", () => {
  const lines = harnesses.flatMap((h) => h.lines.map((line) => JSON.stringify(line)));
  expect(lines.length).toBeGreaterThan(VARIANTS.length * PROVIDERS.length);
  expect(canaryHits(lines.join("\n"))).toEqual([]);
  expect(canaryHits(logs.join("\n"))).toEqual([]);
  // Not vacuous: the canaries were in the environment the cells ran with.
  expect(Object.values(allCanaryEnv())).toContain(CANARY.anthropic);
});
