//! Runs one wire/conformance transcript against the executable, through the
//! plue_ai_provider client (requests through `Client.request`, their lines
//! through the handles; `send_raw` lines and `id: null` errors through the
//! unrouted queue).
//!
//!   conformance <executable> <transcript.ndjson> [NAME=VALUE ...]
//!
//! NAME=VALUE pairs fill the transcript's ${NAME} placeholders: TMP (used as
//! HOME and for PLUE_AUTH_FILE; a fresh directory is made and removed when
//! absent) and REPLAY_URL / REPLAY_URL_<NAME> for its cassettes
//! (test/wire/zig.test.ts starts the replay servers). Same rules as
//! test/support/transcript.ts; the format is in wire/conformance/README.md.
//! Exit 0 and "ok" when every expectation held; exit 1 and
//! "FAIL <file>:<line>: <why>" otherwise.
const std = @import("std");
const plue = @import("plue_ai_provider");
const pattern = @import("pattern.zig");
const Value = std.json.Value;

const default_wait_ms: u64 = 10_000;

pub fn main() !u8 {
    var debug: std.heap.DebugAllocator(.{}) = .init;
    // A leak report lands on stderr, which test/wire/zig.test.ts requires to be empty.
    defer _ = debug.deinit();
    const allocator = debug.allocator();
    const args = try std.process.argsAlloc(allocator);
    defer std.process.argsFree(allocator, args);
    var buffer: [4096]u8 = undefined;
    var writer = std.fs.File.stdout().writer(&buffer);
    const stdout = &writer.interface;
    defer stdout.flush() catch {};

    if (args.len < 3) {
        try stdout.print("usage: conformance <executable> <transcript.ndjson> [NAME=VALUE ...]\n", .{});
        return 2;
    }
    var runner = Runner{
        .allocator = allocator,
        .arena = std.heap.ArenaAllocator.init(allocator),
        .executable = args[1],
        .path = args[2],
        .values = std.StringHashMap([]const u8).init(allocator),
    };
    defer runner.deinit();
    for (args[3..]) |pair| {
        const eq = std.mem.indexOfScalar(u8, pair, '=') orelse {
            try stdout.print("bad NAME=VALUE argument: {s}\n", .{pair});
            return 2;
        };
        try runner.values.put(pair[0..eq], pair[eq + 1 ..]);
    }
    var own_tmp: ?[]const u8 = null;
    if (runner.values.get("TMP") == null) {
        var name: [16]u8 = undefined;
        const base = std.posix.getenv("TMPDIR") orelse "/tmp";
        const dir = try std.fmt.allocPrint(runner.arena.allocator(), "{s}/plue-zig-{x}", .{ base, std.crypto.random.int(u64) });
        _ = &name;
        try std.fs.cwd().makePath(dir);
        own_tmp = dir;
        try runner.values.put("TMP", dir);
    }
    defer if (own_tmp) |dir| std.fs.cwd().deleteTree(dir) catch {};

    runner.run() catch |err| {
        if (err != error.TranscriptFailed) try runner.problem.print(allocator, "{s}", .{@errorName(err)});
        try stdout.print("FAIL {s}:{d}: {s}\n", .{ runner.path, runner.line_number, runner.problem.items });
        if (runner.client) |client| {
            const log = try client.stderrTail(allocator);
            defer allocator.free(log);
            try stdout.print("--- executable stderr (last 2000 bytes) ---\n{s}\n", .{log[log.len -| 2000..]});
        }
        return 1;
    };
    try stdout.print("ok {s} ({d} response lines)\n", .{ runner.path, runner.lines.items.len });
    return 0;
}

const Line = struct { seq: u64, parsed: plue.Parsed, consumed: bool = false };

const directives = [_][]const u8{ "scenario", "env", "cassette", "send", "send_raw", "expect", "expect_text", "close_stdin", "expect_exit" };

const Runner = struct {
    allocator: std.mem.Allocator,
    /// Transcript steps and messages live here until the end.
    arena: std.heap.ArenaAllocator,
    executable: []const u8,
    path: []const u8,
    values: std.StringHashMap([]const u8),
    env: ?std.process.EnvMap = null,
    client: ?*plue.Client = null,
    handles: std.ArrayListUnmanaged(*plue.Handle) = .empty,
    /// Every response line so far, in arrival order.
    lines: std.ArrayListUnmanaged(Line) = .empty,
    exit_code: ?u8 = null,
    line_number: usize = 0,
    wait_ms: u64 = default_wait_ms,
    problem: std.ArrayListUnmanaged(u8) = .empty,

    fn deinit(self: *Runner) void {
        for (self.handles.items) |h| h.deinit();
        self.handles.deinit(self.allocator);
        if (self.client) |client| {
            // A failed transcript may leave a stalled request: no grace period.
            if (self.exit_code == null) client.signal(std.posix.SIG.KILL);
            client.deinit();
        }
        for (self.lines.items) |*line| line.parsed.deinit();
        self.lines.deinit(self.allocator);
        if (self.env) |*env| env.deinit();
        self.values.deinit();
        self.problem.deinit(self.allocator);
        self.arena.deinit();
    }

    fn fail(self: *Runner, comptime format: []const u8, args: anytype) error{ TranscriptFailed, OutOfMemory } {
        try self.problem.print(self.allocator, format, args);
        return error.TranscriptFailed;
    }

    fn run(self: *Runner) !void {
        const text = try std.fs.cwd().readFileAlloc(self.arena.allocator(), self.path, 64 * 1024 * 1024);
        const tmp = self.values.get("TMP").?;
        self.env = std.process.EnvMap.init(self.allocator);
        if (std.posix.getenv("PATH")) |path| try self.env.?.put("PATH", path);
        try self.env.?.put("HOME", tmp);
        try self.env.?.put("PLUE_AUTH_FILE", try std.fs.path.join(self.arena.allocator(), &.{ tmp, "auth.json" }));

        var it = std.mem.splitScalar(u8, text, '\n');
        while (it.next()) |raw| {
            self.line_number += 1;
            if (raw.len == 0) continue;
            const line = try self.substitute(raw);
            const step = std.json.parseFromSliceLeaky(Value, self.arena.allocator(), line, .{}) catch return self.fail("not JSON", .{});
            if (step != .object) return self.fail("not a JSON object", .{});
            try self.perform(step.object);
        }
        if (self.exit_code == null) return self.fail("a transcript must end with close_stdin and expect_exit", .{});
    }

    /// `${NAME}` → its value; an unknown name is an error.
    fn substitute(self: *Runner, raw: []const u8) ![]const u8 {
        const arena = self.arena.allocator();
        var out: std.ArrayListUnmanaged(u8) = .empty;
        var rest = raw;
        while (std.mem.indexOf(u8, rest, "${")) |open| {
            const end = std.mem.indexOfScalarPos(u8, rest, open, '}') orelse return self.fail("unterminated placeholder", .{});
            const name = rest[open + 2 .. end];
            const value = self.values.get(name) orelse return self.fail("unknown placeholder ${{{s}}}", .{name});
            try out.appendSlice(arena, rest[0..open]);
            try out.appendSlice(arena, value);
            rest = rest[end + 1 ..];
        }
        try out.appendSlice(arena, rest);
        return out.items;
    }

    fn perform(self: *Runner, step: std.json.ObjectMap) !void {
        var directive: ?[]const u8 = null;
        for (directives) |name| {
            if (step.get(name) != null) {
                if (directive != null) return self.fail("a line needs exactly one directive", .{});
                directive = name;
            }
        }
        const name = directive orelse return self.fail("a line needs exactly one directive", .{});
        const arg = step.get(name).?;
        if (std.mem.eql(u8, name, "scenario")) {
            if (step.get("timeout_ms")) |ms| if (ms == .integer) {
                self.wait_ms = @intCast(ms.integer);
            };
        } else if (std.mem.eql(u8, name, "cassette")) {
            // Served by the caller, which passed REPLAY_URL[_NAME].
            const placeholder = if (step.get("name")) |n| try std.fmt.allocPrint(self.arena.allocator(), "REPLAY_URL_{s}", .{n.string}) else "REPLAY_URL";
            if (self.values.get(placeholder) == null) return self.fail("this transcript needs a replay server ({s}=...); npm test (test/wire/zig.test.ts) serves it", .{placeholder});
        } else if (std.mem.eql(u8, name, "env")) {
            if (self.client != null) return self.fail("env must come before the first send", .{});
            if (arg != .object) return self.fail("env must be an object of strings", .{});
            var entries = arg.object.iterator();
            while (entries.next()) |entry| {
                if (entry.value_ptr.* != .string) return self.fail("env must be an object of strings", .{});
                try self.env.?.put(entry.key_ptr.*, entry.value_ptr.string);
            }
        } else if (std.mem.eql(u8, name, "send")) {
            try self.send(arg);
        } else if (std.mem.eql(u8, name, "send_raw")) {
            if (arg != .string) return self.fail("send_raw takes a string", .{});
            try (try self.start()).sendRaw(arg.string);
        } else if (std.mem.eql(u8, name, "expect")) {
            try self.expect(arg);
        } else if (std.mem.eql(u8, name, "expect_text")) {
            try self.expectText(arg);
        } else if (std.mem.eql(u8, name, "close_stdin")) {
            (try self.start()).closeStdin();
        } else if (std.mem.eql(u8, name, "expect_exit")) {
            try self.expectExit(arg);
        }
    }

    fn start(self: *Runner) !*plue.Client {
        if (self.client == null) {
            self.client = try plue.Client.start(self.allocator, .{ .argv = &.{self.executable}, .env = &self.env.? });
        }
        return self.client.?;
    }

    /// Sends a request through the typed API: the id and action are read into
    /// plue.Id and plue.Action, params stay a JSON value.
    fn send(self: *Runner, request: Value) !void {
        if (request != .object) return self.fail("send takes a request object", .{});
        const o = request.object;
        const id = plue.readId(o.get("id") orelse .null) orelse return self.fail("send: id must be a string or an integer", .{});
        const action_name = o.get("action") orelse .null;
        if (action_name != .string) return self.fail("send: action must be a string", .{});
        const action = std.meta.stringToEnum(plue.Action, action_name.string) orelse return self.fail("send: unknown action {s}", .{action_name.string});
        const provider: ?[]const u8 = if (o.get("provider")) |p| (if (p == .string) p.string else return self.fail("send: provider must be a string", .{})) else null;
        const timeout: ?u64 = if (o.get("timeout")) |t| (if (t == .integer) @intCast(t.integer) else return self.fail("send: timeout must be an integer", .{})) else null;
        var known: usize = 0;
        for ([_][]const u8{ "id", "action", "provider", "params", "timeout" }) |key| {
            if (o.get(key) != null) known += 1;
        }
        if (known != o.count()) return self.fail("send: unknown envelope field (use send_raw for deliberately bad requests)", .{});
        const client = try self.start();
        const envelope: plue.Envelope = .{ .id = id, .action = action, .provider = provider, .timeout_ms = timeout };
        if (client.inFlight(id)) {
            // A duplicate in-flight id (error-invalid-request): the client refuses
            // it (error.IdInUse), so it goes out raw; its error carries id null.
            const line = if (o.get("params")) |params| try plue.encodeRequest(self.arena.allocator(), envelope, plue.Json{ .value = params }) else try plue.encodeRequest(self.arena.allocator(), envelope, null);
            return client.sendRaw(line[0 .. line.len - 1]);
        }
        try self.handles.ensureUnusedCapacity(self.allocator, 1);
        const options: plue.RequestOptions = .{ .id = id, .timeout_ms = timeout };
        const handle = if (o.get("params")) |params| try client.request(action, provider, plue.Json{ .value = params }, options) else try client.request(action, provider, null, options);
        self.handles.appendAssumeCapacity(handle);
    }

    /// Moves every line that has arrived (from all handles and the unrouted queue) into `lines`; how many.
    fn collect(self: *Runner) !usize {
        const client = self.client.?;
        const before = self.lines.items.len;
        for (self.handles.items) |h| {
            while (true) {
                try self.lines.ensureUnusedCapacity(self.allocator, 1);
                const line = h.next(0) catch break orelse break;
                self.lines.appendAssumeCapacity(.{ .seq = line.seq, .parsed = line.parsed });
            }
        }
        while (true) {
            try self.lines.ensureUnusedCapacity(self.allocator, 1);
            const line = client.nextUnrouted(0) catch break orelse break;
            self.lines.appendAssumeCapacity(.{ .seq = line.seq, .parsed = line.parsed });
        }
        const fresh = self.lines.items[before..];
        std.mem.sort(Line, fresh, {}, struct {
            fn lessThan(_: void, a: Line, b: Line) bool {
                return a.seq < b.seq;
            }
        }.lessThan);
        if (before > 0 and fresh.len > 0 and fresh[0].seq < self.lines.items[before - 1].seq) {
            return self.fail("lines arrived out of order (seq {d} after {d})", .{ fresh[0].seq, self.lines.items[before - 1].seq });
        }
        for (fresh) |line| try self.checkLine(line.parsed);
        return fresh.len;
    }

    /// What this client must know of everything this executable writes.
    fn checkLine(self: *Runner, parsed: plue.Parsed) !void {
        // wire/README, Transport: readers that split on U+2028/U+2029 must still see one line.
        if (std.mem.indexOf(u8, parsed.text, "\xe2\x80\xa8") != null or std.mem.indexOf(u8, parsed.text, "\xe2\x80\xa9") != null) {
            return self.fail("a response line carries a raw U+2028/U+2029", .{});
        }
        switch (parsed.response) {
            .chunk => |c| switch (c.chunk) {
                .unknown => |kind| return self.fail("chunk type {s} unknown to plue_ai_provider", .{kind}),
                .done => |done| try self.knownActions(done.adjustments),
                else => {},
            },
            .failure => |f| {
                if (f.err.code == .unknown) return self.fail("error code {s} unknown to plue_ai_provider", .{f.err.code_name});
                try self.knownActions(f.err.adjustments);
            },
            .result => {},
        }
    }

    fn knownActions(self: *Runner, adjustments: []const plue.Adjustment) !void {
        for (adjustments) |adjustment| {
            if (adjustment.action == .other) return self.fail("adjustment action {s} unknown to plue_ai_provider", .{adjustment.action_name});
        }
    }

    /// Reads more lines into `lines`; false once the executable's output has ended.
    fn readMore(self: *Runner, deadline: i64) !bool {
        const client = try self.start();
        while (true) {
            // In this order: the reader marks the end only after its last line.
            const ended = client.endReason();
            const seen = client.lineCount();
            if (try self.collect() > 0) return true;
            if (ended) |end| {
                if (end != .exited and end != .crashed) {
                    const bad = try client.violationLine(self.arena.allocator());
                    return self.fail("the client stopped reading: {s} ({s})", .{ @tagName(end), bad });
                }
                return false;
            }
            const left = deadline - std.time.milliTimestamp();
            if (left <= 0 or !client.waitPast(seen, @intCast(left))) return self.fail("no matching line within {d} ms", .{self.wait_ms});
        }
    }

    /// Index of the first unconsumed line whose id equals `id`, reading as needed.
    fn nextFor(self: *Runner, id: Value) !usize {
        const deadline = std.time.milliTimestamp() + @as(i64, @intCast(self.wait_ms));
        var checked: usize = 0;
        while (true) {
            while (checked < self.lines.items.len) : (checked += 1) {
                const line = self.lines.items[checked];
                if (!line.consumed and pattern.idEquals(id, line.parsed.response.id())) return checked;
            }
            if (!try self.readMore(deadline)) return self.fail("stdout ended before a line with the expected id", .{});
        }
    }

    fn expect(self: *Runner, want: Value) !void {
        if (want != .object or want.object.get("id") == null) return self.fail("an expect pattern needs a literal id", .{});
        const index = try self.nextFor(want.object.get("id").?);
        const line = &self.lines.items[index];
        line.consumed = true;
        var path: pattern.Path = .empty;
        try path.appendSlice(self.arena.allocator(), "$");
        if (try pattern.mismatch(self.arena.allocator(), want, line.parsed.value, &path)) |why| {
            return self.fail("{s}", .{why});
        }
    }

    fn expectText(self: *Runner, spec: Value) !void {
        if (spec != .object) return self.fail("expect_text takes {{id, type, text}}", .{});
        const id = spec.object.get("id") orelse return self.fail("expect_text needs an id", .{});
        const kind = spec.object.get("type") orelse .null;
        const want = spec.object.get("text") orelse .null;
        if (kind != .string) return self.fail("expect_text needs a type", .{});
        const arena = self.arena.allocator();
        // A literal text (or $repeat) ends the run as soon as it is complete,
        // so a stream that stalls after it can still be matched.
        const literal: ?[]const u8 = try pattern.literalText(arena, want);
        var text: std.ArrayListUnmanaged(u8) = .empty;
        var chunks: usize = 0;
        while (literal == null or !std.mem.eql(u8, text.items, literal.?)) {
            const index = try self.nextFor(id);
            const line = &self.lines.items[index];
            if (!pattern.plainText(line.parsed, kind.string)) break;
            line.consumed = true;
            try text.appendSlice(arena, line.parsed.value.object.get("data").?.object.get("content").?.string);
            chunks += 1;
            if (literal != null and !std.mem.startsWith(u8, literal.?, text.items)) break;
        }
        if (chunks == 0) return self.fail("expected {s} chunks", .{kind.string});
        var path: pattern.Path = .empty;
        try path.appendSlice(arena, "concatenated text");
        if (try pattern.mismatch(arena, want, .{ .string = text.items }, &path)) |why| {
            return self.fail("{s}", .{why});
        }
    }

    fn expectExit(self: *Runner, code: Value) !void {
        const client = try self.start();
        const deadline = std.time.milliTimestamp() + @as(i64, @intCast(self.wait_ms));
        while (try self.readMore(deadline)) {}
        const term = client.waitEnded(@intCast(@max(0, deadline - std.time.milliTimestamp()))) orelse return self.fail("the executable did not exit within {d} ms", .{self.wait_ms});
        if (term != .exited) return self.fail("the executable ended with {any}", .{term});
        self.exit_code = term.exited;
        if (code != .integer or code.integer != term.exited) return self.fail("exit code {d}", .{term.exited});
        for (self.lines.items) |line| {
            if (!line.consumed) return self.fail("a line no expect consumed (id {?f})", .{line.parsed.response.id()});
        }
    }
};
