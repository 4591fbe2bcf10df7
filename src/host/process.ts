/**
 * Run a command line through the shell, for AWS `credential_process`.
 * node:child_process is loaded on first use: few sessions need it, and
 * loading it costs every start-up a few milliseconds.
 */

/** Output beyond this is refused: a credential helper prints a small JSON document. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

export async function runShellCommand(command: string, signal?: AbortSignal): Promise<{ stdout: string; code: number }> {
  const { exec } = await import("node:child_process");
  return new Promise((resolve, reject) => {
    exec(command, { maxBuffer: MAX_OUTPUT_BYTES, timeout: 60_000, ...(signal && { signal }) }, (error, stdout) => {
      if (error && typeof (error as { code?: unknown }).code !== "number") {
        reject(error);
        return;
      }
      resolve({ stdout: String(stdout), code: error ? (error as { code: number }).code : 0 });
    });
  });
}
