/**
 * Tool definitions as OpenAI's chat models read them: JSON Schemas rewritten
 * as TypeScript declarations in a `functions` namespace under a `# Tools`
 * heading. The one published renderer is OpenAI's harmony format for gpt-oss
 * (openai/harmony `src/encoding.rs`, `template_tools_section` and
 * `json_schema_to_typescript`); prompts the chat models have been made to
 * repeat show the same shape (community.openai.com/t/266573,
 * hmarr/openai-chat-tokens). This follows harmony's layout (4-space nesting,
 * `// default:` comments, `Array<any>`), written fresh, with two departures:
 * - `anyOf`/`oneOf` become a one-line union (harmony: `any` / a multi-line
 *   list), so `Optional[...]`-style schemas keep their types;
 * - description lines are trimmed and blank ones dropped: the one recording
 *   with multi-line (Python docstring) descriptions, pydantic-ai
 *   test_complex_agent_run on gpt-4o, comes out 5 tokens under that way and
 *   28 over with the lines kept as harmony keeps them.
 * `$ref` is not followed (harmony: `any`).
 */
import type { ToolDefinition } from "../protocol/chat.ts";

type Schema = Record<string, unknown>;

/** The `# Tools` section, from its heading to the namespace's closing line. */
export function renderToolsAsTypeScript(tools: readonly ToolDefinition[]): string {
  const lines = ["# Tools", "", "## functions", "", "namespace functions {", ""];
  for (const tool of tools) {
    for (const line of commentLines(tool.description)) lines.push(`// ${line}`);
    const params = tool.parameters;
    lines.push(properties(params).length > 0 ? `type ${tool.name} = (_: ${formatObject(params, "", 0)}) => any;` : `type ${tool.name} = () => any;`, "");
  }
  lines.push("} // namespace functions");
  return lines.join("\n");
}

// Deep enough for any real schema; bounds pathological nesting.
const MAX_DEPTH = 8;
const INDENT = "    ";

function formatObject(schema: Schema, indent: string, depth: number): string {
  const required = Array.isArray(schema["required"]) ? (schema["required"] as unknown[]) : [];
  const out = ["{"];
  for (const [name, raw] of properties(schema)) {
    const prop = asSchema(raw);
    if (typeof prop["description"] === "string" && prop["description"] !== "") {
      out.push(`${indent}// ${prop["description"]}`);
    }
    const optional = required.includes(name) ? "" : "?";
    out.push(`${indent}${name}${optional}: ${formatType(prop, indent + INDENT, depth + 1)},${defaultComment(prop)}`);
  }
  out.push(`${indent}}`);
  return out.join("\n");
}

function formatType(schema: Schema, indent: string, depth: number): string {
  if (depth > MAX_DEPTH) return "any";
  if ("const" in schema) return JSON.stringify(schema["const"]) ?? "any";
  if (Array.isArray(schema["enum"]) && schema["enum"].length > 0) {
    return schema["enum"].map((v) => JSON.stringify(v) ?? "any").join(" | ");
  }
  const union = schema["anyOf"] ?? schema["oneOf"];
  if (Array.isArray(union)) return union.map((s) => formatType(asSchema(s), indent, depth + 1)).join(" | ");
  const type = schema["type"];
  if (Array.isArray(type)) return type.map((t) => formatType({ ...schema, type: t }, indent, depth + 1)).join(" | ");
  switch (type) {
    case "string":
    case "boolean":
    case "null":
      return type;
    case "number":
    case "integer":
      return "number";
    case "array":
      return schema["items"] === undefined ? "Array<any>" : `${formatType(asSchema(schema["items"]), indent, depth + 1)}[]`;
    case "object":
      return properties(schema).length > 0 ? formatObject(schema, indent, depth) : "object";
    default:
      return "any";
  }
}

function defaultComment(schema: Schema): string {
  if (!("default" in schema)) return "";
  const value = schema["default"];
  // Harmony quotes string defaults unless the type is an enum, where the value is already shown.
  const shown = typeof value === "string" && Array.isArray(schema["enum"]) ? value : JSON.stringify(value);
  return ` // default: ${shown}`;
}

function properties(schema: Schema): Array<[string, unknown]> {
  const props = schema["properties"];
  return props !== null && typeof props === "object" ? Object.entries(props) : [];
}

function asSchema(raw: unknown): Schema {
  return raw !== null && typeof raw === "object" && !Array.isArray(raw) ? (raw as Schema) : {};
}

function commentLines(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}
