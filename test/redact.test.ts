/**
 * The redactor's two nets, each on its own: the key-shape patterns with no
 * secret registered (the canary tests register every credential they use,
 * which hides the patterns), and the registered secrets, plain and encoded.
 * Every synthetic key below is at the shortest length its pattern accepts
 * where the pattern has a minimum, so narrowing a pattern fails a test.
 */
import { describe, expect, test } from "bun:test";
import { REDACTED, redact, redactJson, registerSecret } from "../src/redact.ts";
import { AWS_KEY_ID_CANARY, AWS_SESSION_KEY_ID_CANARY } from "./support/canary.ts";

const utf8 = new TextEncoder();

function base64(text: string, urlSafe = false): string {
  const standard = btoa(String.fromCharCode(...utf8.encode(text)));
  return urlSafe ? standard.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "") : standard;
}

/** The base64 characters that carry only bits of `key` when it starts `pad` bytes into the encoded data. */
function base64Core(key: string, pad: number, urlSafe = false): string {
  const bytes = utf8.encode(key).length;
  const encoded = base64(`${"\0".repeat(pad)}${key}\0\0`, urlSafe);
  return encoded.slice(Math.ceil((8 * pad) / 6), Math.floor((8 * (pad + bytes)) / 6));
}

/** Every character as a %XX escape (UTF-8), as a strict encoder or a server echoing raw bytes writes it. */
function percentAll(text: string, lower = false): string {
  const hex = [...utf8.encode(text)].map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join("");
  return lower ? hex : hex.toUpperCase();
}

// One synthetic key per pattern of src/redact.ts (and per alternative inside a pattern), none of them live.
const PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC";
const KEYS: Array<[string, string]> = [
  ["Anthropic sk-ant- (8 after the prefix)", "sk-ant-abcdEFGH"],
  ["OpenAI sk- (16 after the prefix)", "sk-abcdefghIJKLMNOP"],
  ["OpenAI sk-proj-", "sk-proj-abcdefghIJKLMNOP"],
  ["OpenAI sk-svcacct-", "sk-svcacct-abcdefghIJKLMNOP"],
  ["OpenAI sk-admin-", "sk-admin-abcdefghIJKLMNOP"],
  ["OpenAI masked echo", "sk-proj-****************************wxyz"],
  ["AWS AKIA access key id", AWS_KEY_ID_CANARY],
  ["AWS ASIA session key id", AWS_SESSION_KEY_ID_CANARY],
  ["GitHub gho_ (20 after the prefix)", "gho_abcdefghij0123456789"],
  ["GitHub ghp_", "ghp_abcdefghij0123456789"],
  ["GitHub ghs_", "ghs_abcdefghij0123456789"],
  ["GitHub ghu_", "ghu_abcdefghij0123456789"],
  ["GitHub ghv_", "ghv_abcdefghij0123456789"],
  ["GitHub ghr_", "ghr_abcdefghij0123456789"],
  ["GitHub github_pat_ (20 after the prefix)", "github_pat_11ABCDEFG_0123456789"],
  ["Google OAuth ya29. (10 after the prefix)", ["ya29", "CANARY-_.0"].join(".")],
  ["Google API key AIza (30 after the prefix)", "AIzaSyA-0123456789_abcdefghijklmno"],
  ["Copilot tid= (6 before the first ;)", "tid=abc123;exp=1700000000;sku=free;8kp=1:abcd"],
  ["PEM private key", `-----BEGIN PRIVATE KEY-----\n${PEM_BODY}\n-----END PRIVATE KEY-----`],
  ["PEM RSA private key", `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----`],
  ["PEM EC private key", `-----BEGIN EC PRIVATE KEY-----\n${PEM_BODY}\n-----END EC PRIVATE KEY-----`],
  ["PEM OpenSSH private key", `-----BEGIN OPENSSH PRIVATE KEY-----\n${PEM_BODY}\n-----END OPENSSH PRIVATE KEY-----`],
  ["PEM encrypted private key", `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${PEM_BODY}\n-----END ENCRYPTED PRIVATE KEY-----`],
  ["Bearer value (16 after the space)", "Bearer abcdefgh.ijkl-mn"],
  ["bearer value", "bearer abcdefgh.ijkl-mn"],
  ["Token value", "Token abcdefgh:ijkl+m/="],
  ["token value", "token abcdefgh_ijklmnop"],
  ["Bedrock ABSK (20 after the prefix)", "ABSKQmVkcm9ja0FQSUtleS0="],
];

/** A key cut off by a truncated body: the pattern runs to the end of the text. */
const CUT_PEM = `-----BEGIN PRIVATE KEY-----\n${PEM_BODY}`;

describe("key-shape patterns, nothing registered", () => {
  describe.each(KEYS)("%s", (_name, key) => {
    test("alone, at the start, in the middle, at the end", () => {
      expect(redact(key)).toBe(REDACTED);
      expect(redact(`${key} was rejected`)).toBe(`${REDACTED} was rejected`);
      expect(redact(`the key ${key} was rejected`)).toBe(`the key ${REDACTED} was rejected`);
      expect(redact(`invalid key: ${key}`)).toBe(`invalid key: ${REDACTED}`);
      expect(redact(`{"error":"bad key ${key.replace(/\n/g, "\\n")}"}`)).not.toContain(key.slice(-6).replace(/\n/g, "\\n"));
    });

    test.each([0, 1, 2])("base64 (standard and URL-safe), %i bytes into the encoded data", (pad) => {
      const plain = `${"=:".slice(0, pad)}${key} rejected`;
      for (const urlSafe of [false, true]) {
        const out = redact(`echo ${base64(plain, urlSafe)} end`);
        expect(out).toStartWith("echo ");
        expect(out).toEndWith(" end");
        expect(out).toContain(REDACTED);
        expect(out).not.toContain(base64Core(key, pad, urlSafe));
      }
    });

    test("percent-encoded: as encodeURIComponent writes it, every byte escaped, lower-case hex", () => {
      for (const encoded of [encodeURIComponent(key), percentAll(key), percentAll(key, true)]) {
        const out = redact(`GET /v1/check?key=${encoded}&x=1 HTTP/1.1`);
        expect(out).toStartWith(`GET /v1/check?key=${REDACTED}`);
        expect(out).not.toContain(encoded.slice(-9));
      }
    });
  });

  test("a PEM key cut off by a truncated body is scrubbed to the end", () => {
    expect(redact(CUT_PEM)).toBe(REDACTED);
    expect(redact(`answer: ${CUT_PEM}`)).toBe(`answer: ${REDACTED}`);
    expect(redact(`blob ${base64(CUT_PEM)} x`)).not.toContain(base64Core(CUT_PEM, 0));
    expect(redact(`k=${percentAll(CUT_PEM)}`)).toBe(`k=${REDACTED}`);
    // Form encoding: spaces as "+".
    expect(redact(`k=${encodeURIComponent(CUT_PEM).replace(/%20/g, "+")}`)).toBe(`k=${REDACTED}`);
  });

  test("ordinary text passes untouched", () => {
    for (const text of [
      "HTTP 429: rate limited, retry in 3 s (request req_011CUxyzABCDEF)",
      "model claude-sonnet-4-5-20250929 at /v1/messages/count_tokens is 100% done",
      "token limit exceeded: 200000 tokens",
      "Bearer realm=api",
      "AKIA0123",
      "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----",
      "50%25 off, a%2Fb, caf%C3%A9",
      "",
    ])
      expect(redact(text)).toBe(text);
  });

  test("a key at the very start is found after earlier calls (no pattern keeps a lastIndex)", () => {
    for (const [, key] of KEYS) redact(`first ${key}`);
    for (const [, key] of KEYS) {
      expect(redact(`${key} again`)).toBe(`${REDACTED} again`);
      expect(redact(`${key} again`)).toBe(`${REDACTED} again`);
    }
  });
});

describe("registered secrets", () => {
  // Shapes no pattern knows, so only the exact-value net can find them. "~~~" and "?w" make "+" and "/" in
  // the standard base64 of SECRET and so "-" and "_" in the URL-safe one, at every alignment.
  const SECRET = "Vq7.m~~~Z2?w/Lp9=Rt";
  const UNICODE = "päss wörd €42 ✓x";
  registerSecret(SECRET);
  registerSecret(UNICODE);

  test("the minimum length is 8: a secret of 8 characters is registered, one of 7 is not", () => {
    registerSecret("Qz8.nY3!");
    registerSecret("Jw5.kX1");
    expect(redact("x Qz8.nY3! y")).toBe(`x ${REDACTED} y`);
    expect(redact("x Jw5.kX1 y")).toBe("x Jw5.kX1 y");
    // The shortest secret still fits the shortest base64 run looked at (11 characters + padding).
    expect(base64("Qz8.nY3!")).toHaveLength(12);
    expect(redact(`x ${base64("Qz8.nY3!")} y`)).toBe(`x ${REDACTED}= y`);
    expect(redact(`x ${base64("Qz8.nY3!", true)} y`)).toBe(`x ${REDACTED} y`);
  });

  test("non-strings and short strings are ignored", () => {
    registerSecret(12345678);
    registerSecret(undefined);
    registerSecret("");
    expect(redact("12345678")).toBe("12345678");
  });

  test.each([
    ["raw", (s: string) => s],
    ["encodeURIComponent", encodeURIComponent],
    ["every byte escaped", (s: string) => percentAll(s)],
    ["lower-case hex", (s: string) => percentAll(s, true)],
    ["half escaped", (s: string) => [...s].map((c, i) => (i % 2 === 0 || c === " " ? percentAll(c) : c)).join("")],
    ["form (+ for space)", (s: string) => encodeURIComponent(s).replace(/%20/g, "+")],
  ])("percent-encoded (%s), ASCII and multi-byte UTF-8", (_name, encode) => {
    for (const secret of [SECRET, UNICODE]) {
      expect(redact(`url?a=1&secret=${encode(secret)}&b=2`)).toBe(`url?a=1&secret=${REDACTED}&b=2`);
    }
  });

  for (const urlSafe of [false, true]) {
    test.each([0, 1, 2])(`base64 ${urlSafe ? "URL-safe" : "standard"}, the secret %i bytes into the data`, (pad) => {
      for (const secret of [SECRET, UNICODE]) {
        const encoded = base64(`${"ab".slice(0, pad)}${secret}`, urlSafe);
        if (secret === SECRET) expect(base64Core(secret, pad, urlSafe)).toMatch(urlSafe ? /-/ : /\+/);
        const out = redact(`Basic ${encoded}, then more`);
        expect(out).toStartWith("Basic ");
        expect(out).toEndWith(", then more");
        expect(out).not.toContain(base64Core(secret, pad, urlSafe));
        // The encoded text does not start where the run does: a run is read from each of its 4 character offsets.
        for (const prefix of ["x", "xy", "xyz"]) expect(redact(`${prefix}${encoded} end`)).not.toContain(base64Core(secret, pad, urlSafe));
      }
    });
  }

  test("inside JSON that was base64-encoded, as Basic credentials, and one encoding inside the other", () => {
    expect(redact(base64(JSON.stringify({ user: "me", password: SECRET })))).not.toContain(base64Core(SECRET, 21));
    expect(redact(`Authorization: Basic ${base64(`user:${SECRET}`)}`)).not.toContain(base64Core(SECRET, 5));
    const inner = encodeURIComponent(SECRET);
    expect(redact(base64(`q=${inner}`))).not.toContain(base64Core(inner, 2));
    expect(redact(`k=${encodeURIComponent(base64(`x${SECRET}`))}`)).not.toContain(encodeURIComponent(base64Core(SECRET, 1)).slice(0, 12));
  });

  test("every occurrence, and the text around them stays", () => {
    expect(redact(`${SECRET}|${SECRET} and ${encodeURIComponent(SECRET)}`)).toBe(`${REDACTED}|${REDACTED} and ${REDACTED}`);
  });
});

describe("redactJson", () => {
  test("every string, nested, keys included; other values kept", () => {
    registerSecret("Kt4.wQ9-zX2");
    const value = {
      message: "bad Kt4.wQ9-zX2",
      provider_type: "invalid_key:Kt4.wQ9-zX2",
      request_id: `req_${base64("Kt4.wQ9-zX2")}`,
      usage: { input_tokens: 3, note: ["ok", "Kt4.wQ9-zX2"], retryable: false, missing: null },
      "Kt4.wQ9-zX2": 1,
    };
    expect(redactJson(value) as unknown).toEqual({
      message: `bad ${REDACTED}`,
      provider_type: `invalid_key:${REDACTED}`,
      request_id: `req_${REDACTED}=`,
      usage: { input_tokens: 3, note: ["ok", REDACTED], retryable: false, missing: null },
      [REDACTED]: 1,
    });
  });
});
