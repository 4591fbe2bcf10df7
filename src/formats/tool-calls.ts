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
 */
import type { StreamEvent } from "../protocol/chunks.ts";

export interface ToolCallFragment {
  id?: string | undefined;
  name?: string | undefined;
  arguments?: string | undefined;
}

interface OpenCall {
  index: number;
  id: string | undefined;
  name: string | undefined;
  /** Argument fragments, joined once at completion. */
  parts: string[];
  /** Whether id / name were already announced in a delta. */
  announcedId: boolean;
  announcedName: boolean;
}

export class ToolCallAssembler {
  private readonly open = new Map<number, OpenCall>();
  private started = 0;
  private completedCount = 0;

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
      call = { index: this.started++, id: undefined, name: undefined, parts: [], announcedId: false, announcedName: false };
      this.open.set(key, call);
    }
    if (fragment.id !== undefined && fragment.id !== "" && call.id === undefined) call.id = fragment.id;
    if (fragment.name !== undefined && fragment.name !== "" && call.name === undefined) call.name = fragment.name;
    const args = fragment.arguments ?? "";
    if (args !== "") call.parts.push(args);

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
    // A call without parameters may arrive with no argument text at all; the
    // wire promises complete JSON text, and "{}" is what such a call means.
    const args = restated === "" ? "{}" : restated;
    this.completedCount++;
    out.push({ type: "tool_call", tool_call: { id, name, arguments: args } });
  }

  /** Complete every open call, in the order the calls started. */
  completeAll(out: StreamEvent[]): void {
    const keys = [...this.open.entries()].sort((a, b) => a[1].index - b[1].index).map(([key]) => key);
    for (const key of keys) this.complete(key, out);
  }
}
