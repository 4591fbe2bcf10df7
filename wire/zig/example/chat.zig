//! Streams one chat through plue-ai-provider and prints it.
//!
//!   zig build example -- <path to plue-ai-provider> [base_url]
//!
//! Without base_url the request goes to Anthropic with ANTHROPIC_API_KEY from
//! the environment. With one (a loopback replay of recordings/, as
//! test/wire/zig.test.ts does), no key is needed. A price lookup runs
//! alongside, to show two requests in flight on one client.
const std = @import("std");
const plue = @import("plue_ai_provider");

pub fn main() !u8 {
    var debug: std.heap.DebugAllocator(.{}) = .init;
    defer _ = debug.deinit();
    const allocator = debug.allocator();
    const args = try std.process.argsAlloc(allocator);
    defer std.process.argsFree(allocator, args);
    var buffer: [4096]u8 = undefined;
    var writer = std.fs.File.stdout().writer(&buffer);
    const out = &writer.interface;
    defer out.flush() catch {};
    if (args.len < 2) {
        try out.print("usage: chat <path to plue-ai-provider> [base_url]\n", .{});
        return 2;
    }
    const base_url: ?[]const u8 = if (args.len > 2) args[2] else null;

    const client = try plue.Client.start(allocator, .{ .argv = &.{args[1]} });
    defer client.deinit();

    const params: plue.ChatParams = .{
        .model = "claude-sonnet-4-20250514",
        .messages = &.{
            .{ .role = .system, .content = "You are a helpful assistant" },
            .{ .role = .user, .content = "Say hi in Portuguese" },
        },
        .max_tokens = 4000,
        .options = .{ .base_url = base_url, .credentials = if (base_url != null) .{ .api_key = "replay-needs-no-key" } else null },
    };
    const chat = try client.streamChat("anthropic", params, .{ .deadline_ms = 120_000 });
    defer chat.deinit();
    // A second request in flight on the same client; the reader thread routes each line to its handle.
    const price = try client.calculateCost("anthropic", .{ .model = params.model, .usage = .{ .input_tokens = 1_000_000, .output_tokens = 1_000_000 } }, .{});
    defer price.deinit();

    while (try chat.next(null)) |line| {
        var parsed = line.parsed;
        defer parsed.deinit();
        switch (parsed.response) {
            .chunk => |c| switch (c.chunk) {
                .content => |text| {
                    try out.writeAll(text);
                    try out.flush();
                },
                .retry => |r| try out.print("[retry {d} in {d} ms: {s}]\n", .{ r.attempt, r.delay_ms, r.reason }),
                .done => |done| {
                    try out.print("\n\n{s}, {d} tokens in, {d} out", .{ @tagName(done.finish_reason), done.usage.input_tokens, done.usage.output_tokens });
                    if (done.cost) |cost| try out.print(", ${d:.6}", .{cost.total});
                    try out.print("\n", .{});
                    // What the model rules changed before sending.
                    for (done.adjustments) |a| try out.print("adjusted {s} ({s}): {s}\n", .{ a.param, a.action_name, a.reason });
                },
                else => {}, // reasoning, tool calls, and chunk types newer than this client
            },
            .failure => |f| {
                try out.print("\nerror {s}: {s}\n", .{ @tagName(f.err.code.effective()), f.err.message });
                return 1;
            },
            .result => {},
        }
    }

    var priced = try price.terminal(30_000);
    defer priced.parsed.deinit();
    switch (priced.parsed.response) {
        .result => |r| if (try plue.results.cost(r.data)) |cost| {
            try out.print("{s}: ${d} per million tokens in, ${d} out\n", .{ params.model, cost.input, cost.output });
        } else try out.print("{s}: price unknown\n", .{params.model}),
        .failure => |f| try out.print("calculate_cost: {s}\n", .{f.err.message}),
        .chunk => unreachable, // terminal() returns the terminal line
    }
    return 0;
}
