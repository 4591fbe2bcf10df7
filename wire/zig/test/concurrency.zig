//! The client under load, against the executable and two loopback replay
//! servers that test/wire/zig.test.ts starts:
//!
//!   concurrency <executable> TEXT_URL=<n x recordings/anthropic/text.ndjson, recorded pacing>
//!               STALLED_URL=<copies of wire/conformance/cassettes/stalled.ndjson> TMP=<dir> STREAMS=<n>
//!
//! 1. n Anthropic streams at once, each read on its own thread while the one
//!    reader thread routes; plus a stalled stream cancelled by handle once its
//!    first content arrived, and one ended by its client-side deadline. Every
//!    stream gets its whole text and exactly one terminal line; the streams
//!    really interleave (their seq ranges overlap).
//! 2. Two stalled streams, then the child is killed (SIGKILL): both handles
//!    report error.ExecutableCrashed, a new request is refused.
//! 3. Clean shutdown: stdin closed, exit 0.
//! Prints "ok concurrency ..." and exits 0, or "FAIL ..." and exits 1.
const std = @import("std");
const plue = @import("plue_ai_provider");

const text = "Olá! (That's \"hi\" in Portuguese)\n\nYou could also say \"Oi!\" which is a more casual way to say hi in Portuguese.";
const wait_ms = 15_000;

var failure: ?[]const u8 = null;
var failure_mutex: std.Thread.Mutex = .{};

fn fail(comptime format: []const u8, args: anytype) error{Failed} {
    note(format, args);
    return error.Failed;
}

/// Keeps the first failure (the reading threads report through here).
fn note(comptime format: []const u8, args: anytype) void {
    failure_mutex.lock();
    defer failure_mutex.unlock();
    if (failure == null) failure = std.fmt.allocPrint(std.heap.page_allocator, format, args) catch "out of memory";
}

pub fn main() !u8 {
    var debug: std.heap.DebugAllocator(.{ .thread_safe = true }) = .init;
    defer _ = debug.deinit();
    const allocator = debug.allocator();
    const args = try std.process.argsAlloc(allocator);
    defer std.process.argsFree(allocator, args);
    var buffer: [4096]u8 = undefined;
    var writer = std.fs.File.stdout().writer(&buffer);
    const stdout = &writer.interface;
    defer stdout.flush() catch {};
    if (args.len < 2) {
        try stdout.print("usage: concurrency <executable> TEXT_URL=... STALLED_URL=... TMP=... STREAMS=n\n", .{});
        return 2;
    }
    var values = std.StringHashMap([]const u8).init(allocator);
    defer values.deinit();
    for (args[2..]) |pair| {
        const eq = std.mem.indexOfScalar(u8, pair, '=') orelse return 2;
        try values.put(pair[0..eq], pair[eq + 1 ..]);
    }
    const setup: Setup = .{
        .executable = args[1],
        .text_url = values.get("TEXT_URL") orelse return 2,
        .stalled_url = try std.fmt.allocPrint(allocator, "{s}/v1", .{values.get("STALLED_URL") orelse return 2}),
        .tmp = values.get("TMP") orelse return 2,
        .streams = try std.fmt.parseInt(usize, values.get("STREAMS") orelse "8", 10),
    };
    defer allocator.free(setup.stalled_url);
    var env = std.process.EnvMap.init(allocator);
    defer env.deinit();
    if (std.posix.getenv("PATH")) |path| try env.put("PATH", path);
    try env.put("HOME", setup.tmp);
    const auth = try std.fs.path.join(allocator, &.{ setup.tmp, "auth.json" });
    defer allocator.free(auth);
    try env.put("PLUE_AUTH_FILE", auth);

    const interleaved = manyStreams(allocator, setup, &env) catch {
        try stdout.print("FAIL concurrency: {s}\n", .{failure orelse "?"});
        return 1;
    };
    killed(allocator, setup, &env) catch {
        try stdout.print("FAIL killed child: {s}\n", .{failure orelse "?"});
        return 1;
    };
    try stdout.print("ok concurrency: {d} streams interleaved ({d} lines overlapped), cancel and deadline mid-stream, killed child reported to every handle\n", .{ setup.streams, interleaved });
    return 0;
}

const Setup = struct { executable: []const u8, text_url: []const u8, stalled_url: []const u8, tmp: []const u8, streams: usize };

const messages = [_]plue.Message{
    .{ .role = .system, .content = "You are a helpful assistant" },
    .{ .role = .user, .content = "Say hi in Portuguese" },
};

fn stalledParams(setup: Setup) plue.ChatParams {
    return .{ .model = "gpt-4o", .messages = &.{.{ .role = .user, .content = "hi" }}, .options = .{ .base_url = setup.stalled_url, .credentials = .{ .api_key = "sk-conformance-not-a-key" }, .max_retries = 0 } };
}

/// What one reading thread saw of one stream.
const Seen = struct {
    text: std.ArrayListUnmanaged(u8) = .empty,
    first_seq: u64 = 0,
    last_seq: u64 = 0,
    terminals: usize = 0,
    done: bool = false,
};

fn readStream(allocator: std.mem.Allocator, handle: *plue.Handle, seen: *Seen) void {
    while (true) {
        const maybe = handle.next(wait_ms) catch |err| {
            note("stream {f}: {s}", .{ handle.id, @errorName(err) });
            return;
        };
        var line = maybe orelse return;
        defer line.parsed.deinit();
        if (seen.first_seq == 0) seen.first_seq = line.seq;
        seen.last_seq = line.seq;
        if (line.parsed.response.isTerminal()) seen.terminals += 1;
        switch (line.parsed.response) {
            .chunk => |c| switch (c.chunk) {
                .content => |t| seen.text.appendSlice(allocator, t) catch return,
                .done => |d| seen.done = d.finish_reason == .stop and d.usage.output_tokens == 38,
                else => {},
            },
            .failure => |f| note("stream {f}: {s} {s}", .{ handle.id, f.err.code_name, f.err.message }),
            .result => note("stream {f}: a result line", .{handle.id}),
        }
    }
}

/// Returns how many lines of other streams arrived while some stream was open.
fn manyStreams(allocator: std.mem.Allocator, setup: Setup, env: *const std.process.EnvMap) !u64 {
    const client = try plue.Client.start(allocator, .{ .argv = &.{setup.executable}, .env = env });
    defer client.deinit();

    // The stalled stream to cancel: its "Hel" must have arrived first.
    const victim = try client.streamChat("openai", stalledParams(setup), .{ .id = .{ .string = "victim" } });
    defer victim.deinit();
    var first = (try victim.next(wait_ms)) orelse return fail("victim: no line", .{});
    const hel = first.parsed.response == .chunk and first.parsed.response.chunk.chunk == .content and std.mem.eql(u8, first.parsed.response.chunk.chunk.content, "Hel");
    first.parsed.deinit();
    if (!hel) return fail("victim: first line is not the content \"Hel\"", .{});

    const late = try client.streamChat("openai", stalledParams(setup), .{ .deadline_ms = 1_500 });
    defer late.deinit();

    const handles = try allocator.alloc(*plue.Handle, setup.streams);
    defer allocator.free(handles);
    const seen = try allocator.alloc(Seen, setup.streams);
    defer allocator.free(seen);
    const threads = try allocator.alloc(std.Thread, setup.streams);
    defer allocator.free(threads);
    for (handles, seen, threads) |*h, *s, *t| {
        h.* = try client.streamChat("anthropic", .{ .model = "claude-sonnet-4-20250514", .messages = &messages, .max_tokens = 4000, .options = .{ .base_url = setup.text_url, .credentials = .{ .api_key = "sk-ant-conformance-not-a-key" } } }, .{});
        s.* = .{};
        t.* = try std.Thread.spawn(.{}, readStream, .{ allocator, h.*, s });
    }
    defer for (handles, seen) |h, *s| {
        h.deinit();
        s.text.deinit(allocator);
    };

    // Cancel by handle while the others stream.
    try victim.cancel();
    var end = (try victim.next(wait_ms)) orelse return fail("victim: no terminal line", .{});
    defer end.parsed.deinit();
    const e = switch (end.parsed.response) {
        .failure => |f| f.err,
        else => return fail("victim: not an error line after cancel", .{}),
    };
    if (e.code != .CANCELLED or !e.partial) return fail("victim: {s} partial={}", .{ e.code_name, e.partial });
    if (try victim.next(0) != null) return fail("victim: a line after the terminal line", .{});

    // The client-side deadline: DeadlineExceeded once (after "Hel"), then the CANCELLED line it caused.
    var got_deadline = false;
    var late_end: ?plue.ErrorCode = null;
    while (true) {
        var line = late.next(wait_ms) catch |err| switch (err) {
            error.DeadlineExceeded => {
                got_deadline = true;
                continue;
            },
            else => return fail("deadline stream: {s}", .{@errorName(err)}),
        } orelse break;
        defer line.parsed.deinit();
        if (line.parsed.response == .failure) late_end = line.parsed.response.failure.err.code;
    }
    if (!got_deadline or late_end != .CANCELLED) return fail("deadline stream: DeadlineExceeded {}, terminal {?}", .{ got_deadline, late_end });

    for (threads) |t| t.join();
    if (failure != null) return error.Failed;
    var overlapped: u64 = 0;
    for (seen, 0..) |s, i| {
        if (!std.mem.eql(u8, s.text.items, text)) return fail("stream {d}: text {s}", .{ i, s.text.items });
        if (s.terminals != 1 or !s.done) return fail("stream {d}: {d} terminal lines, done ok {}", .{ i, s.terminals, s.done });
        for (seen) |other| {
            if (other.first_seq > s.first_seq and other.first_seq < s.last_seq) overlapped += 1;
        }
    }
    if (overlapped == 0) return fail("the streams did not interleave", .{});

    // A request's id is free again once it ended; a duplicate of a running one is refused.
    const again = try client.ping(.{ .id = .{ .string = "victim" } });
    defer again.deinit();
    var pong = try again.terminal(wait_ms);
    defer pong.parsed.deinit();
    const ping = try plue.results.ping(pong.parsed.arena.allocator(), pong.parsed.response.result.data);
    if (ping.protocol != plue.protocol_version) return fail("ping: protocol {d}", .{ping.protocol});

    const term = client.shutdown(5_000);
    if (term != .exited or term.exited != 0) return fail("shutdown: {any}", .{term});
    return overlapped;
}

fn killed(allocator: std.mem.Allocator, setup: Setup, env: *const std.process.EnvMap) !void {
    const client = try plue.Client.start(allocator, .{ .argv = &.{setup.executable}, .env = env });
    defer client.deinit();
    var handles: [2]*plue.Handle = undefined;
    for (&handles) |*h| {
        h.* = try client.streamChat("openai", stalledParams(setup), .{});
        var line = (try h.*.next(wait_ms)) orelse return fail("no first line", .{});
        line.parsed.deinit();
    }
    defer for (handles) |h| h.deinit();
    // The stalled streams never end on their own: the id is in flight, so the duplicate is refused.
    if (!client.inFlight(handles[0].id)) return fail("a stalled stream is not in flight", .{});
    if (client.streamChat("openai", stalledParams(setup), .{ .id = handles[0].id })) |dup| {
        dup.deinit();
        return fail("a duplicate in-flight id was accepted", .{});
    } else |err| if (err != error.IdInUse) return fail("a duplicate in-flight id: {s}", .{@errorName(err)});
    client.signal(std.posix.SIG.KILL);
    for (handles) |h| {
        if (h.next(wait_ms)) |_| return fail("a line after the kill", .{}) else |err| if (err != error.ExecutableCrashed) return fail("after the kill: {s}", .{@errorName(err)});
    }
    const term = client.waitEnded(wait_ms) orelse return fail("not reaped", .{});
    if (term != .signal or term.signal != std.posix.SIG.KILL) return fail("term {any}", .{term});
    if (client.ping(.{})) |h| {
        h.deinit();
        return fail("a request after the crash was accepted", .{});
    } else |err| if (err != error.ExecutableGone) return fail("request after the crash: {s}", .{@errorName(err)});
}
