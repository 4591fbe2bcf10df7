/**
 * What the process keeps for its whole life, in one list: every cache,
 * limiter and credential session, made once at start-up from the process's
 * Deps and reached through `deps.state`. Each slot is declared beside the
 * code that uses it; one missing here fails on its first use.
 *
 * The model catalog's layers are process state too, but belong to the data
 * the executable carries (src/catalog/layers.ts: loaded at start, replaced
 * by refresh_catalog).
 */
import { COPILOT_TOKENS } from "../auth/copilot-token.ts";
import { type Deps, ProcessState, type StateSlot } from "../deps.ts";
import { RATE_LIMITER } from "../http/rate-limit.ts";
import { AZURE_DEPLOYMENTS } from "../providers/azure.ts";
import { AWS_CREDENTIALS } from "../providers/bedrock.ts";
import { COPILOT_MODELS } from "../providers/copilot/models.ts";
import { GOOGLE_CREDENTIALS } from "../providers/vertex.ts";

export const PROCESS_STATE: readonly StateSlot<unknown>[] = [
  RATE_LIMITER, // one queue per provider account, holds after 429s (http/rate-limit.ts)
  AWS_CREDENTIALS, // the AWS credential chain's resolved credentials (auth/aws-credentials.ts)
  GOOGLE_CREDENTIALS, // Google access tokens (auth/google-credentials.ts)
  COPILOT_TOKENS, // Copilot tokens per GitHub login, single-flight renewal (auth/copilot-token.ts)
  COPILOT_MODELS, // Copilot /models per account and API base, 10 minutes (providers/copilot/models.ts)
  AZURE_DEPLOYMENTS, // Azure deployment → model, per resource and credential, 10 minutes (providers/azure.ts)
];

/** Deps with the process's state made: the one place the executable (main.ts) and the test harnesses build it. */
export function withProcessState<T extends Omit<Deps, "state">>(base: T): T & Deps {
  const deps = base as T & Deps;
  deps.state = new ProcessState(deps, PROCESS_STATE);
  return deps;
}
