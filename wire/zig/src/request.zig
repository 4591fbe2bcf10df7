//! Request lines (wire/README.md, Request): the envelope, typed params for
//! every action, and the encoding. Null optional fields are left out, as the
//! executable rejects unknown or mistyped params but not absent ones.
const std = @import("std");
const Id = @import("protocol.zig").Id;

/// The executable skips a request line longer than this (without its newline)
/// and answers it with `id: null` (wire/README.md, Framing).
pub const max_request_bytes: usize = 64 * 1024 * 1024;

pub const Action = enum { ping, list_providers, list_models, stream_chat, count_tokens, calculate_cost, authenticate, logout, cancel, refresh_catalog };

/// A std.json.Value to send as it is (params of your own, a tool's JSON Schema).
pub const Json = struct {
    value: std.json.Value,

    pub fn jsonStringify(self: Json, jw: anytype) !void {
        try jw.write(self.value);
    }
};

/// A string record (`params.headers`): written as a JSON object.
pub const Headers = struct {
    entries: []const Header,

    pub const Header = struct { name: []const u8, value: []const u8 };

    pub fn jsonStringify(self: Headers, jw: anytype) !void {
        try jw.beginObject();
        for (self.entries) |h| {
            try jw.objectField(h.name);
            try jw.write(h.value);
        }
        try jw.endObject();
    }
};

/// `params.timeouts`: per-attempt timers in ms.
pub const Timeouts = struct { headers_ms: ?u64 = null, first_content_ms: ?u64 = null, idle_ms: ?u64 = null };

/// `params.credentials`: secrets for this request only.
pub const Credentials = struct { api_key: ?[]const u8 = null, github_token: ?[]const u8 = null, client_id: ?[]const u8 = null };

/// Provider options (wire/README.md, Provider options): accepted by every
/// provider-bound action; each provider reads the ones that concern it.
pub const ProviderOptions = struct {
    base_url: ?[]const u8 = null,
    credentials: ?Credentials = null,
    headers: ?Headers = null,
    timeouts: ?Timeouts = null,
    max_retries: ?u64 = null,
    @"resume": ?bool = null,
    api: ?enum { chat, responses } = null,
    api_version: ?[]const u8 = null,
    region: ?[]const u8 = null,
    project: ?[]const u8 = null,
    location: ?[]const u8 = null,
    github_url: ?[]const u8 = null,
    github_api_url: ?[]const u8 = null,
};

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

pub const ToolChoice = union(enum) {
    auto,
    none,
    required,
    name: []const u8,

    pub fn jsonStringify(self: ToolChoice, jw: anytype) !void {
        switch (self) {
            .name => |n| {
                try jw.beginObject();
                try jw.objectField("name");
                try jw.write(n);
                try jw.endObject();
            },
            else => try jw.write(@tagName(self)),
        }
    }
};

pub const Role = enum { system, user, assistant, tool };

/// A content part (wire/README.md, Chat params).
pub const Part = union(enum) {
    text: struct { text: []const u8, cache: ?bool = null },
    image: struct { media_type: []const u8, data: []const u8 },
    /// `provider_data`: the tool_call chunk's, verbatim.
    tool_call: struct { id: []const u8, name: []const u8, arguments: []const u8, provider_data: ?Json = null },
    tool_result: struct { tool_call_id: []const u8, content: []const u8 = "", parts: ?[]const Part = null, is_error: ?bool = null },
    /// Thinking handed back verbatim; `provider_data` the reasoning chunk's.
    reasoning: struct { text: []const u8, signature: ?[]const u8 = null, redacted: ?[]const u8 = null, provider_data: ?Json = null },

    pub fn jsonStringify(self: Part, jw: anytype) !void {
        try jw.beginObject();
        try jw.objectField("type");
        try jw.write(@tagName(self));
        switch (self) {
            .tool_result => |r| {
                try jw.objectField("tool_call_id");
                try jw.write(r.tool_call_id);
                try jw.objectField("content");
                if (r.parts) |parts| try jw.write(parts) else try jw.write(r.content);
                if (r.is_error) |e| {
                    try jw.objectField("is_error");
                    try jw.write(e);
                }
            },
            inline else => |part| inline for (comptime std.meta.fieldNames(@TypeOf(part))) |name| {
                const v = @field(part, name);
                if (@typeInfo(@TypeOf(v)) != .optional or v != null) {
                    try jw.objectField(name);
                    try jw.write(v);
                }
            },
        }
        try jw.endObject();
    }
};

/// `{role, content, cache?}`: `content` is the text, or `parts` when given.
pub const Message = struct {
    role: Role,
    content: []const u8 = "",
    parts: ?[]const Part = null,
    cache: ?bool = null,

    pub fn jsonStringify(self: Message, jw: anytype) !void {
        try jw.beginObject();
        try jw.objectField("role");
        try jw.write(self.role);
        try jw.objectField("content");
        if (self.parts) |parts| try jw.write(parts) else try jw.write(self.content);
        if (self.cache) |c| {
            try jw.objectField("cache");
            try jw.write(c);
        }
        try jw.endObject();
    }
};

/// Params of `stream_chat` (at least one message) and `count_tokens`.
pub const ChatParams = struct {
    model: []const u8,
    messages: []const Message,
    tools: ?[]const Tool = null,
    tool_choice: ?ToolChoice = null,
    max_tokens: ?u64 = null,
    temperature: ?f64 = null,
    top_p: ?f64 = null,
    stop: ?[]const []const u8 = null,
    reasoning: ?Reasoning = null,
    cache: ?bool = null,
    options: ProviderOptions = .{},

    pub fn jsonStringify(self: ChatParams, jw: anytype) !void {
        try writeFlat(self, jw);
    }
};

pub const ListModelsParams = struct {
    include_retired: ?bool = null,
    options: ProviderOptions = .{},

    pub fn jsonStringify(self: ListModelsParams, jw: anytype) !void {
        try writeFlat(self, jw);
    }
};

/// Token counts to price; missing ones count as 0 (a `done.usage` fits).
pub const UsageIn = struct {
    input_tokens: ?u64 = null,
    output_tokens: ?u64 = null,
    cache_read_tokens: ?u64 = null,
    cache_write_tokens: ?u64 = null,
    reasoning_tokens: ?u64 = null,
};

pub const CostParams = struct {
    model: []const u8,
    usage: UsageIn,
    /// Optional: prices a name the user chose by the model behind it (Azure).
    options: ProviderOptions = .{},

    pub fn jsonStringify(self: CostParams, jw: anytype) !void {
        try writeFlat(self, jw);
    }
};

pub const RefreshCatalogParams = struct { url: ?[]const u8 = null, headers: ?Headers = null };

pub const CancelParams = struct { id: Id };

/// Writes a params struct as one object: its fields, then the fields of its
/// `options: ProviderOptions` beside them (the wire keeps them flat), nulls left out.
fn writeFlat(params: anytype, jw: anytype) !void {
    try jw.beginObject();
    try writeFields(params, jw);
    try jw.endObject();
}

fn writeFields(value: anytype, jw: anytype) !void {
    // std.meta.fieldNames rather than @typeInfo: @typeInfo's shape changed in Zig 0.17.
    inline for (comptime std.meta.fieldNames(@TypeOf(value))) |name| {
        const v = @field(value, name);
        if (@TypeOf(v) == ProviderOptions) {
            try writeFields(v, jw);
        } else if (@typeInfo(@TypeOf(v)) != .optional or v != null) {
            try jw.objectField(name);
            try jw.write(v);
        }
    }
}

/// The envelope. `timeout_ms` is the executable's own deadline for the whole request.
pub const Envelope = struct {
    id: Id,
    action: Action,
    provider: ?[]const u8 = null,
    timeout_ms: ?u64 = null,
};

/// Writes one request line. `params` is anything std.json's Stringify takes
/// (the params types above, a `Json`) or null for none. Every string (values
/// and object keys) must be UTF-8, else error.InvalidUtf8 and nothing is
/// written: std.json would write such a string as an array of byte numbers
/// (and assert on such a key).
pub fn writeRequest(writer: *std.Io.Writer, envelope: Envelope, params: anytype) (std.Io.Writer.Error || error{InvalidUtf8})!void {
    try checkUtf8(envelope);
    try checkUtf8(params);
    var jw: std.json.Stringify = .{ .writer = writer, .options = .{ .emit_null_optional_fields = false } };
    try jw.beginObject();
    try jw.objectField("id");
    try jw.write(envelope.id);
    try jw.objectField("action");
    try jw.write(envelope.action);
    if (envelope.provider) |p| {
        try jw.objectField("provider");
        try jw.write(p);
    }
    if (@TypeOf(params) != @TypeOf(null)) {
        try jw.objectField("params");
        try jw.write(params);
    }
    if (envelope.timeout_ms) |t| {
        try jw.objectField("timeout");
        try jw.write(t);
    }
    try jw.endObject();
    try writer.writeByte('\n');
}

/// One request line in memory (caller frees).
pub fn encodeRequest(allocator: std.mem.Allocator, envelope: Envelope, params: anytype) error{ OutOfMemory, InvalidUtf8 }![]u8 {
    var out: std.Io.Writer.Allocating = .init(allocator);
    defer out.deinit();
    writeRequest(&out.writer, envelope, params) catch |err| return switch (err) {
        error.InvalidUtf8 => error.InvalidUtf8,
        error.WriteFailed => error.OutOfMemory,
    };
    return out.toOwnedSlice();
}

/// error.InvalidUtf8 when any string in `value` (a params value as
/// `writeRequest` takes it) is not UTF-8.
pub fn checkUtf8(value: anytype) error{InvalidUtf8}!void {
    const T = @TypeOf(value);
    if (T == std.json.Value) return checkJson(value);
    if (T == Json) return checkJson(value.value);
    switch (@typeInfo(T)) {
        .pointer => |p| switch (p.size) {
            .one => return checkUtf8(value.*),
            .slice => if (p.child == u8) {
                if (!std.unicode.utf8ValidateSlice(value)) return error.InvalidUtf8;
            } else for (value) |item| try checkUtf8(item),
            else => if (p.child == u8 and p.sentinel() != null) {
                if (!std.unicode.utf8ValidateSlice(std.mem.span(value))) return error.InvalidUtf8;
            },
        },
        .array => |a| if (a.child == u8) {
            if (!std.unicode.utf8ValidateSlice(&value)) return error.InvalidUtf8;
        } else for (value) |item| try checkUtf8(item),
        .optional => if (value) |v| try checkUtf8(v),
        .@"struct" => inline for (comptime std.meta.fieldNames(T)) |name| try checkUtf8(@field(value, name)),
        .@"union" => switch (value) {
            inline else => |v| try checkUtf8(v),
        },
        else => {},
    }
}

fn checkJson(value: std.json.Value) error{InvalidUtf8}!void {
    switch (value) {
        .string, .number_string => |s| if (!std.unicode.utf8ValidateSlice(s)) return error.InvalidUtf8,
        .array => |a| for (a.items) |item| try checkJson(item),
        .object => |o| {
            var it = o.iterator();
            while (it.next()) |entry| {
                if (!std.unicode.utf8ValidateSlice(entry.key_ptr.*)) return error.InvalidUtf8;
                try checkJson(entry.value_ptr.*);
            }
        },
        else => {},
    }
}
