/**
 * node:fs/promises and node:path, loaded on first use: most sessions never
 * touch a file, and loading them costs every start-up milliseconds.
 */
let modules: Promise<[typeof import("node:fs/promises"), typeof import("node:path")]> | undefined;

export const loadFileModules = () => (modules ??= Promise.all([import("node:fs/promises"), import("node:path")]));
