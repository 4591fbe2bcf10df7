import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { imageSize } from "../../src/tokens/image-size.ts";
import sizes from "../fixtures/images/sizes.json" with { type: "json" };

/** Images written by Pillow at the sizes in sizes.json (test/fixtures/images/make.py). */
const FIXTURES = join(import.meta.dir, "..", "fixtures", "images");
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const FORMAT: Record<string, string> = { png: "png", jpg: "jpeg", gif: "gif", webp: "webp" };

describe("imageSize reads each format's header", () => {
  test.each(Object.entries(sizes))("%s", (name, { width, height }) => {
    const data = fixture(name);
    expect(imageSize(data.toString("base64"))).toEqual({ ok: true, format: FORMAT[name.split(".").pop()!] as "png", width, height });
    // The URL-safe alphabet, unpadded, reads the same.
    expect(imageSize(data.toString("base64url"))).toMatchObject({ ok: true, width, height });
  });

  test("a JPEG's frame header after 20 KB of EXIF is found by skipping segments", () => {
    expect(fixture("exif.jpg").length).toBeGreaterThan(20_000);
    expect(imageSize(fixture("exif.jpg").toString("base64"))).toMatchObject({ ok: true, width: 41, height: 29 });
  });
});

describe("truncated, damaged and lying headers: a reason, never a throw", () => {
  test.each(Object.keys(sizes))("%s cut at every length up to 64 bytes, and just before its end", (name) => {
    const data = fixture(name);
    const { width, height } = sizes[name as keyof typeof sizes];
    for (const length of [...Array(Math.min(64, data.length)).keys(), data.length - 1]) {
      const size = imageSize(data.subarray(0, length).toString("base64"));
      // Either the header was already whole, and then the size is right, or a reason is given.
      if (size.ok) expect(size).toMatchObject({ width, height });
      else expect(size.reason.length).toBeGreaterThan(10);
    }
    expect(imageSize(data.subarray(0, 8).toString("base64")).ok).toBe(false);
  });

  const png = (width: number, height: number): string => {
    const bytes = Buffer.from(fixture("rgb.png"));
    bytes.writeUInt32BE(width, 16);
    bytes.writeUInt32BE(height, 20);
    return bytes.toString("base64");
  };
  const jpeg = (...segments: number[][]): string => Buffer.from([0xff, 0xd8, ...segments.flat()]).toString("base64");

  test.each([
    ["empty data", "", /empty/],
    ["not base64", "iVBORw0KGgo!!!!", /not base64/],
    ["text, not an image", Buffer.from("hello, world").toString("base64"), /unknown signature/],
    ["a PNG of width 0", png(0, 10), /0x10/],
    ["a PNG claiming 2^31 pixels a side", png(2 ** 31, 2 ** 31), /claims/],
    ["a PNG whose first chunk is not IHDR", Buffer.from(fixture("rgb.png")).fill(0x41, 12, 16).toString("base64"), /IHDR/],
    ["a JPEG segment of length 0", jpeg([0xff, 0xe0, 0x00, 0x00]), /length 0/],
    ["a JPEG whose image data starts before any frame header", jpeg([0xff, 0xda, 0x00, 0x02]), /without a frame header/],
    ["a JPEG segment pointing past the end", jpeg([0xff, 0xe1, 0xff, 0xf0]), /ends before byte/],
    ["a JPEG of empty segments only", jpeg(...Array.from({ length: 600 }, () => [0xff, 0xe0, 0x00, 0x02])), /first 512 segments/],
    ["a WebP VP8 frame without its start code", Buffer.from(fixture("lossy.webp")).fill(0, 23, 26).toString("base64"), /start code/],
    ["a WebP of an unknown chunk", Buffer.from(fixture("lossy.webp")).fill(0x41, 12, 16).toString("base64"), /VP8, VP8L or VP8X/],
  ])("%s", (_label, data, reason) => {
    const size = imageSize(data);
    expect(size.ok).toBe(false);
    if (!size.ok) expect(size.reason).toMatch(reason);
  });

  test("arbitrary bytes behind each signature", () => {
    const signatures = [
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      [0xff, 0xd8],
      [0x47, 0x49, 0x46, 0x38, 0x39, 0x61],
      [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...signatures), fc.uint8Array({ maxLength: 200 }), (signature, rest) => {
        const size = imageSize(Buffer.from([...signature, ...rest]).toString("base64"));
        return size.ok ? size.width > 0 && size.height > 0 : size.reason.length > 0;
      }),
      { numRuns: 2_000, seed: 20261206 },
    );
  });
});
