//! Runs one wire/conformance transcript against the executable, through plue.zig.
//!
//!   conformance <executable> <transcript.ndjson> [NAME=VALUE ...]
//!   conformance --self-test
//!
//! NAME=VALUE pairs fill the transcript's ${NAME} placeholders: TMP (a fresh
//! directory, used as HOME and for PLUE_AUTH_FILE) and REPLAY_URL /
//! REPLAY_URL_<NAME> for its cassettes (test/wire/zig.test.ts starts the
//! replay servers). Same rules as test/support/transcript.ts; the format is
//! in wire/conformance/README.md. Exit 0 and "ok" when every expectation
//! held; exit 1 and "FAIL <file>:<line>: <why>" otherwise.
const std = @import("std");
const plue = @import("plue.zig");
const Value = std.json.Value;

const default_wait_ms: i32 = 10_000;

pub fn main() !u8 {
    var gpa = std.heap.GeneralPurposeAllocator(.{}){};
    defer _ = gpa.deinit();
    const allocator = gpa.allocator();
    const args = try std.process.argsAlloc(allocator);
    defer std.process.argsFree(allocator, args);
    const stdout = std.io.getStdOut().writer();

    if (args.len == 2 and std.mem.eql(u8, args[1], "--self-test")) {
        selfTest(allocator) catch |err| {
            try stdout.print("FAIL self-test: {s}\n", .{@errorName(err)});
            return 1;
        };
        try stdout.print("ok self-test\n", .{});
        return 0;
    }
    if (args.len < 3) {
        try stdout.print("usage: conformance <executable> <transcript.ndjson> [NAME=VALUE ...] | --self-test\n", .{});
        return 2;
    }

    var runner = Runner{
        .allocator = allocator,
        .arena = std.heap.ArenaAllocator.init(allocator),
        .executable = args[1],
        .path = args[2],
        .values = std.StringHashMap([]const u8).init(allocator),
        .lines = std.ArrayList(Line).init(allocator),
        .problem = std.ArrayList(u8).init(allocator),
    };
    defer runner.deinit();
    for (args[3..]) |pair| {
        const eq = std.mem.indexOfScalar(u8, pair, '=') orelse {
            try stdout.print("bad NAME=VALUE argument: {s}\n", .{pair});
            return 2;
        };
        try runner.values.put(pair[0..eq], pair[eq + 1 ..]);
    }
    runner.run() catch |err| {
        if (err != error.TranscriptFailed) try runner.problem.writer().print("{s}", .{@errorName(err)});
        try stdout.print("FAIL {s}:{d}: {s}\n", .{ runner.path, runner.line_number, runner.problem.items });
        if (runner.client) |*client| {
            const log = client.stderr.items;
            try stdout.print("--- executable stderr (last 2000 bytes) ---\n{s}\n", .{log[log.len -| 2000..]});
        }
        return 1;
    };
    try stdout.print("ok {s} ({d} response lines)\n", .{ runner.path, runner.lines.items.len });
    return 0;
}

const Line = struct { parsed: plue.Parsed, consumed: bool = false };

const directives = [_][]const u8{ "scenario", "env", "cassette", "send", "send_raw", "expect", "expect_text", "close_stdin", "expect_exit" };

const Runner = struct {
    allocator: std.mem.Allocator,
    /// Transcript steps and messages live here until the end.
    arena: std.heap.ArenaAllocator,
    executable: []const u8,
    path: []const u8,
    values: std.StringHashMap([]const u8),
    env: ?std.process.EnvMap = null,
    client: ?plue.Client = null,
    /// Every response line so far, in arrival order.
    lines: std.ArrayList(Line),
    exit_code: ?u8 = null,
    line_number: usize = 0,
    wait_ms: i32 = default_wait_ms,
    problem: std.ArrayList(u8),

    fn deinit(self: *Runner) void {
        if (self.client) |*client| {
            if (self.exit_code == null) {
                client.kill();
            }
            client.deinit();
        }
        for (self.lines.items) |*line| line.parsed.deinit();
        self.lines.deinit();
        if (self.env) |*env| env.deinit();
        self.values.deinit();
        self.problem.deinit();
        self.arena.deinit();
    }

    fn fail(self: *Runner, comptime format: []const u8, args: anytype) error{ TranscriptFailed, OutOfMemory } {
        try self.problem.writer().print(format, args);
        return error.TranscriptFailed;
    }

    fn run(self: *Runner) !void {
        const text = try std.fs.cwd().readFileAlloc(self.arena.allocator(), self.path, 64 * 1024 * 1024);
        const tmp = self.values.get("TMP") orelse return self.fail("no TMP=<directory> argument", .{});
        self.env = std.process.EnvMap.init(self.allocator);
        if (std.os.getenv("PATH")) |path| try self.env.?.put("PATH", path);
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
        var out = std.ArrayList(u8).init(self.arena.allocator());
        var rest = raw;
        while (std.mem.indexOf(u8, rest, "${")) |open| {
            const end = std.mem.indexOfScalarPos(u8, rest, open, '}') orelse return self.fail("unterminated placeholder", .{});
            const name = rest[open + 2 .. end];
            const value = self.values.get(name) orelse return self.fail("unknown placeholder ${{{s}}}", .{name});
            try out.appendSlice(rest[0..open]);
            try out.appendSlice(value);
            rest = rest[end + 1 ..];
        }
        try out.appendSlice(rest);
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
            try (try self.start()).sendLine(arg.string);
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
            self.client = try plue.Client.spawn(self.allocator, &.{self.executable}, &self.env.?);
        }
        return &self.client.?;
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
        if (o.get("params")) |params| {
            try client.send(id, action, provider, plue.Json{ .value = params }, timeout);
        } else {
            try client.send(id, action, provider, null, timeout);
        }
    }

    /// Reads one more line into `lines`; false at EOF.
    fn readMore(self: *Runner, deadline: i64) !bool {
        const client = try self.start();
        const left: i32 = @intCast(@max(0, deadline - std.time.milliTimestamp()));
        const raw = client.readLine(left) catch |err| switch (err) {
            error.Timeout => return self.fail("no matching line within {d} ms", .{self.wait_ms}),
            else => return err,
        } orelse return false;
        defer self.allocator.free(raw);
        // wire/README, Transport: readers that split on U+2028/U+2029 must still see one line.
        if (std.mem.indexOf(u8, raw, "\xe2\x80\xa8") != null or std.mem.indexOf(u8, raw, "\xe2\x80\xa9") != null) {
            return self.fail("a response line carries a raw U+2028/U+2029", .{});
        }
        const parsed = plue.parseResponse(self.allocator, raw) catch |err| {
            return self.fail("plue.parseResponse failed ({s}) on: {s}", .{ @errorName(err), raw[0..@min(raw.len, 300)] });
        };
        try self.lines.append(.{ .parsed = parsed });
        // This client must know everything this executable writes.
        switch (parsed.response) {
            .chunk => |c| switch (c.chunk) {
                .unknown => |kind| return self.fail("chunk type {s} unknown to plue.zig", .{kind}),
                .done => |done| try self.knownActions(done.adjustments),
                else => {},
            },
            .failure => |f| {
                if (f.err.code == .unknown) return self.fail("error code {s} unknown to plue.zig", .{f.err.code_name});
                try self.knownActions(f.err.adjustments);
            },
            .result => {},
        }
        return true;
    }

    fn knownActions(self: *Runner, adjustments: []const plue.Adjustment) !void {
        for (adjustments) |adjustment| {
            if (adjustment.action == .other) return self.fail("adjustment action {s} unknown to plue.zig", .{adjustment.action_name});
        }
    }

    /// Index of the first unconsumed line whose id equals `id`, reading as needed.
    fn nextFor(self: *Runner, id: Value) !usize {
        const deadline = std.time.milliTimestamp() + self.wait_ms;
        var checked: usize = 0;
        while (true) {
            while (checked < self.lines.items.len) : (checked += 1) {
                const line = self.lines.items[checked];
                if (!line.consumed and idEquals(id, line.parsed.response.id())) return checked;
            }
            if (!try self.readMore(deadline)) return self.fail("stdout ended before a line with the expected id", .{});
        }
    }

    fn expect(self: *Runner, pattern: Value) !void {
        if (pattern != .object or pattern.object.get("id") == null) return self.fail("an expect pattern needs a literal id", .{});
        const index = try self.nextFor(pattern.object.get("id").?);
        const line = &self.lines.items[index];
        line.consumed = true;
        var path = std.ArrayList(u8).init(self.arena.allocator());
        try path.appendSlice("$");
        if (try mismatch(self.arena.allocator(), pattern, line.parsed.value, &path)) |why| {
            return self.fail("{s}", .{why});
        }
    }

    fn expectText(self: *Runner, spec: Value) !void {
        if (spec != .object) return self.fail("expect_text takes {{id, type, text}}", .{});
        const id = spec.object.get("id") orelse return self.fail("expect_text needs an id", .{});
        const kind = spec.object.get("type") orelse .null;
        const want = spec.object.get("text") orelse .null;
        if (kind != .string) return self.fail("expect_text needs a type", .{});
        // A literal text (or $repeat) ends the run as soon as it is complete,
        // so a stream that stalls after it can still be matched.
        const literal: ?[]const u8 = try literalText(self.arena.allocator(), want);
        var text = std.ArrayList(u8).init(self.arena.allocator());
        var chunks: usize = 0;
        while (literal == null or !std.mem.eql(u8, text.items, literal.?)) {
            const index = try self.nextFor(id);
            const line = &self.lines.items[index];
            if (!plainText(line.parsed, kind.string)) break;
            line.consumed = true;
            try text.appendSlice(line.parsed.value.object.get("data").?.object.get("content").?.string);
            chunks += 1;
            if (literal != null and !std.mem.startsWith(u8, literal.?, text.items)) break;
        }
        if (chunks == 0) return self.fail("expected {s} chunks", .{kind.string});
        var path = std.ArrayList(u8).init(self.arena.allocator());
        try path.appendSlice("concatenated text");
        if (try mismatch(self.arena.allocator(), want, .{ .string = text.items }, &path)) |why| {
            return self.fail("{s}", .{why});
        }
    }

    fn expectExit(self: *Runner, code: Value) !void {
        const client = try self.start();
        const deadline = std.time.milliTimestamp() + self.wait_ms;
        while (try self.readMore(deadline)) {}
        const exit = client.wait(@intCast(@max(0, deadline - std.time.milliTimestamp()))) catch |err| return self.fail("waiting for exit: {s}", .{@errorName(err)});
        self.exit_code = exit;
        if (code != .integer or code.integer != exit) return self.fail("exit code {d}", .{exit});
        for (self.lines.items) |line| {
            if (!line.consumed) {
                const id = line.parsed.response.id();
                return self.fail("a line no expect consumed (id {any})", .{id});
            }
        }
    }
};

/// A chunk of `kind` with only `type` and `content`.
fn plainText(parsed: plue.Parsed, kind: []const u8) bool {
    const chunk = switch (parsed.response) {
        .chunk => |c| c.chunk,
        else => return false,
    };
    const matches = if (std.mem.eql(u8, kind, "content")) chunk == .content else if (std.mem.eql(u8, kind, "reasoning")) chunk == .reasoning and chunk.reasoning.signature == null and chunk.reasoning.redacted == null else false;
    return matches and parsed.value.object.get("data").?.object.count() == 2;
}

fn literalText(allocator: std.mem.Allocator, want: Value) !?[]const u8 {
    switch (want) {
        .string => |s| return if (placeholder(s) == null) s else null,
        .object => |o| {
            const unit = o.get("$repeat") orelse return null;
            const times = o.get("count") orelse return null;
            if (unit != .string or times != .integer) return null;
            const out = try allocator.alloc(u8, unit.string.len * @as(usize, @intCast(times.integer)));
            var i: usize = 0;
            while (i < out.len) : (i += unit.string.len) @memcpy(out[i .. i + unit.string.len], unit.string);
            return out;
        },
        else => return null,
    }
}

fn idEquals(pattern: Value, id: ?plue.Id) bool {
    const actual = id orelse return pattern == .null;
    return switch (pattern) {
        .integer => |n| actual == .int and actual.int == n,
        .string => |s| actual == .string and std.mem.eql(u8, actual.string, s),
        else => false,
    };
}

const Placeholder = enum { any, string, number, integer, boolean, object, array, absent };

fn placeholder(text: []const u8) ?Placeholder {
    if (text.len < 2 or text[0] != '$') return null;
    return std.meta.stringToEnum(Placeholder, text[1..]);
}

fn numbersEqual(a: Value, b: Value) bool {
    if (a == .integer and b == .integer) return a.integer == b.integer;
    const x = plue.number(a) orelse return false;
    const y = plue.number(b) orelse return false;
    return @fabs(x - y) <= 1e-9 * @max(@as(f64, 1), @max(@fabs(x), @fabs(y)));
}

fn isNumber(v: Value) bool {
    return v == .integer or v == .float or v == .number_string;
}

/// null when `actual` matches `pattern`; otherwise where and why not.
fn mismatch(allocator: std.mem.Allocator, pattern: Value, actual: ?Value, path: *std.ArrayList(u8)) !?[]const u8 {
    const show = struct {
        fn value(a: std.mem.Allocator, v: ?Value) ![]const u8 {
            const x = v orelse return "nothing";
            const text = try std.json.stringifyAlloc(a, x, .{});
            return text[0..@min(text.len, 200)];
        }
    };
    if (pattern == .string) if (placeholder(pattern.string)) |kind| {
        const ok = switch (kind) {
            .any => actual != null,
            .absent => actual == null,
            .string => actual != null and actual.? == .string,
            .number => actual != null and isNumber(actual.?),
            .integer => actual != null and actual.? == .integer,
            .boolean => actual != null and actual.? == .bool,
            .object => actual != null and actual.? == .object,
            .array => actual != null and actual.? == .array,
        };
        if (ok) return null;
        return try std.fmt.allocPrint(allocator, "{s}: expected {s}, got {s}", .{ path.items, pattern.string, try show.value(allocator, actual) });
    };
    if (pattern == .object) {
        if (pattern.object.get("$contains")) |wanted| {
            if (actual == null or actual.? != .array) return try std.fmt.allocPrint(allocator, "{s}: expected an array", .{path.items});
            for (wanted.array.items, 0..) |item, i| {
                var found = false;
                for (actual.?.array.items) |element| {
                    var inner = std.ArrayList(u8).init(allocator);
                    if (try mismatch(allocator, item, element, &inner) == null) {
                        found = true;
                        break;
                    }
                }
                if (!found) return try std.fmt.allocPrint(allocator, "{s}: no element matches $contains[{d}]", .{ path.items, i });
            }
            return null;
        }
        if (pattern.object.get("$repeat") != null) {
            const expected = (try literalText(allocator, pattern)).?;
            if (actual != null and actual.? == .string and std.mem.eql(u8, actual.?.string, expected)) return null;
            return try std.fmt.allocPrint(allocator, "{s}: not the expected $repeat text ({d} bytes)", .{ path.items, expected.len });
        }
        if (actual == null or actual.? != .object) return try std.fmt.allocPrint(allocator, "{s}: expected an object, got {s}", .{ path.items, try show.value(allocator, actual) });
        var entries = pattern.object.iterator();
        while (entries.next()) |entry| {
            const mark = path.items.len;
            try path.writer().print(".{s}", .{entry.key_ptr.*});
            if (try mismatch(allocator, entry.value_ptr.*, actual.?.object.get(entry.key_ptr.*), path)) |why| return why;
            path.shrinkRetainingCapacity(mark);
        }
        return null;
    }
    if (pattern == .array) {
        if (actual == null or actual.? != .array) return try std.fmt.allocPrint(allocator, "{s}: expected an array, got {s}", .{ path.items, try show.value(allocator, actual) });
        if (actual.?.array.items.len != pattern.array.items.len) return try std.fmt.allocPrint(allocator, "{s}: expected {d} elements, got {d}", .{ path.items, pattern.array.items.len, actual.?.array.items.len });
        for (pattern.array.items, actual.?.array.items, 0..) |p, a, i| {
            const mark = path.items.len;
            try path.writer().print("[{d}]", .{i});
            if (try mismatch(allocator, p, a, path)) |why| return why;
            path.shrinkRetainingCapacity(mark);
        }
        return null;
    }
    const same = if (actual == null) false else if (isNumber(pattern)) isNumber(actual.?) and numbersEqual(pattern, actual.?) else switch (pattern) {
        .null => actual.? == .null,
        .bool => |b| actual.? == .bool and actual.?.bool == b,
        .string => |s| actual.? == .string and std.mem.eql(u8, actual.?.string, s),
        else => false,
    };
    if (same) return null;
    return try std.fmt.allocPrint(allocator, "{s}: expected {s}, got {s}", .{ path.items, try show.value(allocator, pattern), try show.value(allocator, actual) });
}

// ---------------------------------------------------------------------------
// Lines this executable never writes but a protocol-1 client must handle
// (wire/README.md, Versioning), and the request encoding.

fn check(ok: bool) !void {
    if (!ok) return error.SelfTestFailed;
}

fn selfTest(allocator: std.mem.Allocator) !void {
    {
        // Unknown fields at every level are ignored.
        var p = try plue.parseResponse(allocator, "{\"id\":1,\"success\":true,\"data\":{\"version\":\"9.9.9\",\"protocol\":1,\"features\":[\"x\"]},\"trace\":{\"span\":7}}");
        defer p.deinit();
        const ping = try plue.asPing(p.response.result.data);
        try check(std.mem.eql(u8, ping.version, "9.9.9") and ping.protocol == 1 and p.response.isTerminal());
    }
    {
        // A chunk type from a newer executable: ignored, never terminal.
        var p = try plue.parseResponse(allocator, "{\"id\":\"r\",\"success\":true,\"streaming\":true,\"data\":{\"type\":\"citation\",\"url\":\"https://example.com\"}}");
        defer p.deinit();
        try check(p.response.chunk.chunk == .unknown and std.mem.eql(u8, p.response.chunk.chunk.unknown, "citation") and !p.response.isTerminal());
    }
    {
        // An error code from a newer executable counts as PROVIDER_ERROR; the other fields still count.
        var p = try plue.parseResponse(allocator, "{\"id\":\"r\",\"success\":false,\"error\":{\"code\":\"QUOTA_EXHAUSTED\",\"message\":\"m\",\"retryable\":false,\"partial\":true,\"hint\":\"x\"}}");
        defer p.deinit();
        const e = p.response.failure.err;
        try check(e.code == .unknown and e.code.effective() == .PROVIDER_ERROR and std.mem.eql(u8, e.code_name, "QUOTA_EXHAUSTED") and e.partial and !e.retryable and p.response.isTerminal());
    }
    {
        // done: an unknown finish reason is `other`; unknown usage, cost and chunk fields are ignored; cost may be null.
        var p = try plue.parseResponse(allocator, "{\"id\":-9007199254740991,\"success\":true,\"streaming\":true,\"data\":{\"type\":\"done\",\"finish_reason\":\"paused\",\"raw_finish_reason\":\"pause_turn\",\"model\":\"m\",\"usage\":{\"input_tokens\":9007199254740991,\"output_tokens\":0,\"cache_read_tokens\":0,\"cache_write_tokens\":0,\"reasoning_tokens\":0,\"audio_tokens\":5,\"estimated\":[\"reasoning_tokens\"]},\"cost\":null,\"details\":{\"x\":[1,{\"y\":null}]},\"latency_ms\":12}}");
        defer p.deinit();
        const done = p.response.chunk.chunk.done;
        try check(p.response.chunk.id.int == -9007199254740991 and done.finish_reason == .other and done.cost == null);
        try check(done.usage.input_tokens == 9007199254740991 and done.usage.estimated.items.len == 1 and p.response.isTerminal());
    }
    {
        // Costs: integers, decimals and exponents all read as f64.
        var p = try plue.parseResponse(allocator, "{\"id\":\"c\",\"success\":true,\"data\":{\"input\":1e-7,\"output\":0,\"cache_read\":0.00012,\"cache_write\":3,\"total\":3.0001201}}");
        defer p.deinit();
        const cost = (try plue.readCost(p.response.result.data)).?;
        try check(cost.input == 1e-7 and cost.output == 0 and cost.cache_write == 3 and cost.total == 3.0001201);
    }
    {
        // \u escapes: a surrogate pair, an escaped U+2028, NUL.
        var p = try plue.parseResponse(allocator, "{\"id\":\"u\",\"success\":true,\"streaming\":true,\"data\":{\"type\":\"content\",\"content\":\"\\ud83d\\ude00\\u2028\\u0000\"}}");
        defer p.deinit();
        try check(std.mem.eql(u8, p.response.chunk.chunk.content, "\xf0\x9f\x98\x80\xe2\x80\xa8\x00"));
    }
    {
        // An error without a readable id.
        var p = try plue.parseResponse(allocator, "{\"id\":null,\"success\":false,\"error\":{\"code\":\"INVALID_REQUEST\",\"message\":\"m\",\"retryable\":false,\"partial\":false,\"field\":\"request\"}}");
        defer p.deinit();
        try check(p.response.failure.id == null and p.response.failure.err.code == .INVALID_REQUEST and std.mem.eql(u8, p.response.failure.err.field.?, "request"));
    }
    {
        // adjustments on done: every action, `from`/`to` as any JSON (a JSON null is a value, an absent key is null),
        // unknown fields in an item ignored, an action newer than this client is `other`; details kept as JSON.
        var p = try plue.parseResponse(allocator,
            \\{"id":"a","success":true,"streaming":true,"data":{"type":"done","finish_reason":"stop","model":"m","usage":{"input_tokens":1,"output_tokens":2,"cache_read_tokens":0,"cache_write_tokens":0,"reasoning_tokens":0,"estimated":[]},"cost":null,
            \\"adjustments":[{"param":"temperature","action":"dropped","from":0.5,"reason":"r1","rule":"claude-4.7-no-sampling"},
            \\{"param":"reasoning.effort","action":"changed","from":"minimal","to":"low","reason":"r2"},
            \\{"param":"reasoning","action":"added","to":{"type":"adaptive","display":"summarized"},"reason":"r3"},
            \\{"param":"stop","action":"dropped","from":null,"reason":"r4"},
            \\{"param":"tools[0].name","action":"renamed","from":"a.b","to":"a_b","reason":"r5"}],
            \\"details":{"content_filter":{"hate":"safe"}}}}
        );
        defer p.deinit();
        const done = p.response.chunk.chunk.done;
        const a = done.adjustments;
        try check(a.len == 5 and p.response.isTerminal());
        try check(std.mem.eql(u8, a[0].param, "temperature") and a[0].action == .dropped and plue.number(a[0].from.?).? == 0.5 and a[0].to == null and std.mem.eql(u8, a[0].reason, "r1"));
        try check(a[1].action == .changed and std.mem.eql(u8, a[1].from.?.string, "minimal") and std.mem.eql(u8, a[1].to.?.string, "low"));
        try check(a[2].action == .added and a[2].from == null and std.mem.eql(u8, a[2].to.?.object.get("display").?.string, "summarized"));
        try check(a[3].from.? == .null and a[3].to == null);
        try check(a[4].action == .other and std.mem.eql(u8, a[4].action_name, "renamed") and std.mem.eql(u8, a[4].param, "tools[0].name"));
        try check(done.details.?.object.get("content_filter") != null);
    }
    {
        // provider_data on reasoning and tool_call chunks: kept as raw JSON; absent is null.
        var p = try plue.parseResponse(allocator,
            \\{"id":"r","success":true,"streaming":true,"data":{"type":"reasoning","content":"","provider_data":{"reasoning_details":[{"type":"reasoning.text","text":"t","index":0}]}}}
        );
        defer p.deinit();
        try check(p.response.chunk.chunk.reasoning.provider_data.?.object.get("reasoning_details").?.array.items.len == 1);
        var q = try plue.parseResponse(allocator,
            \\{"id":"t","success":true,"streaming":true,"data":{"type":"tool_call","tool_call":{"id":"c","name":"n","arguments":"{}"},"provider_data":{"extra_content":{"google":{"thought_signature":"s"}}}}}
        );
        defer q.deinit();
        const google = q.response.chunk.chunk.tool_call.provider_data.?.object.get("extra_content").?.object.get("google").?;
        try check(std.mem.eql(u8, google.object.get("thought_signature").?.string, "s"));
        var r = try plue.parseResponse(allocator, "{\"id\":\"t\",\"success\":true,\"streaming\":true,\"data\":{\"type\":\"tool_call\",\"tool_call\":{\"id\":\"c\",\"name\":\"n\",\"arguments\":\"\"}}}");
        defer r.deinit();
        try check(r.response.chunk.chunk.tool_call.provider_data == null);
    }
    {
        // No adjustments: an empty slice; no details: null.
        var p = try plue.parseResponse(allocator, "{\"id\":1,\"success\":true,\"streaming\":true,\"data\":{\"type\":\"done\",\"finish_reason\":\"stop\",\"model\":\"m\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2,\"cache_read_tokens\":0,\"cache_write_tokens\":0,\"reasoning_tokens\":0,\"estimated\":[]},\"cost\":null}}");
        defer p.deinit();
        try check(p.response.chunk.chunk.done.adjustments.len == 0 and p.response.chunk.chunk.done.details == null);
    }
    {
        // adjustments on an error line (the request was shaped, then the provider refused it).
        var p = try plue.parseResponse(allocator, "{\"id\":\"e\",\"success\":false,\"error\":{\"code\":\"INVALID_PARAMS\",\"message\":\"m\",\"retryable\":false,\"partial\":false,\"status\":400,\"adjustments\":[{\"param\":\"top_p\",\"action\":\"dropped\",\"from\":0.9,\"reason\":\"r\"}]}}");
        defer p.deinit();
        const e = p.response.failure.err;
        try check(e.code == .INVALID_PARAMS and e.adjustments.len == 1 and e.adjustments[0].action == .dropped and std.mem.eql(u8, e.adjustments[0].param, "top_p"));
    }
    {
        // An error raised by the rules before sending: field, no adjustments.
        var p = try plue.parseResponse(allocator, "{\"id\":\"p\",\"success\":false,\"error\":{\"code\":\"INVALID_PARAMS\",\"message\":\"m\",\"retryable\":false,\"partial\":false,\"field\":\"params.messages[1]\"}}");
        defer p.deinit();
        const e = p.response.failure.err;
        try check(e.adjustments.len == 0 and std.mem.eql(u8, e.field.?, "params.messages[1]") and e.status == null and e.usage == null);
    }
    // Malformed adjustments are not protocol lines: not an array, an item without its required keys.
    try check(plue.parseResponse(allocator, "{\"id\":\"e\",\"success\":false,\"error\":{\"code\":\"INVALID_PARAMS\",\"message\":\"m\",\"retryable\":false,\"partial\":false,\"adjustments\":{}}}") == error.InvalidResponse);
    try check(plue.parseResponse(allocator, "{\"id\":\"e\",\"success\":false,\"error\":{\"code\":\"INVALID_PARAMS\",\"message\":\"m\",\"retryable\":false,\"partial\":false,\"adjustments\":[{\"param\":\"x\",\"action\":\"dropped\"}]}}") == error.InvalidResponse);
    // Not protocol lines.
    try check(plue.parseResponse(allocator, "{\"id\":1}") == error.InvalidResponse);
    try check(plue.parseResponse(allocator, "[1]") == error.InvalidResponse);
    // Zig 0.11's std.json rejects a lone surrogate escape outright, which is why the
    // executable writes lone surrogates as U+FFFD (wire/README.md, Transport).
    try check(plue.parseResponse(allocator, "{\"id\":1,\"success\":true,\"streaming\":true,\"data\":{\"type\":\"content\",\"content\":\"\\ud83d\"}}") == error.InvalidResponse);
    {
        // Requests: one line, null optionals left out, params from a typed struct.
        var out = std.ArrayList(u8).init(allocator);
        defer out.deinit();
        try plue.writeRequest(out.writer(), .{ .string = "a" }, .stream_chat, "anthropic", plue.ChatParams{ .model = "m", .messages = &.{.{ .role = "user", .content = "hi \"x\"\n" }}, .max_tokens = 5 }, null);
        try plue.writeRequest(out.writer(), .{ .int = 9007199254740991 }, .ping, null, null, 1000);
        var params = std.json.ObjectMap.init(allocator);
        defer params.deinit();
        try params.put("id", .{ .integer = -9007199254740991 });
        try plue.writeRequest(out.writer(), .{ .int = 0 }, .cancel, null, plue.Json{ .value = .{ .object = params } }, null);
        // Typed reasoning (every effort of protocol 1, or a budget) and tools with `strict`.
        var schema = std.json.ObjectMap.init(allocator);
        defer schema.deinit();
        try schema.put("type", .{ .string = "object" });
        const tools = [_]plue.Tool{
            .{ .name = "get_weather", .description = "Weather for a city", .parameters = .{ .value = .{ .object = schema } }, .strict = true },
            .{ .name = "now", .parameters = .{ .value = .{ .object = schema } } },
        };
        try plue.writeRequest(out.writer(), .{ .string = "r" }, .stream_chat, "openai", plue.ChatParams{ .model = "m", .messages = &.{}, .tools = &tools, .reasoning = .{ .effort = .xhigh } }, null);
        try plue.writeRequest(out.writer(), .{ .string = "b" }, .stream_chat, "anthropic", plue.ChatParams{ .model = "m", .messages = &.{}, .reasoning = .{ .budget_tokens = 8000 }, .top_p = 0.95 }, null);
        try check(std.mem.eql(u8, out.items,
            \\{"id":"a","action":"stream_chat","provider":"anthropic","params":{"model":"m","messages":[{"role":"user","content":"hi \"x\"\n"}],"max_tokens":5}}
            \\{"id":9007199254740991,"action":"ping","timeout":1000}
            \\{"id":0,"action":"cancel","params":{"id":-9007199254740991}}
            \\{"id":"r","action":"stream_chat","provider":"openai","params":{"model":"m","messages":[],"tools":[{"name":"get_weather","description":"Weather for a city","parameters":{"type":"object"},"strict":true},{"name":"now","parameters":{"type":"object"}}],"reasoning":{"effort":"xhigh"}}}
            \\{"id":"b","action":"stream_chat","provider":"anthropic","params":{"model":"m","messages":[],"top_p":9.5e-01,"reasoning":{"budget_tokens":8000}}}
            \\
        ));
        for (std.enums.values(plue.Effort)) |effort| {
            var line = std.ArrayList(u8).init(allocator);
            defer line.deinit();
            try plue.writeRequest(line.writer(), .{ .int = 1 }, .count_tokens, "openai", plue.ChatParams{ .model = "m", .messages = &.{}, .reasoning = .{ .effort = effort } }, null);
            const expected = try std.fmt.allocPrint(allocator, "\"reasoning\":{{\"effort\":\"{s}\"}}", .{@tagName(effort)});
            defer allocator.free(expected);
            try check(std.mem.indexOf(u8, line.items, expected) != null);
        }
    }
}
