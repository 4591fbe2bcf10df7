//! What the executable never writes but a protocol-1 client must handle
//! (wire/README.md, Versioning), the typed results, and the request encoding.
//! `zig build test` runs these.
const std = @import("std");
const plue = @import("plue_ai_provider");

fn check(ok: bool) !void {
    if (!ok) return error.TestUnexpectedResult;
}

test "Unknown fields at every level are ignored" {
    const allocator = std.testing.allocator;
    // Unknown fields at every level are ignored.
    var p = try plue.parseResponse(allocator, "{\"id\":1,\"success\":true,\"data\":{\"version\":\"9.9.9\",\"protocol\":1,\"features\":[\"x\"]},\"trace\":{\"span\":7}}");
    defer p.deinit();
    const ping = try plue.results.ping(p.arena.allocator(), p.response.result.data);
    try check(std.mem.eql(u8, ping.version, "9.9.9") and ping.protocol == 1 and p.response.isTerminal());
}

test "A chunk type from a newer executable: ignored, never terminal" {
    const allocator = std.testing.allocator;
    // A chunk type from a newer executable: ignored, never terminal.
    var p = try plue.parseResponse(allocator, "{\"id\":\"r\",\"success\":true,\"streaming\":true,\"data\":{\"type\":\"citation\",\"url\":\"https://example.com\"}}");
    defer p.deinit();
    try check(p.response.chunk.chunk == .unknown and std.mem.eql(u8, p.response.chunk.chunk.unknown, "citation") and !p.response.isTerminal());
}

test "An error code from a newer executable counts as PROVIDER_ERROR; the other fields still count" {
    const allocator = std.testing.allocator;
    // An error code from a newer executable counts as PROVIDER_ERROR; the other fields still count.
    var p = try plue.parseResponse(allocator, "{\"id\":\"r\",\"success\":false,\"error\":{\"code\":\"QUOTA_EXHAUSTED\",\"message\":\"m\",\"retryable\":false,\"partial\":true,\"hint\":\"x\"}}");
    defer p.deinit();
    const e = p.response.failure.err;
    try check(e.code == .unknown and e.code.effective() == .PROVIDER_ERROR and std.mem.eql(u8, e.code_name, "QUOTA_EXHAUSTED") and e.partial and !e.retryable and p.response.isTerminal());
}

test "done: an unknown finish reason is `other`; unknown usage, cost and chunk fields are ignored; cost may be null" {
    const allocator = std.testing.allocator;
    // done: an unknown finish reason is `other`; unknown usage, cost and chunk fields are ignored; cost may be null.
    var p = try plue.parseResponse(allocator, "{\"id\":-9007199254740991,\"success\":true,\"streaming\":true,\"data\":{\"type\":\"done\",\"finish_reason\":\"paused\",\"raw_finish_reason\":\"pause_turn\",\"model\":\"m\",\"usage\":{\"input_tokens\":9007199254740991,\"output_tokens\":0,\"cache_read_tokens\":0,\"cache_write_tokens\":0,\"reasoning_tokens\":0,\"audio_tokens\":5,\"estimated\":[\"reasoning_tokens\"]},\"cost\":null,\"details\":{\"x\":[1,{\"y\":null}]},\"latency_ms\":12}}");
    defer p.deinit();
    const done = p.response.chunk.chunk.done;
    try check(p.response.chunk.id.int == -9007199254740991 and done.finish_reason == .other and done.cost == null);
    try check(done.usage.input_tokens == 9007199254740991 and done.usage.estimated.items.len == 1 and p.response.isTerminal());
}

test "Costs: integers, decimals and exponents all read as f64" {
    const allocator = std.testing.allocator;
    // Costs: integers, decimals and exponents all read as f64.
    var p = try plue.parseResponse(allocator, "{\"id\":\"c\",\"success\":true,\"data\":{\"input\":1e-7,\"output\":0,\"cache_read\":0.00012,\"cache_write\":3,\"total\":3.0001201}}");
    defer p.deinit();
    const cost = (try plue.results.cost(p.response.result.data)).?;
    try check(cost.input == 1e-7 and cost.output == 0 and cost.cache_write == 3 and cost.total == 3.0001201);
}

test "\\u escapes: a surrogate pair, an escaped U+2028, NUL" {
    const allocator = std.testing.allocator;
    // \u escapes: a surrogate pair, an escaped U+2028, NUL.
    var p = try plue.parseResponse(allocator, "{\"id\":\"u\",\"success\":true,\"streaming\":true,\"data\":{\"type\":\"content\",\"content\":\"\\ud83d\\ude00\\u2028\\u0000\"}}");
    defer p.deinit();
    try check(std.mem.eql(u8, p.response.chunk.chunk.content, "\xf0\x9f\x98\x80\xe2\x80\xa8\x00"));
}

test "An error without a readable id" {
    const allocator = std.testing.allocator;
    // An error without a readable id.
    var p = try plue.parseResponse(allocator, "{\"id\":null,\"success\":false,\"error\":{\"code\":\"INVALID_REQUEST\",\"message\":\"m\",\"retryable\":false,\"partial\":false,\"field\":\"request\"}}");
    defer p.deinit();
    try check(p.response.failure.id == null and p.response.failure.err.code == .INVALID_REQUEST and std.mem.eql(u8, p.response.failure.err.field.?, "request"));
}

test "adjustments on done: every action, from/to as any JSON, unknown fields and actions" {
    const allocator = std.testing.allocator;
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

test "provider_data on reasoning and tool_call chunks: kept as raw JSON; absent is null" {
    const allocator = std.testing.allocator;
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

test "No adjustments: an empty slice; no details: null" {
    const allocator = std.testing.allocator;
    // No adjustments: an empty slice; no details: null.
    var p = try plue.parseResponse(allocator, "{\"id\":1,\"success\":true,\"streaming\":true,\"data\":{\"type\":\"done\",\"finish_reason\":\"stop\",\"model\":\"m\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2,\"cache_read_tokens\":0,\"cache_write_tokens\":0,\"reasoning_tokens\":0,\"estimated\":[]},\"cost\":null}}");
    defer p.deinit();
    try check(p.response.chunk.chunk.done.adjustments.len == 0 and p.response.chunk.chunk.done.details == null);
}

test "adjustments on an error line (the request was shaped, then the provider refused it)" {
    const allocator = std.testing.allocator;
    // adjustments on an error line (the request was shaped, then the provider refused it).
    var p = try plue.parseResponse(allocator, "{\"id\":\"e\",\"success\":false,\"error\":{\"code\":\"INVALID_PARAMS\",\"message\":\"m\",\"retryable\":false,\"partial\":false,\"status\":400,\"adjustments\":[{\"param\":\"top_p\",\"action\":\"dropped\",\"from\":0.9,\"reason\":\"r\"}]}}");
    defer p.deinit();
    const e = p.response.failure.err;
    try check(e.code == .INVALID_PARAMS and e.adjustments.len == 1 and e.adjustments[0].action == .dropped and std.mem.eql(u8, e.adjustments[0].param, "top_p"));
}

test "An error raised by the rules before sending: field, no adjustments" {
    const allocator = std.testing.allocator;
    // An error raised by the rules before sending: field, no adjustments.
    var p = try plue.parseResponse(allocator, "{\"id\":\"p\",\"success\":false,\"error\":{\"code\":\"INVALID_PARAMS\",\"message\":\"m\",\"retryable\":false,\"partial\":false,\"field\":\"params.messages[1]\"}}");
    defer p.deinit();
    const e = p.response.failure.err;
    try check(e.adjustments.len == 0 and std.mem.eql(u8, e.field.?, "params.messages[1]") and e.status == null and e.usage == null);
}

test "requests: one line each, null optionals left out, params from typed structs" {
    const allocator = std.testing.allocator;
    var out: std.Io.Writer.Allocating = .init(allocator);
    defer out.deinit();
    const w = &out.writer;
    try plue.writeRequest(w, .{ .id = .{ .string = "a" }, .action = .stream_chat, .provider = "anthropic" }, plue.ChatParams{ .model = "m", .messages = &.{.{ .role = .user, .content = "hi \"x\"\n" }}, .max_tokens = 5 });
    // Integers beyond 2^53 stay numbers (Zig 0.11's std.json wrote |n| >= 2^52 as strings).
    try plue.writeRequest(w, .{ .id = .{ .int = 9007199254740991 }, .action = .ping, .timeout_ms = 1000 }, null);
    try plue.writeRequest(w, .{ .id = .{ .int = 0 }, .action = .cancel }, plue.CancelParams{ .id = .{ .int = -9007199254740991 } });
    // Parsed rather than built: std.json.ObjectMap is managed in Zig 0.15, unmanaged from 0.16.
    const parsed_schema = try std.json.parseFromSlice(std.json.Value, allocator, "{\"type\":\"object\"}", .{});
    defer parsed_schema.deinit();
    const schema = parsed_schema.value.object;
    const tools = [_]plue.Tool{
        .{ .name = "get_weather", .description = "Weather for a city", .parameters = .{ .value = .{ .object = schema } }, .strict = true },
        .{ .name = "now", .parameters = .{ .value = .{ .object = schema } } },
    };
    // Typed reasoning (every effort of protocol 1, or a budget), tools with `strict`, provider options beside the chat params.
    try plue.writeRequest(w, .{ .id = .{ .string = "r" }, .action = .stream_chat, .provider = "openai" }, plue.ChatParams{ .model = "m", .messages = &.{}, .tools = &tools, .tool_choice = .{ .name = "now" }, .reasoning = .{ .effort = .xhigh }, .options = .{ .base_url = "http://127.0.0.1:1", .credentials = .{ .api_key = "k" }, .@"resume" = false, .api = .responses } });
    try plue.writeRequest(w, .{ .id = .{ .string = "b" }, .action = .stream_chat, .provider = "anthropic" }, plue.ChatParams{ .model = "m", .messages = &.{}, .reasoning = .{ .budget_tokens = 8000 }, .top_p = 0.95, .stop = &.{"END"} });
    // Parts: text with a cache mark, an image, a tool call handed back with its provider_data, a tool result, signed reasoning.
    try plue.writeRequest(w, .{ .id = .{ .int = 2 }, .action = .count_tokens, .provider = "anthropic" }, plue.ChatParams{ .model = "m", .messages = &.{
        .{ .role = .user, .parts = &.{ .{ .text = .{ .text = "look", .cache = true } }, .{ .image = .{ .media_type = "image/png", .data = "iVBO" } } } },
        .{ .role = .assistant, .parts = &.{ .{ .reasoning = .{ .text = "t", .signature = "s" } }, .{ .tool_call = .{ .id = "c", .name = "now", .arguments = "{}", .provider_data = .{ .value = .{ .object = schema } } } } } },
        .{ .role = .tool, .parts = &.{.{ .tool_result = .{ .tool_call_id = "c", .content = "12:00", .is_error = false } }} },
    } });
    try plue.writeRequest(w, .{ .id = .{ .int = 3 }, .action = .calculate_cost, .provider = "anthropic" }, plue.CostParams{ .model = "m", .usage = .{ .input_tokens = 16, .output_tokens = 38 } });
    try plue.writeRequest(w, .{ .id = .{ .int = 4 }, .action = .list_models, .provider = "azure" }, plue.ListModelsParams{ .include_retired = true, .options = .{ .api_version = "v1", .headers = .{ .entries = &.{.{ .name = "x-a", .value = "1" }} } } });
    try plue.writeRequest(w, .{ .id = .{ .int = 5 }, .action = .refresh_catalog }, plue.RefreshCatalogParams{ .url = "https://example.com/api.json" });
    try std.testing.expectEqualStrings(
        \\{"id":"a","action":"stream_chat","provider":"anthropic","params":{"model":"m","messages":[{"role":"user","content":"hi \"x\"\n"}],"max_tokens":5}}
        \\{"id":9007199254740991,"action":"ping","timeout":1000}
        \\{"id":0,"action":"cancel","params":{"id":-9007199254740991}}
        \\{"id":"r","action":"stream_chat","provider":"openai","params":{"model":"m","messages":[],"tools":[{"name":"get_weather","description":"Weather for a city","parameters":{"type":"object"},"strict":true},{"name":"now","parameters":{"type":"object"}}],"tool_choice":{"name":"now"},"reasoning":{"effort":"xhigh"},"base_url":"http://127.0.0.1:1","credentials":{"api_key":"k"},"resume":false,"api":"responses"}}
        \\{"id":"b","action":"stream_chat","provider":"anthropic","params":{"model":"m","messages":[],"top_p":0.95,"stop":["END"],"reasoning":{"budget_tokens":8000}}}
        \\{"id":2,"action":"count_tokens","provider":"anthropic","params":{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"look","cache":true},{"type":"image","media_type":"image/png","data":"iVBO"}]},{"role":"assistant","content":[{"type":"reasoning","text":"t","signature":"s"},{"type":"tool_call","id":"c","name":"now","arguments":"{}","provider_data":{"type":"object"}}]},{"role":"tool","content":[{"type":"tool_result","tool_call_id":"c","content":"12:00","is_error":false}]}]}}
        \\{"id":3,"action":"calculate_cost","provider":"anthropic","params":{"model":"m","usage":{"input_tokens":16,"output_tokens":38}}}
        \\{"id":4,"action":"list_models","provider":"azure","params":{"include_retired":true,"headers":{"x-a":"1"},"api_version":"v1"}}
        \\{"id":5,"action":"refresh_catalog","params":{"url":"https://example.com/api.json"}}
        \\
    , out.written());
    for (std.enums.values(plue.Effort)) |effort| {
        const line = try plue.encodeRequest(allocator, .{ .id = .{ .int = 1 }, .action = .count_tokens, .provider = "openai" }, plue.ChatParams{ .model = "m", .messages = &.{}, .reasoning = .{ .effort = effort } });
        defer allocator.free(line);
        const expected = try std.fmt.allocPrint(allocator, "\"reasoning\":{{\"effort\":\"{s}\"}}", .{@tagName(effort)});
        defer allocator.free(expected);
        try check(std.mem.indexOf(u8, line, expected) != null);
    }
}

test "requests: a string that is not UTF-8 is refused (error.InvalidUtf8), nothing written" {
    const allocator = std.testing.allocator;
    const bad = "caf\xe9";
    const id: plue.Id = .{ .int = 1 };
    try std.testing.expectError(error.InvalidUtf8, plue.encodeRequest(allocator, .{ .id = id, .action = .stream_chat, .provider = "anthropic" }, plue.ChatParams{ .model = "m", .messages = &.{.{ .role = .user, .content = bad }} }));
    try std.testing.expectError(error.InvalidUtf8, plue.encodeRequest(allocator, .{ .id = id, .action = .stream_chat, .provider = bad }, null));
    try std.testing.expectError(error.InvalidUtf8, plue.encodeRequest(allocator, .{ .id = .{ .string = bad }, .action = .ping }, null));
    const parts = [_]plue.Part{.{ .text = .{ .text = bad } }};
    const nested = [_]plue.Part{.{ .tool_result = .{ .tool_call_id = "t", .parts = &parts } }};
    try std.testing.expectError(error.InvalidUtf8, plue.encodeRequest(allocator, .{ .id = id, .action = .count_tokens, .provider = "anthropic" }, plue.ChatParams{ .model = "m", .messages = &.{.{ .role = .user, .parts = &nested }} }));
    try std.testing.expectError(error.InvalidUtf8, plue.encodeRequest(allocator, .{ .id = id, .action = .list_models, .provider = "azure" }, plue.ListModelsParams{ .options = .{ .credentials = .{ .api_key = bad } } }));
    var object = try std.json.parseFromSlice(std.json.Value, allocator, "{\"k\":[\"v\"]}", .{});
    defer object.deinit();
    object.value.object.get("k").?.array.items[0] = .{ .string = bad };
    try std.testing.expectError(error.InvalidUtf8, plue.encodeRequest(allocator, .{ .id = id, .action = .ping }, plue.Json{ .value = object.value }));
    // Header names are object keys: std.json would assert on them.
    try std.testing.expectError(error.InvalidUtf8, plue.encodeRequest(allocator, .{ .id = id, .action = .list_models, .provider = "azure" }, plue.ListModelsParams{ .options = .{ .headers = .{ .entries = &.{.{ .name = bad, .value = "1" }} } } }));
    var buffer: [256]u8 = undefined;
    var w: std.Io.Writer = .fixed(&buffer);
    try std.testing.expectError(error.InvalidUtf8, plue.writeRequest(&w, .{ .id = id, .action = .refresh_catalog }, plue.RefreshCatalogParams{ .url = bad }));
    try std.testing.expectEqual(@as(usize, 0), w.end);
    const fine = try plue.encodeRequest(allocator, .{ .id = id, .action = .refresh_catalog }, plue.RefreshCatalogParams{ .url = "caf\u{e9}" });
    defer allocator.free(fine);
    try std.testing.expectEqualStrings("{\"id\":1,\"action\":\"refresh_catalog\",\"params\":{\"url\":\"caf\u{e9}\"}}\n", fine);
}

test "results: ping with catalog layers, providers, models with catalog fields" {
    const allocator = std.testing.allocator;
    var p = try plue.parseResponse(allocator,
        \\{"id":1,"success":true,"data":{"version":"0.1.0","protocol":1,"catalog":[{"layer":"bundled","date":"2026-11-30","models":812,"rules":40},{"layer":"override","path":"/x.json","error":"not JSON"},{"layer":"remote"}]}}
    );
    defer p.deinit();
    const ping = try plue.results.ping(p.arena.allocator(), p.response.result.data);
    try check(ping.protocol == 1 and ping.catalog.len == 3 and ping.catalog[0].models.? == 812 and std.mem.eql(u8, ping.catalog[1].@"error".?, "not JSON"));
    // A layer this client does not know is kept as written.
    try check(std.mem.eql(u8, ping.catalog[2].layer, "remote") and ping.catalog[2].date == null);

    var q = try plue.parseResponse(allocator,
        \\{"id":2,"success":true,"data":[{"id":"anthropic","name":"Anthropic","configured":false,"auth":"api_key","available":true},{"id":"newcloud","name":"New","configured":true,"auth":"passkey","available":true,"beta":true}]}
    );
    defer q.deinit();
    const providers = try plue.results.providers(q.arena.allocator(), q.response.result.data);
    try check(providers.len == 2 and std.mem.eql(u8, providers[1].id, "newcloud") and std.mem.eql(u8, providers[1].auth, "passkey") and providers[1].configured);

    var m = try plue.parseResponse(allocator,
        \\{"id":3,"success":true,"data":[
        \\{"id":"claude-sonnet-4-5","name":"Claude Sonnet 4.5","provider":"anthropic","context_length":200000,"max_output":64000,"cost":{"input":3,"output":15,"cache_read":0.3,"cache_write":3.75},"capabilities":{"tools":true,"reasoning":true,"images":true},"source":"both","price_source":"models.dev f3fc69229967","price_date":"2026-11-30","tiers":[{"above_input_tokens":200000,"input":6,"output":22.5,"cache_read":null}],"released":"2025-09-29","retired":"2026-09-29"},
        \\{"id":"my-gpt","name":"my-gpt","provider":"azure","context_length":null,"max_output":null,"cost":{"input":null,"output":null},"capabilities":{"tools":true,"reasoning":false,"images":false},"model":"gpt-4o"},
        \\{"id":"gpt-5","name":"GPT-5","provider":"copilot","context_length":400000,"max_output":null,"cost":null,"capabilities":{"tools":true,"reasoning":true,"images":true},"source":"api","billing":{"is_premium":true,"multiplier":1.5,"restricted_to":["pro","business"]},"new_field":1}]}
    );
    defer m.deinit();
    const models = try plue.results.models(m.arena.allocator(), m.response.result.data);
    try check(models.len == 3);
    const a = models[0];
    try check(a.context_length.? == 200000 and a.cost.?.input.? == 3 and a.cost.?.cache_write.? == 3.75 and a.capabilities.reasoning);
    try check(std.mem.eql(u8, a.price_source.?, "models.dev f3fc69229967") and std.mem.eql(u8, a.price_date.?, "2026-11-30"));
    try check(std.mem.eql(u8, a.released.?, "2025-09-29") and std.mem.eql(u8, a.retired.?, "2026-09-29") and std.mem.eql(u8, a.source.?, "both"));
    // A tier price left out keeps the base price; one written as null is unknown.
    try check(a.tiers.len == 1 and a.tiers[0].above_input_tokens == 200000 and a.tiers[0].input.usd == 6 and a.tiers[0].cache_read == .unknown and a.tiers[0].cache_write == .base);
    try check(models[1].context_length == null and models[1].cost.?.input == null and std.mem.eql(u8, models[1].model.?, "gpt-4o") and models[1].tiers.len == 0);
    try check(models[2].cost == null and models[2].billing.?.is_premium and models[2].billing.?.multiplier.? == 1.5 and models[2].billing.?.restricted_to.len == 2);
    // A required field missing is not a protocol line.
    var bad = try plue.parseResponse(allocator, "{\"id\":3,\"success\":true,\"data\":[{\"id\":\"x\",\"name\":\"x\",\"provider\":\"p\"}]}");
    defer bad.deinit();
    try std.testing.expectError(error.InvalidResponse, plue.results.models(bad.arena.allocator(), bad.response.result.data));
}

test "results: count_tokens, calculate_cost, authenticate, logout, cancel, refresh_catalog" {
    const allocator = std.testing.allocator;
    const lines = [_][]const u8{
        \\{"id":1,"success":true,"data":{"input_tokens":12,"exact":false,"method":"estimate"}}
        ,
        \\{"id":2,"success":true,"data":null}
        ,
        \\{"id":3,"success":true,"data":{"type":"authenticated","provider":"copilot","stored":true}}
        ,
        \\{"id":4,"success":true,"data":{"provider":"openai","removed":false}}
        ,
        \\{"id":5,"success":true,"data":{"cancelled":true}}
        ,
        \\{"id":6,"success":true,"data":{"source":"https://models.dev/api.json","date":"2026-12-01","path":"/c.json","models":900,"providers":{"anthropic":20}}}
        ,
    };
    var parsed: [lines.len]plue.Parsed = undefined;
    for (lines, &parsed) |line, *p| p.* = try plue.parseResponse(allocator, line);
    defer for (&parsed) |*p| p.deinit();
    const count = try plue.results.tokenCount(parsed[0].response.result.data);
    try check(count.input_tokens == 12 and !count.exact and std.mem.eql(u8, count.method, "estimate"));
    try check(try plue.results.cost(parsed[1].response.result.data) == null);
    const auth = try plue.results.authenticated(parsed[2].response.result.data);
    try check(std.mem.eql(u8, auth.provider, "copilot") and auth.stored.?);
    try check(!(try plue.results.logout(parsed[3].response.result.data)).removed);
    try check(try plue.results.cancelled(parsed[4].response.result.data));
    const refresh = try plue.results.catalogRefresh(parsed[5].response.result.data);
    try check(refresh.models == 900 and refresh.providers.get("anthropic").?.integer == 20);
}

test "not protocol lines" {
    const allocator = std.testing.allocator;
    // Malformed adjustments are not protocol lines: not an array, an item without its required keys.
    try check(plue.parseResponse(allocator, "{\"id\":\"e\",\"success\":false,\"error\":{\"code\":\"INVALID_PARAMS\",\"message\":\"m\",\"retryable\":false,\"partial\":false,\"adjustments\":{}}}") == error.InvalidResponse);
    try check(plue.parseResponse(allocator, "{\"id\":\"e\",\"success\":false,\"error\":{\"code\":\"INVALID_PARAMS\",\"message\":\"m\",\"retryable\":false,\"partial\":false,\"adjustments\":[{\"param\":\"x\",\"action\":\"dropped\"}]}}") == error.InvalidResponse);
    // Not protocol lines.
    try check(plue.parseResponse(allocator, "{\"id\":1}") == error.InvalidResponse);
    try check(plue.parseResponse(allocator, "[1]") == error.InvalidResponse);
    // Zig's std.json (0.11 and 0.15) rejects a lone surrogate escape outright, which is why the
    // executable writes lone surrogates as U+FFFD (wire/README.md, Transport).
    try check(plue.parseResponse(allocator, "{\"id\":1,\"success\":true,\"streaming\":true,\"data\":{\"type\":\"content\",\"content\":\"\\ud83d\"}}") == error.InvalidResponse);
}

test {
    _ = @import("process.zig");
}
