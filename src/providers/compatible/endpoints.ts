/**
 * The user's named OpenAI-compatible endpoints: `providers.json` in the
 * configuration directory (`PLUE_PROVIDERS_FILE` overrides; the path comes
 * from src/host/files.ts). Each entry becomes a provider in the registry,
 * listed by `list_providers` like the presets:
 *
 * ```json
 * {"providers": [{"id": "work", "name": "Work gateway", "base_url": "https://llm.example.com/v1",
 *                 "api_key_env": "WORK_LLM_KEY", "key_required": true,
 *                 "flags": {"max_tokens_field": "max_completion_tokens"}}]}
 * ```
 *
 * Read once at start, like the catalog layers (src/catalog/layers.ts): the
 * file is checked whole, and a damaged or invalid one is reported on stderr
 * with the reason and ignored as a whole, never half-applied, never a crash.
 */
import { describeReadFailure, type Deps } from "../../deps.ts";
import { checkFlags, GENERIC_FLAGS } from "./flags.ts";
import { type CompatibleSpec, isHttpUrl } from "./spec.ts";
import { isJsonObject } from "../../protocol/json.ts";

/** A providers file larger than this is refused unread: a hundred endpoints take a few KB. */
export const MAX_ENDPOINTS_FILE_BYTES = 1024 * 1024;
const MAX_ENDPOINTS = 100;
const ID = /^[a-z][a-z0-9_-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const ENTRY_FIELDS = ["id", "name", "base_url", "api_key_env", "key_required", "flags", "dialects", "$comment"];

function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

/**
 * The file's text → the endpoints it names, or an Error naming the first
 * problem. `reserved` holds the ids already taken (native providers, presets):
 * an endpoint may not shadow one.
 */
export function parseEndpointsFile(text: string, reserved: ReadonlySet<string>): CompatibleSpec[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail("file", `not JSON: ${(error as Error).message}`);
  }
  if (!isJsonObject(value)) fail("file", 'must be a JSON object {"providers": [...]}');
  for (const key of Object.keys(value)) if (key !== "providers" && key !== "$comment") fail(key, "unknown field (expected providers)");
  const list = value.providers;
  if (!Array.isArray(list) || list.length > MAX_ENDPOINTS) fail("providers", `must be an array of at most ${MAX_ENDPOINTS} endpoints`);
  const seen = new Set<string>();
  return list.map((entry, i) => {
    const spec = parseEntry(entry, `providers[${i}]`, reserved);
    if (seen.has(spec.id)) fail(`providers[${i}].id`, `${spec.id} is listed twice`);
    seen.add(spec.id);
    return spec;
  });
}

function parseEntry(entry: unknown, where: string, reserved: ReadonlySet<string>): CompatibleSpec {
  if (!isJsonObject(entry)) fail(where, "must be an object");
  for (const key of Object.keys(entry)) if (!ENTRY_FIELDS.includes(key)) fail(`${where}.${key}`, `unknown field (fields: ${ENTRY_FIELDS.slice(0, -1).join(", ")})`);
  const { id, name, base_url: baseUrl, api_key_env: keyEnv, key_required: keyRequired, dialects } = entry;
  if (typeof id !== "string" || !ID.test(id)) fail(`${where}.id`, "must be a lower-case id: letters, digits, _ and -, starting with a letter (at most 64)");
  if (reserved.has(id)) fail(`${where}.id`, `${id} is already a provider of this executable; choose another id`);
  if (name !== undefined && (typeof name !== "string" || name.trim() === "" || name.length > 100)) fail(`${where}.name`, "must be a string of 1 to 100 characters");
  if (typeof baseUrl !== "string" || !isHttpUrl(baseUrl)) {
    fail(`${where}.base_url`, 'must be an http(s) URL, the part before /chat/completions (e.g. "http://127.0.0.1:8080/v1")');
  }
  if (keyEnv !== undefined && (typeof keyEnv !== "string" || !ENV_NAME.test(keyEnv))) fail(`${where}.api_key_env`, "must be an environment variable name");
  if (keyRequired !== undefined && typeof keyRequired !== "boolean") fail(`${where}.key_required`, "must be true or false");
  if (keyRequired === true && keyEnv === undefined) fail(`${where}.key_required`, "needs api_key_env (or leave it false and pass params.credentials.api_key)");
  const flags = entry.flags === undefined ? {} : checkFlags(entry.flags, `${where}.flags`);
  let dialectList: CompatibleSpec["dialects"] = ["chat", "responses"];
  if (dialects !== undefined) {
    if (!Array.isArray(dialects) || dialects.length === 0 || dialects.some((d) => d !== "chat" && d !== "responses") || new Set(dialects).size !== dialects.length) {
      fail(`${where}.dialects`, 'must be a non-empty list of "chat" and "responses", the default first');
    }
    dialectList = dialects as CompatibleSpec["dialects"];
  }
  return {
    id,
    name: typeof name === "string" ? name.trim() : id,
    base_url: baseUrl.replace(/\/+$/, ""),
    base_url_env: [],
    key_env: keyEnv === undefined ? [] : [keyEnv],
    key_required: keyRequired === true,
    key_store: true,
    local: false,
    dialects: dialectList,
    flags: { ...GENERIC_FLAGS, ...flags },
  };
}

/**
 * Read the providers file at `path` (absent: no endpoints) and check it;
 * a file that cannot be read or fails the check is reported on stderr and
 * gives no endpoints.
 */
export async function loadEndpoints(deps: Pick<Deps, "files" | "log">, path: string | undefined, reserved: Iterable<string>): Promise<CompatibleSpec[]> {
  if (path === undefined) return [];
  let text: string | null;
  try {
    text = await deps.files.read(path, { maxBytes: MAX_ENDPOINTS_FILE_BYTES });
  } catch (error) {
    deps.log.log("warn", "providers file ignored", { problem: `cannot read ${path}${describeReadFailure(error)}` });
    return [];
  }
  if (text === null) return [];
  try {
    return parseEndpointsFile(text, new Set(reserved));
  } catch (error) {
    deps.log.log("warn", "providers file ignored", { problem: `${path}: ${(error as Error).message}` });
    return [];
  }
}
