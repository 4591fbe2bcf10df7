/**
 * Base64 read a byte at a time without decoding the whole text: an image's
 * header or a signature's framing needs a few bytes of what can be
 * megabytes. Web-standard code only (no Buffer): the bundle runs on Node too.
 */

/** Reading past the end, or a character outside both alphabets. */
export class Base64Error extends Error {}

/**
 * Bytes of base64 text decoded on demand, a group of four characters at a
 * time: byte k lives in characters 4⌊k/3⌋ to 4⌊k/3⌋+3. Takes the standard
 * and the URL-safe alphabet, padded or not.
 */
export class Base64Bytes {
  readonly length: number;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
    let chars = text.length;
    while (chars > 0 && text.charCodeAt(chars - 1) === 0x3d) chars--; // "=" padding
    this.length = Math.floor((chars * 3) / 4);
  }

  byte(k: number): number {
    if (k < 0 || k >= this.length) throw new Base64Error(`ends before byte ${k} (it has ${this.length} bytes)`);
    const group = Math.floor(k / 3) * 4;
    let value = 0;
    for (let i = 0; i < 4; i++) value = (value << 6) | sextet(this.text, group + i);
    return (value >> (16 - 8 * (k % 3))) & 0xff;
  }

  matches(at: number, expected: readonly number[]): boolean {
    if (at + expected.length > this.length) return false;
    return expected.every((value, i) => this.byte(at + i) === value);
  }

  u16be(at: number): number {
    return (this.byte(at) << 8) | this.byte(at + 1);
  }

  u16le(at: number): number {
    return this.byte(at) | (this.byte(at + 1) << 8);
  }

  u24le(at: number): number {
    return this.byte(at) | (this.byte(at + 1) << 8) | (this.byte(at + 2) << 16);
  }

  u32be(at: number): number {
    return this.u16be(at) * 65_536 + this.u16be(at + 2);
  }
}

const SEXTET = new Int8Array(128).fill(-1);
for (const [i, c] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].entries()) SEXTET[c.charCodeAt(0)] = i;
SEXTET[0x2d] = 62; // "-" (URL-safe)
SEXTET[0x5f] = 63; // "_" (URL-safe)

/** The 6-bit value of character `i`; past the end (a short last group) counts as 0. */
function sextet(text: string, i: number): number {
  if (i >= text.length) return 0;
  const code = text.charCodeAt(i);
  if (code === 0x3d) return 0;
  const value = code < 128 ? SEXTET[code]! : -1;
  if (value < 0) throw new Base64Error(`is not base64 (character ${i})`);
  return value;
}
