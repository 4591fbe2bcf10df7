//! Response lines of the plue-ai-provider wire protocol (wire/README.md),
//! protocol 1: typed values and the parse.
//!
//! The parse follows the versioning rules of wire/README.md: unknown fields
//! are ignored everywhere, an unknown chunk type becomes `.unknown` (never
//! terminal), an unknown error code becomes `ErrorCode.unknown`, which
//! `effective()` maps to PROVIDER_ERROR, and an unknown finish reason or
//! adjustment action becomes `.other`. What the executable guarantees (the
//! envelope, required fields and their types) is checked: a line that breaks
//! it is `error.InvalidResponse`.
//!
//! Typed values borrow their strings from the `Parsed` they came from; keep
//! it alive while you use them. The parse walks std.json.Value by hand (no
//! reflection over protocol types), which kept the port from Zig 0.11 to
//! renames.
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
            .int => |n| try jw.write(n),
            .string => |s| try jw.write(s),
        }
    }

    /// For messages: `"r1"` or `7`.
    pub fn format(self: Id, writer: *std.Io.Writer) std.Io.Writer.Error!void {
        switch (self) {
            .int => |n| try writer.print("{d}", .{n}),
            .string => |s| try writer.print("\"{s}\"", .{s}),
        }
    }
};

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
        // "unknown" is this client's fallback, not a code the executable can send.
        const code = std.meta.stringToEnum(ErrorCode, name) orelse return .unknown;
        return if (code == .unknown) .unknown else code;
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
    /// The line as it arrived, without its newline.
    text: []const u8,
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
    return .{ .arena = arena, .text = text, .value = value, .response = try readResponse(arena.allocator(), value) };
}

pub fn field(obj: std.json.ObjectMap, name: []const u8) ?std.json.Value {
    const value = obj.get(name) orelse return null;
    return if (value == .null) null else value;
}

pub fn str(obj: std.json.ObjectMap, name: []const u8) ParseError![]const u8 {
    const value = field(obj, name) orelse return error.InvalidResponse;
    return if (value == .string) value.string else error.InvalidResponse;
}

pub fn optStr(obj: std.json.ObjectMap, name: []const u8) ParseError!?[]const u8 {
    const value = field(obj, name) orelse return null;
    return if (value == .string) value.string else error.InvalidResponse;
}

pub fn boolean(obj: std.json.ObjectMap, name: []const u8) ParseError!bool {
    const value = field(obj, name) orelse return error.InvalidResponse;
    return if (value == .bool) value.bool else error.InvalidResponse;
}

pub fn count(obj: std.json.ObjectMap, name: []const u8) ParseError!u64 {
    return (try optCount(obj, name)) orelse error.InvalidResponse;
}

pub fn optCount(obj: std.json.ObjectMap, name: []const u8) ParseError!?u64 {
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

pub fn objectOf(value: ?std.json.Value) ParseError!std.json.ObjectMap {
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
