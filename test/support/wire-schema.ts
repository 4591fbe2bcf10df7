// Validates wire lines against wire/schema/*.schema.json (JSON Schema 2020-12)
// with ajv. Used by the schema tests and by anything that checks what the
// executable writes (conformance transcripts, server tests).
import Ajv2020, { type ErrorObject, type SchemaObject, type ValidateFunction } from "ajv/dist/2020";
import requestSchema from "../../wire/schema/request.schema.json" with { type: "json" };
import responseSchema from "../../wire/schema/response.schema.json" with { type: "json" };
import type { Action } from "../../src/protocol/request.ts";

export const REQUEST_SCHEMA_ID = "urn:plue-ai-provider:wire:request";
export const RESPONSE_SCHEMA_ID = "urn:plue-ai-provider:wire:response";

/** The chunk types each action may stream; an action not listed streams none. */
const STREAMED_CHUNKS: Partial<Record<Action, readonly string[]>> = {
  stream_chat: ["content", "reasoning", "tool_call_delta", "tool_call", "retry", "resumed", "done"],
  authenticate: ["device_flow"],
};

interface Compiled {
  ajv: Ajv2020;
  request: ValidateFunction;
  response: ValidateFunction;
  results: Map<Action, ValidateFunction>;
}

let compiled: Compiled | undefined;

function compile(): Compiled {
  // strict: schema typos (unknown keywords, keywords on the wrong type) fail
  // here instead of silently accepting everything.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  ajv.addSchema(requestSchema as SchemaObject);
  ajv.addSchema(responseSchema as SchemaObject);
  return {
    ajv,
    request: schemaAt(ajv, REQUEST_SCHEMA_ID),
    response: schemaAt(ajv, RESPONSE_SCHEMA_ID),
    results: new Map(),
  };
}

function schemaAt(ajv: Ajv2020, ref: string): ValidateFunction {
  const validate = ajv.getSchema(ref);
  if (validate === undefined) throw new Error(`wire schema has no ${ref}`);
  return validate;
}

function schemas(): Compiled {
  compiled ??= compile();
  return compiled;
}

/** The `$defs` result schema of one action, e.g. `result_list_models`. */
function resultValidator(action: Action): ValidateFunction {
  const { ajv, results } = schemas();
  let validate = results.get(action);
  if (validate === undefined) {
    validate = schemaAt(ajv, `${RESPONSE_SCHEMA_ID}#/$defs/result_${action}`);
    results.set(action, validate);
  }
  return validate;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string {
  // `if` errors only say "must match then schema"; the failing keyword inside says why.
  const useful = (errors ?? []).filter((error) => error.keyword !== "if");
  const shown = (useful.length > 0 ? useful : (errors ?? [])).slice(0, 8);
  return shown
    .map((error) => {
      const extra =
        error.keyword === "additionalProperties" || error.keyword === "unevaluatedProperties"
          ? ` (${String((error.params as Record<string, unknown>).additionalProperty ?? (error.params as Record<string, unknown>).unevaluatedProperty)})`
          : error.keyword === "enum"
            ? ` (${JSON.stringify((error.params as { allowedValues: unknown }).allowedValues)})`
            : "";
      return `${error.instancePath || "/"} ${error.message ?? error.keyword}${extra}`;
    })
    .join("; ");
}

function parseLine(line: string, kind: "request" | "response"): unknown {
  let body = line.endsWith("\n") ? line.slice(0, -1) : line;
  // wire/README, Transport: a request line may end in CRLF; the executable never writes one.
  if (kind === "request" && body.endsWith("\r")) body = body.slice(0, -1);
  if (/[\n\r]/.test(body)) throw new Error(`${kind} line spans more than one line: ${JSON.stringify(line)}`);
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new Error(`${kind} line is not JSON (${(error as Error).message}): ${body}`);
  }
}

function check(validate: ValidateFunction, value: unknown, kind: string, line: string): void {
  if (!validate(value)) throw new Error(`${kind} line violates the wire schema: ${formatErrors(validate.errors)}\n  line: ${line.trimEnd()}`);
}

/**
 * Throws unless `line` (one trailing "\n" allowed) is a valid response line.
 * With `action`, also checks that a result's data has that action's shape and
 * that a chunk is one the action may stream.
 */
export function validateResponseLine(line: string, action?: Action): void {
  const value = parseLine(line, "response");
  check(schemas().response, value, "response", line);
  if (action === undefined) return;
  const object = value as { success: boolean; streaming?: true; data?: unknown };
  if (!object.success) return;
  if (object.streaming === true) {
    const type = (object.data as { type: string }).type;
    if (!(STREAMED_CHUNKS[action] ?? []).includes(type)) {
      throw new Error(`response line: ${action} does not stream "${type}" chunks\n  line: ${line.trimEnd()}`);
    }
    return;
  }
  const validate = resultValidator(action);
  if (!validate(object.data)) {
    throw new Error(`response line: data is not a ${action} result: ${formatErrors(validate.errors)}\n  line: ${line.trimEnd()}`);
  }
}

/** Throws unless `line` (one trailing "\n" allowed) is a valid request line. */
export function validateRequestLine(line: string): void {
  check(schemas().request, parseLine(line, "request"), "request", line);
}

/** The code enum of the response schema, for the ERROR_CODES equality test. */
export function schemaErrorCodes(): unknown {
  return (responseSchema as { $defs: { error: { properties: { code: { enum: unknown } } } } }).$defs.error.properties.code.enum;
}
