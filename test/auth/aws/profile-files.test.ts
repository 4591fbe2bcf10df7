import { describe, expect, test } from "bun:test";
import { awsFilePaths, loadAwsProfileFiles, parseAwsIni } from "../../../src/auth/aws/profile-files.ts";
import { BridgeError } from "../../../src/protocol/errors.ts";
import { makeDeps } from "./fakes.ts";

const asObject = (text: string): Record<string, Record<string, string>> => Object.fromEntries(parseAwsIni(text, "f"));

describe("parseAwsIni", () => {
  const CASES: Array<{ name: string; text: string; expected: Record<string, Record<string, string>> }> = [
    {
      name: "comments, blank lines and whitespace",
      text: "# top comment\n; another\n\n  [default]  \naws_access_key_id=AKIA1\n  aws_secret_access_key   =   s/e+c=ret  \n\t# indented comment\n",
      expected: { default: { aws_access_key_id: "AKIA1", aws_secret_access_key: "s/e+c=ret" } },
    },
    {
      name: "section names are trimmed and inner whitespace collapsed",
      text: "[ profile    dev ]\nregion = eu-west-1\n[sso-session corp]\nsso_region=us-east-1\n",
      expected: { "profile dev": { region: "eu-west-1" }, "sso-session corp": { sso_region: "us-east-1" } },
    },
    {
      name: "a missing value is the empty string",
      text: "[a]\nregion =\nrole_arn=\n",
      expected: { a: { region: "", role_arn: "" } },
    },
    {
      name: "nested settings under an empty value",
      text: "[a]\ns3 =\n  max_concurrent_requests = 10\n  addressing_style=path\nregion = us-east-2\n",
      expected: { a: { s3: "", "s3.max_concurrent_requests": "10", "s3.addressing_style": "path", region: "us-east-2" } },
    },
    {
      name: "an indented line under a value continues it",
      text: "[a]\nnote = first\n  second\n",
      expected: { a: { note: "first\nsecond" } },
    },
    {
      name: "CRLF line endings and a byte-order mark",
      text: "\uFEFF[default]\r\nregion = ap-south-1\r\n",
      expected: { default: { region: "ap-south-1" } },
    },
    {
      name: "a repeated section merges, later keys win",
      text: "[a]\nx = 1\ny = 2\n[b]\nz = 3\n[a]\ny = 4\n",
      expected: { a: { x: "1", y: "4" }, b: { z: "3" } },
    },
    {
      name: "'=' inside a value and '#' not at line start are kept",
      text: "[a]\ncredential_process = tool --arg=x # not a comment\n",
      expected: { a: { credential_process: "tool --arg=x # not a comment" } },
    },
    { name: "empty file", text: "", expected: {} },
  ];
  for (const c of CASES) test(c.name, () => expect(asObject(c.text)).toEqual(c.expected));

  const MALFORMED: Array<{ name: string; text: string; line: number; why: RegExp }> = [
    { name: "a bare word", text: "[a]\nx = 1\nSECRETWORDWITHOUTEQUALS\n", line: 3, why: /neither a \[section\]/ },
    { name: "an unclosed section", text: "[default\nx = 1\n", line: 1, why: /without closing/ },
    { name: "a setting before any section", text: "x = 1\n[a]\n", line: 1, why: /before any \[section\]/ },
    { name: "an empty section name", text: "[  ]\n", line: 1, why: /empty \[section\]/ },
    { name: "a value without a key", text: "[a]\n = v\n", line: 2, why: /without a key/ },
    { name: "a nested line without '='", text: "[a]\ns3 =\n  nonsense\n", line: 3, why: /nested setting/ },
  ];
  for (const c of MALFORMED) {
    test(`malformed: ${c.name} → AUTH_FAILED naming file and line, not the content`, () => {
      let thrown: unknown;
      try {
        parseAwsIni(c.text, "AWS credentials file /x/credentials");
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(BridgeError);
      const error = thrown as BridgeError;
      expect(error.code).toBe("AUTH_FAILED");
      expect(error.message).toContain(`/x/credentials: line ${c.line} `);
      expect(error.message).toMatch(c.why);
      expect(error.message).not.toContain("SECRETWORD");
    });
  }
});

describe("loadAwsProfileFiles", () => {
  test("config sections map to profiles and sso sessions; the credentials file wins key by key", async () => {
    const deps = makeDeps({
      files: {
        "/home/u/.aws/config":
          "[default]\nregion = us-west-2\n[profile dev]\nregion = eu-west-1\naws_access_key_id = FROMCONFIG\n" +
          "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n[services s]\nx = 1\n[stray]\ny = 2\n",
        "/home/u/.aws/credentials": "[dev]\naws_access_key_id = FROMCREDS\naws_secret_access_key = S\n[only-creds]\nregion = ca-central-1\n",
      },
    });
    const files = await loadAwsProfileFiles(deps);
    expect(files.found).toBe(true);
    expect(Object.fromEntries(files.profiles)).toEqual({
      default: { region: "us-west-2" },
      dev: { region: "eu-west-1", aws_access_key_id: "FROMCREDS", aws_secret_access_key: "S" },
      "only-creds": { region: "ca-central-1" },
    });
    expect(Object.fromEntries(files.ssoSessions)).toEqual({ corp: { sso_start_url: "https://corp.awsapps.com/start" } });
  });

  test("no files → found false, nothing loaded", async () => {
    const files = await loadAwsProfileFiles(makeDeps({}));
    expect(files.found).toBe(false);
    expect(files.profiles.size).toBe(0);
  });

  test("paths: default under home, env overrides with ~ expansion, none without home", () => {
    expect(awsFilePaths(makeDeps({}))).toEqual({ credentialsPath: "/home/u/.aws/credentials", configPath: "/home/u/.aws/config" });
    expect(awsFilePaths(makeDeps({ env: { AWS_SHARED_CREDENTIALS_FILE: "~/creds", AWS_CONFIG_FILE: "/etc/aws/config" } }))).toEqual({
      credentialsPath: "/home/u/creds",
      configPath: "/etc/aws/config",
    });
    expect(awsFilePaths(makeDeps({ home: null }))).toEqual({ credentialsPath: undefined, configPath: undefined });
  });

  test("a file the host cannot read is AUTH_FAILED naming it", async () => {
    const deps = makeDeps({});
    deps.files.read = async () => {
      throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    };
    await expect(loadAwsProfileFiles(deps)).rejects.toMatchObject({
      code: "AUTH_FAILED",
      message: "cannot read AWS credentials file /home/u/.aws/credentials (EACCES)",
    });
  });
});
