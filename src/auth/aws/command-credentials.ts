/**
 * `credential_process`: an external command prints the credentials as JSON
 * (`Version: 1`). Its output is never quoted in errors: a helper that fails
 * halfway may well have printed a secret already.
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html
 */
import { BridgeError } from "../../protocol/errors.ts";
import { parseAwsExpiration, parseAwsJson, requireAwsField, sigv4Credentials, type AwsSourceContext, type SigV4Credentials } from "./source-context.ts";

/** A helper that hangs (waiting for a prompt nobody will answer) must not hold the request forever. */
export const CREDENTIAL_PROCESS_TIMEOUT_MS = 60_000;

export async function processCredentials(ctx: AwsSourceContext, profileName: string, command: string): Promise<SigV4Credentials> {
  const source = `credential_process of profile "${profileName}"`;
  const run = ctx.deps.runProcess;
  if (run === undefined) throw new BridgeError("AUTH_FAILED", `${source}: running commands is not available in this host`);
  const timer = AbortSignal.timeout(CREDENTIAL_PROCESS_TIMEOUT_MS);
  let result: { stdout: string; code: number };
  try {
    result = await run(command, AbortSignal.any([ctx.signal, timer]));
  } catch (error) {
    if (timer.aborted) throw new BridgeError("TIMEOUT", `${source}: no result within ${CREDENTIAL_PROCESS_TIMEOUT_MS} ms`, { cause: error });
    if (ctx.signal.aborted) throw new BridgeError("CANCELLED", `${source}: cancelled`, { cause: error });
    // The host's message may repeat the command line, and command lines do carry secrets (`--secret ...`).
    const code = (error as { code?: unknown } | null)?.code;
    throw new BridgeError("AUTH_FAILED", `${source}: could not be run${typeof code === "string" ? ` (${code})` : ""}`);
  }
  if (result.code !== 0) throw new BridgeError("AUTH_FAILED", `${source}: exited with code ${result.code}`);
  const output = parseAwsJson(result.stdout, source);
  if (output.Version !== 1) throw new BridgeError("AUTH_FAILED", `${source}: output Version must be 1`);
  return sigv4Credentials(
    requireAwsField(output, "AccessKeyId", source),
    requireAwsField(output, "SecretAccessKey", source),
    typeof output.SessionToken === "string" ? output.SessionToken : undefined,
    parseAwsExpiration(output.Expiration, source),
  );
}
