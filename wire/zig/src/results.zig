//! Typed readings of result data (wire/README.md, Results), one per action.
//! A result's shape depends on the request's action, so the parse of a line
//! keeps `data` as a std.json.Value; read it with the function for the action
//! you sent. Lenient as wire/README.md asks: unknown fields are ignored, a
//! provider id, auth kind, layer or source this client does not know is kept
//! as written. Slices are allocated from `allocator` (pass
//! `parsed.arena.allocator()`); strings borrow from the parsed line.
const std = @import("std");
const protocol = @import("protocol.zig");
const Value = std.json.Value;
const ParseError = protocol.ParseError;
const field = protocol.field;
const str = protocol.str;
const optStr = protocol.optStr;
const boolean = protocol.boolean;
const count = protocol.count;
const optCount = protocol.optCount;
const objectOf = protocol.objectOf;

fn arrayOf(value: ?Value) ParseError![]const Value {
    const v = value orelse return error.InvalidResponse;
    return if (v == .array) v.array.items else error.InvalidResponse;
}

/// A price in USD (per million tokens in listings): null when unknown, which is not free.
fn price(o: std.json.ObjectMap, name: []const u8) ParseError!?f64 {
    const v = field(o, name) orelse return null;
    return protocol.number(v) orelse error.InvalidResponse;
}

pub const CatalogLayer = struct {
    /// `bundled`, `cache` or `override` today.
    layer: []const u8,
    date: ?[]const u8,
    path: ?[]const u8,
    models: ?u64,
    rules: ?u64,
    /// Why the file was ignored.
    @"error": ?[]const u8,
};

pub const Ping = struct { version: []const u8, protocol: i64, catalog: []const CatalogLayer };

pub fn ping(allocator: std.mem.Allocator, data: Value) ParseError!Ping {
    const o = try objectOf(data);
    const version = field(o, "protocol") orelse return error.InvalidResponse;
    if (version != .integer) return error.InvalidResponse;
    const layers = if (field(o, "catalog")) |c| try arrayOf(c) else &.{};
    const catalog = try allocator.alloc(CatalogLayer, layers.len);
    for (layers, catalog) |item, *layer| {
        const l = try objectOf(item);
        layer.* = .{
            .layer = try str(l, "layer"),
            .date = try optStr(l, "date"),
            .path = try optStr(l, "path"),
            .models = try optCount(l, "models"),
            .rules = try optCount(l, "rules"),
            .@"error" = try optStr(l, "error"),
        };
    }
    return .{ .version = try str(o, "version"), .protocol = version.integer, .catalog = catalog };
}

pub const Provider = struct {
    /// A provider id; ids this client does not know are kept (wire/README.md, Providers).
    id: []const u8,
    name: []const u8,
    configured: bool,
    /// `api_key`, `oauth_device`, `aws` or `google` today.
    auth: []const u8,
    available: bool,
};

pub fn providers(allocator: std.mem.Allocator, data: Value) ParseError![]const Provider {
    const items = try arrayOf(data);
    const out = try allocator.alloc(Provider, items.len);
    for (items, out) |item, *p| {
        const o = try objectOf(item);
        p.* = .{ .id = try str(o, "id"), .name = try str(o, "name"), .configured = try boolean(o, "configured"), .auth = try str(o, "auth"), .available = try boolean(o, "available") };
    }
    return out;
}

/// USD per million tokens; each null when unknown.
pub const Prices = struct { input: ?f64, output: ?f64, cache_read: ?f64, cache_write: ?f64 };

/// Prices for the whole request once its input exceeds `above_input_tokens`;
/// a price left out keeps the base price (`null` here), one written as null is unknown (`.unknown`).
pub const Tier = struct {
    above_input_tokens: u64,
    input: TierPrice,
    output: TierPrice,
    cache_read: TierPrice,
    cache_write: TierPrice,
};

pub const TierPrice = union(enum) { base, unknown, usd: f64 };

pub const Billing = struct {
    is_premium: bool,
    multiplier: ?f64,
    restricted_to: []const []const u8,
};

pub const Model = struct {
    id: []const u8,
    name: []const u8,
    provider: []const u8,
    context_length: ?u64,
    max_output: ?u64,
    /// null: no per-token price at all (Copilot, models only the live list knows).
    cost: ?Prices,
    capabilities: struct { tools: bool, reasoning: bool, images: bool },
    /// `catalog`, `api` or `both`.
    source: ?[]const u8 = null,
    price_source: ?[]const u8 = null,
    price_date: ?[]const u8 = null,
    tiers: []const Tier = &.{},
    released: ?[]const u8 = null,
    retired: ?[]const u8 = null,
    /// The model behind `id` when `id` is a name the user chose (an Azure deployment).
    model: ?[]const u8 = null,
    billing: ?Billing = null,
};

fn tierPrice(o: std.json.ObjectMap, name: []const u8) ParseError!TierPrice {
    const v = o.get(name) orelse return .base;
    if (v == .null) return .unknown;
    return .{ .usd = protocol.number(v) orelse return error.InvalidResponse };
}

pub fn models(allocator: std.mem.Allocator, data: Value) ParseError![]const Model {
    const items = try arrayOf(data);
    const out = try allocator.alloc(Model, items.len);
    for (items, out) |item, *m| {
        const o = try objectOf(item);
        const caps = try objectOf(field(o, "capabilities"));
        const raw_tiers = if (field(o, "tiers")) |t| try arrayOf(t) else &.{};
        const tiers = try allocator.alloc(Tier, raw_tiers.len);
        for (raw_tiers, tiers) |t, *tier| {
            const to = try objectOf(t);
            tier.* = .{ .above_input_tokens = try count(to, "above_input_tokens"), .input = try tierPrice(to, "input"), .output = try tierPrice(to, "output"), .cache_read = try tierPrice(to, "cache_read"), .cache_write = try tierPrice(to, "cache_write") };
        }
        m.* = .{
            .id = try str(o, "id"),
            .name = try str(o, "name"),
            .provider = try str(o, "provider"),
            .context_length = try optCount(o, "context_length"),
            .max_output = try optCount(o, "max_output"),
            .cost = if (field(o, "cost")) |c| blk: {
                const co = try objectOf(c);
                break :blk .{ .input = try price(co, "input"), .output = try price(co, "output"), .cache_read = try price(co, "cache_read"), .cache_write = try price(co, "cache_write") };
            } else null,
            .capabilities = .{ .tools = try boolean(caps, "tools"), .reasoning = try boolean(caps, "reasoning"), .images = try boolean(caps, "images") },
            .source = try optStr(o, "source"),
            .price_source = try optStr(o, "price_source"),
            .price_date = try optStr(o, "price_date"),
            .tiers = tiers,
            .released = try optStr(o, "released"),
            .retired = try optStr(o, "retired"),
            .model = try optStr(o, "model"),
            .billing = if (field(o, "billing")) |b| blk: {
                const bo = try objectOf(b);
                const names = if (field(bo, "restricted_to")) |r| try arrayOf(r) else &.{};
                const restricted = try allocator.alloc([]const u8, names.len);
                for (names, restricted) |n, *r| r.* = if (n == .string) n.string else return error.InvalidResponse;
                break :blk .{ .is_premium = try boolean(bo, "is_premium"), .multiplier = if (field(bo, "multiplier")) |x| protocol.number(x) orelse return error.InvalidResponse else null, .restricted_to = restricted };
            } else null,
        };
    }
    return out;
}

pub const TokenCount = struct { input_tokens: u64, exact: bool, method: []const u8 };

pub fn tokenCount(data: Value) ParseError!TokenCount {
    const o = try objectOf(data);
    return .{ .input_tokens = try count(o, "input_tokens"), .exact = try boolean(o, "exact"), .method = try str(o, "method") };
}

/// `calculate_cost`: null when the model or a price it needs is unknown.
pub fn cost(data: Value) ParseError!?protocol.Cost {
    return protocol.readCost(data);
}

pub const Authenticated = struct { provider: []const u8, stored: ?bool };

pub fn authenticated(data: Value) ParseError!Authenticated {
    const o = try objectOf(data);
    if (!std.mem.eql(u8, try str(o, "type"), "authenticated")) return error.InvalidResponse;
    const stored = field(o, "stored");
    return .{ .provider = try str(o, "provider"), .stored = if (stored) |s| (if (s == .bool) s.bool else return error.InvalidResponse) else null };
}

pub const Logout = struct { provider: []const u8, removed: bool };

pub fn logout(data: Value) ParseError!Logout {
    const o = try objectOf(data);
    return .{ .provider = try str(o, "provider"), .removed = try boolean(o, "removed") };
}

pub fn cancelled(data: Value) ParseError!bool {
    return boolean(try objectOf(data), "cancelled");
}

pub const CatalogRefresh = struct {
    source: []const u8,
    date: []const u8,
    path: ?[]const u8,
    models: u64,
    /// Models taken per provider, as sent.
    providers: std.json.ObjectMap,
};

pub fn catalogRefresh(data: Value) ParseError!CatalogRefresh {
    const o = try objectOf(data);
    return .{ .source = try str(o, "source"), .date = try str(o, "date"), .path = try optStr(o, "path"), .models = try count(o, "models"), .providers = try objectOf(field(o, "providers")) };
}
