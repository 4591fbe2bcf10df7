/**
 * The decoded Bedrock event the Converse mapper consumes. decode/bedrock-payload.ts
 * defines it (it produces it); it
 * is re-exported here so the dialect names its input in one place. The
 * mapper reads only `type` (the `:event-type` header: `messageStart`,
 * `contentBlockStart`, `contentBlockDelta`, `contentBlockStop`,
 * `messageStop`, `metadata`) and `body` (the JSON payload, padding removed).
 */
export type { BedrockEvent } from "../../decode/bedrock-payload.ts";
