/**
 * Input tokens of one image, by the billing rule of the model it is sent to
 * and the pixel size its header gives (image-size.ts). Never exact: OpenAI's
 * documented multipliers disagree with what it bills, Anthropic calls its
 * own rule approximate on some pages and exact on others, Gemini 3's figure
 * is a maximum. So a count with an image is marked `exact: false`.
 *
 * Checked against recorded requests (image sizes decoded from the recorded
 * base64; shared corpus, pydantic-ai cassettes): gpt-4o Chat with a 540x360
 * image billed 503 against 46 for the turn before, about 425 for the image
 * (85 + 2 tiles x 170); claude-haiku-4-5 with the same image billed 296, of
 * which 20 x 13 = 260 patches.
 */
import { globRegex, inVersionRange, modelKey, modelVersion } from "../rules/model-key.ts";
import { imageSize } from "./image-size.ts";

export type ImageScheme =
  /** OpenAI's tiles: fit 2048 square, shortest side down to 768, base + tile per 512-px tile. */
  | { kind: "tiles"; base: number; tile: number }
  /** OpenAI's patches: 32-px patches within a budget, times a per-model multiplier. */
  | { kind: "patches"; budget: number; multiplier: number }
  /** Anthropic's 28-px patches after scaling down to a longest edge and a patch budget. */
  | { kind: "claude"; maxEdge: number; maxTokens: number }
  /** Gemini 1.x/2.x: 258 for an image within 384 px, else 258 per crop unit of ⌊shorter side / 1.5⌋. */
  | { kind: "gemini-tiles" }
  | { kind: "flat"; tokens: number };

const OPENAI_DOC = "developers.openai.com/api/docs/guides/images-vision (Calculating costs)";
const OPENAI_MEASURED = "community.openai.com/t/introducing-gpt-5-4-mini-and-nano-our-most-capable-small-models-yet/1377015 (billed multipliers)";

/**
 * Model globs over modelKey (a gateway's `vendor/` prefix dropped), first
 * match wins, each with its source. Claude is matched by version below.
 */
const SCHEMES: ReadonlyArray<readonly [glob: string, scheme: ImageScheme, source: string]> = [
  // Patch models. The docs give gpt-5-mini 1.62 and gpt-5-nano 2.46; billing shows 1.2 and 1.5.
  ["gpt-4.1-mini*", { kind: "patches", budget: 1536, multiplier: 1.62 }, OPENAI_DOC],
  ["gpt-4.1-nano*", { kind: "patches", budget: 1536, multiplier: 2.46 }, OPENAI_DOC],
  ["o4-mini*", { kind: "patches", budget: 1536, multiplier: 1.72 }, OPENAI_DOC],
  ["codex-mini*", { kind: "patches", budget: 1536, multiplier: 1.72 }, OPENAI_MEASURED],
  ["gpt-5-mini*", { kind: "patches", budget: 1536, multiplier: 1.2 }, OPENAI_MEASURED],
  ["gpt-5-nano*", { kind: "patches", budget: 1536, multiplier: 1.5 }, OPENAI_MEASURED],
  ["gpt-5.4-mini*", { kind: "patches", budget: 1536, multiplier: 1.2 }, OPENAI_MEASURED],
  ["gpt-5.4-nano*", { kind: "patches", budget: 1536, multiplier: 1.2 }, OPENAI_MEASURED],
  ["gpt-5.2*", { kind: "patches", budget: 1536, multiplier: 1.2 }, OPENAI_MEASURED],
  ["gpt-5.3*", { kind: "patches", budget: 1536, multiplier: 1.2 }, OPENAI_MEASURED],
  // Budgets from omnara internal/model/image_tokens.go; the multiplier as measured on gpt-5.4.
  ["gpt-5.4*", { kind: "patches", budget: 2500, multiplier: 1.2 }, OPENAI_MEASURED],
  ["gpt-5.5*", { kind: "patches", budget: 10_000, multiplier: 1.2 }, OPENAI_MEASURED],
  // gpt-5.6: an omitted detail means "original", capped at 30,000 patches (Prism-Shadow/agenthub PR #194 quoting the guide).
  ["gpt-5.6*", { kind: "patches", budget: 30_000, multiplier: 1.2 }, OPENAI_MEASURED],
  // Tile models.
  ["gpt-4o-mini*", { kind: "tiles", base: 2833, tile: 5667 }, OPENAI_DOC],
  ["o1*", { kind: "tiles", base: 75, tile: 150 }, OPENAI_DOC],
  ["o3*", { kind: "tiles", base: 75, tile: 150 }, OPENAI_DOC],
  ["computer-use*", { kind: "tiles", base: 65, tile: 129 }, OPENAI_DOC],
  ["gpt-5*", { kind: "tiles", base: 70, tile: 140 }, OPENAI_DOC],
  ["gpt-*", { kind: "tiles", base: 85, tile: 170 }, OPENAI_DOC],
  ["chatgpt-*", { kind: "tiles", base: 85, tile: 170 }, OPENAI_DOC],
  // Gemini 3 bills at most 1,120 per image at its default (high) media resolution.
  ["gemini-1*", { kind: "gemini-tiles" }, "ai.google.dev/gemini-api/docs/image-understanding (960x540 → 6 tiles → 1,548)"],
  ["gemini-2*", { kind: "gemini-tiles" }, "ai.google.dev/gemini-api/docs/image-understanding"],
  ["gemini-*", { kind: "flat", tokens: 1120 }, "ai.google.dev/gemini-api/docs/media-resolution (MEDIA_RESOLUTION_HIGH, the image default)"],
  ["amazon.nova-2*", { kind: "flat", tokens: 230 }, "docs.aws.amazon.com/nova/latest/nova2-userguide/using-multimodal-models.html (230 tokens per image)"],
];

/**
 * Claude from 4.7 on takes images up to 2,576 px and 4,784 patches; earlier ones 1,568 and 1,568
 * (platform.claude.com/docs/en/build-with-claude/vision, "Maximal native resolution").
 */
const CLAUDE_HIGH_RES: ImageScheme = { kind: "claude", maxEdge: 2576, maxTokens: 4784 };
const CLAUDE: ImageScheme = { kind: "claude", maxEdge: 1568, maxTokens: 1568 };

const COMPILED = SCHEMES.map(([glob, scheme]) => [globRegex(glob), scheme] as const);

/**
 * The rule for a model. Families with no published rule (Llama, Grok,
 * Mistral, Nova 1, ...) get Claude's, whose figures sit between OpenAI's and
 * Gemini's for an editor's screenshots.
 */
export function imageSchemeFor(model: string): ImageScheme {
  const key = modelKey(model.slice(model.lastIndexOf("/") + 1));
  if (key.startsWith("claude")) return inVersionRange(modelVersion(key), ">=4.7") ? CLAUDE_HIGH_RES : CLAUDE;
  for (const [pattern, scheme] of COMPILED) if (pattern.test(key)) return scheme;
  return CLAUDE;
}

/** Where the header cannot be read, the rule's count for a 1024x1024 image: the size OpenAI's guide uses as its example. */
const UNKNOWN_SIZE = { width: 1024, height: 1024 };

/** Tokens of a base64 image under `scheme`. */
export function imageTokens(base64: string, scheme: ImageScheme): number {
  if (scheme.kind === "flat") return scheme.tokens;
  const size = imageSize(base64);
  return tokensForSize(size.ok ? size : UNKNOWN_SIZE, scheme);
}

export function tokensForSize({ width, height }: { width: number; height: number }, scheme: ImageScheme): number {
  switch (scheme.kind) {
    case "flat":
      return scheme.tokens;
    case "tiles": {
      let [w, h] = fitWithin(width, height, 2048);
      const shorter = Math.min(w, h);
      if (shorter > 768) [w, h] = [(w * 768) / shorter, (h * 768) / shorter];
      return scheme.base + scheme.tile * Math.ceil(w / 512) * Math.ceil(h / 512);
    }
    case "patches":
      return Math.round(openAIPatches(width, height, scheme.budget) * scheme.multiplier);
    case "claude":
      return claudePatches(width, height, scheme.maxEdge, scheme.maxTokens);
    case "gemini-tiles": {
      if (width <= 384 && height <= 384) return 258;
      // The guide's crop unit, ⌊shorter side / 1.5⌋, held to 256–768 px: unclamped, a 2560x40 toolbar
      // screenshot would be 198 tiles (51,084 tokens); what Gemini bills for such thin images is unverified.
      const unit = Math.min(768, Math.max(256, Math.floor(Math.min(width, height) / 1.5)));
      return 258 * Math.ceil(width / unit) * Math.ceil(height / unit);
    }
    default:
      return scheme satisfies never;
  }
}

/** Scaled down, keeping the aspect ratio, so the longer side is at most `limit`. */
function fitWithin(width: number, height: number, limit: number): [number, number] {
  const longer = Math.max(width, height);
  return longer <= limit ? [width, height] : [(width * limit) / longer, (height * limit) / longer];
}

/**
 * OpenAI's guide: 32-px patches; over the budget, scale by √(budget·32²/(w·h)),
 * then further so the width is a whole number of patches, and count again
 * (its example: 1800x2400 → 1056x1408 → 1,452 patches).
 */
function openAIPatches(width: number, height: number, budget: number): number {
  const patches = Math.ceil(width / 32) * Math.ceil(height / 32);
  if (patches <= budget) return patches;
  const shrink = Math.sqrt((32 * 32 * budget) / (width * height));
  const w = (width * shrink) / 32;
  const h = (height * shrink) / 32;
  const whole = Math.min(Math.floor(w) / w, Math.floor(h) / h);
  const scaled = Math.ceil(Math.floor(width * shrink * whole) / 32) * Math.ceil(Math.floor(height * shrink * whole) / 32);
  return Math.min(scaled, budget);
}

/** Anthropic: scaled down to the longest edge, then until ⌈w/28⌉·⌈h/28⌉ fits the patch budget. */
function claudePatches(width: number, height: number, maxEdge: number, maxTokens: number): number {
  let [w, h] = fitWithin(width, height, maxEdge);
  const count = (): number => Math.ceil(Math.floor(w) / 28) * Math.ceil(Math.floor(h) / 28);
  for (let patches = count(); patches > maxTokens; patches = count()) {
    const shrink = Math.sqrt(maxTokens / patches) * 0.99;
    w *= shrink;
    h *= shrink;
  }
  return count();
}
