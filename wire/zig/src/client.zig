//! The process: spawn and supervise plue-ai-provider, send requests from any
//! thread, and read its stdout on one reader thread that routes each line by
//! id to the `Handle` of its request (wire/README.md, Lifecycle).
//!
//! A handle yields its request's lines in order, ending with the one terminal
//! line; then `next` returns null. When the executable's stdout ends or it
//! dies before a request's terminal line, that handle's `next` fails with
//! `error.ExecutableExited` / `error.ExecutableCrashed` (after the lines that
//! did arrive). A line that is not a protocol line (the executable guarantees
//! every stdout line is one) ends the session: `error.ProtocolViolation` on
//! every open handle and SIGTERM to the child, since the broken line may have
//! been some request's terminal line and that request would otherwise hang.
const std = @import("std");
const posix = std.posix;
const protocol = @import("protocol.zig");
const req = @import("request.zig");
const reader = @import("reader.zig");
const Id = protocol.Id;

const max_safe_int: i64 = (1 << 53) - 1;

/// The time `ms` from now (std.time.milliTimestamp), saturating: any
/// `wait_ms`, deadline or grace up to maxInt(u64) is taken (as for ever).
pub fn after(ms: u64) i64 {
    return std.time.milliTimestamp() +| @as(i64, @intCast(@min(ms, std.math.maxInt(i64))));
}

/// Automatic ids count up from 1 and stay safe integers.
fn nextAuto(n: i64) i64 {
    return if (n >= max_safe_int) 1 else n + 1;
}

/// One response line as it arrived; `seq` counts lines across all requests
/// (arrival order). The caller owns `parsed` and must `deinit` it.
pub const Line = struct { seq: u64, parsed: protocol.Parsed };

/// A line waiting in a handle's queue, with what it counts against `max_queued_bytes`.
const Queued = struct { line: Line, bytes: usize };

/// How the child ended. `unknown`: it was reaped by someone else (the host
/// ignores SIGCHLD or calls waitpid(-1)), or it could not be reaped in time.
pub const Term = union(enum) { exited: u8, signal: u32, other: u32, unknown };

/// Why the reader stopped. `crashed`: a signal, a non-zero exit or an unknown one.
pub const End = enum { exited, crashed, protocol_violation, read_failed };

pub const Error = error{
    /// No line within the `wait_ms` given to `next`; the request goes on.
    Timeout,
    /// The request's lines were not read fast enough (`max_queued_bytes`):
    /// the queued ones were dropped and a cancel was sent; `next` goes on with
    /// the terminal line (usually CANCELLED), the chunks before it are dropped.
    QueueOverflow,
    /// The request's own deadline passed: a cancel was sent; `next` goes on
    /// yielding its last lines (ending with CANCELLED).
    DeadlineExceeded,
    /// No terminal line came within `cancel_grace_ms` after the deadline's
    /// cancel: the handle is unrouted (later lines with its id go to
    /// `nextUnrouted`) and `next` returns this from now on.
    CancelUnanswered,
    /// stdout ended (exit code 0) before this request's terminal line.
    ExecutableExited,
    /// The executable died (a signal, a non-zero exit, or an exit the client
    /// could not observe: `Term.unknown`) before this request's terminal line.
    ExecutableCrashed,
    ProtocolViolation,
    ReadFailed,
    /// `terminal` after the terminal line was already taken.
    TerminalTaken,
};

pub const Options = struct {
    /// The executable and its arguments, e.g. &.{"/path/to/plue-ai-provider"}.
    argv: []const []const u8,
    /// Replaces the environment when given.
    env: ?*const std.process.EnvMap = null,
    /// A response line longer than this is a protocol violation (the
    /// executable's longest lines are content chunks of a few MiB).
    max_line_bytes: usize = 64 * 1024 * 1024,
    /// The last this many bytes of stderr are kept (`stderrTail`); stderr must
    /// be drained or a full pipe would block the executable.
    stderr_keep_bytes: usize = 64 * 1024,
    /// The lines waiting in one handle's queue (their length plus a little
    /// bookkeeping each) may add up to this; one more and they are dropped,
    /// the request is cancelled and `next` returns error.QueueOverflow.
    max_queued_bytes: usize = 64 * 1024 * 1024,
    /// Lines no handle claims (`id: null` errors, lines of requests sent with
    /// `sendRaw`) wait in a queue of at most this many; older ones are dropped.
    unrouted_keep_lines: usize = 1024,
    /// How long `shutdown` waits after SIGTERM before SIGKILL (the executable exits within about half a second).
    term_wait_ms: u64 = 3_000,
    /// After a request's deadline sent its cancel, how long `next` waits for
    /// the terminal line before giving up with error.CancelUnanswered.
    cancel_grace_ms: u64 = 5_000,
    /// A request line (without its newline) longer than this is refused with
    /// error.RequestTooLarge; the executable would skip it and answer `id: null`.
    /// A larger value counts as the executable's 64 MiB.
    max_request_bytes: usize = req.max_request_bytes,
};

pub const RequestOptions = struct {
    /// The request id; by default the client picks an unused integer.
    id: ?Id = null,
    /// The envelope's `timeout`: the executable ends the request with TIMEOUT.
    timeout_ms: ?u64 = null,
    /// The client's own deadline: when it passes, the client sends a cancel
    /// and `next` returns error.DeadlineExceeded once (see Error).
    deadline_ms: ?u64 = null,
};

const IdContext = struct {
    pub fn hash(_: IdContext, id: Id) u64 {
        var h = std.hash.Wyhash.init(0);
        switch (id) {
            .int => |n| {
                h.update("i");
                h.update(std.mem.asBytes(&n));
            },
            .string => |s| {
                h.update("s");
                h.update(s);
            },
        }
        return h.final();
    }
    pub fn eql(_: IdContext, a: Id, b: Id) bool {
        return a.eql(b);
    }
};

pub const Client = struct {
    allocator: std.mem.Allocator,
    options: Options,
    child: std.process.Child,
    /// Guarded by write_mutex, so requests can be sent from any thread.
    stdin: ?std.fs.File,
    write_mutex: std.Thread.Mutex = .{},
    /// Guards everything below; `changed` is broadcast on every line and at the end.
    mutex: std.Thread.Mutex = .{},
    changed: std.Thread.Condition = .{},
    handles: std.HashMapUnmanaged(Id, *Handle, IdContext, 80) = .empty,
    unrouted: std.ArrayListUnmanaged(Line) = .empty,
    unrouted_dropped: u64 = 0,
    seq: u64 = 0,
    next_auto_id: i64 = 1,
    ended: ?End = null,
    term: ?Term = null,
    /// The reader has reaped the child (its pid may be reused): no more signals.
    reaped: bool = false,
    /// The line that broke the protocol (its first 300 bytes), for messages.
    violation: std.ArrayListUnmanaged(u8) = .empty,
    stderr_tail: std.ArrayListUnmanaged(u8) = .empty,
    reader: std.Thread,

    /// Starts the executable and its reader thread. The client must not move: it is returned by pointer.
    pub fn start(allocator: std.mem.Allocator, options: Options) !*Client {
        const self = try allocator.create(Client);
        errdefer allocator.destroy(self);
        self.* = .{ .allocator = allocator, .options = options, .child = std.process.Child.init(options.argv, allocator), .stdin = null, .reader = undefined };
        self.child.stdin_behavior = .Pipe;
        self.child.stdout_behavior = .Pipe;
        self.child.stderr_behavior = .Pipe;
        self.child.env_map = options.env;
        try self.child.spawn();
        self.stdin = self.child.stdin;
        self.child.stdin = null;
        self.reader = std.Thread.spawn(.{}, reader.readLoop, .{self}) catch |err| {
            self.stdin.?.close();
            self.signal(posix.SIG.KILL);
            _ = reader.reap(self, 0);
            return err;
        };
        return self;
    }

    /// Shuts down (if `shutdown` was not called) and frees the client.
    /// Every handle must have been released (`Handle.deinit`) before.
    pub fn deinit(self: *Client) void {
        if (self.waitEnded(0) == null) _ = self.shutdown(5_000);
        self.reader.join();
        if (self.stdin) |f| f.close();
        var it = self.handles.valueIterator();
        while (it.next()) |h| h.*.destroy();
        self.handles.deinit(self.allocator);
        for (self.unrouted.items) |*line| line.parsed.deinit();
        self.unrouted.deinit(self.allocator);
        self.violation.deinit(self.allocator);
        self.stderr_tail.deinit(self.allocator);
        self.child.stdout.?.close();
        self.child.stderr.?.close();
        self.allocator.destroy(self);
    }

    /// Clean shutdown: EOF on stdin (the executable finishes what is in
    /// flight and exits 0), up to `grace_ms` for that, then SIGTERM (every
    /// request ends CANCELLED, exit within about half a second), then SIGKILL.
    /// A writer blocked on a full stdin pipe (the executable not reading)
    /// holds the write lock: then shutdown goes straight to SIGTERM (the
    /// writer then fails with EPIPE) and closes stdin afterwards.
    pub fn shutdown(self: *Client, grace_ms: u64) Term {
        if (self.tryCloseStdin()) {
            if (self.waitEnded(grace_ms)) |term| return term;
        }
        self.signal(posix.SIG.TERM);
        const term = self.waitEnded(self.options.term_wait_ms) orelse kill: {
            self.signal(posix.SIG.KILL);
            // SIGKILL is not refused; only an uninterruptible child outlives this.
            break :kill self.waitEnded(self.options.term_wait_ms) orelse .unknown;
        };
        _ = self.tryCloseStdin();
        return term;
    }

    /// EOF on stdin: no more requests. Waits for a write in progress.
    pub fn closeStdin(self: *Client) void {
        self.write_mutex.lock();
        defer self.write_mutex.unlock();
        if (self.stdin) |f| f.close();
        self.stdin = null;
    }

    /// `closeStdin` unless a write is in progress; false then.
    fn tryCloseStdin(self: *Client) bool {
        if (!self.write_mutex.tryLock()) return false;
        defer self.write_mutex.unlock();
        if (self.stdin) |f| f.close();
        self.stdin = null;
        return true;
    }

    /// Sends a signal unless the child was already reaped.
    pub fn signal(self: *Client, sig: u8) void {
        self.mutex.lock();
        defer self.mutex.unlock();
        // Once reaped, the pid may belong to another process. (A signal sent
        // between waitpid's return and the reader taking the lock can still
        // miss; that window is a few instructions long.)
        if (!self.reaped) posix.kill(self.child.id, sig) catch {};
    }

    /// The exit, once the reader has reaped the child; waits up to `wait_ms` (null: for ever).
    pub fn waitEnded(self: *Client, wait_ms: ?u64) ?Term {
        self.mutex.lock();
        defer self.mutex.unlock();
        const until = if (wait_ms) |ms| after(ms) else null;
        while (self.term == null) {
            if (!self.waitTill(until)) return null;
        }
        return self.term;
    }

    pub fn endReason(self: *Client) ?End {
        self.mutex.lock();
        defer self.mutex.unlock();
        return self.ended;
    }

    /// A copy of the last bytes the executable wrote to stderr (caller frees).
    pub fn stderrTail(self: *Client, allocator: std.mem.Allocator) ![]u8 {
        self.mutex.lock();
        defer self.mutex.unlock();
        return allocator.dupe(u8, self.stderr_tail.items);
    }

    /// The line that broke the protocol, if one did (caller frees).
    pub fn violationLine(self: *Client, allocator: std.mem.Allocator) ![]u8 {
        self.mutex.lock();
        defer self.mutex.unlock();
        return allocator.dupe(u8, self.violation.items);
    }

    /// Writes `line` and a newline as they are (tests: bad JSON, odd ids).
    /// Their answers arrive through `nextUnrouted` unless a handle has their id.
    pub fn sendRaw(self: *Client, line: []const u8) !void {
        self.write_mutex.lock();
        defer self.write_mutex.unlock();
        const f = self.stdin orelse return error.StdinClosed;
        var vec = [_]posix.iovec_const{ .{ .base = line.ptr, .len = line.len }, .{ .base = "\n", .len = 1 } };
        try f.writevAll(&vec);
    }

    fn writeLine(self: *Client, line: []const u8) !void {
        self.write_mutex.lock();
        defer self.write_mutex.unlock();
        const f = self.stdin orelse return error.StdinClosed;
        try f.writeAll(line);
    }

    /// Whether a request with this id is in flight through a handle.
    pub fn inFlight(self: *Client, id: Id) bool {
        self.mutex.lock();
        defer self.mutex.unlock();
        return self.handles.contains(id);
    }

    /// Sends a request and returns its handle (release it with `deinit`).
    /// `params`: one of the params types of request.zig, a `Json`, or null.
    /// Fails with error.InvalidId (an empty or non-UTF-8 string, an integer
    /// beyond ±(2^53 − 1)) and error.RequestTooLarge (see `max_request_bytes`)
    /// before anything is sent: the executable would answer those with
    /// `id: null`, which no handle can claim.
    pub fn request(self: *Client, action: req.Action, provider: ?[]const u8, params: anytype, options: RequestOptions) !*Handle {
        if (options.id) |id| if (!validId(id)) return error.InvalidId;
        const handle = try self.register(options.id, options.deadline_ms, false);
        errdefer self.unregister(handle);
        // The executable takes timeouts up to 2^53 − 1 ms (for ever in practice).
        const timeout_ms: ?u64 = if (options.timeout_ms) |t| @min(t, max_safe_int) else null;
        const line = try req.encodeRequest(self.allocator, .{ .id = handle.id, .action = action, .provider = provider, .timeout_ms = timeout_ms }, params);
        defer self.allocator.free(line);
        if (line.len - 1 > @min(self.options.max_request_bytes, req.max_request_bytes)) return error.RequestTooLarge;
        try self.writeLine(line);
        return handle;
    }

    pub fn ping(self: *Client, options: RequestOptions) !*Handle {
        return self.request(.ping, null, null, options);
    }
    pub fn listProviders(self: *Client, options: RequestOptions) !*Handle {
        return self.request(.list_providers, null, null, options);
    }
    pub fn listModels(self: *Client, provider: []const u8, params: req.ListModelsParams, options: RequestOptions) !*Handle {
        return self.request(.list_models, provider, params, options);
    }
    pub fn streamChat(self: *Client, provider: []const u8, params: req.ChatParams, options: RequestOptions) !*Handle {
        return self.request(.stream_chat, provider, params, options);
    }
    pub fn countTokens(self: *Client, provider: []const u8, params: req.ChatParams, options: RequestOptions) !*Handle {
        return self.request(.count_tokens, provider, params, options);
    }
    pub fn calculateCost(self: *Client, provider: []const u8, params: req.CostParams, options: RequestOptions) !*Handle {
        return self.request(.calculate_cost, provider, params, options);
    }
    pub fn authenticate(self: *Client, provider: []const u8, params: req.ProviderOptions, options: RequestOptions) !*Handle {
        return self.request(.authenticate, provider, params, options);
    }
    pub fn logout(self: *Client, provider: []const u8, params: req.ProviderOptions, options: RequestOptions) !*Handle {
        return self.request(.logout, provider, params, options);
    }
    pub fn refreshCatalog(self: *Client, params: req.RefreshCatalogParams, options: RequestOptions) !*Handle {
        return self.request(.refresh_catalog, null, params, options);
    }

    /// Sends `cancel` for `target`; its `{cancelled}` result is dropped (the
    /// target's own CANCELLED line is what counts).
    /// Prefer `Handle.cancel`, which cannot hit a later request reusing the id.
    pub fn cancelId(self: *Client, target: Id) !void {
        self.write_mutex.lock();
        defer self.write_mutex.unlock();
        try self.writeCancel(target);
    }

    /// Cancels the handle's request if it is still in flight. The check and
    /// the write are both under the write lock: a request reusing the id once
    /// the terminal line has arrived is written only after this cancel, so
    /// the executable never applies it to that request.
    fn cancelHandle(self: *Client, handle: *Handle) !void {
        self.write_mutex.lock();
        defer self.write_mutex.unlock();
        self.mutex.lock();
        const routed = handle.routed;
        self.mutex.unlock();
        if (routed) try self.writeCancel(handle.id);
    }

    /// With write_mutex held.
    fn writeCancel(self: *Client, target: Id) !void {
        const handle = try self.register(null, null, true);
        errdefer self.unregister(handle);
        const line = try req.encodeRequest(self.allocator, .{ .id = handle.id, .action = .cancel }, req.CancelParams{ .id = target });
        defer self.allocator.free(line);
        const f = self.stdin orelse return error.StdinClosed;
        try f.writeAll(line);
    }

    /// The next line no handle claimed, waiting up to `wait_ms`; null once the reader has ended.
    pub fn nextUnrouted(self: *Client, wait_ms: u64) error{Timeout}!?Line {
        self.mutex.lock();
        defer self.mutex.unlock();
        const until = after(wait_ms);
        while (true) {
            if (self.unrouted.items.len > 0) return self.unrouted.orderedRemove(0);
            if (self.ended != null) return null;
            if (!self.waitTill(until)) return error.Timeout;
        }
    }

    /// How many lines have arrived so far; with `waitPast`, lets one thread watch several handles.
    pub fn lineCount(self: *Client) u64 {
        self.mutex.lock();
        defer self.mutex.unlock();
        return self.seq;
    }

    /// Waits until more than `seen` lines have arrived or the reader has ended; false on timeout.
    pub fn waitPast(self: *Client, seen: u64, wait_ms: u64) bool {
        self.mutex.lock();
        defer self.mutex.unlock();
        const until = after(wait_ms);
        while (self.seq <= seen and self.ended == null) {
            if (!self.waitTill(until)) return false;
        }
        return true;
    }

    /// With `mutex` held: waits for `changed` until `until` at the latest
    /// (null: for ever); false once `until` has passed.
    fn waitTill(self: *Client, until: ?i64) bool {
        const u = until orelse {
            self.changed.wait(&self.mutex);
            return true;
        };
        const left = u - std.time.milliTimestamp();
        if (left <= 0) return false;
        self.changed.timedWait(&self.mutex, @as(u64, @intCast(left)) *| std.time.ns_per_ms) catch {};
        return true;
    }

    /// A non-empty UTF-8 string or a safe integer (wire/README.md, Ids).
    pub fn validId(id: Id) bool {
        return switch (id) {
            .int => |n| n >= -max_safe_int and n <= max_safe_int,
            .string => |s| s.len > 0 and std.unicode.utf8ValidateSlice(s),
        };
    }

    fn register(self: *Client, wanted: ?Id, deadline_ms: ?u64, discard: bool) !*Handle {
        const handle = try self.allocator.create(Handle);
        errdefer self.allocator.destroy(handle);
        handle.* = .{ .client = self, .id = undefined, .discard = discard, .released = discard };
        if (deadline_ms) |ms| handle.deadline = after(ms);
        self.mutex.lock();
        defer self.mutex.unlock();
        if (self.ended != null) return error.ExecutableGone;
        if (wanted) |id| {
            if (self.handles.contains(id)) return error.IdInUse;
            handle.id = switch (id) {
                .int => id,
                .string => |s| .{ .string = try self.allocator.dupe(u8, s) },
            };
        } else {
            while (self.handles.contains(.{ .int = self.next_auto_id })) self.next_auto_id = nextAuto(self.next_auto_id);
            handle.id = .{ .int = self.next_auto_id };
            self.next_auto_id = nextAuto(self.next_auto_id);
        }
        errdefer if (handle.id == .string) self.allocator.free(handle.id.string);
        try self.handles.put(self.allocator, handle.id, handle);
        return handle;
    }

    /// Undoes `register` after a failed write.
    fn unregister(self: *Client, handle: *Handle) void {
        self.mutex.lock();
        defer self.mutex.unlock();
        _ = self.handles.remove(handle.id);
        handle.destroy();
    }

    // -----------------------------------------------------------------------
    // Called by the reader thread (reader.zig)

    pub fn markReaped(self: *Client) void {
        self.mutex.lock();
        defer self.mutex.unlock();
        self.reaped = true;
    }

    pub fn keepStderr(self: *Client, bytes: []const u8) void {
        self.mutex.lock();
        defer self.mutex.unlock();
        const keep = self.options.stderr_keep_bytes;
        const tail = bytes[bytes.len -| keep..];
        const old = self.stderr_tail.items;
        const drop = (old.len + tail.len) -| keep;
        if (drop > 0) {
            std.mem.copyForwards(u8, old[0 .. old.len - drop], old[drop..]);
            self.stderr_tail.shrinkRetainingCapacity(old.len - drop);
        }
        // Out of memory only loses log text, never a response line.
        self.stderr_tail.appendSlice(self.allocator, tail) catch {};
    }

    pub fn noteViolation(self: *Client, line: []const u8) void {
        self.mutex.lock();
        defer self.mutex.unlock();
        self.violation.clearRetainingCapacity();
        self.violation.appendSlice(self.allocator, line[0..@min(line.len, 300)]) catch {};
    }

    /// Parses one line and hands it to its handle; false when it is not a protocol line.
    pub fn deliver(self: *Client, text: []const u8) !bool {
        var parsed = protocol.parseResponse(self.allocator, text) catch |err| switch (err) {
            error.InvalidResponse => {
                self.noteViolation(text);
                return false;
            },
            error.OutOfMemory => return err,
        };
        self.mutex.lock();
        defer self.mutex.unlock();
        self.seq += 1;
        defer self.changed.broadcast();
        const line: Line = .{ .seq = self.seq, .parsed = parsed };
        const id = parsed.response.id() orelse return self.keepUnrouted(line);
        const handle = self.handles.get(id) orelse return self.keepUnrouted(line);
        const terminal = parsed.response.isTerminal();
        const bytes = text.len + @sizeOf(Queued);
        if (!handle.discard and !terminal and !handle.overflowed and handle.queued_bytes + bytes > self.options.max_queued_bytes) {
            // Not read fast enough: drop what waits rather than grow without bound.
            for (handle.queue.items[handle.head..]) |*q| q.line.parsed.deinit();
            handle.queue.clearRetainingCapacity();
            handle.head = 0;
            handle.queued_bytes = 0;
            handle.overflowed = true;
        }
        if (handle.discard or (handle.overflowed and !terminal)) parsed.deinit() else {
            handle.queue.append(self.allocator, .{ .line = line, .bytes = bytes }) catch |err| {
                parsed.deinit();
                return err;
            };
            handle.queued_bytes += bytes;
        }
        if (terminal) {
            _ = self.handles.remove(handle.id);
            handle.routed = false;
            if (handle.released) handle.destroy();
        }
        return true;
    }

    /// Queues a line no handle claims, dropping the oldest beyond
    /// `unrouted_keep_lines` (all of them when it is 0, or when out of memory).
    fn keepUnrouted(self: *Client, line: Line) bool {
        var dropped = line;
        if (self.options.unrouted_keep_lines > 0) {
            if (self.unrouted.items.len >= self.options.unrouted_keep_lines) {
                var oldest = self.unrouted.orderedRemove(0);
                oldest.parsed.deinit();
                self.unrouted_dropped += 1;
            }
            if (self.unrouted.append(self.allocator, line)) return true else |_| {}
        }
        dropped.parsed.deinit();
        self.unrouted_dropped += 1;
        return true;
    }

    /// How many unclaimed lines were dropped (see `unrouted_keep_lines`).
    pub fn unroutedDropped(self: *Client) u64 {
        self.mutex.lock();
        defer self.mutex.unlock();
        return self.unrouted_dropped;
    }
};

/// One request in flight. Use it from one thread at a time; release it with `deinit`.
pub const Handle = struct {
    client: *Client,
    id: Id,
    queue: std.ArrayListUnmanaged(Queued) = .empty,
    head: usize = 0,
    queued_bytes: usize = 0,
    /// The queue overflowed (`max_queued_bytes`); reported by `next` once.
    overflowed: bool = false,
    overflow_reported: bool = false,
    /// Still in the client's routing table (no terminal line yet).
    routed: bool = true,
    /// The caller let go (`deinit`); freed once no longer routed.
    released: bool = false,
    /// Lines are dropped on arrival (the client's own cancel requests).
    discard: bool = false,
    terminal_taken: bool = false,
    deadline: ?i64 = null,
    deadline_fired: bool = false,
    /// When the deadline's cancel is given up on (`cancel_grace_ms` after it).
    give_up: ?i64 = null,
    /// Gave up waiting for the terminal line (error.CancelUnanswered).
    abandoned: bool = false,

    /// The next line of this request, waiting up to `wait_ms` (null: until
    /// the request's deadline or for ever); null after the terminal line.
    /// The caller owns the returned line (`line.parsed.deinit()`).
    pub fn next(self: *Handle, wait_ms: ?u64) Error!?Line {
        const client = self.client;
        client.mutex.lock();
        defer client.mutex.unlock();
        const until = if (wait_ms) |ms| after(ms) else null;
        while (true) {
            if (self.overflowed and !self.overflow_reported) {
                self.overflow_reported = true;
                if (self.routed) {
                    client.mutex.unlock();
                    // A failed write means the executable is gone, which the next call reports.
                    client.cancelHandle(self) catch {};
                    client.mutex.lock();
                }
                return error.QueueOverflow;
            }
            if (self.head < self.queue.items.len) {
                const queued = self.queue.items[self.head];
                self.head += 1;
                self.queued_bytes -= queued.bytes;
                if (self.head == self.queue.items.len) {
                    self.queue.clearRetainingCapacity();
                    self.head = 0;
                } else if (self.head >= 64 and self.head * 2 >= self.queue.items.len) {
                    // Compact: a reader that keeps a little behind must not grow the array for ever.
                    const rest = self.queue.items.len - self.head;
                    std.mem.copyForwards(Queued, self.queue.items[0..rest], self.queue.items[self.head..]);
                    self.queue.shrinkRetainingCapacity(rest);
                    self.head = 0;
                }
                if (queued.line.parsed.response.isTerminal()) self.terminal_taken = true;
                return queued.line;
            }
            if (self.terminal_taken) return null;
            if (self.abandoned) return error.CancelUnanswered;
            if (client.ended) |end| return switch (end) {
                .exited => error.ExecutableExited,
                .crashed => error.ExecutableCrashed,
                .protocol_violation => error.ProtocolViolation,
                .read_failed => error.ReadFailed,
            };
            const now = std.time.milliTimestamp();
            if (self.deadline != null and !self.deadline_fired and now >= self.deadline.?) {
                self.deadline_fired = true;
                self.give_up = after(client.options.cancel_grace_ms);
                client.mutex.unlock();
                // A failed write means the executable is gone, which the next call reports.
                client.cancelHandle(self) catch {};
                client.mutex.lock();
                return error.DeadlineExceeded;
            }
            if (self.give_up) |g| if (now >= g) {
                // The executable never answered (an `id: null` error, a lost
                // line): stop routing this id so the handle cannot wait for ever.
                self.abandoned = true;
                if (self.routed) {
                    _ = client.handles.remove(self.id);
                    self.routed = false;
                }
                return error.CancelUnanswered;
            };
            var stop = until;
            if (self.deadline != null and !self.deadline_fired) stop = if (stop) |s| @min(s, self.deadline.?) else self.deadline.?;
            if (self.give_up) |g| stop = if (stop) |s| @min(s, g) else g;
            // Judged on `now`, as the deadline and the grace above: a stop
            // passed since is theirs, and the next round handles it.
            if (stop) |s| if (now >= s) return error.Timeout;
            _ = client.waitTill(stop);
        }
    }

    /// Reads up to the terminal line and returns it; the chunks before it are
    /// dropped (for non-streaming actions: ping, list_models, count_tokens ...).
    /// error.TerminalTaken when it was already taken.
    pub fn terminal(self: *Handle, wait_ms: ?u64) Error!Line {
        while (try self.next(wait_ms)) |line| {
            if (line.parsed.response.isTerminal()) return line;
            var l = line;
            l.parsed.deinit();
        }
        return error.TerminalTaken;
    }

    /// Asks the executable to cancel this request; it then ends with a
    /// CANCELLED line. Nothing is sent once the terminal line has arrived.
    pub fn cancel(self: *Handle) !void {
        try self.client.cancelHandle(self);
    }

    /// Releases the handle. A request still in flight goes on; its remaining lines are dropped.
    pub fn deinit(self: *Handle) void {
        const client = self.client;
        client.mutex.lock();
        defer client.mutex.unlock();
        self.released = true;
        self.discard = true;
        if (!self.routed) self.destroy();
    }

    fn destroy(self: *Handle) void {
        const allocator = self.client.allocator;
        for (self.queue.items[self.head..]) |*q| q.line.parsed.deinit();
        self.queue.deinit(allocator);
        if (self.id == .string) allocator.free(self.id.string);
        allocator.destroy(self);
    }
};
