/**
 * One spelling of a model id for the rules table, whatever the provider's:
 * rules are written once per model family, not once per provider.
 *
 * - Bedrock: an ARN keeps only its last path segment; a geography prefix
 *   (`us.`, `global.`, ...), Claude's vendor prefix (`anthropic.`: Claude ids
 *   name their family themselves) and the version suffix (`-v1:0`) go
 *   (the ids listed in docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html).
 *   Other vendors keep theirs (`amazon.nova-pro`,
 *   `meta.llama3-…`): it is what tells those families apart.
 * - Vertex: `claude-opus-4-5@20251101` → `claude-opus-4-5` (versions take an
 *   `@` suffix: cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude;
 *   recordings/vertex/claude-text.ndjson).
 * - Copilot: Claude versions with dots, `claude-opus-4.8` → `claude-opus-4-8`
 *   (recordings/copilot/models.ndjson). OpenAI's dots (`gpt-5.1`) stay: that is the id.
 * - Dated snapshots lose the date: `-20250929`, `-2025-08-07` (`gpt-5` is
 *   answered as `gpt-5-2025-08-07`: recordings/openai/chat-text.ndjson), and
 *   an OpenAI fine-tune (`ft:base:org::id`) is its base model.
 * Lower case throughout.
 */
import { BEDROCK_GEOGRAPHY_PREFIX, withoutDateSuffix } from "../catalog/catalog.ts";

const CLAUDE_VENDOR = /^anthropic\./;

export function modelKey(modelId: string): string {
  let id = modelId.trim().toLowerCase();
  // An OpenAI fine-tune is its base model's: `ft:gpt-4o-mini-2024-07-18:org::id`.
  if (id.startsWith("ft:")) id = id.slice(3).split(":")[0]!;
  if (id.startsWith("arn:")) id = id.slice(id.lastIndexOf("/") + 1);
  id = id.replace(BEDROCK_GEOGRAPHY_PREFIX, "").replace(CLAUDE_VENDOR, "");
  id = id.replace(/-v\d+(?::\d+)?$/, "");
  const at = id.indexOf("@");
  if (at > 0) id = id.slice(0, at);
  id = withoutDateSuffix(id);
  if (id.startsWith("claude")) id = id.replace(/(\d)\.(\d)/g, "$1-$2");
  return id;
}

/**
 * The version a model key carries: the first number after a hyphen, with a
 * minor part after `-` or `.` (`claude-opus-4-7` → 4.7, `claude-sonnet-5` →
 * 5.0, `gemini-2.5-flash` → 2.5, `gpt-5.1-codex` → 5.1, `claude-3-7-sonnet` →
 * 3.7). Undefined when there is none (`gpt-4o`, `o3`).
 */
export function modelVersion(key: string): [number, number] | undefined {
  const match = /-(\d{1,3})(?:[.-](\d{1,2}))?(?=$|[-.@:])/.exec(key);
  if (match === null) return undefined;
  return [Number(match[1]), match[2] === undefined ? 0 : Number(match[2])];
}

function compare(a: [number, number], b: [number, number]): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

const BOUND = /^(>=|<=|>|<|=)(\d{1,3})(?:\.(\d{1,2}))?$/;

/** Whether a version satisfies a range of space-separated bounds (`>=4.6 <5.5`); throws on a malformed range. */
export function inVersionRange(version: [number, number] | undefined, range: string): boolean {
  const bounds = range.trim().split(/\s+/);
  const parsed = bounds.map((bound) => {
    const match = BOUND.exec(bound);
    if (match === null) throw new Error(`version range ${JSON.stringify(range)}: "${bound}" is not like >=4.6`);
    return { op: match[1]!, at: [Number(match[2]), match[3] === undefined ? 0 : Number(match[3])] as [number, number] };
  });
  if (version === undefined) return false;
  return parsed.every(({ op, at }) => {
    const c = compare(version, at);
    switch (op) {
      case ">=":
        return c >= 0;
      case "<=":
        return c <= 0;
      case ">":
        return c > 0;
      case "<":
        return c < 0;
      default:
        return c === 0;
    }
  });
}

/** A glob (`*` = any run of characters, nothing else special) as an anchored regex. */
export function globRegex(glob: string): RegExp {
  const body = glob
    .split("*")
    .map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`);
}
