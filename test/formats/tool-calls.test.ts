import { describe, expect, test } from "bun:test";
import { ToolCallAssembler } from "../../src/formats/tool-calls.ts";
import type { StreamEvent } from "../../src/protocol/chunks.ts";

describe("ToolCallAssembler", () => {
  test("wire indices are ordinals of first appearance, whatever the provider keys are", () => {
    const a = new ToolCallAssembler();
    const out: StreamEvent[] = [];
    a.append(7, { id: "x", name: "f" }, out);
    a.append(3, { id: "y", name: "g" }, out);
    a.append(7, { arguments: '{"a":' }, out);
    a.append(7, { arguments: "1}" }, out);
    a.completeAll(out);
    expect(out).toEqual([
      { type: "tool_call_delta", index: 0, id: "x", name: "f", arguments_delta: "" },
      { type: "tool_call_delta", index: 1, id: "y", name: "g", arguments_delta: "" },
      { type: "tool_call_delta", index: 0, arguments_delta: '{"a":' },
      { type: "tool_call_delta", index: 0, arguments_delta: "1}" },
      { type: "tool_call", tool_call: { id: "x", name: "f", arguments: '{"a":1}' } },
      { type: "tool_call", tool_call: { id: "y", name: "g", arguments: "{}" } },
    ]);
    expect(a.completed).toBe(2);
    expect(a.hasOpen).toBe(false);
  });

  test("empty follow-up fragments emit nothing; a late name is announced once", () => {
    const a = new ToolCallAssembler();
    const out: StreamEvent[] = [];
    a.append(0, { id: "x" }, out);
    a.append(0, { arguments: "" }, out);
    a.append(0, { name: "f" }, out);
    a.append(0, { name: "f" }, out);
    expect(out).toEqual([
      { type: "tool_call_delta", index: 0, id: "x", arguments_delta: "" },
      { type: "tool_call_delta", index: 0, name: "f", arguments_delta: "" },
    ]);
  });

  test("restated final arguments win over the accumulated fragments", () => {
    const a = new ToolCallAssembler();
    const out: StreamEvent[] = [];
    a.append(1, { id: "x", name: "f", arguments: '{"a"' }, out);
    a.complete(1, out, { arguments: '{"a":2}' });
    expect(out.at(-1)).toEqual({ type: "tool_call", tool_call: { id: "x", name: "f", arguments: '{"a":2}' } });
  });

  test("completing an unknown key yields one delta carrying everything, then the call", () => {
    const a = new ToolCallAssembler();
    const out: StreamEvent[] = [];
    a.complete(4, out, { id: "x", name: "f", arguments: "{}" });
    expect(out).toEqual([
      { type: "tool_call_delta", index: 0, id: "x", name: "f", arguments_delta: "{}" },
      { type: "tool_call", tool_call: { id: "x", name: "f", arguments: "{}" } },
    ]);
  });
});
