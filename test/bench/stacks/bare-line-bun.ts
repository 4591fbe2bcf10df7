// A bare Bun binary that answers one stdin line (Bun's own stdin/stdout) and stays up until stdin ends: RSS at ready.
const reader = Bun.stdin.stream().getReader();
await reader.read();
await Bun.write(Bun.stdout, '{"id":1,"success":true}\n');
while (!(await reader.read()).done);
export {};
