/**
 * Composition root. Reads top to bottom as the data path:
 * stdin lines → Server (validate, dispatch, one terminal line each) →
 * actions → providers → http → decode → formats → chunks → stdout.
 */
import packageJson from "../package.json" with { type: "json" };
import { abortableSleep, type Deps } from "./deps.ts";
import { snapshotEnv } from "./host/env.ts";
import { createHostFetch } from "./host/fetch.ts";
import { authFilePath, catalogFilePaths, nodeFileSystem, providersFilePath } from "./host/files.ts";
import { loadCatalogLayers } from "./catalog/layers.ts";
import { createStderrLogger } from "./host/log.ts";
import { runShellCommand } from "./host/process.ts";
import { exitProcess, onTerminate, onUnexpectedError } from "./host/signals.ts";
import { flushOutput, MAX_LINE_BYTES, onStdoutClosed, readStdinLines, writeStdout } from "./host/stdio.ts";
import { loadEndpoints } from "./providers/compatible/endpoints.ts";
import { createRegistry } from "./providers/registry.ts";
import { Server } from "./server/dispatch.ts";
import { withProcessState } from "./server/state.ts";

/** After SIGTERM, in-flight requests get this long to write their CANCELLED lines. */
const SHUTDOWN_GRACE_MS = 500;

const env = snapshotEnv();
const log = createStderrLogger(env);
const deps: Deps = withProcessState({
  fetch: await createHostFetch(env, log),
  now: () => Date.now(),
  sleep: abortableSleep,
  random: Math.random,
  env,
  files: nodeFileSystem,
  authFile: authFilePath(env, nodeFileSystem.home()),
  catalogFiles: catalogFilePaths(env, nodeFileSystem.home()),
  log,
  version: packageJson.version,
  home: nodeFileSystem.home(),
  runProcess: runShellCommand,
});

// Local files only (the refreshed cache, the user's override file): nothing is fetched at start-up.
await loadCatalogLayers(deps);
// The user's named OpenAI-compatible endpoints, read once like the catalog files; a bad file is reported and ignored.
const endpoints = await loadEndpoints(deps, providersFilePath(env, nodeFileSystem.home()), createRegistry().keys());

const server = new Server(deps, createRegistry(endpoints), writeStdout);

async function finish(): Promise<never> {
  await server.drain();
  await flushOutput();
  exitProcess(0);
}

readStdinLines({
  line: (text) => server.handleLine(text),
  overlong: () => server.rejectOverlong(MAX_LINE_BYTES),
  end: () => void finish(),
});

onTerminate((signal) => {
  server.cancelAll(`process received ${signal}`);
  setTimeout(() => void flushOutput().then(() => exitProcess(0)), SHUTDOWN_GRACE_MS).unref?.();
  void finish();
});

// The editor closed our stdout: nobody can receive an answer, so stop the provider streams and exit.
onStdoutClosed(() => {
  log.log("warn", "stdout closed by the reader; exiting", { in_flight: server.inFlight });
  server.cancelAll("stdout closed");
  void flushOutput().then(() => exitProcess(0));
});

// A bug in one request must not take down the others: log it and keep serving.
onUnexpectedError((error) => log.log("error", "unexpected error", { error }));
