//! A small client for the plue-ai-provider wire protocol (wire/README.md),
//! protocol 1, written for Zig 0.11.0.
//!
//! Spawn the executable, send requests (one JSON line each), read response
//! lines and turn them into typed values. The parse follows the versioning
//! rules of wire/README.md: unknown fields are ignored everywhere, an unknown
//! chunk type becomes `.unknown` (never terminal), an unknown error code
//! becomes `ErrorCode.unknown`, which `effective()` maps to PROVIDER_ERROR,
//! and an unknown finish reason or adjustment action becomes `.other`.
//!
//! Typed values borrow their strings from the `Parsed` they came from; keep
//! it alive while you use them. Only std is used; the parse walks
//! std.json.Value by hand (no reflection), which keeps porting to newer Zig
//! to renames in std (ChildProcess, os.poll).
const std = @import("std");

pub const protocol_version: i64 = 1;

// ---------------------------------------------------------------------------
// Protocol types

/// A request id: a non-empty string or a safe integer (|n| <= 2^53 - 1).
pub const Id = union(enum) {
    int: i64,
    string: []const u8,

    pub fn eql(a: Id, b: Id) bool {
        return switch (a) {
            .int => |n| b == .int and b.int == n,
            .string => |s| b == .string and std.mem.eql(u8, b.string, s),
        };
    }

    pub fn jsonStringify(self: Id, jw: anytype) !void {
        switch (self) {
            // Not jw.write: std 0.11 writes integers with |n| >= 2^52 as JSON strings.
            .int => |n| try jw.print("{d}", .{n}),
            .string => |s| try jw.write(s),
        }
    }
};

/// A std.json.Value to send: integers are written as numbers whatever their
/// size (std.json 0.11 writes |n| >= 2^52 as strings, which would turn an id
/// or a token count into a different value).
pub const Json = struct {
    value: std.json.Value,

    pub fn jsonStringify(self: Json, jw: anytype) !void {
        switch (self.value) {
            .integer => |n| try jw.print("{d}", .{n}),
            .array => |array| {
                try jw.beginArray();
                for (array.items) |item| try jw.write(Json{ .value = item });
                try jw.endArray();
            },
            .object => |object| {
                try jw.beginObject();
                var entries = object.iterator();
                while (entries.next()) |entry| {
                    try jw.objectField(entry.key_ptr.*);
                    try jw.write(Json{ .value = entry.value_ptr.* });
                }
                try jw.endObject();
            },
            else => try jw.write(self.value),
        }
    }
};

pub const Action = enum { ping, list_providers, list_models, stream_chat, count_tokens, calculate_cost, authenticate, logout, cancel, refresh_catalog };

/// Error codes of protocol 1. New codes may appear within protocol 1; they
/// parse as `.unknown`, to be handled as PROVIDER_ERROR (`effective()`).
pub const ErrorCode = enum {
    INVALID_REQUEST,
    UNKNOWN_PROVIDER,
    AUTH_REQUIRED,
    AUTH_FAILED,
    RATE_LIMITED,
    OVERLOADED,
    CONTEXT_LENGTH_EXCEEDED,
    INVALID_PARAMS,
    NOT_FOUND,
    PROVIDER_ERROR,
    NETWORK_ERROR,
    TIMEOUT,
    CANCELLED,
    STREAM_ERROR,
    INTERNAL,
    unknown,

    pub fn parse(name: []const u8) ErrorCode {
        inline for (@typeInfo(ErrorCode).Enum.fields) |f| {
            if (!std.mem.eql(u8, f.name, "unknown") and std.mem.eql(u8, f.name, name)) return @field(ErrorCode, f.name);
        }
        return .unknown;
    }

    pub fn effective(self: ErrorCode) ErrorCode {
        return if (self == .unknown) .PROVIDER_ERROR else self;
    }
};

/// Closed within protocol 1: a new stop reason arrives as `other` (the raw one in raw_finish_reason).
pub const FinishReason = enum {
    stop,
    length,
    tool_calls,
    content_filter,
    refusal,
    other,

    pub fn parse(name: []const u8) FinishReason {
        return std.meta.stringToEnum(FinishReason, name) orelse .other;
    }
};

pub const Usage = struct {
    input_tokens: u64,
    output_tokens: u64,
    cache_read_tokens: u64,
    cache_write_tokens: u64,
    reasoning_tokens: u64,
    /// Names of the figures that are estimates (a JSON array of strings).
    estimated: std.json.Array,
};

/// USD.
pub const Cost = struct { input: f64, output: f64, cache_read: f64, cache_write: f64, total: f64 };

/// What an adjustment did to a request param. The schema lists these three;
/// a value newer than this client arrives as `other` (the raw one in
/// `Adjustment.action_name`), so one new word cannot cost the whole line.
pub const AdjustmentAction = enum {
    dropped,
    changed,
    added,
    other,

    pub fn parse(name: []const u8) AdjustmentAction {
        return std.meta.stringToEnum(AdjustmentAction, name) orelse .other;
    }
};

/// One change the model rules made to a `stream_chat` request before it was
/// sent (on `done` and on error lines): show them, the request was not sent
/// as written.
pub const Adjustment = struct {
    /// The request field as the caller wrote it: `temperature`, `reasoning.effort`, `tools[2].name`, `messages[4]`.
    param: []const u8,
    action: AdjustmentAction,
    /// The action as written, also when `action` is `.other`.
    action_name: []const u8,
    /// The value the caller sent (dropped, changed), any JSON; null when absent.
    from: ?std.json.Value,
    /// The value sent instead (changed, added), any JSON; null when absent.
    to: ?std.json.Value,
    /// Why, naming the rule (for people, not for parsing).
    reason: []const u8,
};

pub const Done = struct {
    finish_reason: FinishReason,
    raw_finish_reason: ?[]const u8,
    model: []const u8,
    usage: Usage,
    cost: ?Cost,
    /// Empty when the request was sent as written.
    adjustments: []const Adjustment = &.{},
    /// Provider-specific extras (content-filter categories, `copilot_usage`), as sent.
    details: ?std.json.Value = null,
};

pub const Chunk = union(enum) {
    content: []const u8,
    /// `provider_data`: opaque JSON to hand back verbatim on the reasoning part (OpenRouter `reasoning_details`).
    reasoning: struct { content: []const u8, signature: ?[]const u8, redacted: ?[]const u8, provider_data: ?std.json.Value = null },
    tool_call_delta: struct { index: u64, id: ?[]const u8, name: ?[]const u8, arguments_delta: []const u8 },
    /// `provider_data`: opaque JSON to hand back verbatim on the tool_call part (Gemini `extra_content`).
    tool_call: struct { id: []const u8, name: []const u8, arguments: []const u8, provider_data: ?std.json.Value = null },
    retry: struct { attempt: u64, delay_ms: u64, reason: []const u8 },
    resumed: struct { attempt: u64, reason: []const u8 },
    done: Done,
    device_flow: struct { user_code: []const u8, verification_uri: []const u8, expires_in: u64, interval: u64 },
    /// A chunk type newer than this client: ignore it (it is never terminal).
    unknown: []const u8,
};

pub const ErrorBody = struct {
    code: ErrorCode,
    /// The code as written, also when `code` is `.unknown`.
    code_name: []const u8,
    message: []const u8,
    retryable: bool,
    partial: bool,
    status: ?u64 = null,
    retry_after_ms: ?u64 = null,
    provider_type: ?[]const u8 = null,
    request_id: ?[]const u8 = null,
    field: ?[]const u8 = null,
    usage: ?Usage = null,
    cost: ?Cost = null,
    /// `stream_chat` errors after the model rules ran: what they changed in the request.
    adjustments: []const Adjustment = &.{},
};

pub const Response = union(enum) {
    /// Terminal success. `data`'s shape depends on the action (see the `as*` helpers).
    result: struct { id: Id, data: std.json.Value },
    chunk: struct { id: Id, chunk: Chunk },
    /// Terminal error; `id` is null when the request line had no readable id.
    failure: struct { id: ?Id, err: ErrorBody },

    pub fn id(self: Response) ?Id {
        return switch (self) {
            .result => |r| r.id,
            .chunk => |c| c.id,
            .failure => |f| f.id,
        };
    }

    /// Exactly one terminal line ends each request: a result, a done chunk or an error.
    pub fn isTerminal(self: Response) bool {
        return switch (self) {
            .result, .failure => true,
            .chunk => |c| c.chunk == .done,
        };
    }
};

// ---------------------------------------------------------------------------
// Parsing

pub const ParseError = error{ InvalidResponse, OutOfMemory };

/// One parsed response line: the JSON tree and its typed reading, sharing one arena.
pub const Parsed = struct {
    arena: *std.heap.ArenaAllocator,
    value: std.json.Value,
    response: Response,

    pub fn deinit(self: *Parsed) void {
        const allocator = self.arena.child_allocator;
        self.arena.deinit();
        allocator.destroy(self.arena);
    }
};

pub fn parseResponse(allocator: std.mem.Allocator, line: []const u8) ParseError!Parsed {
    const arena = try allocator.create(std.heap.ArenaAllocator);
    arena.* = std.heap.ArenaAllocator.init(allocator);
    errdefer {
        arena.deinit();
        allocator.destroy(arena);
    }
    // std.json.Value may point into the text it parsed, so the arena keeps its own copy.
    const text = try arena.allocator().dupe(u8, line);
    const value = std.json.parseFromSliceLeaky(std.json.Value, arena.allocator(), text, .{}) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        else => return error.InvalidResponse,
    };
    return .{ .arena = arena, .value = value, .response = try readResponse(arena.allocator(), value) };
}

fn field(obj: std.json.ObjectMap, name: []const u8) ?std.json.Value {
    const value = obj.get(name) orelse return null;
    return if (value == .null) null else value;
}

fn str(obj: std.json.ObjectMap, name: []const u8) ParseError![]const u8 {
    const value = field(obj, name) orelse return error.InvalidResponse;
    return if (value == .string) value.string else error.InvalidResponse;
}

fn optStr(obj: std.json.ObjectMap, name: []const u8) ParseError!?[]const u8 {
    const value = field(obj, name) orelse return null;
    return if (value == .string) value.string else error.InvalidResponse;
}

fn boolean(obj: std.json.ObjectMap, name: []const u8) ParseError!bool {
    const value = field(obj, name) orelse return error.InvalidResponse;
    return if (value == .bool) value.bool else error.InvalidResponse;
}

fn count(obj: std.json.ObjectMap, name: []const u8) ParseError!u64 {
    return (try optCount(obj, name)) orelse error.InvalidResponse;
}

fn optCount(obj: std.json.ObjectMap, name: []const u8) ParseError!?u64 {
    const value = field(obj, name) orelse return null;
    return switch (value) {
        .integer => |n| if (n >= 0) @intCast(n) else error.InvalidResponse,
        else => error.InvalidResponse,
    };
}

/// JSON numbers as f64: the executable writes 0 for a zero price and 1e-7 for a tiny one.
pub fn number(value: std.json.Value) ?f64 {
    return switch (value) {
        .integer => |n| @floatFromInt(n),
        .float => |f| f,
        .number_string => |s| std.fmt.parseFloat(f64, s) catch null,
        else => null,
    };
}

fn objectOf(value: ?std.json.Value) ParseError!std.json.ObjectMap {
    const v = value orelse return error.InvalidResponse;
    return if (v == .object) v.object else error.InvalidResponse;
}

pub fn readId(value: std.json.Value) ?Id {
    return switch (value) {
        .integer => |n| .{ .int = n },
        .string => |s| .{ .string = s },
        else => null,
    };
}

pub fn readUsage(value: std.json.Value) ParseError!Usage {
    const o = try objectOf(value);
    const estimated = field(o, "estimated") orelse return error.InvalidResponse;
    if (estimated != .array) return error.InvalidResponse;
    return .{
        .input_tokens = try count(o, "input_tokens"),
        .output_tokens = try count(o, "output_tokens"),
        .cache_read_tokens = try count(o, "cache_read_tokens"),
        .cache_write_tokens = try count(o, "cache_write_tokens"),
        .reasoning_tokens = try count(o, "reasoning_tokens"),
        .estimated = estimated.array,
    };
}

/// A cost object, or null for JSON null (unknown model or price).
pub fn readCost(value: ?std.json.Value) ParseError!?Cost {
    const v = value orelse return null;
    if (v == .null) return null;
    const o = try objectOf(v);
    const get = struct {
        fn usd(obj: std.json.ObjectMap, name: []const u8) ParseError!f64 {
            return number(field(obj, name) orelse return error.InvalidResponse) orelse error.InvalidResponse;
        }
    };
    return .{
        .input = try get.usd(o, "input"),
        .output = try get.usd(o, "output"),
        .cache_read = try get.usd(o, "cache_read"),
        .cache_write = try get.usd(o, "cache_write"),
        .total = try get.usd(o, "total"),
    };
}

/// The optional `adjustments` array of `done` and of error bodies; empty when absent.
/// `allocator` holds the slice (parseResponse passes the line's arena).
pub fn readAdjustments(allocator: std.mem.Allocator, value: ?std.json.Value) ParseError![]const Adjustment {
    const v = value orelse return &.{};
    if (v != .array) return error.InvalidResponse;
    const out = try allocator.alloc(Adjustment, v.array.items.len);
    for (v.array.items, out) |item, *adjustment| {
        const o = try objectOf(item);
        const action_name = try str(o, "action");
        adjustment.* = .{
            .param = try str(o, "param"),
            .action = AdjustmentAction.parse(action_name),
            .action_name = action_name,
            // Not field(): a JSON null here is a value the caller sent, not an absent key.
            .from = o.get("from"),
            .to = o.get("to"),
            .reason = try str(o, "reason"),
        };
    }
    return out;
}

fn readChunk(allocator: std.mem.Allocator, data: std.json.ObjectMap) ParseError!Chunk {
    const kind = try str(data, "type");
    if (std.mem.eql(u8, kind, "content")) return .{ .content = try str(data, "content") };
    if (std.mem.eql(u8, kind, "reasoning")) return .{ .reasoning = .{
        .content = try str(data, "content"),
        .signature = try optStr(data, "signature"),
        .redacted = try optStr(data, "redacted"),
        .provider_data = field(data, "provider_data"),
    } };
    if (std.mem.eql(u8, kind, "tool_call_delta")) return .{ .tool_call_delta = .{
        .index = try count(data, "index"),
        .id = try optStr(data, "id"),
        .name = try optStr(data, "name"),
        .arguments_delta = try str(data, "arguments_delta"),
    } };
    if (std.mem.eql(u8, kind, "tool_call")) {
        const call = try objectOf(field(data, "tool_call"));
        return .{ .tool_call = .{ .id = try str(call, "id"), .name = try str(call, "name"), .arguments = try str(call, "arguments"), .provider_data = field(data, "provider_data") } };
    }
    if (std.mem.eql(u8, kind, "retry")) return .{ .retry = .{
        .attempt = try count(data, "attempt"),
        .delay_ms = try count(data, "delay_ms"),
        .reason = try str(data, "reason"),
    } };
    if (std.mem.eql(u8, kind, "resumed")) return .{ .resumed = .{ .attempt = try count(data, "attempt"), .reason = try str(data, "reason") } };
    if (std.mem.eql(u8, kind, "done")) return .{ .done = .{
        .finish_reason = FinishReason.parse(try str(data, "finish_reason")),
        .raw_finish_reason = try optStr(data, "raw_finish_reason"),
        .model = try str(data, "model"),
        .usage = try readUsage(field(data, "usage") orelse return error.InvalidResponse),
        .cost = try readCost(data.get("cost")),
        .adjustments = try readAdjustments(allocator, field(data, "adjustments")),
        .details = field(data, "details"),
    } };
    if (std.mem.eql(u8, kind, "device_flow")) return .{ .device_flow = .{
        .user_code = try str(data, "user_code"),
        .verification_uri = try str(data, "verification_uri"),
        .expires_in = try count(data, "expires_in"),
        .interval = try count(data, "interval"),
    } };
    return .{ .unknown = kind };
}

fn readError(allocator: std.mem.Allocator, e: std.json.ObjectMap) ParseError!ErrorBody {
    const code_name = try str(e, "code");
    return .{
        .code = ErrorCode.parse(code_name),
        .code_name = code_name,
        .message = try str(e, "message"),
        .retryable = try boolean(e, "retryable"),
        .partial = try boolean(e, "partial"),
        .status = try optCount(e, "status"),
        .retry_after_ms = try optCount(e, "retry_after_ms"),
        .provider_type = try optStr(e, "provider_type"),
        .request_id = try optStr(e, "request_id"),
        .field = try optStr(e, "field"),
        .usage = if (field(e, "usage")) |u| try readUsage(u) else null,
        .cost = try readCost(e.get("cost")),
        .adjustments = try readAdjustments(allocator, field(e, "adjustments")),
    };
}

/// The typed reading of a parsed line. `allocator` holds what the reading
/// needs beyond `value` (the adjustments slices); an arena is the natural choice.
pub fn readResponse(allocator: std.mem.Allocator, value: std.json.Value) ParseError!Response {
    const line = try objectOf(value);
    const success = try boolean(line, "success");
    const raw_id = line.get("id") orelse return error.InvalidResponse;
    if (!success) {
        const id: ?Id = if (raw_id == .null) null else (readId(raw_id) orelse return error.InvalidResponse);
        return .{ .failure = .{ .id = id, .err = try readError(allocator, try objectOf(field(line, "error"))) } };
    }
    const id = readId(raw_id) orelse return error.InvalidResponse;
    const streaming = field(line, "streaming");
    if (streaming != null and streaming.? == .bool and streaming.?.bool) {
        return .{ .chunk = .{ .id = id, .chunk = try readChunk(allocator, try objectOf(field(line, "data"))) } };
    }
    return .{ .result = .{ .id = id, .data = line.get("data") orelse return error.InvalidResponse } };
}

// Typed readings of result data, one per action that has a fixed shape.

pub const Ping = struct { version: []const u8, protocol: i64 };
pub const TokenCount = struct { input_tokens: u64, exact: bool, method: []const u8 };

pub fn asPing(data: std.json.Value) ParseError!Ping {
    const o = try objectOf(data);
    const protocol = field(o, "protocol") orelse return error.InvalidResponse;
    if (protocol != .integer) return error.InvalidResponse;
    return .{ .version = try str(o, "version"), .protocol = protocol.integer };
}

pub fn asTokenCount(data: std.json.Value) ParseError!TokenCount {
    const o = try objectOf(data);
    return .{ .input_tokens = try count(o, "input_tokens"), .exact = try boolean(o, "exact"), .method = try str(o, "method") };
}

pub fn asCancelled(data: std.json.Value) ParseError!bool {
    return boolean(try objectOf(data), "cancelled");
}

// ---------------------------------------------------------------------------
// Requests

/// Writes one request line. `params` is anything std.json.stringify takes
/// (a struct, a `Json` wrapping a std.json.Value) or null; null optional
/// fields are left out. Integer fields of your own structs are subject to
/// std 0.11's 2^52 rule (above); wrap big ones in `Json`.
pub fn writeRequest(writer: anytype, id: Id, action: Action, provider: ?[]const u8, params: anytype, timeout_ms: ?u64) !void {
    const options = std.json.StringifyOptions{ .emit_null_optional_fields = false };
    if (@TypeOf(params) == @TypeOf(null)) {
        try std.json.stringify(.{ .id = id, .action = action, .provider = provider, .timeout = timeout_ms }, options, writer);
    } else {
        try std.json.stringify(.{ .id = id, .action = action, .provider = provider, .params = params, .timeout = timeout_ms }, options, writer);
    }
    try writer.writeByte('\n');
}

/// Typed chat params for the common case; add fields as you need them.
pub const Message = struct { role: []const u8, content: []const u8 };

/// `params.reasoning.effort`. Each model takes a subset; another value is sent
/// as the nearest the model has, reported in `adjustments`.
pub const Effort = enum { none, minimal, low, medium, high, xhigh, max };

/// `params.reasoning`: exactly one of the two, written as `{"effort": "xhigh"}`
/// or `{"budget_tokens": 8000}`.
pub const Reasoning = union(enum) {
    effort: Effort,
    budget_tokens: u64,
};

/// `params.tools[]`. `parameters` is a JSON Schema object; `strict` asks for
/// strict schema adherence where the provider offers it (OpenAI).
pub const Tool = struct {
    name: []const u8,
    description: ?[]const u8 = null,
    parameters: Json,
    strict: ?bool = null,
};

pub const ChatParams = struct {
    model: []const u8,
    messages: []const Message,
    tools: ?[]const Tool = null,
    max_tokens: ?u64 = null,
    temperature: ?f64 = null,
    top_p: ?f64 = null,
    reasoning: ?Reasoning = null,
    base_url: ?[]const u8 = null,
    credentials: ?struct { api_key: []const u8 } = null,
    max_retries: ?u64 = null,
};

// ---------------------------------------------------------------------------
// The process

pub const Client = struct {
    allocator: std.mem.Allocator,
    child: std.ChildProcess,
    /// stdout bytes read but not yet returned as lines.
    pending: std.ArrayList(u8),
    /// Everything the executable logged (it must be drained, or a full pipe would block it).
    stderr: std.ArrayList(u8),
    stdout_open: bool = true,
    stderr_open: bool = true,

    pub const ReadError = error{ Timeout, OutOfMemory } || std.os.PollError || std.os.ReadError;

    /// Starts `argv` (e.g. &.{"dist/plue-ai-provider"}) with stdin, stdout and stderr piped.
    /// `env` replaces the environment when given.
    pub fn spawn(allocator: std.mem.Allocator, argv: []const []const u8, env: ?*const std.process.EnvMap) !Client {
        var child = std.ChildProcess.init(argv, allocator);
        child.stdin_behavior = .Pipe;
        child.stdout_behavior = .Pipe;
        child.stderr_behavior = .Pipe;
        child.env_map = env;
        try child.spawn();
        return .{ .allocator = allocator, .child = child, .pending = std.ArrayList(u8).init(allocator), .stderr = std.ArrayList(u8).init(allocator) };
    }

    pub fn deinit(self: *Client) void {
        self.pending.deinit();
        self.stderr.deinit();
    }

    /// Writes `line` and a newline to stdin.
    pub fn sendLine(self: *Client, line: []const u8) !void {
        const stdin = self.child.stdin orelse return error.StdinClosed;
        try stdin.writeAll(line);
        try stdin.writeAll("\n");
    }

    pub fn send(self: *Client, id: Id, action: Action, provider: ?[]const u8, params: anytype, timeout_ms: ?u64) !void {
        var line = std.ArrayList(u8).init(self.allocator);
        defer line.deinit();
        try writeRequest(line.writer(), id, action, provider, params, timeout_ms);
        const stdin = self.child.stdin orelse return error.StdinClosed;
        try stdin.writeAll(line.items);
    }

    /// EOF on stdin: the executable finishes what is in flight and exits 0.
    pub fn closeStdin(self: *Client) void {
        if (self.child.stdin) |stdin| {
            stdin.close();
            self.child.stdin = null;
        }
    }

    /// The next stdout line without its newline (caller frees), null at EOF,
    /// error.Timeout when none arrives within `timeout_ms` (-1: wait for ever).
    /// Lines have no length limit (images travel inside them).
    pub fn readLine(self: *Client, timeout_ms: i32) ReadError!?[]u8 {
        const deadline = std.time.milliTimestamp() + timeout_ms;
        while (true) {
            if (std.mem.indexOfScalar(u8, self.pending.items, '\n')) |end| {
                const line = try self.allocator.dupe(u8, self.pending.items[0..end]);
                const rest = self.pending.items.len - (end + 1);
                std.mem.copyForwards(u8, self.pending.items[0..rest], self.pending.items[end + 1 ..]);
                self.pending.shrinkRetainingCapacity(rest);
                return line;
            }
            if (!self.stdout_open) {
                if (self.pending.items.len == 0) return null;
                // A last line without a newline is still a line.
                const line = try self.pending.toOwnedSlice();
                return line;
            }
            const left: i32 = if (timeout_ms < 0) -1 else @intCast(@max(0, deadline - std.time.milliTimestamp()));
            if (timeout_ms >= 0 and left == 0) return error.Timeout;
            try self.pump(left);
        }
    }

    /// Waits up to `timeout_ms` for output on stdout or stderr and takes what is there.
    fn pump(self: *Client, timeout_ms: i32) ReadError!void {
        var fds: [2]std.os.pollfd = undefined;
        var n: usize = 0;
        if (self.stdout_open) {
            fds[n] = .{ .fd = self.child.stdout.?.handle, .events = std.os.POLL.IN, .revents = 0 };
            n += 1;
        }
        if (self.stderr_open) {
            fds[n] = .{ .fd = self.child.stderr.?.handle, .events = std.os.POLL.IN, .revents = 0 };
            n += 1;
        }
        if (n == 0) return;
        if (try std.os.poll(fds[0..n], timeout_ms) == 0) return;
        var buffer: [64 * 1024]u8 = undefined;
        for (fds[0..n]) |fd| {
            if (fd.revents == 0) continue;
            const is_stdout = self.stdout_open and fd.fd == self.child.stdout.?.handle;
            const got = try std.os.read(fd.fd, &buffer);
            if (is_stdout) {
                if (got == 0) self.stdout_open = false else try self.pending.appendSlice(buffer[0..got]);
            } else {
                if (got == 0) self.stderr_open = false else try self.stderr.appendSlice(buffer[0..got]);
            }
        }
    }

    /// The next response line, parsed; null at EOF.
    pub fn next(self: *Client, timeout_ms: i32) !?Parsed {
        const line = (try self.readLine(timeout_ms)) orelse return null;
        defer self.allocator.free(line);
        return try parseResponse(self.allocator, line);
    }

    /// Reads stdout and stderr to EOF (lines left unread stay in `pending`),
    /// then waits for the process; returns its exit code.
    pub fn wait(self: *Client, timeout_ms: i32) !u8 {
        const deadline = std.time.milliTimestamp() + timeout_ms;
        while (self.stdout_open or self.stderr_open) {
            const left: i32 = @intCast(@max(0, deadline - std.time.milliTimestamp()));
            if (left == 0) return error.Timeout;
            try self.pump(left);
        }
        const term = try self.child.wait();
        return switch (term) {
            .Exited => |code| code,
            else => error.AbnormalExit,
        };
    }

    pub fn kill(self: *Client) void {
        _ = self.child.kill() catch {};
    }
};
