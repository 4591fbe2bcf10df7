//! The pattern language of wire/conformance/README.md (Patterns), as
//! test/support/transcript.ts implements it for the TypeScript runner.
const std = @import("std");
const plue = @import("plue_ai_provider");
const Value = std.json.Value;

/// A growing path for messages (`$.data.usage`), in the arena of the caller.
pub const Path = std.ArrayListUnmanaged(u8);

pub fn plainText(parsed: plue.Parsed, kind: []const u8) bool {
    const chunk = switch (parsed.response) {
        .chunk => |c| c.chunk,
        else => return false,
    };
    const matches = if (std.mem.eql(u8, kind, "content")) chunk == .content else if (std.mem.eql(u8, kind, "reasoning")) chunk == .reasoning and chunk.reasoning.signature == null and chunk.reasoning.redacted == null else false;
    return matches and parsed.value.object.get("data").?.object.count() == 2;
}

pub fn literalText(allocator: std.mem.Allocator, want: Value) !?[]const u8 {
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

pub fn idEquals(pattern: Value, id: ?plue.Id) bool {
    const actual = id orelse return pattern == .null;
    return switch (pattern) {
        .integer => |n| actual == .int and actual.int == n,
        .string => |s| actual == .string and std.mem.eql(u8, actual.string, s),
        else => false,
    };
}

const Placeholder = enum { any, string, number, integer, boolean, object, array, absent };

pub fn placeholder(text: []const u8) ?Placeholder {
    if (text.len < 2 or text[0] != '$') return null;
    return std.meta.stringToEnum(Placeholder, text[1..]);
}

pub fn numbersEqual(a: Value, b: Value) bool {
    if (a == .integer and b == .integer) return a.integer == b.integer;
    const x = plue.number(a) orelse return false;
    const y = plue.number(b) orelse return false;
    return @abs(x - y) <= 1e-9 * @max(@as(f64, 1), @max(@abs(x), @abs(y)));
}

pub fn isNumber(v: Value) bool {
    return v == .integer or v == .float or v == .number_string;
}

/// null when `actual` matches `pattern`; otherwise where and why not.
pub fn mismatch(allocator: std.mem.Allocator, pattern: Value, actual: ?Value, path: *Path) !?[]const u8 {
    const show = struct {
        fn value(a: std.mem.Allocator, v: ?Value) ![]const u8 {
            const x = v orelse return "nothing";
            const text = try std.json.Stringify.valueAlloc(a, x, .{});
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
                    var inner: Path = .empty;
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
            try path.print(allocator, ".{s}", .{entry.key_ptr.*});
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
            try path.print(allocator, "[{d}]", .{i});
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
