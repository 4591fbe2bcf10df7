/**
 * Assembles streamed tool calls. Providers send a call in fragments: an id
 * and a name first, then pieces of the JSON arguments text. The assembler
 * keys fragments by whatever the dialect guarantees to be stable (OpenAI Chat
 * `index`, Responses `output_index`), turns each fragment into a wire
 * `tool_call_delta`, and produces one complete `tool_call` per call when the
 * provider says it is done.
 *
 * The wire `index` is the call's ordinal in this response (0, 1, ...), not
 * the provider key: Responses keys count every output item (reasoning,
 * messages), and the editor wants dense tool-call indices.
 *
 * Parallel wrapper: OpenAI models sometimes pack several calls into ONE call
 * to a tool nobody declared, `multi_tool_use.parallel` on Chat Completions
 * (vercel/ai#1922, #2786) and `parallel` on Responses (vercel/ai#19067), with
 * arguments `{"tool_uses":[{"recipient_name":"functions.<tool>",
 * "parameters":{...}}, ...]}`. A dialect that names such wrappers gets them
 * unpacked: a call whose first fragment carries a wrapper name is held back
 * (no deltas, no wire index) and, when it completes, becomes one delta + one
 * `tool_call` per entry, ids `<wrapper id>_0`, `_1`, ... (the AI SDK's
 * `expand-parallel-tool-call.ts` spelling) and consecutive wire indices.
 * Arguments that are not of that shape pass through unchanged, under the
 * wrapper's own name and id, so nothing the model wrote is lost.
 */
import type { StreamEvent } from "../protocol/chunks.ts";
import { isRecord } from "./json.ts";

export interface ToolCallFragment {
  id?: string | undefined;
  name?: string | undefined;
  arguments?: string | undefined;
  /** Per-call data to hand back (Gemini's `extra_content`); the first fragment that brings some wins. */
  providerData?: Record<string, unknown> | undefined;
}

export interface ToolCallAssemblerOptions {
  /** Call names to unpack as a parallel wrapper; exact matches only. None by default. */
  wrapperNames?: readonly string[];
}

interface OpenCall {
  /** Order of first appearance; `completeAll` follows it. */
  seq: number;
  /** Wire index; undefined while a wrapper is held back. */
  index: number | undefined;
  id: string | undefined;
  name: string | undefined;
  /** Argument fragments, joined once at completion. */
  parts: string[];
  /** Whether id / name were already announced in a delta. */
  announcedId: boolean;
  announcedName: boolean;
  /** A parallel wrapper: nothing reaches the wire before it completes. */
  held: boolean;
  providerData: Record<string, unknown> | undefined;
}

export class ToolCallAssembler {
  private readonly open = new Map<number, OpenCall>();
  private readonly wrapperNames: ReadonlySet<string>;
  private seen = 0;
  private nextIndex = 0;
  private completedCount = 0;

  constructor(options: ToolCallAssemblerOptions = {}) {
    this.wrapperNames = new Set(options.wrapperNames ?? []);
  }

  /** Number of complete `tool_call`s emitted so far. */
  get completed(): number {
    return this.completedCount;
  }

  /** True while some call has fragments but no completion yet. */
  get hasOpen(): boolean {
    return this.open.size > 0;
  }

  /**
   * Record a fragment for the call under `key` and append the matching
   * `tool_call_delta`. A fragment that carries nothing new (no new id or name,
   * empty arguments) after the first one emits nothing.
   */
  append(key: number, fragment: ToolCallFragment, out: StreamEvent[]): void {
    let call = this.open.get(key);
    const isNew = call === undefined;
    if (call === undefined) {
      call = { seq: this.seen++, index: undefined, id: undefined, name: undefined, parts: [], announcedId: false, announcedName: false, held: false, providerData: undefined };
      this.open.set(key, call);
    }
    if (fragment.id !== undefined && fragment.id !== "" && call.id === undefined) call.id = fragment.id;
    if (fragment.name !== undefined && fragment.name !== "" && call.name === undefined) call.name = fragment.name;
    if (fragment.providerData !== undefined && call.providerData === undefined) call.providerData = fragment.providerData;
    const args = fragment.arguments ?? "";
    if (args !== "") call.parts.push(args);
    // Decided on the first fragment only: a name that arrives after the call
    // was announced cannot be taken back from the editor, so it passes through.
    if (isNew && call.name !== undefined && this.wrapperNames.has(call.name)) call.held = true;
    if (call.held) return;
    if (call.index === undefined) call.index = this.nextIndex++;

    const delta: StreamEvent & { type: "tool_call_delta" } = { type: "tool_call_delta", index: call.index, arguments_delta: args };
    let announces = false;
    if (call.id !== undefined && !call.announcedId) {
      delta.id = call.id;
      call.announcedId = true;
      announces = true;
    }
    if (call.name !== undefined && !call.announcedName) {
      delta.name = call.name;
      call.announcedName = true;
      announces = true;
    }
    if (isNew || announces || args !== "") out.push(delta);
  }

  /**
   * Complete the call under `key`. `final` carries what the provider restates
   * at the end (Responses `output_item.done`): its `arguments` replace the
   * accumulated text, because the restated text is the provider's own
   * authoritative copy. Unknown keys are created on the spot (with one delta
   * carrying everything), so a provider that skips the fragments still
   * yields a consistent delta + `tool_call` pair.
   */
  complete(key: number, out: StreamEvent[], final: ToolCallFragment = {}): void {
    if (!this.open.has(key)) this.append(key, final, out);
    const call = this.open.get(key);
    if (call === undefined) return;
    this.open.delete(key);
    const id = call.id ?? final.id ?? "";
    const name = call.name ?? final.name ?? "";
    const restated = final.arguments !== undefined && final.arguments !== "" ? final.arguments : call.parts.join("");
    if (call.held) {
      this.completeWrapper(id, name, restated, out);
      return;
    }
    this.emitCall(id, name, restated, out, call.providerData ?? final.providerData);
  }

  /**
   * Complete every open call, in the order the calls started; held wrappers
   * last, so the `tool_call`s follow their wire indices (a wrapper's indices
   * are only given out as it completes).
   */
  completeAll(out: StreamEvent[]): void {
    const order = (call: OpenCall): number => (call.held ? this.seen + call.seq : call.seq);
    const keys = [...this.open.entries()].sort((a, b) => order(a[1]) - order(b[1])).map(([key]) => key);
    for (const key of keys) this.complete(key, out);
  }

  private completeWrapper(id: string, name: string, text: string, out: StreamEvent[]): void {
    const calls = unpackParallelWrapper(text);
    if (calls === undefined) {
      // Not the wrapper's shape: announce and complete it as it came.
      const delta: StreamEvent & { type: "tool_call_delta" } = { type: "tool_call_delta", index: this.nextIndex++, arguments_delta: text };
      if (id !== "") delta.id = id;
      if (name !== "") delta.name = name;
      out.push(delta);
      this.emitCall(id, name, text, out);
      return;
    }
    calls.forEach((call, i) => {
      const unpackedId = `${id}_${i}`;
      out.push({ type: "tool_call_delta", index: this.nextIndex++, id: unpackedId, name: call.name, arguments_delta: call.arguments });
      this.emitCall(unpackedId, call.name, call.arguments, out);
    });
  }

  private emitCall(id: string, name: string, text: string, out: StreamEvent[], providerData?: Record<string, unknown>): void {
    // A call without parameters may arrive with no argument text at all; the
    // wire promises complete JSON text, and "{}" is what such a call means.
    const args = text === "" ? "{}" : text;
    this.completedCount++;
    const call: StreamEvent & { type: "tool_call" } = { type: "tool_call", tool_call: { id, name, arguments: args } };
    if (providerData !== undefined) call.provider_data = providerData;
    out.push(call);
  }
}

const RECIPIENT_PREFIX = "functions.";

/**
 * The calls inside a parallel wrapper's arguments, or `undefined` when the
 * text is not exactly that shape. Every entry must name a `functions.` tool
 * and carry object `parameters`, as the AI SDK requires
 * (`expand-parallel-tool-call.ts`): a real tool that happens to share the
 * wrapper's name is then left alone. `parameters` is re-serialised: the model
 * wrote it nested inside the wrapper, there is no separate text to keep.
 */
function unpackParallelWrapper(text: string): { name: string; arguments: string }[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Invalid JSON cannot be a wrapper to unpack; the caller passes the text through untouched.
    return undefined;
  }
  const uses = isRecord(value) ? value["tool_uses"] : undefined;
  if (!Array.isArray(uses) || uses.length === 0) return undefined;
  const calls: { name: string; arguments: string }[] = [];
  for (const use of uses) {
    if (!isRecord(use)) return undefined;
    const recipient = use["recipient_name"];
    const parameters = use["parameters"];
    if (typeof recipient !== "string" || !recipient.startsWith(RECIPIENT_PREFIX) || !isRecord(parameters)) return undefined;
    const name = recipient.slice(RECIPIENT_PREFIX.length);
    if (name === "") return undefined;
    calls.push({ name, arguments: JSON.stringify(parameters) });
  }
  return calls;
}
