/**
 * The AWS shared files: `~/.aws/credentials` (sections are profile names)
 * and `~/.aws/config` (`[default]`, `[profile name]`, `[sso-session name]`),
 * at the paths AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE override. For a
 * profile present in both, the credentials file wins key by key, as in the
 * AWS CLI.
 *
 * Parse errors give the file and line number, never the line: it may hold a
 * secret key.
 */
import { readCredentialFile } from "../credential-file.ts";
import type { Deps } from "../../deps.ts";
import { BridgeError } from "../../protocol/errors.ts";
import { expandAwsPath, joinAwsPath } from "./source-context.ts";

export type AwsIniSections = Map<string, Record<string, string>>;

/**
 * Sections in order of first appearance; repeated sections merge, later keys
 * win. Full-line comments start with `#` or `;`. An indented line under a key
 * with an empty value is a nested setting (`s3 =` / `  max_concurrent_requests = 10`,
 * kept as `s3.max_concurrent_requests`); an indented line without `=` under any
 * other key continues its value.
 */
export function parseAwsIni(text: string, file: string): AwsIniSections {
  const sections: AwsIniSections = new Map();
  let current: Record<string, string> | undefined;
  let lastKey: string | undefined;
  let nestedParent: string | undefined;
  const fail = (line: number, why: string): never => {
    throw new BridgeError("AUTH_FAILED", `cannot parse ${file}: line ${line} ${why}`);
  };
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, index) => {
    const number = index + 1;
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) return;
    const indented = /^[ \t]/.test(raw);
    if (indented && current !== undefined && lastKey !== undefined && !line.startsWith("[")) {
      const equals = line.indexOf("=");
      if (nestedParent !== undefined) {
        if (equals <= 0) fail(number, "is a nested setting without `key = value`");
        current[`${nestedParent}.${line.slice(0, equals).trim()}`] = line.slice(equals + 1).trim();
        return;
      }
      if (equals < 0) {
        current[lastKey] = `${current[lastKey] ?? ""}\n${line}`;
        return;
      }
      // An indented `key = value` is an ordinary setting (the AWS SDKs read it so), not a continuation.
    }
    if (line.startsWith("[")) {
      if (!line.endsWith("]")) fail(number, "opens a [section] without closing it");
      const name = line.slice(1, -1).trim().replace(/\s+/g, " ");
      if (name === "") fail(number, "has an empty [section] name");
      current = sections.get(name) ?? {};
      sections.set(name, current);
      lastKey = undefined;
      nestedParent = undefined;
      return;
    }
    const equals = line.indexOf("=");
    if (equals < 0) fail(number, "is neither a [section], a `key = value` pair nor a comment");
    const key = line.slice(0, equals).trim();
    if (key === "") fail(number, "has a value without a key");
    if (current === undefined) fail(number, "has a setting before any [section]");
    const value = line.slice(equals + 1).trim();
    current![key] = value;
    lastKey = key;
    nestedParent = value === "" ? key : undefined;
  });
  return sections;
}

export interface AwsProfileFiles {
  credentialsPath: string | undefined;
  configPath: string | undefined;
  /** Whether either file exists. */
  found: boolean;
  profiles: Map<string, Record<string, string>>;
  ssoSessions: Map<string, Record<string, string>>;
}

/** Where the two files are; undefined when neither the env nor a home directory says. */
export function awsFilePaths(deps: Deps): { credentialsPath: string | undefined; configPath: string | undefined } {
  const home = deps.home;
  const pick = (variable: string, name: string): string | undefined => {
    const fromEnv = deps.env[variable];
    if (fromEnv) return expandAwsPath(fromEnv, home);
    return home === undefined ? undefined : joinAwsPath(home, ".aws", name);
  };
  return { credentialsPath: pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"), configPath: pick("AWS_CONFIG_FILE", "config") };
}

/** `signal` ends a read that does not finish (a stalled mount); without one the host's own time limit does. */
export async function loadAwsProfileFiles(deps: Deps, signal?: AbortSignal): Promise<AwsProfileFiles> {
  const { credentialsPath, configPath } = awsFilePaths(deps);
  const credentialsText = credentialsPath === undefined ? null : await readCredentialFile(deps, credentialsPath, "AWS credentials file", signal);
  const configText = configPath === undefined ? null : await readCredentialFile(deps, configPath, "AWS config file", signal);
  const profiles = new Map<string, Record<string, string>>();
  const ssoSessions = new Map<string, Record<string, string>>();
  if (configText !== null) {
    for (const [section, values] of parseAwsIni(configText, `AWS config file ${configPath}`)) {
      const profile = section === "default" ? "default" : /^profile (.+)$/.exec(section)?.[1];
      const session = /^sso-session (.+)$/.exec(section)?.[1];
      if (profile !== undefined) profiles.set(profile, { ...profiles.get(profile), ...values });
      else if (session !== undefined) ssoSessions.set(session, values);
      // Other sections (`[services x]`, or a bare `[name]` the CLI also ignores in this file) hold nothing for us.
    }
  }
  if (credentialsText !== null) {
    for (const [section, values] of parseAwsIni(credentialsText, `AWS credentials file ${credentialsPath}`)) {
      profiles.set(section, { ...profiles.get(section), ...values });
    }
  }
  return { credentialsPath, configPath, found: credentialsText !== null || configText !== null, profiles, ssoSessions };
}

export function describeAwsFiles(files: Pick<AwsProfileFiles, "credentialsPath" | "configPath">): string {
  const paths = [files.credentialsPath, files.configPath].filter((path): path is string => path !== undefined);
  return paths.length > 0 ? paths.join(" and ") : "the AWS shared files (no home directory known)";
}
