/**
 * Loopback stand-ins for the AWS credential endpoints (node:http on
 * 127.0.0.1, port 0) and a Deps record with a settable clock, in-memory
 * files, a scripted credential_process and captured logs.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Deps } from "../../../src/deps.ts";
import { expectedAuthorization, type OracleCredentials } from "../aws-oracle.ts";
import { withProcessState } from "../../../src/server/state.ts";

export interface Received {
  method: string;
  /** Full URL as the client addressed it. */
  url: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Reply {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Never answer (the client's timer must fire). */
  hang?: boolean;
}

export interface FakeServer {
  url: string;
  calls: Received[];
  close(): Promise<void>;
}

export async function startFake(handler: (request: Received) => Reply | Promise<Reply>): Promise<FakeServer> {
  const calls: Received[] = [];
  const hanging = new Set<() => void>();
  let base = "";
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers[name] = value;
      const received: Received = {
        method: req.method ?? "GET",
        url: `${base}${req.url ?? "/"}`,
        path: req.url ?? "/",
        headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      calls.push(received);
      const reply = await handler(received);
      if (reply.hang) {
        hanging.add(() => res.destroy());
        return;
      }
      res.writeHead(reply.status ?? 200, reply.headers ?? {});
      res.end(reply.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        for (const end of hanging) end();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export const stsXml = (action: string, c: { id: string; secret: string; token: string; expiration: string }): string =>
  `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result><Credentials>` +
  `<AccessKeyId>${c.id}</AccessKeyId><SecretAccessKey>${c.secret}</SecretAccessKey>` +
  `<SessionToken>${c.token}</SessionToken><Expiration>${c.expiration}</Expiration>` +
  `</Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser></${action}Result>` +
  `<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></${action}Response>`;

export const stsErrorXml = (code: string, message: string): string =>
  `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code>` +
  `<Message>${message}</Message></Error><RequestId>req-2</RequestId></ErrorResponse>`;

/**
 * An STS stand-in: AssumeRole must carry a SigV4 signature that the AWS
 * SDK's signer reproduces with the secret of the access key it names;
 * AssumeRoleWithWebIdentity must be unsigned and carry the token.
 */
export function stsHandler(options: {
  keys: Record<string, OracleCredentials>;
  issue: (form: URLSearchParams) => { id: string; secret: string; token: string; expiration: string };
  verified: string[];
}): (request: Received) => Promise<Reply> {
  return async (request) => {
    const form = new URLSearchParams(request.body);
    const action = form.get("Action") ?? "";
    if (action === "AssumeRole") {
      const keyId = /Credential=([^/]+)\//.exec(request.headers.authorization ?? "")?.[1] ?? "";
      const known = options.keys[keyId];
      if (!known) return { status: 403, body: stsErrorXml("InvalidClientTokenId", "The security token included in the request is invalid.") };
      const { expected, region, service } = await expectedAuthorization(request, known);
      if (expected !== request.headers.authorization || service !== "sts") {
        return { status: 403, body: stsErrorXml("SignatureDoesNotMatch", "The request signature we calculated does not match.") };
      }
      if ((known.sessionToken ?? undefined) !== request.headers["x-amz-security-token"]) {
        return { status: 403, body: stsErrorXml("InvalidClientTokenId", "session token mismatch") };
      }
      options.verified.push(`${keyId}@${region}`);
    } else if (action === "AssumeRoleWithWebIdentity") {
      if (request.headers.authorization !== undefined) return { status: 400, body: stsErrorXml("InvalidAction", "must be unsigned") };
    } else {
      return { status: 400, body: stsErrorXml("InvalidAction", `unknown ${action}`) };
    }
    return { status: 200, headers: { "content-type": "text/xml" }, body: stsXml(action, options.issue(form)) };
  };
}

export interface TestDeps extends Deps {
  clock: { now: number };
  logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
  fileMap: Map<string, string>;
  processCalls: string[];
}

export function makeDeps(options: { env?: Record<string, string>; files?: Record<string, string>; home?: string | null; now?: number; runProcess?: Deps["runProcess"] }): TestDeps {
  const fileMap = new Map(Object.entries(options.files ?? {}));
  const clock = { now: options.now ?? Date.parse("2026-03-04T05:00:00Z") };
  const logs: TestDeps["logs"] = [];
  const processCalls: string[] = [];
  const home = options.home === null ? undefined : (options.home ?? "/home/u");
  return withProcessState<Omit<TestDeps, "state">>({
    clock,
    logs,
    fileMap,
    processCalls,
    fetch: globalThis.fetch,
    now: () => clock.now,
    sleep: async () => {},
    random: () => 0.5,
    env: Object.freeze({ ...options.env }),
    files: {
      read: async (path) => fileMap.get(path) ?? null,
      writeAtomic: async (path, text) => void fileMap.set(path, text),
      remove: async (path) => void fileMap.delete(path),
    },
    authFile: "/memory/auth.json",
    log: { log: (level, message, fields) => void logs.push({ level, message, ...(fields && { fields }) }) },
    version: "test",
    ...(home !== undefined && { home }),
    ...(options.runProcess && {
      runProcess: async (command: string, signal?: AbortSignal) => {
        processCalls.push(command);
        return options.runProcess!(command, signal);
      },
    }),
  });
}
