/**
 * `npm start`: the keyless demo. Replays a real recorded Anthropic stream
 * from recordings/ through a loopback server, pipes sample requests through
 * the executable, and prints the NDJSON lines it answers.
 */
import { join } from "node:path";
import { loadCassette } from "./cassette.ts";
import { startReplayServer } from "./replay-server.ts";
import { executableCommand, isTerminal, ROOT, startProcess } from "./run-binary.ts";

const cassette = await loadCassette(join(ROOT, "recordings", "anthropic", "text.ndjson"));
const server = await startReplayServer(cassette, { pacing: "recorded" });
const command = executableCommand();
console.error(`# executable: ${command.join(" ")}`);
console.error(`# replaying ${cassette.scenario} from ${server.url}`);
const child = startProcess({ ANTHROPIC_API_KEY: "demo-key-not-a-secret" }, command);
child.child.stdout.on("data", (text: Buffer | string) => process.stdout.write(text));

const requests = [
  { id: 1, action: "ping" },
  {
    id: 2,
    action: "stream_chat",
    provider: "anthropic",
    params: {
      model: "claude-sonnet-4-20250514",
      base_url: server.url,
      max_tokens: 4000,
      messages: [
        { role: "system", content: "You are a helpful assistant" },
        { role: "user", content: "Say hi in Portuguese" },
      ],
    },
  },
  { id: 3, action: "calculate_cost", provider: "anthropic", params: { model: "claude-sonnet-4-5", usage: { input_tokens: 1000, output_tokens: 500 } } },
];
for (const request of requests) {
  console.error(`> ${JSON.stringify(request)}`);
  child.send(request);
}
child.closeStdin();
const code = await child.exited;
await server.close();
const terminals = child.lines.filter(isTerminal).length;
console.error(`# exit code ${code}; ${terminals} terminal lines for ${requests.length} requests`);
process.exit(code === 0 && terminals === requests.length ? 0 : 1);
