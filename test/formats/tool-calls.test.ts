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

/**
 * The parallel wrapper (vercel/ai#1922, #2786, #19067). Expected calls are
 * written out by hand from the wrapper arguments, never produced by the code.
 */
describe("ToolCallAssembler: parallel wrapper", () => {
  // A real wrapper call as an OpenAI model returned it, quoted in
  // microsoft/genaiscript packages/core/src/chat.ts ("special undocumented
  // openai hallucination"). It was logged whole; the fragment boundaries below
  // are ours (the first 20, 45 and 70 characters, then the rest).
  const REAL_ID = "call_D48fudXi4oBxQ2rNeHhpwIKh";
  const REAL_ARGS =
    '{"tool_uses":[{"recipient_name":"functions.fs_find_files","parameters":{"glob":"src/content/docs/**/*.md"}},' +
    '{"recipient_name":"functions.fs_find_files","parameters":{"glob":"src/content/docs/**/*.mdx"}},' +
    '{"recipient_name":"functions.fs_find_files","parameters":{"glob":"../packages/sample/src/*.genai.{js,mjs}"}},' +
    '{"recipient_name":"functions.fs_find_files","parameters":{"glob":"src/assets/*.txt"}}]}';
  const REAL_CALLS = [
    { id: `${REAL_ID}_0`, name: "fs_find_files", arguments: '{"glob":"src/content/docs/**/*.md"}' },
    { id: `${REAL_ID}_1`, name: "fs_find_files", arguments: '{"glob":"src/content/docs/**/*.mdx"}' },
    { id: `${REAL_ID}_2`, name: "fs_find_files", arguments: '{"glob":"../packages/sample/src/*.genai.{js,mjs}"}' },
    { id: `${REAL_ID}_3`, name: "fs_find_files", arguments: '{"glob":"src/assets/*.txt"}' },
  ];
  const wrapped = () => new ToolCallAssembler({ wrapperNames: ["multi_tool_use.parallel"] });

  test("held while it streams, then one delta + tool_call per entry, ids <id>_<n>, indices consecutive", () => {
    const a = wrapped();
    const out: StreamEvent[] = [];
    a.append(0, { id: REAL_ID, name: "multi_tool_use.parallel", arguments: "" }, out);
    for (const [from, to] of [
      [0, 20],
      [20, 45],
      [45, 70],
      [70, REAL_ARGS.length],
    ] as const) {
      a.append(0, { arguments: REAL_ARGS.slice(from, to) }, out);
    }
    expect(out).toEqual([]);
    expect(a.hasOpen).toBe(true);
    a.completeAll(out);
    expect(out).toEqual(
      REAL_CALLS.flatMap((call, index) => [
        { type: "tool_call_delta", index, id: call.id, name: call.name, arguments_delta: call.arguments },
        { type: "tool_call", tool_call: call },
      ]),
    );
    expect(a.completed).toBe(4);
    expect(JSON.stringify(out)).not.toContain("multi_tool_use");
  });

  test("a call announced during the wrapper keeps index 0; the unpacked calls follow it, in index order", () => {
    const a = wrapped();
    const out: StreamEvent[] = [];
    a.append(0, { id: "w", name: "multi_tool_use.parallel", arguments: '{"tool_uses":[{"recipient_name":"functions.f",' }, out);
    a.append(1, { id: "n", name: "g", arguments: '{"b":1}' }, out);
    a.append(0, { arguments: '"parameters":{"a":1}},{"recipient_name":"functions.h","parameters":{}}]}' }, out);
    a.completeAll(out);
    expect(out).toEqual([
      { type: "tool_call_delta", index: 0, id: "n", name: "g", arguments_delta: '{"b":1}' },
      { type: "tool_call", tool_call: { id: "n", name: "g", arguments: '{"b":1}' } },
      { type: "tool_call_delta", index: 1, id: "w_0", name: "f", arguments_delta: '{"a":1}' },
      { type: "tool_call", tool_call: { id: "w_0", name: "f", arguments: '{"a":1}' } },
      { type: "tool_call_delta", index: 2, id: "w_1", name: "h", arguments_delta: "{}" },
      { type: "tool_call", tool_call: { id: "w_1", name: "h", arguments: "{}" } },
    ]);
  });

  // Arguments that are not the wrapper's shape pass through whole: nothing the model wrote is lost.
  const notTheShape: [string, string][] = [
    ["invalid JSON (cut off)", '{"tool_uses":[{"recipient_name":"functions.f","parameters":{"a":'],
    ["no tool_uses", '{"uses":[]}'],
    ["empty tool_uses", '{"tool_uses":[]}'],
    ["tool_uses not an array", '{"tool_uses":{"recipient_name":"functions.f","parameters":{}}}'],
    ["recipient without functions. prefix", '{"tool_uses":[{"recipient_name":"web_search","parameters":{"q":"x"}}]}'],
    ["recipient is only the prefix", '{"tool_uses":[{"recipient_name":"functions.","parameters":{}}]}'],
    ["parameters not an object", '{"tool_uses":[{"recipient_name":"functions.f","parameters":"a=1"}]}'],
    ["one good entry, one bad", '{"tool_uses":[{"recipient_name":"functions.f","parameters":{}},{"recipient_name":"functions.g"}]}'],
    ["a JSON array", "[1,2]"],
  ];
  for (const [name, args] of notTheShape) {
    test(`not the wrapper's shape → passed through unchanged (${name})`, () => {
      const a = wrapped();
      const out: StreamEvent[] = [];
      a.append(3, { id: "w", name: "multi_tool_use.parallel" }, out);
      a.append(3, { arguments: args.slice(0, 7) }, out);
      a.append(3, { arguments: args.slice(7) }, out);
      a.complete(3, out);
      expect(out).toEqual([
        { type: "tool_call_delta", index: 0, id: "w", name: "multi_tool_use.parallel", arguments_delta: args },
        { type: "tool_call", tool_call: { id: "w", name: "multi_tool_use.parallel", arguments: args } },
      ]);
    });
  }

  const ARGS = '{"tool_uses":[{"recipient_name":"functions.f","parameters":{"a":1}}]}';
  const streamedAsIs: [string, ToolCallAssembler, string][] = [
    ["a name that only contains the wrapper name", wrapped(), "multi_tool_use.parallel_v2"],
    ["another case", wrapped(), "Multi_Tool_Use.Parallel"],
    ["no wrapper names given (the default, as for Anthropic)", new ToolCallAssembler(), "multi_tool_use.parallel"],
  ];
  for (const [name, a, callName] of streamedAsIs) {
    test(`only the exact wrapper name is unpacked: ${name}`, () => {
      const out: StreamEvent[] = [];
      a.append(0, { id: "w", name: callName, arguments: ARGS }, out);
      a.completeAll(out);
      expect(out).toEqual([
        { type: "tool_call_delta", index: 0, id: "w", name: callName, arguments_delta: ARGS },
        { type: "tool_call", tool_call: { id: "w", name: callName, arguments: ARGS } },
      ]);
    });
  }

  test("a wrapper name arriving after the call was announced passes through (the editor already has it)", () => {
    const a = wrapped();
    const out: StreamEvent[] = [];
    a.append(0, { id: "w" }, out);
    a.append(0, { name: "multi_tool_use.parallel", arguments: ARGS }, out);
    a.complete(0, out);
    expect(out.at(-1)).toEqual({ type: "tool_call", tool_call: { id: "w", name: "multi_tool_use.parallel", arguments: ARGS } });
  });

  test("a wrapper known only from its completion (restated, no fragments) is unpacked too", () => {
    const a = new ToolCallAssembler({ wrapperNames: ["parallel"] });
    const out: StreamEvent[] = [];
    a.complete(2, out, { id: "c", name: "parallel", arguments: ARGS });
    expect(out).toEqual([
      { type: "tool_call_delta", index: 0, id: "c_0", name: "f", arguments_delta: '{"a":1}' },
      { type: "tool_call", tool_call: { id: "c_0", name: "f", arguments: '{"a":1}' } },
    ]);
  });
});
