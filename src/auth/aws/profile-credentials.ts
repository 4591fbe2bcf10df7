/**
 * Credentials of one named profile, in the AWS SDK's order: an assumed role
 * (`role_arn` with `source_profile` or `credential_source`), static keys,
 * web identity, `credential_process`, SSO. A profile that names one of these
 * and fails is an error, not a reason to try the next source: silently
 * falling through to other credentials would act as a different identity.
 */
import { BridgeError } from "../../protocol/errors.ts";
import { containerCredentials } from "./container.ts";
import { imdsCredentials } from "./imds.ts";
import type { AwsProfileFiles } from "./profile-files.ts";
import { processCredentials } from "./command-credentials.ts";
import { sigv4Credentials, type AwsSourceContext, type SigV4Credentials } from "./source-context.ts";
import { isSsoProfile, ssoCredentials } from "./sso.ts";
import { assumeRole } from "./sts.ts";
import { defaultRoleSessionName, webIdentityCredentials } from "./web-identity.ts";

/** `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`; half a pair is a configuration mistake worth saying. */
export function awsEnvironmentKeys(ctx: Pick<AwsSourceContext, "deps">): SigV4Credentials | undefined {
  const env = ctx.deps.env;
  const id = env.AWS_ACCESS_KEY_ID;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  if (!id && !secret) return undefined;
  if (!id || !secret) {
    throw new BridgeError("AUTH_REQUIRED", `${id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY"} is set but ${id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID"} is not`);
  }
  return sigv4Credentials(id, secret, env.AWS_SESSION_TOKEN || undefined);
}

function staticKeys(name: string, profile: Record<string, string>): SigV4Credentials | undefined {
  const id = profile.aws_access_key_id;
  const secret = profile.aws_secret_access_key;
  if (!id && !secret) return undefined;
  if (!id || !secret) {
    throw new BridgeError("AUTH_FAILED", `profile "${name}" has ${id ? "aws_access_key_id but no aws_secret_access_key" : "aws_secret_access_key but no aws_access_key_id"}`);
  }
  return sigv4Credentials(id, secret, profile.aws_session_token || undefined);
}

function durationOf(name: string, profile: Record<string, string>): number | undefined {
  if (profile.duration_seconds === undefined) return undefined;
  const seconds = Number(profile.duration_seconds);
  if (!Number.isInteger(seconds) || seconds < 900) {
    throw new BridgeError("AUTH_FAILED", `profile "${name}": duration_seconds must be an integer of at least 900`);
  }
  return seconds;
}

export async function profileCredentials(ctx: AwsSourceContext, files: AwsProfileFiles, name: string, chain: readonly string[] = []): Promise<SigV4Credentials | undefined> {
  const profile = files.profiles.get(name);
  if (profile === undefined) return undefined;
  const duration = durationOf(name, profile);

  if (profile.role_arn && (profile.source_profile || profile.credential_source)) {
    if (chain.includes(name)) {
      throw new BridgeError("AUTH_FAILED", `profile "${name}": source_profile loop (${[...chain, name].join(" → ")})`);
    }
    if (profile.mfa_serial) {
      throw new BridgeError("AUTH_FAILED", `profile "${name}": mfa_serial needs an interactive MFA code, which this tool cannot ask for`);
    }
    const source = await roleSource(ctx, files, name, profile, [...chain, name]);
    return assumeRole(ctx, source, {
      roleArn: profile.role_arn,
      sessionName: profile.role_session_name || defaultRoleSessionName(ctx),
      ...(profile.external_id ? { externalId: profile.external_id } : {}),
      ...(duration !== undefined && { durationSeconds: duration }),
    });
  }
  const keys = staticKeys(name, profile);
  if (keys) return keys;
  if (profile.web_identity_token_file && profile.role_arn) {
    return webIdentityCredentials(ctx, {
      tokenFile: profile.web_identity_token_file,
      roleArn: profile.role_arn,
      ...(profile.role_session_name ? { sessionName: profile.role_session_name } : {}),
      ...(duration !== undefined && { durationSeconds: duration }),
    });
  }
  if (profile.credential_process) return processCredentials(ctx, name, profile.credential_process);
  if (isSsoProfile(profile)) return ssoCredentials(ctx, name, profile, files);
  if (profile.role_arn) {
    throw new BridgeError("AUTH_FAILED", `profile "${name}" has role_arn but no source_profile, credential_source or web_identity_token_file`);
  }
  return undefined;
}

async function roleSource(ctx: AwsSourceContext, files: AwsProfileFiles, name: string, profile: Record<string, string>, chain: readonly string[]): Promise<SigV4Credentials> {
  if (profile.source_profile) {
    const sourceName = profile.source_profile;
    // A profile naming itself as its source means "my own static keys assume my role" (AWS CLI behaviour).
    const found = sourceName === name ? staticKeys(name, profile) : await profileCredentials(ctx, files, sourceName, chain);
    if (found === undefined) {
      const why = files.profiles.has(sourceName) ? "has no credentials" : "does not exist";
      throw new BridgeError("AUTH_FAILED", `profile "${name}": its source_profile "${sourceName}" ${why}`);
    }
    return found;
  }
  switch (profile.credential_source) {
    case "Environment": {
      const keys = awsEnvironmentKeys(ctx);
      if (keys) return keys;
      throw new BridgeError("AUTH_FAILED", `profile "${name}": credential_source Environment, but AWS_ACCESS_KEY_ID is not set`);
    }
    case "EcsContainer":
      return containerCredentials(ctx);
    case "Ec2InstanceMetadata": {
      const result = await imdsCredentials(ctx);
      if ("credentials" in result) return result.credentials;
      throw new BridgeError("AUTH_FAILED", `profile "${name}": credential_source Ec2InstanceMetadata: ${result.unavailable}`);
    }
    default:
      throw new BridgeError("AUTH_FAILED", `profile "${name}": credential_source must be Environment, EcsContainer or Ec2InstanceMetadata`);
  }
}
