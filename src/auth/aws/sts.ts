/**
 * STS AssumeRole (signed with the source credentials, service `sts`) and
 * AssumeRoleWithWebIdentity (unsigned: the token is the proof). Query API
 * over a form POST; the XML answer is read with a few patterns, which is all
 * its flat shape needs.
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 */
import { BridgeError } from "../../protocol/errors.ts";
import { redact } from "../../redact.ts";
import { signBedrockRequest } from "../sigv4.ts";
import { awsHttp, parseAwsExpiration, sigv4Credentials, awsStatusError, type AwsSourceContext, type SigV4Credentials } from "./source-context.ts";

const STS_VERSION = "2011-06-15";

export interface AssumeRoleInput {
  roleArn: string;
  sessionName: string;
  externalId?: string;
  durationSeconds?: number;
}

function stsEndpoint(ctx: AwsSourceContext): string {
  return `${(ctx.stsEndpoint ?? `https://sts.${ctx.region}.amazonaws.com`).replace(/\/+$/, "")}/`;
}

export async function assumeRole(ctx: AwsSourceContext, source: SigV4Credentials, input: AssumeRoleInput): Promise<SigV4Credentials> {
  const form = new URLSearchParams({ Action: "AssumeRole", Version: STS_VERSION, RoleArn: input.roleArn, RoleSessionName: input.sessionName });
  if (input.externalId !== undefined) form.set("ExternalId", input.externalId);
  if (input.durationSeconds !== undefined) form.set("DurationSeconds", String(input.durationSeconds));
  const unsigned = formRequest(ctx, form);
  const signed = await signBedrockRequest(unsigned, source, ctx.region, "sts", new Date(ctx.deps.now()));
  return callSts(ctx, `STS AssumeRole for ${input.roleArn}`, signed, "AssumeRoleResult");
}

export async function assumeRoleWithWebIdentity(ctx: AwsSourceContext, input: AssumeRoleInput & { token: string }): Promise<SigV4Credentials> {
  const form = new URLSearchParams({
    Action: "AssumeRoleWithWebIdentity",
    Version: STS_VERSION,
    RoleArn: input.roleArn,
    RoleSessionName: input.sessionName,
    WebIdentityToken: input.token,
  });
  if (input.durationSeconds !== undefined) form.set("DurationSeconds", String(input.durationSeconds));
  return callSts(ctx, `STS AssumeRoleWithWebIdentity for ${input.roleArn}`, formRequest(ctx, form), "AssumeRoleWithWebIdentityResult");
}

function formRequest(ctx: AwsSourceContext, form: URLSearchParams): Request {
  return new Request(stsEndpoint(ctx), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8", accept: "text/xml" },
    body: form.toString(),
  });
}

async function callSts(ctx: AwsSourceContext, source: string, request: Request, resultElement: string): Promise<SigV4Credentials> {
  const answer = await awsHttp(ctx, source, request, ctx.serviceTimeoutMs);
  if (answer.status < 200 || answer.status > 299) {
    const code = xmlElement(answer.text, "Code");
    const message = xmlElement(answer.text, "Message");
    const detail = [code, message].filter(Boolean).join(": ");
    throw awsStatusError(source, answer.status, redact(detail));
  }
  const result = xmlElement(answer.text, resultElement) ?? "";
  const credentials = xmlElement(result, "Credentials");
  if (credentials === undefined) throw new BridgeError("AUTH_FAILED", `${source}: answer has no Credentials element`);
  const field = (name: string): string => {
    const value = xmlElement(credentials, name);
    if (!value) throw new BridgeError("AUTH_FAILED", `${source}: answer has no ${name}`);
    return value;
  };
  return sigv4Credentials(field("AccessKeyId"), field("SecretAccessKey"), field("SessionToken"), parseAwsExpiration(xmlElement(credentials, "Expiration"), source));
}

/** Text of the first `<name>` element (entities decoded), or undefined. */
function xmlElement(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml);
  if (match === null) return undefined;
  return match[1]!.trim().replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (_, entity: string) => {
    switch (entity) {
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "quot":
        return '"';
      case "apos":
        return "'";
      case "amp":
        return "&";
      default:
        return String.fromCodePoint(entity.startsWith("#x") ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1)));
    }
  });
}
