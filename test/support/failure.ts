/** The BridgeError a promise rejects with; anything else (or success) fails the test. */
import { BridgeError } from "../../src/protocol/errors.ts";

export async function failure(promise: Promise<unknown>): Promise<BridgeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BridgeError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}
