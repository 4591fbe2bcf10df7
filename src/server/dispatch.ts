/**
 * The request lifecycle, independent of what an action does: parse and
 * validate the line, run the action as its own task with its own
 * AbortController, and guarantee exactly one terminal line per request:
 * a result, a `done` chunk, or an error. The only place a BridgeError
 * becomes a line.
 */
import { authenticate, calculateCost, countTokens, listModels, logout } from "../actions/provider-actions.ts";
import { listProviders, ping } from "../actions/info.ts";
import { streamChat } from "../actions/stream-chat.ts";
import { refreshCatalog } from "../actions/refresh-catalog.ts";
import type { ActionContext, Outcome } from "../actions/types.ts";
import type { Deps } from "../deps.ts";
import type { Adjustment, Cost, ReportedUsage, WireChunk } from "../protocol/chunks.ts";
import { BridgeError, toBridgeError } from "../protocol/errors.ts";
import { encodeChunk, encodeError, encodeResult, errorBody } from "../protocol/lines.ts";
import { MAX_NESTING, readId, validateRequest, type Request, type RequestId, type RequestOf } from "../protocol/request.ts";
import type { Provider } from "../providers/types.ts";
import { redact, redactJson } from "../redact.ts";

/** Writes text to stdout; resolves when the pipe has taken it. */
export type LineWriter = (text: string) => Promise<void>;

interface Task {
  controller: AbortController;
  finished: Promise<void>;
}

export class Server {
  private readonly tasks = new Map<RequestId, Task>();
  private readonly deps: Deps;
  private readonly providers: ReadonlyMap<string, Provider>;
  private readonly write: LineWriter;

  constructor(deps: Deps, providers: ReadonlyMap<string, Provider>, write: LineWriter) {
    this.deps = deps;
    this.providers = providers;
    this.write = write;
  }

  get inFlight(): number {
    return this.tasks.size;
  }

  /** Take one stdin line. Never throws: every problem becomes an error line. */
  handleLine(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      // A parser that recurses (Bun's and V8's do not, today) gives up on deep nesting with a RangeError.
      const message =
        error instanceof RangeError
          ? `line nests arrays and objects too deeply to parse (at most ${MAX_NESTING} levels are accepted)`
          : `line is not valid JSON: ${(error as Error).message}`;
      void this.writeError(null, new BridgeError("INVALID_REQUEST", message, { field: "request", cause: error }));
      return;
    }
    const id = readId(value);
    let request: Request;
    try {
      request = validateRequest(value);
    } catch (error) {
      // Anything but a BridgeError is a bug in the validator, not in the line: INTERNAL, and logged.
      if (!(error instanceof BridgeError)) this.deps.log.log("error", "internal error while validating a request", { id, error });
      void this.writeError(id, toBridgeError(error));
      return;
    }
    if (this.tasks.has(request.id)) {
      void this.writeError(null, new BridgeError("INVALID_REQUEST", `id ${JSON.stringify(request.id)} is already in flight`, { field: "id" }));
      return;
    }
    const controller = new AbortController();
    const task: Task = { controller, finished: Promise.resolve() };
    this.tasks.set(request.id, task);
    task.finished = this.run(request, controller).finally(() => this.tasks.delete(request.id));
  }

  /** A line longer than the host's limit was skipped. */
  rejectOverlong(limit: number): void {
    void this.writeError(null, new BridgeError("INVALID_REQUEST", `request line exceeds ${limit} bytes and was skipped`, { field: "request" }));
  }

  /** Abort one request; it ends with its own CANCELLED line. */
  cancel(id: RequestId, reason = "cancelled by request"): boolean {
    const task = this.tasks.get(id);
    if (!task || task.controller.signal.aborted) return false;
    task.controller.abort(new BridgeError("CANCELLED", reason));
    return true;
  }

  cancelAll(reason: string): void {
    for (const id of [...this.tasks.keys()]) this.cancel(id, reason);
  }

  /** Resolves when every request in flight has written its terminal line. */
  async drain(): Promise<void> {
    while (this.tasks.size > 0) await Promise.all([...this.tasks.values()].map((task) => task.finished));
  }

  private async run(request: Request, controller: AbortController): Promise<void> {
    let failure: { usage?: ReportedUsage; cost?: Cost | null; adjustments?: Adjustment[] } = {};
    let wroteContent = false;
    const timer =
      request.timeout === undefined
        ? undefined
        : setTimeout(() => controller.abort(new BridgeError("TIMEOUT", `request timeout of ${request.timeout} ms reached`, { retryable: true })), request.timeout);
    const ctx: ActionContext = {
      request,
      deps: this.deps,
      signal: controller.signal,
      providers: this.providers,
      emit: (chunks: WireChunk[]) => {
        let text = "";
        for (const chunk of chunks) {
          // A retry's reason carries the failure's message, which may echo a credential like an error line's.
          text += encodeChunk(request.id, chunk.type === "retry" || chunk.type === "resumed" ? { ...chunk, reason: redact(chunk.reason) } : chunk);
          if (chunk.type !== "retry" && chunk.type !== "resumed" && chunk.type !== "device_flow") wroteContent = true;
        }
        return this.write(text);
      },
      setFailureUsage: (usage, cost) => {
        failure = { ...failure, usage, cost };
      },
      setAdjustments: (adjustments) => {
        failure = { ...failure, adjustments };
      },
      cancel: (id) => this.cancel(id),
    };
    try {
      const outcome = await this.perform(ctx);
      if (controller.signal.aborted && outcome.kind === "done") {
        // The cancel won the race with the last event: the request still ends as cancelled, with what it used.
        failure = { usage: outcome.chunk.usage, cost: outcome.chunk.cost, ...(outcome.chunk.adjustments && { adjustments: outcome.chunk.adjustments }) };
        throw controller.signal.reason;
      }
      await this.write(outcome.kind === "done" ? encodeChunk(request.id, outcome.chunk) : encodeResult(request.id, outcome.data));
    } catch (thrown) {
      const error = toBridgeError(thrown);
      if (wroteContent) error.partial = true;
      if (error.code === "INTERNAL") this.deps.log.log("error", "internal error", { id: request.id, error: thrown });
      await this.writeError(request.id, error, failure);
    } finally {
      clearTimeout(timer);
    }
  }

  private perform(ctx: ActionContext): Promise<Outcome> | Outcome {
    const request = ctx.request;
    switch (request.action) {
      case "ping":
        return ping(ctx);
      case "list_providers":
        return listProviders(ctx);
      case "cancel":
        return { kind: "result", data: { cancelled: ctx.cancel(request.params.id) } };
      case "refresh_catalog":
        return refreshCatalog(ctx as ActionContext<RequestOf<"refresh_catalog">>);
    }
    const provider = this.providers.get(request.provider);
    if (!provider) {
      throw new BridgeError("UNKNOWN_PROVIDER", `unknown provider "${request.provider}" (expected one of ${[...this.providers.keys()].join(", ")})`, { field: "provider" });
    }
    switch (request.action) {
      case "calculate_cost":
        return calculateCost(ctx as ActionContext<RequestOf<"calculate_cost">>, provider);
      case "stream_chat":
        return streamChat(ctx as ActionContext<RequestOf<"stream_chat">>, provider);
      case "list_models":
        return listModels(ctx as ActionContext<RequestOf<"list_models">>, provider);
      case "count_tokens":
        return countTokens(ctx as ActionContext<RequestOf<"count_tokens">>, provider);
      case "authenticate":
        return authenticate(ctx as ActionContext<RequestOf<"authenticate">>, provider);
      case "logout":
        return logout(ctx as ActionContext<RequestOf<"logout">>, provider);
    }
  }

  private async writeError(id: RequestId | null, error: BridgeError, extra?: { usage?: ReportedUsage; cost?: Cost | null; adjustments?: Adjustment[] }): Promise<void> {
    // Every string of the line, not just the message: a provider's error type or request id can echo a key too.
    const body = redactJson(errorBody(error, extra));
    try {
      await this.write(encodeError(id, body));
    } catch (writeError) {
      this.deps.log.log("error", "could not write an error line", { error: writeError });
    }
  }
}
