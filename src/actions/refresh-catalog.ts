/**
 * refresh_catalog: download a public catalog (models.dev's api.json unless
 * `params.url` names another), check it, write it as the catalog's cache
 * layer (atomically) and use it from now on in this process. Only when the
 * editor asks: nothing is fetched at start-up or on a request's path.
 *
 * A refresh that fails changes nothing and says why: an answer over the
 * size cap, not JSON, not models.dev's shape, a price out of bounds (the
 * layer parser's checks), or far fewer models than the bundled catalog
 * lists (a truncated or wrong answer must not hide most models).
 */
import { bundledModelCount, type ProviderId } from "../catalog/catalog.ts";
import { parseCatalogLayer, useRefreshedCache } from "../catalog/layers.ts";
import { convertModelsDev, MODELS_DEV_URL } from "../catalog/models-dev.ts";
import { answerHost, readBodyText } from "../http/body.ts";
import { abortReason, sendRequest } from "../http/client.ts";
import { BridgeError } from "../protocol/errors.ts";
import type { RequestOf } from "../protocol/request.ts";
import type { ActionContext, Outcome } from "./types.ts";

/** models.dev's whole api.json is a few MB; an answer past this is not it. */
export const MAX_CATALOG_BYTES = 32 * 1024 * 1024;
const CATALOG_LIMIT = { what: "catalog", bytes: MAX_CATALOG_BYTES };
/** The refreshed data must list at least this share of the models the bundled catalog has for the same providers. */
export const MIN_MODEL_SHARE = 0.5;
const FETCH_TIMEOUT_MS = 60_000;

function refused(why: string, cause?: unknown): BridgeError {
  return new BridgeError("PROVIDER_ERROR", `refresh_catalog: ${why}; the catalog is unchanged`, { cause });
}

export async function refreshCatalog(ctx: ActionContext<RequestOf<"refresh_catalog">>): Promise<Outcome> {
  const { deps } = ctx;
  const params = ctx.request.params;
  const url = params.url ?? MODELS_DEV_URL;
  const path = deps.catalogFiles?.cache;
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(FETCH_TIMEOUT_MS)]);
  const headers = new Headers({ accept: "application/json", ...params.headers });
  let text: string;
  try {
    const response = await sendRequest(
      deps,
      new Request(url, { headers }),
      signal,
      (answer) =>
        new BridgeError("PROVIDER_ERROR", `refresh_catalog: ${url} answered HTTP ${answer.status}; the catalog is unchanged`, {
          status: answer.status,
          retryable: answer.status === 429 || answer.status >= 500,
        }),
    );
    try {
      text = await readBodyText(response, CATALOG_LIMIT, answerHost(response, url));
    } catch (error) {
      if (error instanceof BridgeError) throw refused(error.message, error);
      throw abortReason(signal, error, "reading the catalog failed");
    }
  } catch (error) {
    if (ctx.signal.aborted || !signal.aborted) throw error;
    throw new BridgeError("TIMEOUT", `refresh_catalog: no whole answer from ${url} within ${FETCH_TIMEOUT_MS} ms; the catalog is unchanged`, { retryable: true, cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw refused(`the answer is not JSON (${text.slice(0, 80)})`, error);
  }
  const date = new Date(deps.now()).toISOString().slice(0, 10);
  let converted: ReturnType<typeof convertModelsDev>;
  let parsed: ReturnType<typeof parseCatalogLayer>;
  try {
    converted = convertModelsDev(value, date, url);
    parsed = parseCatalogLayer(converted.text, "cache");
  } catch (error) {
    throw refused((error as Error).message, error);
  }
  const providers = Object.keys(converted.counts) as ProviderId[];
  const got = parsed.models;
  const expected = providers.reduce((sum, provider) => sum + bundledModelCount(provider), 0);
  if (got < expected * MIN_MODEL_SHARE) {
    throw refused(`the answer lists ${got} models of ${providers.join(", ")}, where the bundled catalog has ${expected}`);
  }
  if (path !== undefined) {
    try {
      await deps.files.writeAtomic(path, converted.text);
    } catch (error) {
      throw new BridgeError("INTERNAL", `refresh_catalog: cannot write ${path}: ${(error as Error).message}; the catalog is unchanged`, { cause: error });
    }
  }
  useRefreshedCache(parsed, path);
  return { kind: "result", data: { source: url, date, ...(path !== undefined && { path }), models: got, providers: converted.counts } };
}
