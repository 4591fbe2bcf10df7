// The same through node:process streams, as src/host/stdio.ts reads and writes: what that I/O layer costs at start-up.
process.stdin.once("data", () => process.stdout.write('{"id":1,"success":true}\n'));
process.stdin.resume();
