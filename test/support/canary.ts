// Canary credentials for tests. Each is spelled so no reader or secret scanner takes it for a live
// key, and keeps the shape a test needs: the AWS key id matches the AKIA/ASIA pattern of
// src/redact.ts (prefix + 16 of [A-Z0-9]); the SigV4 secret keeps a "/" and a "+" so signing and
// redaction are exercised on characters that need encoding.
// The AWS key ids are AWS's own documented examples, which are no one's keys (IAM user guide, "Manage
// access keys": AKIAIOSFODNN7EXAMPLE; STS API reference, GetSessionToken example: ASIAIOSFODNN7EXAMPLE).
export const AWS_KEY_ID_CANARY = "AKIAIOSFODNN7EXAMPLE";
export const AWS_SESSION_KEY_ID_CANARY = "ASIAIOSFODNN7EXAMPLE";
export const AWS_SIGV4_CANARY = { accessKeyId: "AKIDCANARYNOTLIVE", secretAccessKey: "canary/not+a+secret/sigv4-signing-key" };
export const AWS_SESSION_TOKEN_CANARY = "canary//session+token=not-live";
// A Google OAuth access token's shape (src/redact.ts: "ya29." + 10 or more token characters); the
// prefix is joined at run time so no file holds a literal of a live token's shape.
export const GOOGLE_TOKEN_CANARY = ["ya29", "EXAMPLE-canary-not-a-live-token"].join(".");
