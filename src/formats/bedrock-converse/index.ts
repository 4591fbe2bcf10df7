/**
 * The Bedrock Converse dialect (ConverseStream), for every Bedrock model
 * family that is not served through the Anthropic Messages dialect. The body
 * it encodes has no `modelId` (it goes in the URL path); its stream input is
 * the decoded event-stream events of decode/bedrock-payload.ts.
 */
import type { ChatFormat } from "../types.ts";
import { classifyBedrockError } from "./errors.ts";
import { encodeConverseRequest } from "./request.ts";
import { createConverseMapper } from "./stream.ts";
import type { BedrockEvent } from "./types.ts";

/** What each model family may be sent is the model rules' business (src/rules/): the encoder reads their flags. */
export const bedrockConverseFormat: ChatFormat<BedrockEvent> = {
  encodeRequest: encodeConverseRequest,
  createMapper: createConverseMapper,
  classifyError: classifyBedrockError,
};
