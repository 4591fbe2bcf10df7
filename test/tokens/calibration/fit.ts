// Tooling script, run by hand after collect.ts (no test or build runs it):
//   node_modules/.bin/bun test/tokens/calibration/fit.ts
// Fits the per-family constants of src/tokens/family-estimate.ts on
// test/fixtures/tokens/pairs/*.json, writes src/tokens/family-constants.json
// and prints the held-out (leave-one-recording-file-out) errors per family:
// the table in README.md.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { FEATURES, packConstants } from "../../../src/tokens/family-estimate.ts";
import { estimationSamples, fitTable, heldOutErrors, loadPairs, summarize } from "./fit-model.ts";

const OUT = join(import.meta.dir, "..", "..", "..", "src", "tokens", "family-constants.json");

const pairs = loadPairs();
const samples = await estimationSamples(pairs);
const table = fitTable(samples);
const counts: Record<string, number> = {};
for (const s of samples) counts[s.family] = (counts[s.family] ?? 0) + 1;

const file = {
  description:
    "Per-family constants of the calibrated token estimate (src/tokens/family-estimate.ts: estimate = sum of feature x constant). 'other' is the pooled fit over every family, used by families with fewer than 5 pairs. Each family's constants are listed in the order of `features`.",
  provenance: `Fitted by test/tokens/calibration/fit.ts on ${samples.length} recorded (request, billed input tokens) pairs without images from test/fixtures/tokens/pairs/*.json (public test-suite recordings; repo, path, commit and licence per pair), relative least squares pulled toward the pooled fit.`,
  fitted: new Date().toISOString().slice(0, 10),
  pairs: counts,
  features: FEATURES,
  families: packConstants(table),
};
// One line per family: the table stays readable in a diff.
writeFileSync(OUT, `${JSON.stringify(file, null, 2).replace(/\[\n\s+([^\]]*?)\n\s+\]/g, (_, inner: string) => `[${inner.replace(/\s*\n\s*/g, " ")}]`)}\n`);

const errors = heldOutErrors(samples);
const pct = (n: number) => `${(n * 100).toFixed(1)} %`;
console.log("| family | pairs | median error | p90 error | bias |\n|---|---:|---:|---:|---:|");
for (const family of [...new Set(samples.map((s) => s.family))].sort()) {
  const s = summarize(errors.filter((e) => e.sample.family === family).map((e) => e.error));
  console.log(`| ${family} | ${s.pairs} | ${pct(s.median)} | ${pct(s.p90)} | ${s.bias >= 0 ? "+" : ""}${pct(s.bias)} |`);
}
const all = summarize(errors.map((e) => e.error));
console.log(`| all estimated | ${all.pairs} | ${pct(all.median)} | ${pct(all.p90)} | ${pct(all.bias)} |`);
if (process.argv.includes("--worst")) {
  for (const e of errors.sort((x, y) => Math.abs(y.error) - Math.abs(x.error)).slice(0, 40)) {
    console.log(pct(e.error).padStart(9), e.sample.family.padEnd(9), String(e.sample.pair.billed).padStart(6), e.sample.pair.model.padEnd(40), e.sample.pair.id);
  }
}

// OpenAI-made models and gpt-oss are counted with the tokenizer (src/tokens/local-count.ts), not fitted here:
// their errors against the same recordings, by the route the executable counts them as.
const { familyOf } = await import("../../../src/tokens/families.ts");
const { countLocally } = await import("../../../src/tokens/local-count.ts");
const { encodingForModel } = await import("../../../src/tokens/tiktoken.ts");
const groups = new Map<string, number[]>();
for (const pair of pairs) {
  const family = familyOf(pair.model);
  if ((family !== "openai" && family !== "gpt-oss") || pair.has_images) continue;
  if (family === "openai" && pair.dialect !== "chat" && pair.dialect !== "responses") continue;
  // OpenRouter sends OpenAI's models to Responses (src/providers/compatible.ts).
  const route = pair.dialect === "responses" || (family === "openai" && pair.host === "openrouter") ? "responses" : "chat";
  const answer = await countLocally(pair.params, { provider: pair.host, encoding: encodingForModel(pair.model), route });
  const key = `${family} | ${route} | ${pair.params.tools === undefined ? "no" : "yes"}`;
  groups.set(key, [...(groups.get(key) ?? []), (answer.input_tokens - pair.billed) / pair.billed]);
}
console.log("\n| family | counted as | tools | pairs | billed = counted | median error | p90 error | bias |\n|---|---|---|---:|---:|---:|---:|---:|");
for (const [key, list] of [...groups].sort()) {
  const s = summarize(list);
  console.log(`| ${key} | ${s.pairs} | ${list.filter((e) => e === 0).length} | ${pct(s.median)} | ${pct(s.p90)} | ${s.bias >= 0 ? "+" : ""}${pct(s.bias)} |`);
}
