import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { Message } from "../../src/protocol/chat.ts";
import { alnum9Ids, renameToolCallIds } from "../../src/rules/tool-call-ids.ts";

const loop = (...ids: string[]): Message[] => [
  { role: "user", content: "q" },
  { role: "assistant", content: ids.map((id) => ({ type: "tool_call" as const, id, name: "f", arguments: "{}" })) },
  { role: "tool", content: ids.map((id) => ({ type: "tool_result" as const, tool_call_id: id, content: "r" })) },
];

/** [call ids, result ids] of a renamed loop. */
function idsOf(messages: Message[]): [string[], string[]] {
  const parts = messages.flatMap((m) => (typeof m.content === "string" ? [] : m.content));
  return [parts.flatMap((p) => (p.type === "tool_call" ? [p.id] : [])), parts.flatMap((p) => (p.type === "tool_result" ? [p.tool_call_id] : []))];
}

describe("tool call ids for Mistral", () => {
  test("each foreign id becomes nine alphanumerics, the same in its call and its result; a valid id stays", () => {
    const messages = loop("toolu_01A09q90qw90lq917835lq9", "call_abc123", "D681PevKs");
    const ids = alnum9Ids(messages);
    expect([...ids.keys()]).toEqual(["toolu_01A09q90qw90lq917835lq9", "call_abc123"]);
    const [calls, results] = idsOf(renameToolCallIds(messages, ids));
    expect(calls).toEqual(results);
    expect(calls[2]).toBe("D681PevKs");
    for (const id of calls) expect(id).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(new Set(calls).size).toBe(3);
  });

  test("the same history maps the same way on every turn", () => {
    expect(alnum9Ids(loop("toolu_x", "call_y"))).toEqual(alnum9Ids(loop("toolu_x", "call_y")));
  });

  test("arbitrary ids: always nine alphanumerics, distinct, and never one of the valid ids already there", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 30 }), (raw) => {
        const messages = loop(...raw);
        const [calls, results] = idsOf(renameToolCallIds(messages, alnum9Ids(messages)));
        return calls.every((id) => /^[A-Za-z0-9]{9}$/.test(id)) && new Set(calls).size === raw.length && calls.join() === results.join();
      }),
      { numRuns: 300, seed: 9 },
    );
  });
});
