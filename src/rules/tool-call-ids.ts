/**
 * Tool call ids for an API that takes only its own shape (Mistral: exactly
 * nine of [A-Za-z0-9], rules.json `mistral-tool-call-ids`). A conversation
 * begun on another provider carries ids such as `toolu_01A…` or
 * `call_abc…`; each is replaced, in its call and in the results answering it,
 * by nine characters derived from it, so the same history maps the same way
 * on every turn. The model's own new calls come with ids of the right shape,
 * which pass unchanged, so nothing needs mapping back in the answer.
 */
import type { ContentPart, Message } from "../protocol/chat.ts";

const ALNUM9 = /^[A-Za-z0-9]{9}$/;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** The ids of `messages` (calls and results) that need another spelling, each with its replacement. */
export function alnum9Ids(messages: readonly Message[]): Map<string, string> {
  const ids = new Set<string>();
  for (const message of messages) {
    if (typeof message.content === "string") continue;
    for (const part of message.content) collectIds(part, ids);
  }
  const taken = new Set([...ids].filter((id) => ALNUM9.test(id)));
  const mapped = new Map<string, string>();
  for (const id of ids) {
    if (taken.has(id)) continue;
    // A second id hashing to a taken spelling (1 in 10^16) takes the next salt.
    let salt = 0;
    let spelled = spell(id, salt);
    while (taken.has(spelled)) spelled = spell(id, ++salt);
    taken.add(spelled);
    mapped.set(id, spelled);
  }
  return mapped;
}

function collectIds(part: ContentPart, ids: Set<string>): void {
  if (part.type === "tool_call") ids.add(part.id);
  else if (part.type === "tool_result") ids.add(part.tool_call_id);
}

/** Nine base-62 characters from two 32-bit multiplicative hashes of the id (FNV-1a, and one with MurmurHash2's constant; 53 bits used). */
function spell(id: string, salt: number): string {
  let a = 0x811c9dc5 ^ salt;
  let b = 0x01000193 ^ (salt * 0x9e3779b1);
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
  }
  let value = (a >>> 0) * 2 ** 21 + ((b >>> 0) & 0x1fffff);
  let out = "";
  for (let i = 0; i < 9; i++) {
    out += ALPHABET[value % 62];
    value = Math.floor(value / 62);
  }
  return out;
}

/** `messages` with every mapped id replaced, in calls and in results. */
export function renameToolCallIds(messages: Message[], ids: ReadonlyMap<string, string>): Message[] {
  return messages.map((message) => {
    if (typeof message.content === "string") return message;
    return {
      ...message,
      content: message.content.map((part) => {
        if (part.type === "tool_call") return { ...part, id: ids.get(part.id) ?? part.id };
        if (part.type === "tool_result") return { ...part, tool_call_id: ids.get(part.tool_call_id) ?? part.tool_call_id };
        return part;
      }),
    };
  });
}
