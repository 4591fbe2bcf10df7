/**
 * Width and height of a base64 image from its header alone: providers bill
 * an image by its pixel size, and an editor attaches screenshots of many
 * megabytes. Only the bytes the header needs are decoded (a JPEG's frame
 * header can follow 64 KB of EXIF, so its segments are skipped by length
 * rather than read), so the cost does not grow with the image.
 *
 * Formats: the four every provider that takes images accepts (PNG, JPEG,
 * GIF, WebP; formats/*), recognised by their signature, not by the declared
 * media type. Layouts: PNG (W3C PNG 3rd ed. §5.2, §11.2.1 IHDR), GIF (GIF89a
 * §18 logical screen descriptor), WebP (RFC 9649 §2.5–2.7: VP8, VP8L, VP8X),
 * JPEG (ITU-T T.81 §B.1.1.3 markers, §B.2.2 frame header).
 */

import { Base64Bytes, Base64Error } from "./base64.ts";

export type ImageSize = { ok: true; format: "png" | "jpeg" | "gif" | "webp"; width: number; height: number } | { ok: false; reason: string };

/** No provider takes an image this large (Anthropic and Gemini refuse beyond 8,000 px); a larger claim is a damaged or lying header. */
const MAX_SIDE = 100_000;
/** JPEG segments looked at before giving up on finding the frame header. */
const MAX_JPEG_SEGMENTS = 512;

export function imageSize(base64: string): ImageSize {
  const bytes = new Base64Bytes(base64);
  try {
    const size = readSize(bytes);
    if (!size.ok) return size;
    if (size.width === 0 || size.height === 0) return { ok: false, reason: `the ${size.format} header gives a size of ${size.width}x${size.height}` };
    if (size.width > MAX_SIDE || size.height > MAX_SIDE) return { ok: false, reason: `the ${size.format} header claims ${size.width}x${size.height} pixels` };
    return size;
  } catch (error) {
    if (error instanceof HeaderError) return { ok: false, reason: error.message };
    if (error instanceof Base64Error) return { ok: false, reason: `the image data ${error.message}` };
    throw error;
  }
}

function readSize(b: Base64Bytes): ImageSize {
  if (b.matches(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    if (!b.matches(12, [0x49, 0x48, 0x44, 0x52])) throw new HeaderError("a PNG whose first chunk is not IHDR");
    return { ok: true, format: "png", width: b.u32be(16), height: b.u32be(20) };
  }
  if (b.matches(0, [0xff, 0xd8])) return jpegSize(b);
  if (b.matches(0, [0x47, 0x49, 0x46, 0x38]) && (b.matches(4, [0x37, 0x61]) || b.matches(4, [0x39, 0x61]))) {
    return { ok: true, format: "gif", width: b.u16le(6), height: b.u16le(8) };
  }
  if (b.matches(0, [0x52, 0x49, 0x46, 0x46]) && b.matches(8, [0x57, 0x45, 0x42, 0x50])) return webpSize(b);
  if (b.length === 0) return { ok: false, reason: "the image data is empty" };
  return { ok: false, reason: "not a PNG, JPEG, GIF or WebP image (unknown signature)" };
}

function webpSize(b: Base64Bytes): ImageSize {
  if (b.matches(12, [0x56, 0x50, 0x38, 0x20])) {
    // VP8 (lossy): a 3-byte frame tag, the start code 9d 01 2a, then 14-bit width and height.
    if (!b.matches(23, [0x9d, 0x01, 0x2a])) throw new HeaderError("a WebP VP8 frame without its start code");
    return { ok: true, format: "webp", width: b.u16le(26) & 0x3fff, height: b.u16le(28) & 0x3fff };
  }
  if (b.matches(12, [0x56, 0x50, 0x38, 0x4c])) {
    // VP8L (lossless): signature 0x2f, then width-1 and height-1 in 14 bits each.
    if (b.byte(20) !== 0x2f) throw new HeaderError("a WebP VP8L stream without its signature");
    const bits = b.byte(21) | (b.byte(22) << 8) | (b.byte(23) << 16) | (b.byte(24) << 24);
    return { ok: true, format: "webp", width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (b.matches(12, [0x56, 0x50, 0x38, 0x58])) {
    // VP8X (extended): canvas width-1 and height-1 in 24 bits each.
    return { ok: true, format: "webp", width: b.u24le(24) + 1, height: b.u24le(27) + 1 };
  }
  throw new HeaderError("a WebP file whose first chunk is not VP8, VP8L or VP8X");
}

/** Start-of-frame markers: every SOFn but DHT (C4), JPG (C8) and DAC (CC). */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegSize(b: Base64Bytes): ImageSize {
  let at = 2;
  for (let segments = 0; segments < MAX_JPEG_SEGMENTS; segments++) {
    if (b.byte(at) !== 0xff) throw new HeaderError(`a JPEG with a broken segment at byte ${at}`);
    let marker = b.byte(at + 1);
    while (marker === 0xff) marker = b.byte(++at + 1); // fill bytes
    at += 2;
    // Markers without a length: TEM and the restart markers.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (marker === 0xd9 || marker === 0xda) throw new HeaderError("a JPEG without a frame header before its image data");
    if (SOF.has(marker)) return { ok: true, format: "jpeg", height: b.u16be(at + 3), width: b.u16be(at + 5) };
    const length = b.u16be(at);
    if (length < 2) throw new HeaderError(`a JPEG segment with length ${length}`);
    at += length;
  }
  throw new HeaderError(`a JPEG without a frame header in its first ${MAX_JPEG_SEGMENTS} segments`);
}

class HeaderError extends Error {}
