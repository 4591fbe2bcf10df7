/**
 * How generate-catalog.ts writes src/catalog/models.json: the header
 * (comment and the sources' licence notices, which travel inside the
 * binary), key order as documented in src/catalog/README.md, and one model
 * per block with its small objects on one line each, so the file stays easy
 * to read, diff and edit by hand.
 */
import type { CatalogModel, Price } from "../../src/catalog/catalog.ts";

/** The providers the bundled catalog carries data for (the generator builds exactly these). */
export type CatalogProvider = "anthropic" | "openai" | "copilot" | "bedrock" | "vertex" | "azure" | "google";

type Entry = Omit<CatalogModel, "provider">;

const COMMENT =
  "Model catalog for plue-ai-provider. Prices: USD per 1M tokens; a missing or null price is unknown (never 0); " +
  "price null = not billed per token. cache_write = 5-minute cache write rate. tiers[]: prices for the whole request " +
  "once input_tokens > above_input_tokens. geographic_uplift (Bedrock): an unlisted us./eu./jp./au./apac. profile costs " +
  "these prices × it. Data from models.dev (snapshot 2026-07-02 and later files, MIT), LiteLLM (MIT) and providers' " +
  "price pages; each price names its source and date. See src/catalog/README.md for sources, licences and how to " +
  "regenerate (test/catalog/generate-catalog.ts). Hand edits are fine: keep source and date on every price you touch.";

const LICENSES = [
  "models.dev data: MIT License, Copyright (c) 2025 models.dev.",
  "tokencost (LiteLLM price copy): MIT License, Copyright (c) 2023 AgentOps.",
  "LiteLLM price data: MIT License, Copyright (c) 2023 Berri AI.",
  'Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:',
  "The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.",
  'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.',
];

/** Key order as documented, so diffs stay readable. */
function reorder(e: Entry): Entry {
  const { id, name, aliases, context_length, max_output, capabilities, tokenizer, released, retired, price } = e;
  return {
    id,
    name,
    ...(aliases !== undefined ? { aliases } : {}),
    context_length,
    max_output,
    capabilities,
    ...(tokenizer !== undefined ? { tokenizer } : {}),
    ...(released !== undefined ? { released } : {}),
    ...(retired !== undefined ? { retired } : {}),
    price: price === null ? null : reorderPrice(price),
  };
}

function reorderPrice(pr: Price): Price {
  const { tiers, geographic_uplift, source, date } = pr;
  const fields = ["input", "output", "cache_read", "cache_write"] as const;
  const numbers = Object.fromEntries(fields.filter((f) => pr[f] !== undefined).map((f) => [f, pr[f]]));
  return {
    ...numbers,
    ...(tiers !== undefined ? { tiers } : {}),
    ...(geographic_uplift !== undefined ? { geographic_uplift } : {}),
    source,
    date,
  };
}

export function formatCatalog(providers: Record<CatalogProvider, { name: string; models: Entry[] }>): string {
  const lines: string[] = ["{"];
  lines.push(`  "$comment": ${JSON.stringify(COMMENT)},`);
  lines.push(`  "$license": [`);
  lines.push(LICENSES.map((l) => `    ${JSON.stringify(l)}`).join(",\n"));
  lines.push(`  ],`);
  lines.push(`  "providers": {`);
  const ids = Object.keys(providers) as CatalogProvider[];
  ids.forEach((pid, pi) => {
    const prov = providers[pid];
    lines.push(`    ${JSON.stringify(pid)}: {`);
    lines.push(`      "name": ${JSON.stringify(prov.name)},`);
    lines.push(`      "models": [`);
    prov.models.forEach((m, mi) => {
      const fields = Object.entries(reorder(m)).map(([k, v]) => `          ${JSON.stringify(k)}: ${inline(v)}`);
      lines.push(`        {`);
      lines.push(fields.join(",\n"));
      lines.push(`        }${mi < prov.models.length - 1 ? "," : ""}`);
    });
    lines.push(`      ]`);
    lines.push(`    }${pi < ids.length - 1 ? "," : ""}`);
  });
  lines.push(`  }`);
  lines.push(`}`);
  return `${lines.join("\n")}\n`;
}

/** JSON on one line with a space after `:` and `,`. */
function inline(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(inline).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    const parts = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${inline(x)}`);
    return parts.length === 0 ? "{}" : `{ ${parts.join(", ")} }`;
  }
  return JSON.stringify(v);
}
