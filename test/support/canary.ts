// Canary credentials for tests. Each is spelled so no reader or secret scanner takes it for a live
// key, and keeps the shape a test needs: the AWS key id matches the AKIA/ASIA pattern of
// src/redact.ts (prefix + 16 of [A-Z0-9]); the SigV4 secret keeps a "/" and a "+" so signing and
// redaction are exercised on characters that need encoding.
export const AWS_KEY_ID_CANARY = "AKIACANARY0TEST00001";
export const AWS_SESSION_KEY_ID_CANARY = "ASIACANARY0TEST00002";
export const AWS_SIGV4_CANARY = { accessKeyId: "AKIDCANARYNOTLIVE", secretAccessKey: "canary/not+a+secret/sigv4-signing-key" };
export const AWS_SESSION_TOKEN_CANARY = "canary//session+token=not-live";
