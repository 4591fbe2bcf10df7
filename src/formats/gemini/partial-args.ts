/**
 * Arguments of a function call that Gemini streams in pieces
 * (`functionCall.partialArgs`, Gemini 3 on Vertex when the request sets
 * `toolConfig.functionCallingConfig.streamFunctionCallArguments`, which our
 * encoder does not, so this is for robustness). Each piece names a leaf by
 * JSON path and carries one typed value; string values with the same path
 * continue each other:
 *
 *   {"jsonPath": "$.recipe.steps[4]", "stringValue": "In a 9x13 baking dish, spread a", "willContinue": true}
 *   {"jsonPath": "$.recipe.steps[4]", "stringValue": " thin layer of meat sauce.", "willContinue": true}
 *
 * (recorded: vercel/ai google-vertex-stream-tool-call-arguments-nested.1.chunks.txt).
 * The pieces build an object that is serialised once, when the call ends:
 * the editor gets the call announced early and its arguments whole.
 */

type Container = Record<string | number, unknown>;

export class GeminiPartialArgs {
  private readonly root: Container = {};

  /** The arguments built so far. */
  get value(): Record<string, unknown> {
    return this.root;
  }

  /** Apply one `partialArgs` list; entries that name no usable path or value are skipped. */
  add(partialArgs: unknown): void {
    if (!Array.isArray(partialArgs)) return;
    for (const arg of partialArgs) {
      if (typeof arg !== "object" || arg === null) continue;
      const entry = arg as Record<string, unknown>;
      const path = typeof entry["jsonPath"] === "string" ? parseJsonPath(entry["jsonPath"]) : undefined;
      if (path === undefined || path.length === 0) continue;
      if (typeof entry["stringValue"] === "string") {
        const existing = get(this.root, path);
        set(this.root, path, typeof existing === "string" ? existing + entry["stringValue"] : entry["stringValue"]);
      } else if (typeof entry["numberValue"] === "number") {
        set(this.root, path, entry["numberValue"]);
      } else if (typeof entry["boolValue"] === "boolean") {
        set(this.root, path, entry["boolValue"]);
      } else if ("nullValue" in entry) {
        set(this.root, path, null);
      }
    }
  }

  /** Merge a whole `args` object sent next to the pieces (top-level keys). */
  merge(args: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(args)) define(this.root, key, value);
  }
}

/**
 * `$.recipe.ingredients[0].name` → `["recipe", "ingredients", 0, "name"]`;
 * bracketed quoted keys (`$['a.b']`) are read too. `undefined` when the path
 * is not one.
 */
export function parseJsonPath(path: string): (string | number)[] | undefined {
  if (!path.startsWith("$")) return undefined;
  const segments: (string | number)[] = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const match = pattern.exec(path);
    if (match === null) return undefined;
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push((match[3] ?? match[4] ?? "").replace(/\\(.)/g, "$1"));
  }
  return segments;
}

function get(root: Container, path: (string | number)[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Container)[segment];
  }
  return current;
}

function set(root: Container, path: (string | number)[], value: unknown): void {
  let current = root;
  for (let k = 0; k < path.length - 1; k++) {
    const segment = path[k] as string | number;
    const existing = Object.hasOwn(current, segment) ? current[segment] : undefined;
    if (typeof existing === "object" && existing !== null) {
      current = existing as Container;
      continue;
    }
    const child: Container = typeof path[k + 1] === "number" ? ([] as unknown as Container) : {};
    define(current, segment, child);
    current = child;
  }
  define(current, path[path.length - 1] as string | number, value);
}

/** An own data property, so a key like `__proto__` cannot reach a prototype setter. */
function define(target: Container, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}
