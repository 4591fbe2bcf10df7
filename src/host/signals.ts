import process from "node:process";

export function onTerminate(handler: (signal: string) => void): void {
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => handler(signal));
}

export function exitProcess(code: number): never {
  process.exit(code);
}

export function onUnexpectedError(handler: (error: unknown) => void): void {
  process.on("uncaughtException", handler);
  process.on("unhandledRejection", handler);
}
