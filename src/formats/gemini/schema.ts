/**
 * JSON Schema (what editors send as tool parameters) → the OpenAPI 3.0
 * subset Gemini accepts as `FunctionDeclaration.parameters`
 * (the Schema reference below; vercel/ai converts the same way in
 * packages/google/src/convert-json-schema-to-openapi-schema.ts). Vertex
 * validates the schema against its proto and
 * answers 400 INVALID_ARGUMENT for any field it does not know, so this is an
 * allow-list: what is not converted below is dropped.
 * @see https://cloud.google.com/vertex-ai/docs/reference/rest/v1/Schema
 *
 * Converted:
 * - `type` → the upper-case enum name (`"string"` → `"STRING"`), as Google's
 *   own SDK sends it (recorded fantasy cassettes). A type list with `"null"`
 *   → that type + `nullable: true`; several non-null types → `anyOf`.
 * - `anyOf` / `oneOf` (Gemini has no `oneOf`; `anyOf` is the closest) with
 *   a `{type: "null"}` member → `nullable: true`, and a single remaining
 *   member is merged in place.
 * - `allOf` → its members merged (properties and `required` united), which
 *   is how generators wrap a `$ref` that carries a description.
 * - Local `$ref`s (`#/$defs/…`, `#/definitions/…`, any `#/…` pointer) are
 *   inlined; a recursive reference becomes `{}` (any value) where it recurs.
 * - `const` (a string) → `enum: [value]`.
 * - `enum` is kept only when every value is a string (Gemini's enum is a
 *   list of strings; a number enum is rejected), and implies `STRING`.
 * - `format` is kept only where Gemini knows it (`date-time`/`enum` on
 *   strings, `int32`/`int64`, `float`/`double`).
 * - `required` names that are not among `properties` are dropped.
 * - Kept as they are: `title`, `description`, `default`, `example`,
 *   `pattern`, `minLength`, `maxLength`, `minItems`, `maxItems`,
 *   `minProperties`, `maxProperties`, `minimum`, `maximum`,
 *   `propertyOrdering`, `nullable`.
 *
 * Dropped: `$schema`, `$id`, `$comment`, `$defs`/`definitions` (after
 * inlining), `additionalProperties`, `patternProperties`,
 * `unevaluatedProperties`, tuple `items` arrays and `prefixItems`, `not`,
 * `if`/`then`/`else`, `exclusiveMinimum`/`exclusiveMaximum`, `multipleOf`,
 * `uniqueItems`, `contains`, `examples`, `readOnly`/`writeOnly`,
 * `deprecated`, and non-string `const`/`enum`. The model then sees a looser
 * schema than the tool validates; the tool still rejects bad arguments.
 */

import { isJsonObject } from "../../protocol/json.ts";

type Schema = Record<string, unknown>;

/**
 * The Gemini form of a tool's parameter schema, or `undefined` for a tool
 * without parameters: Gemini rejects an `OBJECT` with no properties, and a
 * declaration without `parameters` means exactly "no arguments".
 */
export function toGeminiSchema(schema: Schema): Schema | undefined {
  const converted = convert(schema, schema, new Set());
  const properties = converted["properties"];
  const hasProperties = isSchema(properties) && Object.keys(properties).length > 0;
  if ((converted["type"] === undefined || converted["type"] === "OBJECT") && !hasProperties && converted["anyOf"] === undefined) {
    return undefined;
  }
  return converted;
}

const COPIED_STRINGS = ["title", "description", "pattern"] as const;
const COPIED_NUMBERS = ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "minimum", "maximum"] as const;
const FORMATS: Record<string, readonly string[]> = {
  STRING: ["date-time", "enum"],
  INTEGER: ["int32", "int64"],
  NUMBER: ["float", "double"],
};

function convert(node: unknown, root: Schema, expanding: Set<string>): Schema {
  if (!isSchema(node)) return {};
  const ref = node["$ref"];
  if (typeof ref === "string") return convertRef(ref, node, root, expanding);

  const out: Schema = {};
  for (const key of COPIED_STRINGS) if (typeof node[key] === "string") out[key] = node[key];
  for (const key of COPIED_NUMBERS) if (typeof node[key] === "number") out[key] = node[key];
  if (node["default"] !== undefined) out["default"] = node["default"];
  if (node["example"] !== undefined) out["example"] = node["example"];
  if (node["nullable"] === true) out["nullable"] = true;

  applyType(node["type"], out);
  applyEnum(node, out);

  const properties = node["properties"];
  if (isSchema(properties)) {
    const converted: Schema = {};
    for (const [name, value] of Object.entries(properties)) converted[name] = convert(value, root, expanding);
    out["properties"] = converted;
    const required = node["required"];
    if (Array.isArray(required)) {
      const present = required.filter((name): name is string => typeof name === "string" && name in converted);
      if (present.length > 0) out["required"] = present;
    }
  }
  const ordering = node["propertyOrdering"];
  if (Array.isArray(ordering) && ordering.every((name) => typeof name === "string")) out["propertyOrdering"] = ordering;
  if (isSchema(node["items"])) out["items"] = convert(node["items"], root, expanding);

  const alternatives = [...list(node["anyOf"]), ...list(node["oneOf"])];
  if (alternatives.length > 0) applyAlternatives(alternatives, out, root, expanding);
  for (const member of list(node["allOf"])) mergeInto(out, convert(member, root, expanding));

  const type = out["type"];
  const format = node["format"];
  if (typeof format === "string" && typeof type === "string" && FORMATS[type]?.includes(format) === true) out["format"] = format;
  return out;
}

function convertRef(ref: string, node: Schema, root: Schema, expanding: Set<string>): Schema {
  // A reference that is already being expanded is a recursive schema, which
  // cannot be inlined; "any value" is the honest stand-in at that depth.
  if (expanding.has(ref)) return {};
  const target = resolvePointer(root, ref);
  expanding.add(ref);
  const resolved = convert(target, root, expanding);
  expanding.delete(ref);
  // Keywords next to `$ref` (a description, usually) refine the target.
  const { $ref: _ref, ...siblings } = node;
  const own = convert(siblings, root, expanding);
  return { ...resolved, ...own };
}

function applyType(type: unknown, out: Schema): void {
  if (typeof type === "string") {
    out["type"] = type.toUpperCase();
    return;
  }
  if (!Array.isArray(type)) return;
  const names = type.filter((t): t is string => typeof t === "string");
  const nonNull = names.filter((t) => t !== "null");
  if (nonNull.length < names.length) out["nullable"] = true;
  if (nonNull.length === 0) out["type"] = "NULL";
  else if (nonNull.length === 1) out["type"] = (nonNull[0] as string).toUpperCase();
  else out["anyOf"] = nonNull.map((t) => ({ type: t.toUpperCase() }));
}

function applyEnum(node: Schema, out: Schema): void {
  const values = node["enum"];
  const constant = node["const"];
  let strings: string[] | undefined;
  if (Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === "string")) strings = values as string[];
  else if (typeof constant === "string") strings = [constant];
  if (strings === undefined) return;
  out["enum"] = strings;
  out["type"] ??= "STRING";
}

function applyAlternatives(alternatives: unknown[], out: Schema, root: Schema, expanding: Set<string>): void {
  const isNull = (member: unknown) => isSchema(member) && member["type"] === "null";
  const rest = alternatives.filter((member) => !isNull(member));
  if (rest.length < alternatives.length) out["nullable"] = true;
  if (rest.length === 1) {
    mergeInto(out, convert(rest[0], root, expanding));
  } else if (rest.length > 1) {
    out["anyOf"] = rest.map((member) => convert(member, root, expanding));
  }
}

/** Merge a converted schema into `out`: properties and `required` are united, other keywords filled in. */
function mergeInto(out: Schema, add: Schema): void {
  for (const [key, value] of Object.entries(add)) {
    if (key === "properties" && isSchema(out["properties"]) && isSchema(value)) {
      out["properties"] = { ...out["properties"], ...value };
    } else if (key === "required" && Array.isArray(out["required"]) && Array.isArray(value)) {
      out["required"] = [...new Set([...(out["required"] as unknown[]), ...value])];
    } else if (out[key] === undefined) {
      out[key] = value;
    }
  }
}

/** Resolve a local JSON pointer (`#/$defs/Name`); `undefined` when it leads nowhere or is not local. */
function resolvePointer(root: Schema, ref: string): unknown {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let current: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isSchema(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isSchema(value: unknown): value is Schema {
  return isJsonObject(value);
}
