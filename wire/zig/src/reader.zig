//! The reader thread: reads the child's stdout (lines, handed to
//! `Client.deliver`) and stderr (kept tail), and reaps the child.
//!
//! The end is published as soon as it is known, never behind a process that
//! merely holds a pipe: after a protocol violation or a read failure at once
//! (then SIGTERM, SIGKILL after `term_wait_ms`); otherwise when the child is
//! reaped, which is checked with waitpid(WNOHANG) while reading, so a
//! grandchild that inherited stdout or stderr does not delay it.
const std = @import("std");
const builtin = @import("builtin");
const posix = std.posix;
const client_zig = @import("client.zig");
const Client = client_zig.Client;
const End = client_zig.End;
const Term = client_zig.Term;

/// While stdout is open and quiet, how often the child is checked for an exit.
const reap_every_ms = 200;
/// Once stdout has ended (or the session broke), how often until the child
/// is gone: 1 ms at first (it is usually exiting), doubling up to this.
const exit_poll_ms = 50;
/// Reads after the child was reaped: what it wrote before dying is at most a
/// pipe buffer; a grandchild still writing is not read for ever.
const reads_after_exit = 64;

const Pipes = struct {
    fds: [2]posix.pollfd,
    term: ?Term = null,
    buffer: [64 * 1024]u8 = undefined,

    fn stdout(self: *Pipes) *posix.pollfd {
        return &self.fds[0];
    }
    fn stderr(self: *Pipes) *posix.pollfd {
        return &self.fds[1];
    }
};

pub fn readLoop(client: *Client) void {
    var pipes: Pipes = .{ .fds = .{
        .{ .fd = client.child.stdout.?.handle, .events = posix.POLL.IN, .revents = 0 },
        .{ .fd = client.child.stderr.?.handle, .events = posix.POLL.IN, .revents = 0 },
    } };
    const broken: ?End = readLines(client, &pipes) catch |err| switch (err) {
        error.LineTooLong => .protocol_violation,
        else => .read_failed,
    };
    var kill_at: ?i64 = null;
    if (broken) |end| {
        // Open handles fail now, not once the child is gone.
        client.mutex.lock();
        client.ended = end;
        client.changed.broadcast();
        client.mutex.unlock();
        client.signal(posix.SIG.TERM);
        kill_at = client_zig.after(client.options.term_wait_ms);
    }
    const term = pipes.term orelse awaitExit(client, &pipes, kill_at);
    client.mutex.lock();
    defer client.mutex.unlock();
    client.term = term;
    if (client.ended == null) client.ended = if (term == .exited and term.exited == 0) .exited else .crashed;
    client.changed.broadcast();
}

/// Reads stdout until it ends, the child has been reaped and its output read,
/// or a line breaks the protocol (returned; error.LineTooLong for an endless one).
fn readLines(client: *Client, pipes: *Pipes) !?End {
    var pending: std.ArrayListUnmanaged(u8) = .empty;
    defer pending.deinit(client.allocator);
    var next_reap = std.time.milliTimestamp() + reap_every_ms;
    var late_reads: usize = 0;
    while (pipes.stdout().fd >= 0) {
        const ready = try posix.poll(&pipes.fds, if (pipes.term != null) 0 else reap_every_ms);
        if (pipes.term != null) {
            late_reads += 1;
            if (ready == 0 or late_reads > reads_after_exit) return null;
        } else if (ready == 0 or std.time.milliTimestamp() >= next_reap) {
            pipes.term = reap(client, posix.W.NOHANG);
            next_reap = std.time.milliTimestamp() + reap_every_ms;
        }
        if (pipes.stderr().revents != 0) try readStderr(client, pipes);
        if (pipes.stdout().revents != 0) {
            const got = try posix.read(pipes.stdout().fd, &pipes.buffer);
            if (got == 0) {
                pipes.stdout().fd = -1;
                // A last line without its newline is still a line.
                if (pending.items.len > 0 and !try client.deliver(pending.items)) return .protocol_violation;
                return null;
            }
            const old = pending.items.len;
            try pending.appendSlice(client.allocator, pipes.buffer[0..got]);
            var line_start: usize = 0;
            var from = old;
            while (std.mem.indexOfScalarPos(u8, pending.items, from, '\n')) |nl| {
                if (!try client.deliver(pending.items[line_start..nl])) return .protocol_violation;
                line_start = nl + 1;
                from = line_start;
            }
            // One copy per read, not per line (a 1 MiB line arrives in many reads).
            const rest = pending.items.len - line_start;
            std.mem.copyForwards(u8, pending.items[0..rest], pending.items[line_start..]);
            pending.shrinkRetainingCapacity(rest);
            if (rest > client.options.max_line_bytes) {
                client.noteViolation(pending.items);
                return error.LineTooLong;
            }
        }
    }
    return null;
}

fn readStderr(client: *Client, pipes: *Pipes) !void {
    const got = try posix.read(pipes.stderr().fd, &pipes.buffer);
    if (got == 0) pipes.stderr().fd = -1 else client.keepStderr(pipes.buffer[0..got]);
}

/// After stdout ended or the session broke: keep stderr's tail and drop
/// stdout (so the child never blocks on a full pipe) until the child is
/// reaped; SIGKILL at `kill_at`.
fn awaitExit(client: *Client, pipes: *Pipes, kill_at: ?i64) Term {
    var kill = kill_at;
    var wait_ms: i32 = 1;
    while (true) {
        if (reap(client, posix.W.NOHANG)) |term| {
            // Its last words on stderr, without waiting for a grandchild.
            var late: usize = 0;
            while (pipes.stderr().fd >= 0 and late < reads_after_exit) : (late += 1) {
                const ready = posix.poll(pipes.fds[1..], 0) catch break;
                if (ready == 0) break;
                readStderr(client, pipes) catch break;
            }
            return term;
        }
        if (kill) |k| if (std.time.milliTimestamp() >= k) {
            client.signal(posix.SIG.KILL);
            kill = null;
        };
        _ = posix.poll(&pipes.fds, wait_ms) catch std.Thread.sleep(exit_poll_ms * std.time.ns_per_ms);
        wait_ms = @min(wait_ms * 2, exit_poll_ms);
        if (pipes.stderr().revents != 0) readStderr(client, pipes) catch {
            pipes.stderr().fd = -1;
        };
        if (pipes.stdout().revents != 0) {
            const got = posix.read(pipes.stdout().fd, &pipes.buffer) catch 0;
            if (got == 0) pipes.stdout().fd = -1;
        }
    }
}

/// waitpid on the raw system call: std's posix.waitpid treats ECHILD as
/// unreachable, but the host may reap children itself (SIGCHLD ignored, a
/// waitpid(-1) elsewhere); the exit is then `.unknown`. Null: still running.
pub fn reap(client: *Client, flags: u32) ?Term {
    var status: if (builtin.link_libc) c_int else u32 = 0;
    while (true) {
        const rc = posix.system.waitpid(client.child.id, &status, @intCast(flags));
        switch (posix.errno(rc)) {
            .SUCCESS => {
                if (rc == 0) return null;
                client.markReaped();
                const s: u32 = @bitCast(status);
                if (posix.W.IFEXITED(s)) return .{ .exited = posix.W.EXITSTATUS(s) };
                if (posix.W.IFSIGNALED(s)) return .{ .signal = posix.W.TERMSIG(s) };
                return .{ .other = s };
            },
            .INTR => continue,
            else => {
                client.markReaped();
                return .unknown;
            },
        }
    }
}
