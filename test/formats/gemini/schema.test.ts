/** JSON Schema → Gemini's OpenAPI subset (src/formats/gemini/schema.ts lists what is kept and dropped). */
import { expect, test } from "bun:test";
import { toGeminiSchema } from "../../../src/formats/gemini/schema.ts";

const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: "object", properties, ...extra });

const CASES: [string, Record<string, unknown>, Record<string, unknown> | undefined][] = [
  ["no parameters: empty object", { type: "object", properties: {} }, undefined],
  ["no parameters: {}", {}, undefined],
  [
    "types upper-cased; $schema and additionalProperties dropped",
    { $schema: "http://json-schema.org/draft-07/schema#", ...obj({ n: { type: "integer", minimum: 1 } }, { additionalProperties: false, required: ["n"] }) },
    { type: "OBJECT", properties: { n: { type: "INTEGER", minimum: 1 } }, required: ["n"] },
  ],
  [
    "a type list with null → nullable; several types → anyOf",
    obj({ a: { type: ["string", "null"] }, b: { type: ["string", "number"] } }),
    { type: "OBJECT", properties: { a: { type: "STRING", nullable: true }, b: { anyOf: [{ type: "STRING" }, { type: "NUMBER" }] } } },
  ],
  [
    "anyOf with null merges the single other member; oneOf becomes anyOf",
    obj({ a: { anyOf: [{ type: "string", description: "d" }, { type: "null" }] }, b: { oneOf: [{ type: "string" }, { type: "integer" }] } }),
    { type: "OBJECT", properties: { a: { nullable: true, type: "STRING", description: "d" }, b: { anyOf: [{ type: "STRING" }, { type: "INTEGER" }] } } },
  ],
  [
    "const string → enum; numeric enum and const dropped; string enum implies STRING",
    obj({ k: { const: "fixed" }, n: { type: "integer", enum: [1, 2] }, c: { const: 3 }, e: { enum: ["x", "y"] } }),
    { type: "OBJECT", properties: { k: { enum: ["fixed"], type: "STRING" }, n: { type: "INTEGER" }, c: {}, e: { enum: ["x", "y"], type: "STRING" } } },
  ],
  [
    "formats Gemini knows are kept, others dropped",
    obj({ t: { type: "string", format: "date-time" }, u: { type: "string", format: "uri" }, i: { type: "integer", format: "int64" }, f: { type: "number", format: "int32" } }),
    { type: "OBJECT", properties: { t: { type: "STRING", format: "date-time" }, u: { type: "STRING" }, i: { type: "INTEGER", format: "int64" }, f: { type: "NUMBER" } } },
  ],
  [
    "$ref into $defs is inlined, with sibling keywords applied; $defs dropped",
    { ...obj({ p: { $ref: "#/$defs/Point", description: "where" } }), $defs: { Point: obj({ x: { type: "number" } }, { required: ["x"] }) } },
    { type: "OBJECT", properties: { p: { type: "OBJECT", properties: { x: { type: "NUMBER" } }, required: ["x"], description: "where" } } },
  ],
  [
    "a recursive $ref becomes {} where it recurs",
    { ...obj({ root: { $ref: "#/definitions/Node" } }), definitions: { Node: obj({ next: { $ref: "#/definitions/Node" } }) } },
    { type: "OBJECT", properties: { root: { type: "OBJECT", properties: { next: {} } } } },
  ],
  [
    "allOf members are merged",
    obj({ a: { allOf: [obj({ x: { type: "string" } }, { required: ["x"] }), obj({ y: { type: "string" } }, { required: ["y"] })] } }),
    { type: "OBJECT", properties: { a: { type: "OBJECT", properties: { x: { type: "STRING" }, y: { type: "STRING" } }, required: ["x", "y"] } } },
  ],
  [
    "required names without a property, tuple items and unknown keywords are dropped",
    obj(
      { list: { type: "array", items: [{ type: "string" }], uniqueItems: true, minItems: 1 }, s: { type: "string", pattern: "^a", examples: ["a"] } },
      { required: ["list", "ghost"] },
    ),
    { type: "OBJECT", properties: { list: { type: "ARRAY", minItems: 1 }, s: { type: "STRING", pattern: "^a" } }, required: ["list"] },
  ],
  [
    "array items, title, default and description are kept",
    obj({ tags: { type: "array", title: "Tags", description: "labels", default: [], items: { type: "string", maxLength: 20 } } }),
    { type: "OBJECT", properties: { tags: { type: "ARRAY", title: "Tags", description: "labels", default: [], items: { type: "STRING", maxLength: 20 } } } },
  ],
];

test.each(CASES)("%s", (_name, schema, expected) => {
  expect(toGeminiSchema(schema)).toEqual(expected);
});
