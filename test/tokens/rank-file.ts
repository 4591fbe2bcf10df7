/**
 * js-tiktoken's own rank files read into the map bpe.ts counts with: the
 * reference the tests check the packed tables (src/tokens/rank-data.ts) and
 * the counting against. Test-only: the executable never reads this layout.
 */
import { Base64Bytes } from "../../src/tokens/base64.ts";
import type { RankMap } from "../../src/tokens/rank-key.ts";

export interface RankFile {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

/**
 * js-tiktoken's compressed rank layout: lines of
 * `<label> <first rank> <base64 token> <base64 token> ...`, ranks consecutive.
 * Throws on anything else rather than count with a wrong table.
 */
export function loadRankMap(bpeRanks: string): RankMap {
  const map: RankMap = new Map();
  const bytes: number[] = [];
  for (const line of bpeRanks.split("\n")) {
    if (line === "") continue;
    const fields = line.split(" ");
    const first = Number.parseInt(fields[1] ?? "", 10);
    if (!Number.isInteger(first)) throw new Error("rank file: bad line header");
    for (let i = 2; i < fields.length; i++) {
      const token = new Base64Bytes(fields[i]!);
      bytes.length = 0;
      for (let k = 0; k < token.length; k++) bytes.push(token.byte(k));
      map.set(String.fromCharCode(...bytes), first + i - 2);
    }
  }
  if (map.size === 0) throw new Error("rank file: empty");
  return map;
}
