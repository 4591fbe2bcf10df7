/**
 * The Bedrock Converse dialect (ConverseStream), for every Bedrock model
 * family that is not served through the Anthropic Messages dialect. The body
 * it encodes has no `modelId` (it goes in the URL path); its stream input is
 * the decoded event-stream events of decode/bedrock-payload.ts.
 */
import type { ChatFormat } from "../types.ts";
import { classifyBedrockError } from "./errors.ts";
import { encodeConverseRequest, type ConverseRequestOptions } from "./request.ts";
import { createConverseMapper } from "./stream.ts";
import type { BedrockEvent } from "./types.ts";

/** The dialect with request options fixed, e.g. the model family of an application inference profile ARN. */
export function createBedrockConverseFormat(options: ConverseRequestOptions = {}): ChatFormat<BedrockEvent> {
  return {
    encodeRequest: (params) => encodeConverseRequest(params, options),
    createMapper: createConverseMapper,
    classifyError: classifyBedrockError,
  };
}

/** The dialect with the model family taken from each request's model id. */
export const bedrockConverseFormat: ChatFormat<BedrockEvent> = createBedrockConverseFormat();
