/**
 * Record mode: a fetch wrapper that passes traffic through unchanged and
 * keeps every exchange as a cassette interaction, with the response body's
 * real chunk boundaries and timing. Secrets are scrubbed twice before
 * anything is written: secret headers by name, and every text through
 * src/redact.ts (which knows the keys in use and the well-known key shapes).
 */
import { writeFileSync } from "node:fs";
import { redact } from "../../src/redact.ts";
import { redactHeaders, serializeCassette, type BodyStep, type Cassette, type Interaction } from "./cassette.ts";

export interface Recorder {
  fetch: typeof fetch;
  interactions: Interaction[];
  /** Write the recorded interactions as one cassette (after the response bodies were consumed). */
  save(path: string, scenario: string, notes: string): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function scrubHeaders(headers: Headers): Record<string, string> {
  return Object.fromEntries(Object.entries(redactHeaders(Object.fromEntries(headers))).map(([name, value]) => [name, redact(value)]));
}

function scrubChunk(bytes: Uint8Array): Uint8Array {
  const text = decoder.decode(bytes);
  // Binary bodies (event-stream frames) would be damaged by text replacement; they carry no credentials.
  if (encoder.encode(text).byteLength !== bytes.byteLength || text.includes("\uFFFD")) return bytes;
  return encoder.encode(redact(text));
}

export function createRecorder(inner: typeof fetch = fetch): Recorder {
  const interactions: Interaction[] = [];
  const recordingFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const bodyText = request.body ? await request.clone().text() : undefined;
    const response = await inner(request);
    const started = Date.now();
    const steps: BodyStep[] = [];
    const url = new URL(request.url);
    let body: unknown = bodyText;
    try {
      body = bodyText === undefined ? undefined : JSON.parse(redact(bodyText));
    } catch {
      body = bodyText === undefined ? undefined : redact(bodyText);
    }
    interactions.push({
      request: { method: request.method, path: url.pathname, headers: scrubHeaders(request.headers), body },
      response: { status: response.status, headers: scrubHeaders(response.headers) },
      body: steps,
    });
    if (!response.body) return response;
    const reader = response.body.getReader();
    const tapped = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        steps.push({ chunk: scrubChunk(value), t: Date.now() - started });
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(tapped, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return {
    fetch: recordingFetch as typeof fetch,
    interactions,
    save(path, scenario, notes) {
      const cassette: Cassette = {
        scenario,
        provenance: { recorded_live: true, date: new Date().toISOString().slice(0, 10), tool: "test/support/recorder.ts", notes },
        interactions,
      };
      writeFileSync(path, serializeCassette(cassette));
    },
  };
}
