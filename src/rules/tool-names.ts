/**
 * Tool names a provider rejects (a dot from an MCP-style `server.tool`, more
 * than 64 characters) are sent under provider-safe names and mapped back in
 * the stream, so the editor only ever sees its own names. The mapping is a
 * pure function of the name and the request's set of names, so the same
 * conversation maps the same way on every turn.
 */

/** FNV-1a, 32 bits, as 8 hex digits: a short, stable tag that keeps shortened names apart. */
function tag(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

export class ToolNames {
  private readonly toProvider = new Map<string, string>();
  private readonly toEditor = new Map<string, string>();

  /** `names`: every tool name of the request (declared and in the history); `chars`: a regex character class body. */
  constructor(names: Iterable<string>, chars: string | undefined, max: number | undefined) {
    if (chars === undefined && max === undefined) return;
    const limit = max ?? Number.MAX_SAFE_INTEGER;
    const allowed = new RegExp(`^[${chars ?? "\\s\\S"}]*$`);
    const unique = [...new Set(names)];
    const taken = new Set(unique.filter((name) => allowed.test(name) && name.length <= limit));
    for (const name of unique) {
      if (taken.has(name)) continue;
      const safe = chars === undefined ? name : name.replace(new RegExp(`[^${chars}]`, "g"), "_");
      let mapped = safe.length <= limit && !taken.has(safe) ? safe : `${safe.slice(0, Math.max(1, limit - 9))}_${tag(name)}`;
      // A second collision (vanishingly rare) walks the tag on until free.
      for (let n = 1; taken.has(mapped); n++) mapped = `${safe.slice(0, Math.max(1, limit - 9))}_${tag(`${name}#${n}`)}`;
      taken.add(mapped);
      this.toProvider.set(name, mapped);
      this.toEditor.set(mapped, name);
    }
  }

  /** Names that had to change, editor name → provider name. */
  get renamed(): ReadonlyMap<string, string> {
    return this.toProvider;
  }

  provider(name: string): string {
    return this.toProvider.get(name) ?? name;
  }

  editor(name: string): string {
    return this.toEditor.get(name) ?? name;
  }
}
