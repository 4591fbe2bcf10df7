// Intentionally empty: compiled, this is the bare Bun binary (runtime only) that sizes and cold starts are measured against.
export {};
