import { describe, expect, test } from "bun:test";
import type { AwsCredentials } from "../../src/auth/aws-credentials.ts";
import { amzDate, signBedrockRequest } from "../../src/auth/sigv4.ts";
import { smithySign, type PlainRequest } from "./aws-oracle.ts";
import { AWS_SESSION_TOKEN_CANARY, AWS_SIGV4_CANARY } from "../support/canary.ts";

const DATE = new Date("2026-03-04T05:06:07.891Z");
const KEYS = AWS_SIGV4_CANARY;
const SIGV4: AwsCredentials = { kind: "sigv4", ...KEYS };
const SESSION: AwsCredentials = { kind: "sigv4", ...KEYS, sessionToken: AWS_SESSION_TOKEN_CANARY };
const HAIKU = "anthropic.claude-haiku-4-5-20251001-v1:0";
const PROFILE_ARN = "arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const BODY = JSON.stringify({ messages: [{ role: "user", content: [{ text: "Hi ✓" }] }], inferenceConfig: { maxTokens: 16 } });

interface Case {
  name: string;
  request: PlainRequest;
  creds: Extract<AwsCredentials, { kind: "sigv4" }>;
  region: string;
  service?: string;
}

const runtime = (region: string, path: string): string => `https://bedrock-runtime.${region}.amazonaws.com${path}`;

const CASES: Case[] = [
  {
    name: "model id with ':' (converse-stream)",
    request: {
      method: "POST",
      url: runtime("us-east-1", `/model/${encodeURIComponent(HAIKU)}/converse-stream`),
      headers: { "content-type": "application/json", accept: "application/vnd.amazon.eventstream" },
      body: BODY,
    },
    creds: SIGV4,
    region: "us-east-1",
  },
  {
    name: "inference-profile ARN path (':' and '/' encoded)",
    request: {
      method: "POST",
      url: runtime("us-west-2", `/model/${encodeURIComponent(PROFILE_ARN)}/invoke-with-response-stream`),
      headers: { "content-type": "application/json", "x-amzn-bedrock-accept": "*/*" },
      body: BODY,
    },
    creds: SIGV4,
    region: "us-west-2",
  },
  {
    name: "session token",
    request: {
      method: "POST",
      url: runtime("eu-central-1", `/model/${encodeURIComponent(`eu.${HAIKU}`)}/invoke`),
      headers: { "content-type": "application/json", "anthropic-beta": "context-1m-2025-08-07" },
      body: BODY,
    },
    creds: SESSION,
    region: "eu-central-1",
  },
  {
    name: "GET with a query, no body (control plane listing)",
    request: {
      method: "GET",
      url: "https://bedrock.us-east-1.amazonaws.com/foundation-models?byOutputModality=TEXT&byInferenceType=ON_DEMAND",
      headers: { accept: "application/json" },
    },
    creds: SIGV4,
    region: "us-east-1",
  },
  {
    name: "caller headers with runs of spaces are signed",
    request: {
      method: "POST",
      url: runtime("us-east-1", `/model/${encodeURIComponent(HAIKU)}/count-tokens`),
      headers: { "content-type": "application/json", "x-custom-note": "a   b  c", "x-amz-meta-key": "v" },
      body: BODY,
    },
    creds: SESSION,
    region: "us-east-1",
  },
];

async function ours(c: Case): Promise<Request> {
  const request = new Request(c.request.url, {
    method: c.request.method,
    headers: c.request.headers,
    ...(c.request.body !== undefined && { body: c.request.body }),
  });
  return signBedrockRequest(request, c.creds, c.region, c.service ?? "bedrock", DATE);
}

describe("signBedrockRequest agrees with @smithy/signature-v4", () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const signed = await ours(c);
      const oracle = await smithySign(c.request, c.creds, c.region, c.service ?? "bedrock", DATE);
      expect(signed.headers.get("authorization")).toBe(oracle.authorization!);
      expect(signed.headers.get("x-amz-date")).toBe(oracle["x-amz-date"]!);
      expect(signed.headers.get("x-amz-date")).toBe("20260304T050607Z");
      expect(signed.headers.get("x-amz-security-token")).toBe(c.creds.sessionToken ?? null);
      // The wire URL keeps the single encoding; only the canonical request is encoded twice.
      expect(signed.url).toBe(c.request.url);
      expect(signed.method).toBe(c.request.method);
      expect(signed.body === null ? undefined : await signed.text()).toBe(c.request.body);
    });
  }
});

describe("canonical path", () => {
  test("the percent-encoded model id is encoded once more for signing (%3A → %253A)", async () => {
    // An independent vector: canonical request built by hand, signed with WebCrypto.
    const url = runtime("us-east-1", `/model/${encodeURIComponent(HAIKU)}/invoke`);
    const hex = (buffer: ArrayBuffer): string => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
    const sha256 = async (text: string): Promise<string> => hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
    const hmac = async (key: ArrayBuffer | Uint8Array<ArrayBuffer>, text: string): Promise<ArrayBuffer> => {
      const imported = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      return crypto.subtle.sign("HMAC", imported, new TextEncoder().encode(text));
    };
    const canonical = [
      "POST",
      "/model/anthropic.claude-haiku-4-5-20251001-v1%253A0/invoke",
      "",
      "host:bedrock-runtime.us-east-1.amazonaws.com",
      "x-amz-date:20260304T050607Z",
      "",
      "host;x-amz-date",
      await sha256(BODY),
    ].join("\n");
    const scope = "20260304/us-east-1/bedrock/aws4_request";
    const toSign = ["AWS4-HMAC-SHA256", "20260304T050607Z", scope, await sha256(canonical)].join("\n");
    let key: ArrayBuffer = await hmac(new TextEncoder().encode(`AWS4${KEYS.secretAccessKey}`), "20260304");
    for (const part of ["us-east-1", "bedrock", "aws4_request"]) key = await hmac(key, part);
    const signature = hex(await hmac(key, toSign));

    const signed = await signBedrockRequest(new Request(url, { method: "POST", headers: { "content-type": "application/json" }, body: BODY }), SIGV4, "us-east-1", "bedrock", DATE);
    expect(signed.headers.get("authorization")).toBe(`AWS4-HMAC-SHA256 Credential=${KEYS.accessKeyId}/${scope}, SignedHeaders=host;x-amz-date, Signature=${signature}`);
  });

  test("signing the singly-encoded path instead would give another signature", async () => {
    const c = CASES[0]!;
    const signer = await import("@smithy/signature-v4");
    const { Sha256 } = await import("@aws-crypto/sha256-js");
    const single = new signer.SignatureV4({ credentials: KEYS, region: "us-east-1", service: "bedrock", sha256: Sha256, applyChecksum: false, uriEscapePath: false });
    const url = new URL(c.request.url);
    const singleSigned = await single.sign(
      { method: "POST", protocol: "https:", hostname: url.hostname, path: url.pathname, query: {}, headers: { ...c.request.headers, host: url.host }, body: c.request.body },
      { signingDate: DATE, unsignableHeaders: new Set(["content-type"]) },
    );
    const signed = await ours(c);
    expect(signed.headers.get("authorization")).not.toBe(singleSigned.headers.authorization as string);
  });
});

describe("explicit service and region", () => {
  test("the scope uses the given region and service, not what the host suggests", async () => {
    const signed = await signBedrockRequest(new Request(runtime("eu-west-1", "/model/x/invoke"), { method: "POST", body: "{}" }), SIGV4, "ap-south-1", "bedrock", DATE);
    expect(signed.headers.get("authorization")).toContain(`Credential=${KEYS.accessKeyId}/20260304/ap-south-1/bedrock/aws4_request`);
  });

  test("service defaults to bedrock on the runtime host (never bedrock-runtime)", async () => {
    const signed = await signBedrockRequest(new Request(runtime("us-east-1", "/model/x/invoke"), { method: "POST", body: "{}" }), SIGV4, "us-east-1");
    expect(signed.headers.get("authorization")).toContain("/us-east-1/bedrock/aws4_request");
  });

  test("amzDate is the basic ISO form", () => {
    expect(amzDate(new Date("2025-12-31T23:59:59.999Z"))).toBe("20251231T235959Z");
  });
});

describe("bearer (Bedrock API key)", () => {
  test("Authorization: Bearer and no SigV4 headers", async () => {
    const url = runtime("us-east-1", `/model/${encodeURIComponent(HAIKU)}/converse`);
    const controller = new AbortController();
    const signed = await signBedrockRequest(
      new Request(url, { method: "POST", headers: { "content-type": "application/json" }, body: BODY, signal: controller.signal }),
      { kind: "bearer", token: "ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlLXRva2Vu" },
      "us-east-1",
      "bedrock",
      DATE,
    );
    expect(signed.headers.get("authorization")).toBe("Bearer ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlLXRva2Vu");
    expect(signed.headers.get("x-amz-security-token")).toBeNull();
    expect(signed.headers.get("x-amz-date")).toBeNull();
    expect(signed.headers.get("content-type")).toBe("application/json");
    expect(signed.url).toBe(url);
    expect(await signed.text()).toBe(BODY);
    controller.abort();
    expect(signed.signal.aborted).toBe(true);
  });
});
