/**
 * The per-request headers Copilot bills and gates on (as VS Code's Copilot
 * Chat sends them, quoted in anomalyco/opencode#8067; the same rules in
 * badlogic/pi-mono packages/ai/src/providers/github-copilot-headers.ts):
 * `X-Initiator` decides whether a request costs a premium request
 * (anomalyco/opencode#8030), the vision header unlocks image input.
 */
import type { ContentPart, Message } from "../../protocol/chat.ts";

/**
 * `user` only when the last message is a real user turn (text or images);
 * tool results, assistant follow-ups and anything else the agent sends on
 * its own are `agent`, which Copilot does not bill as a new premium request.
 */
export function initiatorOf(messages: readonly Message[]): "user" | "agent" {
  const last = messages[messages.length - 1];
  if (last === undefined || last.role !== "user") return "agent";
  if (typeof last.content === "string") return "user";
  return last.content.some((part) => part.type === "text" || part.type === "image") ? "user" : "agent";
}

function partsHaveImage(parts: string | readonly ContentPart[]): boolean {
  if (typeof parts === "string") return false;
  return parts.some((part) => part.type === "image" || (part.type === "tool_result" && partsHaveImage(part.content)));
}

/** Any image anywhere, tool results (screenshots a tool returned) included. */
export function hasImage(messages: readonly Message[]): boolean {
  return messages.some((message) => partsHaveImage(message.content));
}
