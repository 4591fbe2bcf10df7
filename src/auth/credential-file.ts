/**
 * Read a credential file through deps: a regular file of at most
 * CREDENTIAL_FILE_MAX_BYTES, read under the caller's signal. A refusal or
 * failure is AUTH_FAILED naming the file and what is wrong with it; a read
 * the signal ended is its TIMEOUT or CANCELLED, as the host names it.
 * AWS's and Google's credential sources both read their files this way.
 */
import { CREDENTIAL_FILE_MAX_BYTES, describeReadFailure, type Deps } from "../deps.ts";
import { BridgeError } from "../protocol/errors.ts";

export async function readCredentialFile(deps: Deps, path: string, what: string, signal?: AbortSignal): Promise<string | null> {
  try {
    return await deps.files.read(path, { maxBytes: CREDENTIAL_FILE_MAX_BYTES, ...(signal !== undefined && { signal }) });
  } catch (error) {
    if (error instanceof BridgeError) throw error;
    throw new BridgeError("AUTH_FAILED", `cannot read ${what} ${path}${describeReadFailure(error)}`, { cause: error });
  }
}
