/**
 * The one secret scrubber. Error messages, logs and recorded cassettes pass
 * through it. Two nets: the exact values of every credential this process
 * has used (registered as they are resolved), and patterns for well-known
 * key shapes, so that a provider message echoing a key we never saw as a
 * whole (OpenAI prints a masked prefix and suffix) is cleaned as well.
 */

const known = new Set<string>();

/** Secrets shorter than this are not registered: replacing them would mangle ordinary text. */
const MIN_SECRET_LENGTH = 8;

export function registerSecret(value: unknown): void {
  if (typeof value === "string" && value.length >= MIN_SECRET_LENGTH) known.add(value);
}

const PATTERNS: RegExp[] = [
  /sk-ant-[A-Za-z0-9_\-*]{8,}/g, // Anthropic
  /sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-*]{16,}/g, // OpenAI (incl. masked echoes "sk-proj-****abcd")
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, // AWS access key ids
  /\bgh[opsuvr]_[A-Za-z0-9]{20,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bya29\.[A-Za-z0-9_\-.]{10,}/g, // Google OAuth access tokens
  /\bAIza[0-9A-Za-z_-]{30,}/g, // Google API keys
  /\btid=[^;\s"]{6,}[^\s"]*/g, // Copilot tokens ("tid=...;exp=...;...")
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(?:[Bb]earer|[Tt]oken)\s+[A-Za-z0-9_\-.=:+/]{16,}/g,
  /\bABSK[A-Za-z0-9+/=]{20,}/g, // Bedrock API keys
];

export const REDACTED = "[REDACTED]";

export function redact(text: string): string {
  let result = text;
  for (const secret of known) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  for (const pattern of PATTERNS) {
    pattern.lastIndex = 0;
    if (pattern.test(result)) {
      pattern.lastIndex = 0;
      result = result.replace(pattern, REDACTED);
    }
  }
  return result;
}
