/**
 * The metadata server of Compute Engine, GKE, Cloud Run and Cloud
 * Functions: the default service account's token, and the project the
 * machine runs in. Off Google Cloud nothing answers (or, on other clouds,
 * something that is not Google's server does), so each call has a short
 * timer and "no answer" means the source is absent, not that it failed.
 * @see https://cloud.google.com/compute/docs/access/authenticate-workloads#applications
 */
import { BridgeError } from "../../protocol/errors.ts";
import { googleHttp, readGoogleTokenAnswer, type GoogleHttpAnswer, type GoogleMintedToken, type GoogleSourceContext } from "./context.ts";

const DEFAULT_HOST = "metadata.google.internal";
const TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token";
const PROJECT_PATH = "/computeMetadata/v1/project/project-id";

export type GoogleMetadataResult = { token: GoogleMintedToken } | { unavailable: string };

/** `http://host[:port]`, from `GCE_METADATA_HOST` (host[:port], as google-auth-library reads it) or the default name. */
export function googleMetadataBase(env: Readonly<Record<string, string | undefined>>): string {
  const host = (env.GCE_METADATA_HOST || DEFAULT_HOST).trim().replace(/\/+$/, "");
  return /^https?:\/\//i.test(host) ? host : `http://${host}`;
}

/** `METADATA_SERVER_DETECTION=none` (google-auth-library's switch) says never to look. */
export function googleMetadataDisabled(env: Readonly<Record<string, string | undefined>>): boolean {
  return (env.METADATA_SERVER_DETECTION ?? "").trim().toLowerCase() === "none";
}

export async function googleMetadataToken(ctx: GoogleSourceContext): Promise<GoogleMetadataResult> {
  const base = googleMetadataBase(ctx.deps.env);
  const source = `the GCE metadata server at ${base}`;
  let answer: GoogleHttpAnswer;
  try {
    answer = await metadataGet(ctx, source, `${base}${TOKEN_PATH}`);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    if (error instanceof BridgeError && (error.code === "TIMEOUT" || error.code === "NETWORK_ERROR")) return { unavailable: error.message };
    throw error;
  }
  // Only Google's server echoes the flavor header; anything else at that address is not it.
  if (answer.headers.get("metadata-flavor")?.toLowerCase() !== "google") {
    return { unavailable: `${source}: answered HTTP ${answer.status} without Metadata-Flavor: Google (not a Google metadata server)` };
  }
  if (answer.status === 404) return { unavailable: `${source}: no service account is attached to this machine` };
  if (answer.status < 200 || answer.status > 299) {
    throw new BridgeError(answer.status >= 500 || answer.status === 429 ? "PROVIDER_ERROR" : "AUTH_FAILED", `${source}: token request answered HTTP ${answer.status}`, {
      status: answer.status,
      retryable: answer.status >= 500 || answer.status === 429,
    });
  }
  const token = readGoogleTokenAnswer(ctx.deps, source, answer.text);
  const projectId = await metadataProject(ctx, source, base);
  return { token: { ...token, ...(projectId !== undefined && { projectId }) } };
}

/** The machine's project, as the default for Vertex calls; a failure only means there is none to offer. */
async function metadataProject(ctx: GoogleSourceContext, source: string, base: string): Promise<string | undefined> {
  try {
    const answer = await metadataGet(ctx, source, `${base}${PROJECT_PATH}`);
    const project = answer.text.trim();
    return answer.status === 200 && /^[a-z0-9][a-z0-9.:-]*$/i.test(project) ? project : undefined;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    ctx.deps.log.log("debug", "the GCE metadata server did not give a project id", { error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

function metadataGet(ctx: GoogleSourceContext, source: string, url: string): Promise<GoogleHttpAnswer> {
  return googleHttp(ctx, source, new Request(url, { headers: { "metadata-flavor": "Google" } }), ctx.metadataTimeoutMs);
}
