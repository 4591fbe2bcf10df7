import { expect, test } from "bun:test";
import type { ToolDefinition } from "../../src/protocol/chat.ts";
import { renderToolsAsTypeScript } from "../../src/tokens/tool-text.ts";

test("renders OpenAI's published harmony example exactly", () => {
  // openai/harmony docs/format.md @ 20cd04c17fa327f01f9f28240fb70183d4feb406
  // ("Function calling"), Apache-2.0: the developer message's tools section for
  // these three functions. Schemas rebuilt from the comments and types shown there.
  const format = { type: "string", enum: ["celsius", "fahrenheit"], default: "celsius" };
  const tools: ToolDefinition[] = [
    { name: "get_location", description: "Gets the location of the user.", parameters: { type: "object", properties: {} } },
    {
      name: "get_current_weather",
      description: "Gets the current weather in the provided location.",
      parameters: {
        type: "object",
        properties: {
          location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
          format,
        },
        required: ["location"],
      },
    },
    {
      name: "get_multiple_weathers",
      description: "Gets the current weather in the provided list of locations.",
      parameters: {
        type: "object",
        properties: {
          locations: {
            type: "array",
            items: { type: "string" },
            description: 'List of city and state, e.g. ["San Francisco, CA", "New York, NY"]',
          },
          format,
        },
        required: ["locations"],
      },
    },
  ];
  expect(renderToolsAsTypeScript(tools)).toBe(
    '# Tools\n\n## functions\n\nnamespace functions {\n\n// Gets the location of the user.\ntype get_location = () => any;\n\n// Gets the current weather in the provided location.\ntype get_current_weather = (_: {\n// The city and state, e.g. San Francisco, CA\nlocation: string,\nformat?: "celsius" | "fahrenheit", // default: celsius\n}) => any;\n\n// Gets the current weather in the provided list of locations.\ntype get_multiple_weathers = (_: {\n// List of city and state, e.g. ["San Francisco, CA", "New York, NY"]\nlocations: string[],\nformat?: "celsius" | "fahrenheit", // default: celsius\n}) => any;\n\n} // namespace functions',
  );
});

test("nesting, unions, defaults and descriptions follow harmony's renderer", () => {
  // Expected text written by hand from openai/harmony src/encoding.rs
  // (json_schema_to_typescript): nested objects indent 4 spaces, closing brace
  // included, a string default is quoted unless the type is an enum, an array
  // without items is Array<any>, type lists join with " | ". Ours differs where
  // tool-text.ts says: unions on one line, description lines trimmed.
  const tool: ToolDefinition = {
    name: "search",
    description: "Search the index.\n\n    Args:\n        query: what to look for\n",
    parameters: {
      type: "object",
      properties: {
        query: { type: "string", default: "cats" },
        limit: { type: "integer", default: 10 },
        filter: {
          type: "object",
          properties: { lang: { type: "string", description: "ISO code" }, exact: { type: "boolean" } },
          required: ["lang"],
        },
        tags: { type: "array" },
        cursor: { type: ["string", "null"] },
        mode: { anyOf: [{ type: "string" }, { type: "number" }] },
        ref: { $ref: "#/$defs/Thing" },
      },
      required: ["query"],
    },
  };
  expect(renderToolsAsTypeScript([tool])).toBe(
    [
      "# Tools",
      "",
      "## functions",
      "",
      "namespace functions {",
      "",
      "// Search the index.",
      "// Args:",
      "// query: what to look for",
      "type search = (_: {",
      'query: string, // default: "cats"',
      "limit?: number, // default: 10",
      "filter?: {",
      "    // ISO code",
      "    lang: string,",
      "    exact?: boolean,",
      "    },",
      "tags?: Array<any>,",
      "cursor?: string | null,",
      "mode?: string | number,",
      "ref?: any,",
      "}) => any;",
      "",
      "} // namespace functions",
    ].join("\n"),
  );
});

test("no tools still renders the empty namespace", () => {
  expect(renderToolsAsTypeScript([])).toBe("# Tools\n\n## functions\n\nnamespace functions {\n\n} // namespace functions");
});
