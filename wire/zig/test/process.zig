//! The client's supervision against stand-in executables (/bin/sh scripts):
//! what the real one never does (a line that is not JSON, an endless line,
//! an exit before a terminal line, ignoring SIGTERM) and routing in small.
const std = @import("std");
const plue = @import("plue_ai_provider");

fn start(script: []const u8, options: plue.Options) !*plue.Client {
    var o = options;
    o.argv = &.{ "/bin/sh", "-c", script };
    return plue.Client.start(std.testing.allocator, o);
}

test "lines are routed by id; a line without a handle waits in the unrouted queue; stdin EOF ends it cleanly" {
    const client = try start(
        \\read a; read b
        \\echo '{"id":null,"success":false,"error":{"code":"INVALID_REQUEST","message":"m","retryable":false,"partial":false}}'
        \\echo '{"id":2,"success":true,"data":{"cancelled":false}}'
        \\echo '{"id":1,"success":true,"data":{"version":"x","protocol":1}}'
        \\read c; exit 0
    , .{ .argv = &.{} });
    defer client.deinit();
    const one = try client.ping(.{});
    defer one.deinit();
    const two = try client.request(.cancel, null, plue.CancelParams{ .id = .{ .int = 9 } }, .{});
    defer two.deinit();
    try std.testing.expectEqual(@as(i64, 1), one.id.int);
    try std.testing.expectEqual(@as(i64, 2), two.id.int);
    var a = (try one.next(5_000)).?;
    defer a.parsed.deinit();
    try std.testing.expectEqualStrings("x", (try plue.results.ping(a.parsed.arena.allocator(), a.parsed.response.result.data)).version);
    try std.testing.expectEqual(@as(?plue.Line, null), try one.next(0));
    var b = (try two.next(5_000)).?;
    defer b.parsed.deinit();
    try std.testing.expect(!try plue.results.cancelled(b.parsed.response.result.data));
    // Arrival order is kept in seq: the null-id line came first.
    var c = (try client.nextUnrouted(5_000)).?;
    defer c.parsed.deinit();
    try std.testing.expect(c.seq < b.seq and b.seq < a.seq and c.parsed.response.failure.id == null);
    const term = client.shutdown(5_000);
    try std.testing.expectEqual(plue.Term{ .exited = 0 }, term);
}

test "a line that is not a protocol line ends the session: ProtocolViolation, SIGTERM" {
    const client = try start("read a; echo 'not json'; exec sleep 30", .{ .argv = &.{} });
    defer client.deinit();
    const h = try client.ping(.{});
    defer h.deinit();
    try std.testing.expectError(error.ProtocolViolation, h.next(5_000));
    const line = try client.violationLine(std.testing.allocator);
    defer std.testing.allocator.free(line);
    try std.testing.expectEqualStrings("not json", line);
    try std.testing.expectEqual(plue.Term{ .signal = std.posix.SIG.TERM }, client.waitEnded(5_000).?);
    try std.testing.expectError(error.ExecutableGone, client.ping(.{}));
}

test "a line longer than max_line_bytes is a protocol violation" {
    const client = try start("read a; printf '{\"id\":1,\"success\":true,\"data\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'; exec sleep 30", .{ .argv = &.{}, .max_line_bytes = 32 });
    defer client.deinit();
    const h = try client.ping(.{});
    defer h.deinit();
    try std.testing.expectError(error.ProtocolViolation, h.next(5_000));
}

test "stdout ends with exit 0 before the terminal line: ExecutableExited; a non-zero exit: ExecutableCrashed" {
    {
        const client = try start("read a; exit 0", .{ .argv = &.{} });
        defer client.deinit();
        const h = try client.ping(.{});
        defer h.deinit();
        try std.testing.expectError(error.ExecutableExited, h.next(5_000));
    }
    {
        const client = try start("read a; exit 3", .{ .argv = &.{} });
        defer client.deinit();
        const h = try client.ping(.{});
        defer h.deinit();
        try std.testing.expectError(error.ExecutableCrashed, h.next(5_000));
        try std.testing.expectEqual(plue.Term{ .exited = 3 }, client.waitEnded(0).?);
    }
}

test "shutdown: an executable that ignores stdin EOF and SIGTERM is killed" {
    const client = try start("trap '' TERM; exec sleep 30", .{ .argv = &.{}, .term_wait_ms = 200 });
    defer client.deinit();
    try std.testing.expectEqual(plue.Term{ .signal = std.posix.SIG.KILL }, client.shutdown(100));
}

test "Timeout leaves the request running; stderr is kept" {
    const client = try start("echo starting >&2; read a; sleep 0.3; echo '{\"id\":1,\"success\":true,\"data\":{\"cancelled\":true}}'; read b; exit 0", .{ .argv = &.{} });
    defer client.deinit();
    const h = try client.request(.cancel, null, plue.CancelParams{ .id = .{ .string = "x" } }, .{});
    defer h.deinit();
    try std.testing.expectError(error.Timeout, h.next(10));
    var line = (try h.next(5_000)).?;
    line.parsed.deinit();
    const log = try client.stderrTail(std.testing.allocator);
    defer std.testing.allocator.free(log);
    try std.testing.expectEqualStrings("starting\n", log);
}

test "ids the executable would answer with id null are refused; so is a request line over max_request_bytes" {
    const client = try start("while read a; do :; done", .{ .argv = &.{}, .max_request_bytes = 64 });
    defer client.deinit();
    try std.testing.expectError(error.InvalidId, client.ping(.{ .id = .{ .string = "" } }));
    try std.testing.expectError(error.InvalidId, client.ping(.{ .id = .{ .string = "caf\xe9" } }));
    try std.testing.expectError(error.InvalidId, client.ping(.{ .id = .{ .int = 1 << 53 } }));
    try std.testing.expectError(error.InvalidId, client.ping(.{ .id = .{ .int = -(1 << 53) } }));
    const long = [_]u8{'a'} ** 100;
    try std.testing.expectError(error.RequestTooLarge, client.calculateCost("openai", .{ .model = &long, .usage = .{} }, .{ .id = .{ .int = 7 } }));
    try std.testing.expect(!client.inFlight(.{ .int = 7 }));
    const ok = try client.ping(.{ .id = .{ .int = (1 << 53) - 1 } });
    ok.deinit();
}

test "a deadline whose cancel is never answered ends: CancelUnanswered after cancel_grace_ms, the id unrouted" {
    const client = try start("while read a; do :; done", .{ .argv = &.{}, .cancel_grace_ms = 100 });
    defer client.deinit();
    const h = try client.ping(.{ .deadline_ms = 50 });
    defer h.deinit();
    try std.testing.expectError(error.DeadlineExceeded, h.next(null));
    try std.testing.expectError(error.CancelUnanswered, h.next(2_000));
    try std.testing.expectError(error.CancelUnanswered, h.next(0));
    try std.testing.expect(!client.inFlight(h.id));
}

fn sendLong(client: *plue.Client, result: *?anyerror) void {
    const model = std.testing.allocator.alloc(u8, 1024 * 1024) catch |err| {
        result.* = err;
        return;
    };
    defer std.testing.allocator.free(model);
    @memset(model, 'm');
    if (client.calculateCost("openai", .{ .model = model, .usage = .{} }, .{})) |h| h.deinit() else |err| result.* = err;
}

test "shutdown does not wait behind a writer blocked on a full stdin pipe" {
    const client = try start("exec sleep 10", .{ .argv = &.{}, .term_wait_ms = 2_000 });
    defer client.deinit();
    var result: ?anyerror = null;
    const writer = try std.Thread.spawn(.{}, sendLong, .{ client, &result });
    // Until the writer holds the write lock: its 1 MiB line fills the 64 KiB pipe and blocks.
    while (client.write_mutex.tryLock()) {
        client.write_mutex.unlock();
        std.Thread.sleep(std.time.ns_per_ms);
    }
    std.Thread.sleep(50 * std.time.ns_per_ms);
    const started = std.time.milliTimestamp();
    try std.testing.expectEqual(plue.Term{ .signal = std.posix.SIG.TERM }, client.shutdown(100));
    writer.join();
    try std.testing.expect(std.time.milliTimestamp() - started < 5_000);
    try std.testing.expectEqual(@as(?anyerror, error.BrokenPipe), result);
}

test "the exit is noticed while a grandchild still holds stdout or stderr" {
    for ([_][]const u8{ "read a; sleep 3 & exit 0", "read a; sleep 3 >/dev/null & exit 0" }) |script| {
        const client = try start(script, .{ .argv = &.{} });
        defer client.deinit();
        const h = try client.ping(.{});
        defer h.deinit();
        try std.testing.expectError(error.ExecutableExited, h.next(2_000));
        try std.testing.expectEqual(plue.Term{ .exited = 0 }, client.waitEnded(0).?);
    }
}

test "a protocol violation fails the handles at once; a child ignoring SIGTERM is killed after term_wait_ms" {
    const client = try start("trap '' TERM; read a; echo 'not json'; exec sleep 10", .{ .argv = &.{}, .term_wait_ms = 200 });
    defer client.deinit();
    const h = try client.ping(.{});
    defer h.deinit();
    try std.testing.expectError(error.ProtocolViolation, h.next(1_000));
    try std.testing.expectEqual(plue.Term{ .signal = std.posix.SIG.KILL }, client.waitEnded(3_000).?);
    try std.testing.expectEqual(plue.End.protocol_violation, client.endReason().?);
}

test "a child reaped by someone else (SIGCHLD ignored): the exit is unknown, not a crash of the client" {
    const posix = std.posix;
    var ignore: posix.Sigaction = .{ .handler = .{ .handler = posix.SIG.IGN }, .mask = posix.sigemptyset(), .flags = 0 };
    var old: posix.Sigaction = undefined;
    posix.sigaction(posix.SIG.CHLD, &ignore, &old);
    defer posix.sigaction(posix.SIG.CHLD, &old, null);
    const client = try start("read a; exit 0", .{ .argv = &.{} });
    defer client.deinit();
    const h = try client.ping(.{});
    defer h.deinit();
    try std.testing.expectError(error.ExecutableCrashed, h.next(5_000));
    try std.testing.expectEqual(plue.Term.unknown, client.waitEnded(0).?);
}

test "a handle whose lines are not read fast enough: QueueOverflow, a cancel, then the terminal line" {
    const client = try start(
        \\read a; i=0
        \\while [ $i -lt 50 ]; do echo '{"id":1,"success":true,"streaming":true,"data":{"type":"content","content":"xxxxxxxxxxxxxxxx"}}'; i=$((i+1)); done
        \\read b; echo "$b" >&2
        \\echo '{"id":1,"success":false,"error":{"code":"CANCELLED","message":"m","retryable":false,"partial":true}}'
        \\read c; exit 0
    , .{ .argv = &.{}, .max_queued_bytes = 2_000 });
    defer client.deinit();
    const h = try client.streamChat("openai", .{ .model = "m", .messages = &.{.{ .role = .user, .content = "hi" }} }, .{});
    defer h.deinit();
    while (client.lineCount() < 50) _ = client.waitPast(client.lineCount(), 5_000);
    try std.testing.expect(h.queued_bytes <= 2_000);
    try std.testing.expectError(error.QueueOverflow, h.next(5_000));
    var last = (try h.next(5_000)).?;
    defer last.parsed.deinit();
    try std.testing.expectEqual(plue.ErrorCode.CANCELLED, last.parsed.response.failure.err.code);
    try std.testing.expectEqual(@as(?plue.Line, null), try h.next(0));
    _ = client.shutdown(5_000);
    const log = try client.stderrTail(std.testing.allocator);
    defer std.testing.allocator.free(log);
    try std.testing.expect(std.mem.indexOf(u8, log, "\"action\":\"cancel\",\"params\":{\"id\":1}") != null);
}

test "a reader that keeps a little behind does not grow the queue for ever" {
    const client = try start(
        \\read a
        \\for round in 1 2 3 4; do
        \\  i=0; while [ $i -lt 100 ]; do echo '{"id":1,"success":true,"streaming":true,"data":{"type":"content","content":"x"}}'; i=$((i+1)); done
        \\  read b
        \\done
        \\read c; exit 0
    , .{ .argv = &.{} });
    defer client.deinit();
    const h = try client.streamChat("openai", .{ .model = "m", .messages = &.{.{ .role = .user, .content = "hi" }} }, .{});
    defer h.deinit();
    var round: u64 = 1;
    while (round <= 4) : (round += 1) {
        while (client.lineCount() < 100 * round) _ = client.waitPast(client.lineCount(), 5_000);
        // Read all but one, then let the next hundred come.
        for (0..99) |_| {
            var line = (try h.next(5_000)).?;
            line.parsed.deinit();
        }
        try std.testing.expect(h.queue.items.len < 150);
        try client.sendRaw("more");
    }
}

test "unrouted_keep_lines = 0 drops every unclaimed line" {
    const client = try start(
        \\read a
        \\echo '{"id":null,"success":false,"error":{"code":"INVALID_REQUEST","message":"m","retryable":false,"partial":false}}'
        \\echo '{"id":1,"success":true,"data":{"version":"x","protocol":1}}'
        \\read b; exit 0
    , .{ .argv = &.{}, .unrouted_keep_lines = 0 });
    defer client.deinit();
    const h = try client.ping(.{});
    defer h.deinit();
    var line = try h.terminal(5_000);
    line.parsed.deinit();
    try std.testing.expectEqual(@as(u64, 1), client.unroutedDropped());
    try std.testing.expectError(error.Timeout, client.nextUnrouted(0));
}

test "a cancel after the terminal line does not hit a later request reusing the id" {
    const client = try start(
        \\read a
        \\echo '{"id":1,"success":true,"data":{"version":"x","protocol":1}}'
        \\while read c; do echo "got $c" >&2; done; exit 0
    , .{ .argv = &.{} });
    defer client.deinit();
    const first = try client.ping(.{ .id = .{ .int = 1 } });
    defer first.deinit();
    var line = try first.terminal(5_000);
    line.parsed.deinit();
    const second = try client.ping(.{ .id = .{ .int = 1 } });
    defer second.deinit();
    try first.cancel();
    try std.testing.expectEqual(plue.Term{ .exited = 0 }, client.shutdown(5_000));
    const log = try client.stderrTail(std.testing.allocator);
    defer std.testing.allocator.free(log);
    try std.testing.expectEqualStrings("got {\"id\":1,\"action\":\"ping\"}\n", log);
}

test "waits, deadlines and timeouts of maxInt(u64) are for ever, not a panic" {
    const forever = std.math.maxInt(u64);
    const client = try start(
        \\read a; sleep 0.1
        \\echo '{"id":1,"success":true,"data":{"version":"x","protocol":1}}'
        \\read b; echo "$b" >&2; exit 0
    , .{ .argv = &.{}, .cancel_grace_ms = forever, .term_wait_ms = forever });
    defer client.deinit();
    const h = try client.ping(.{ .deadline_ms = forever, .timeout_ms = forever });
    defer h.deinit();
    var line = (try h.next(forever)).?;
    line.parsed.deinit();
    try std.testing.expect(client.waitPast(0, forever));
    try client.sendRaw("bye");
    try std.testing.expectEqual(plue.Term{ .exited = 0 }, client.waitEnded(forever).?);
    try std.testing.expectEqual(@as(?plue.Line, null), try client.nextUnrouted(forever));
    const log = try client.stderrTail(std.testing.allocator);
    defer std.testing.allocator.free(log);
    try std.testing.expectEqualStrings("bye\n", log);
}

test "terminal after the terminal line was taken: TerminalTaken, not ExecutableExited" {
    const client = try start(
        \\read a
        \\echo '{"id":1,"success":true,"data":{"version":"x","protocol":1}}'
        \\read b; exit 0
    , .{ .argv = &.{} });
    defer client.deinit();
    const h = try client.ping(.{});
    defer h.deinit();
    var line = try h.terminal(5_000);
    line.parsed.deinit();
    try std.testing.expectError(error.TerminalTaken, h.terminal(5_000));
}
