/**
 * Project, location and host of a Vertex request. Hosts per Google's
 * endpoint list: `global` and the `us` / `eu` multi-regions have their own
 * names, every other region `{region}-aiplatform.googleapis.com`.
 */
import { describe, expect, test } from "bun:test";
import { resolveVertexLocation, type GoogleAccess } from "../../../src/auth/google-credentials.ts";
import type { BridgeError } from "../../../src/protocol/errors.ts";
import type { ProviderParams } from "../../../src/protocol/request.ts";

const deps = (env: Record<string, string> = {}) => ({ env });

describe("project", () => {
  const ALL_ENV = { GOOGLE_CLOUD_PROJECT: "gcp-1", GCLOUD_PROJECT: "gcloud-2", GOOGLE_VERTEX_PROJECT: "vertex-3", GCP_PROJECT: "gcp-4" };
  const KEY: GoogleAccess = { token: "t", projectId: "key-project", quotaProject: "quota-project" };
  const CASES: Array<[string, ProviderParams, Record<string, string>, GoogleAccess | undefined, string]> = [
    ["params.project first", { project: "from-params" }, ALL_ENV, KEY, "from-params"],
    ["GOOGLE_CLOUD_PROJECT", {}, ALL_ENV, KEY, "gcp-1"],
    ["GCLOUD_PROJECT", {}, { GCLOUD_PROJECT: "gcloud-2", GOOGLE_VERTEX_PROJECT: "vertex-3", GCP_PROJECT: "gcp-4" }, KEY, "gcloud-2"],
    ["GOOGLE_VERTEX_PROJECT", {}, { GOOGLE_VERTEX_PROJECT: "vertex-3", GCP_PROJECT: "gcp-4" }, KEY, "vertex-3"],
    ["GCP_PROJECT", {}, { GCP_PROJECT: "gcp-4" }, KEY, "gcp-4"],
    ["an empty env var is skipped", {}, { GOOGLE_CLOUD_PROJECT: "", GCP_PROJECT: "gcp-4" }, undefined, "gcp-4"],
    ["the key's project_id", {}, {}, KEY, "key-project"],
    ["the quota project when the credentials name no other", {}, {}, { token: "t", quotaProject: "quota-project" }, "quota-project"],
    ["a domain-scoped project id", { project: "example.com:my-proj" }, {}, undefined, "example.com:my-proj"],
  ];
  for (const [name, params, env, access, project] of CASES) {
    test(name, () => {
      expect(resolveVertexLocation(params, deps(env), access).project).toBe(project);
    });
  }

  const INVALID: Array<[string, ProviderParams, Record<string, string>, string, string]> = [
    [
      "none anywhere",
      {},
      {},
      "params.project",
      "no Google Cloud project: pass params.project or set GOOGLE_CLOUD_PROJECT, GCLOUD_PROJECT, GOOGLE_VERTEX_PROJECT, GCP_PROJECT (the credentials in use name no project)",
    ],
    ["params.project not a string", { project: 12 }, {}, "params.project", "params.project: must be a non-empty string"],
    ["params.project bending the URL", { project: "p/../../x" }, {}, "params.project", 'params.project: "p/../../x" is not a Google Cloud project id'],
    ["a bad project from the env says so", {}, { GOOGLE_CLOUD_PROJECT: "my project" }, "params.project", 'GOOGLE_CLOUD_PROJECT: "my project" is not a Google Cloud project id'],
    ["params.location bending the host", { project: "p", location: "evil.com/x" }, {}, "params.location", 'params.location: "evil.com/x" is not a Vertex AI location'],
    ["params.location empty", { project: "p", location: "" }, {}, "params.location", "params.location: must be a non-empty string"],
  ];
  for (const [name, params, env, field, message] of INVALID) {
    test(`${name} → INVALID_REQUEST`, () => {
      let error: BridgeError | undefined;
      try {
        resolveVertexLocation(params, deps(env));
      } catch (thrown) {
        error = thrown as BridgeError;
      }
      expect(error?.code).toBe("INVALID_REQUEST");
      expect(error?.field).toBe(field);
      expect(error?.message).toBe(message);
    });
  }
});

describe("location and host", () => {
  const CASES: Array<[string, ProviderParams, Record<string, string>, string, string]> = [
    ["default", {}, {}, "us-central1", "us-central1-aiplatform.googleapis.com"],
    ["params.location first", { location: "europe-west4" }, { GOOGLE_CLOUD_LOCATION: "asia-east1" }, "europe-west4", "europe-west4-aiplatform.googleapis.com"],
    [
      "GOOGLE_CLOUD_LOCATION",
      {},
      { GOOGLE_CLOUD_LOCATION: "asia-east1", GOOGLE_VERTEX_LOCATION: "x-1", VERTEX_LOCATION: "y-1" },
      "asia-east1",
      "asia-east1-aiplatform.googleapis.com",
    ],
    ["GOOGLE_VERTEX_LOCATION", {}, { GOOGLE_VERTEX_LOCATION: "us-east5", VERTEX_LOCATION: "y-1" }, "us-east5", "us-east5-aiplatform.googleapis.com"],
    ["VERTEX_LOCATION", {}, { VERTEX_LOCATION: "me-central2" }, "me-central2", "me-central2-aiplatform.googleapis.com"],
    ["global", { location: "global" }, {}, "global", "aiplatform.googleapis.com"],
    ["us multi-region", { location: "us" }, {}, "us", "aiplatform.us.rep.googleapis.com"],
    ["eu multi-region", { location: "eu" }, {}, "eu", "aiplatform.eu.rep.googleapis.com"],
    ["upper case is folded", { location: "Global" }, {}, "global", "aiplatform.googleapis.com"],
  ];
  for (const [name, params, env, location, host] of CASES) {
    test(name, () => {
      expect(resolveVertexLocation({ project: "p", ...params }, deps(env))).toEqual({ project: "p", location, host });
    });
  }
});
