import { expect, test } from "bun:test";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registerSecret } from "../../src/redact.ts";
import { createRecorder } from "./recorder.ts";
import { parseCassette } from "./cassette.ts";

test("record mode keeps chunk boundaries and writes no secret", async () => {
  const key = "sk-ant-RECORDERcanary1234567890abcdef";
  const oddSecret = "my-own-gateway-secret-123";
  registerSecret(oddSecret);
  const server = createServer((req, res) => {
    res.writeHead(401, { "content-type": "application/json", "set-cookie": "session=abc" });
    res.write(`{"error":{"message":"bad key ${req.headers["x-api-key"]}",`);
    setTimeout(() => res.end(`"echo":"${req.headers["x-gateway"]}"}}`), 30);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const recorder = createRecorder();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/messages`;
    const response = await recorder.fetch(url, { method: "POST", headers: { "x-api-key": key, "x-gateway": oddSecret }, body: JSON.stringify({ note: key }) });
    await response.text();
    const path = join(mkdtempSync(join(tmpdir(), "rec-")), "c.ndjson");
    recorder.save(path, "test", "recorder test");
    const text = readFileSync(path, "utf8");
    expect(text).not.toContain(key);
    expect(text).not.toContain(oddSecret);
    expect(text).not.toContain("session=abc");
    const cassette = parseCassette(text);
    expect(cassette.interactions[0]!.response.status).toBe(401);
    expect(cassette.interactions[0]!.body.filter((step) => "chunk" in step)).toHaveLength(2);
  } finally {
    server.close();
  }
});
