/**
 * Web identity federation (EKS IRSA, GitHub Actions OIDC, ...): a token file
 * written by the platform and a role to assume with it. Configured by
 * `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`)
 * or a profile's `web_identity_token_file` + `role_arn`. The file is re-read
 * on every refresh because the platform rotates it.
 */
import { readCredentialFile } from "../credential-file.ts";
import { BridgeError } from "../../protocol/errors.ts";
import { registerSecret } from "../../redact.ts";
import { expandAwsPath, type AwsSourceContext, type SigV4Credentials } from "./source-context.ts";
import { assumeRoleWithWebIdentity } from "./sts.ts";

export interface WebIdentityConfig {
  tokenFile: string;
  roleArn: string;
  sessionName?: string;
  durationSeconds?: number;
}

export function defaultRoleSessionName(ctx: AwsSourceContext): string {
  return `plue-ai-provider-${ctx.deps.now()}`;
}

export function webIdentityFromEnv(ctx: AwsSourceContext): WebIdentityConfig | undefined {
  const env = ctx.deps.env;
  if (!env.AWS_WEB_IDENTITY_TOKEN_FILE || !env.AWS_ROLE_ARN) return undefined;
  return {
    tokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE,
    roleArn: env.AWS_ROLE_ARN,
    ...(env.AWS_ROLE_SESSION_NAME ? { sessionName: env.AWS_ROLE_SESSION_NAME } : {}),
  };
}

export async function webIdentityCredentials(ctx: AwsSourceContext, config: WebIdentityConfig): Promise<SigV4Credentials> {
  const path = expandAwsPath(config.tokenFile, ctx.deps.home);
  const text = await readCredentialFile(ctx.deps, path, "web identity token file", ctx.signal);
  const token = text?.trim();
  if (!token) throw new BridgeError("AUTH_FAILED", `web identity token file ${path} is missing or empty`);
  registerSecret(token);
  return assumeRoleWithWebIdentity(ctx, {
    roleArn: config.roleArn,
    sessionName: config.sessionName ?? defaultRoleSessionName(ctx),
    token,
    ...(config.durationSeconds !== undefined && { durationSeconds: config.durationSeconds }),
  });
}
