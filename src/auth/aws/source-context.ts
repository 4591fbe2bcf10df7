/**
 * What every AWS credential source shares: the context it runs in, one HTTP
 * exchange under a short timer, and the construction of a credential value
 * (which registers each secret with the redactor the moment it is seen).
 * Error messages name the source and never carry a response body, since
 * credential answers are nothing but secrets.
 */
import type { Deps } from "../../deps.ts";
import { BridgeError } from "../../protocol/errors.ts";
import { registerSecret } from "../../redact.ts";
import type { AwsCredentials } from "../aws-credentials.ts";
import { exchangeWithCredentialEndpoint, type CredentialHttpAnswer } from "../credential-http.ts";

export interface AwsSourceContext {
  deps: Deps;
  /** Aborts the whole resolution (the resolver's own timer; callers never abort a shared refresh). */
  signal: AbortSignal;
  /** Region for STS calls. */
  region: string;
  /** Base URLs replacing the public STS / SSO portal endpoints (proxies, tests). */
  stsEndpoint: string | undefined;
  ssoEndpoint: string | undefined;
  /** Timer of each instance-metadata or container-endpoint call: they are local, so a slow one means absent. */
  metadataTimeoutMs: number;
  /** Timer of each STS / SSO call. */
  serviceTimeoutMs: number;
}

export type SigV4Credentials = Extract<AwsCredentials, { kind: "sigv4" }>;

/**
 * The AWS partitions: which region names each one has, and the DNS suffix its
 * service hosts end in. These are the `regionRegex` and `dnsSuffix` of the
 * endpoint data every AWS SDK ships (`partitions.json` of aws-sdk-js-v3's
 * util-endpoints, read from @aws-sdk/core 3.981.1), with the SDK's `\w+`
 * narrowed to `[a-z]+`: every region AWS has named spells its middle part in
 * lower-case letters, and a region goes into a host name, where nothing else
 * belongs (a region like `x@127.0.0.1:8080/#` would send the request, signed
 * and with its session token, to another host).
 */
const AWS_PARTITIONS: ReadonlyArray<{ region: RegExp; dnsSuffix: string }> = [
  { region: /^(?:us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d+$/, dnsSuffix: "amazonaws.com" }, // aws
  { region: /^us-gov-[a-z]+-\d+$/, dnsSuffix: "amazonaws.com" }, // aws-us-gov
  { region: /^cn-[a-z]+-\d+$/, dnsSuffix: "amazonaws.com.cn" }, // aws-cn
  { region: /^eusc-de-[a-z]+-\d+$/, dnsSuffix: "amazonaws.eu" }, // aws-eusc (European Sovereign Cloud)
  { region: /^us-iso-[a-z]+-\d+$/, dnsSuffix: "c2s.ic.gov" }, // aws-iso
  { region: /^us-isob-[a-z]+-\d+$/, dnsSuffix: "sc2s.sgov.gov" }, // aws-iso-b
  { region: /^eu-isoe-[a-z]+-\d+$/, dnsSuffix: "cloud.adc-e.uk" }, // aws-iso-e
  { region: /^us-isof-[a-z]+-\d+$/, dnsSuffix: "csp.hci.ic.gov" }, // aws-iso-f
];

/**
 * `value` as a region, or INVALID_REQUEST naming where it came from (`from`:
 * `params.region`, `AWS_REGION`, a profile's `region` in a file, ...).
 */
export function checkAwsRegion(value: string, from: string): string {
  if (AWS_PARTITIONS.some((partition) => partition.region.test(value))) return value;
  const shown = JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  throw new BridgeError("INVALID_REQUEST", `${from}: ${shown} is not an AWS region (a name like us-east-1 or us-gov-west-1)`, {
    field: "params.region",
  });
}

/** `{service}.{region}.{partition's DNS suffix}`, for a region that passed checkAwsRegion. */
export function awsServiceHost(service: string, region: string): string {
  const partition = AWS_PARTITIONS.find((candidate) => candidate.region.test(region));
  if (partition === undefined) throw new BridgeError("INTERNAL", `awsServiceHost: ${JSON.stringify(region)} was not checked as a region`);
  return `${service}.${region}.${partition.dnsSuffix}`;
}

export function sigv4Credentials(accessKeyId: string, secretAccessKey: string, sessionToken?: string, expiration?: number): SigV4Credentials {
  registerSecret(accessKeyId);
  registerSecret(secretAccessKey);
  registerSecret(sessionToken);
  return {
    kind: "sigv4",
    accessKeyId,
    secretAccessKey,
    ...(sessionToken !== undefined && sessionToken !== "" && { sessionToken }),
    ...(expiration !== undefined && { expiration }),
  };
}

/** Epoch ms from an ISO 8601 string or a number of ms; undefined when absent, an error when unreadable. */
export function parseAwsExpiration(value: unknown, source: string): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const ms = typeof value === "number" ? value : typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new BridgeError("AUTH_FAILED", `${source}: unreadable credential expiration`);
  return ms;
}

/** A non-empty string field of a parsed credential answer, or an error naming the field (never its value). */
export function requireAwsField(object: Record<string, unknown>, field: string, source: string): string {
  const value = object[field];
  if (typeof value !== "string" || value === "") {
    throw new BridgeError("AUTH_FAILED", `${source}: answer has no ${field}`);
  }
  return value;
}

export function parseAwsJson(text: string, source: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The text may be a credential answer cut short: neither it nor the parser's excerpt of it can be shown.
    throw new BridgeError("AUTH_FAILED", `${source}: answer is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new BridgeError("AUTH_FAILED", `${source}: answer is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

export type AwsHttpAnswer = CredentialHttpAnswer;

/** One exchange with a credential endpoint, under the resolution's signal (see credential-http.ts). */
export function awsHttp(ctx: AwsSourceContext, source: string, request: Request, timeoutMs: number): Promise<AwsHttpAnswer> {
  return exchangeWithCredentialEndpoint(ctx.deps.fetch, ctx.signal, source, request, timeoutMs);
}

/** Statuses of credential endpoints: 4xx means the credentials or their configuration are wrong, 5xx/429 may pass. */
export function awsStatusError(source: string, status: number, detail = ""): BridgeError {
  const suffix = detail ? `: ${detail}` : "";
  if (status === 429 || status >= 500) {
    return new BridgeError("PROVIDER_ERROR", `${source}: HTTP ${status}${suffix}`, { status, retryable: true });
  }
  return new BridgeError("AUTH_FAILED", `${source}: HTTP ${status}${suffix}`, { status });
}

/** `~/x` against the home directory, as the AWS tools do for paths in their config. */
export function expandAwsPath(path: string, home: string | undefined): string {
  if (home !== undefined && (path === "~" || path.startsWith("~/"))) return home.replace(/\/+$/, "") + path.slice(1);
  return path;
}

export function joinAwsPath(...parts: string[]): string {
  return parts.map((part, index) => (index === 0 ? part.replace(/\/+$/, "") : part.replace(/^\/+|\/+$/g, ""))).join("/");
}
