//! zig build             the module `plue_ai_provider` (src/root.zig) for dependents
//! zig build test        unit tests, then the conformance transcripts that need no
//!                       replay server, against -Dexecutable=<path> (or $PLUE_AI_PROVIDER)
//! zig build example     example/chat.zig; `zig build example -- <executable> ...` runs it
const std = @import("std");

pub fn build(b: *std.Build) void {
    const target = b.standardTargetOptions(.{});
    const optimize = b.standardOptimizeOption(.{});

    const module = b.addModule("plue_ai_provider", .{
        .root_source_file = b.path("src/root.zig"),
        .target = target,
        .optimize = optimize,
    });

    const unit = b.addTest(.{ .root_module = b.createModule(.{
        .root_source_file = b.path("test/unit.zig"),
        .target = target,
        .optimize = optimize,
        .imports = &.{.{ .name = "plue_ai_provider", .module = module }},
    }) });
    const test_step = b.step("test", "unit tests and the replay-free conformance transcripts");
    test_step.dependOn(&b.addRunArtifact(unit).step);

    const conformance = program(b, "conformance", "test/conformance.zig", module, target, optimize);
    const concurrency = program(b, "concurrency", "test/concurrency.zig", module, target, optimize);
    const example = program(b, "chat", "example/chat.zig", module, target, optimize);

    // test/wire/zig.test.ts builds these into dist/zig with `zig build programs --prefix`.
    const programs = b.step("programs", "install the conformance, concurrency and example programs");
    for ([_]*std.Build.Step.Compile{ conformance, concurrency, example }) |exe| {
        programs.dependOn(&b.addInstallArtifact(exe, .{}).step);
    }

    transcriptSteps(b, test_step, conformance);
    exampleStep(b, example);
}

/// One run of the conformance program per transcript that needs no replay server.
fn transcriptSteps(b: *std.Build, test_step: *std.Build.Step, conformance: *std.Build.Step.Compile) void {
    const executable = b.option([]const u8, "executable", "the plue-ai-provider binary (default: $PLUE_AI_PROVIDER)") orelse
        b.graph.env_map.get("PLUE_AI_PROVIDER");
    if (executable) |path| {
        // Transcripts with a `cassette` line need replay servers; npm test (test/wire/zig.test.ts) serves those.
        const dir = b.option([]const u8, "conformance", "the transcripts folder (default: ../conformance)") orelse b.pathFromRoot("../conformance");
        const files = replayFree(b, dir) catch |err| {
            test_step.dependOn(&b.addFail(b.fmt("zig build test: cannot read the transcripts in {s} ({s}); pass -Dconformance=<wire/conformance>", .{ dir, @errorName(err) })).step);
            return;
        };
        for (files) |file| {
            const run = b.addRunArtifact(conformance);
            run.addArg(path);
            run.addArg(b.pathJoin(&.{ dir, file }));
            run.addCheck(.{ .expect_stdout_match = "ok " });
            run.expectExitCode(0);
            run.has_side_effects = true;
            test_step.dependOn(&run.step);
        }
    } else {
        test_step.dependOn(&b.addFail("zig build test: pass -Dexecutable=<path to dist/plue-ai-provider> (or set PLUE_AI_PROVIDER); `npm run build` builds it").step);
    }
}

fn exampleStep(b: *std.Build, example: *std.Build.Step.Compile) void {
    const example_step = b.step("example", "build example/chat.zig; run it with `zig build example -- <executable> [base_url]`");
    example_step.dependOn(&b.addInstallArtifact(example, .{}).step);
    if (b.args) |args| {
        const run = b.addRunArtifact(example);
        run.addArgs(args);
        example_step.dependOn(&run.step);
    }
}

fn program(b: *std.Build, name: []const u8, path: []const u8, module: *std.Build.Module, target: std.Build.ResolvedTarget, optimize: std.builtin.OptimizeMode) *std.Build.Step.Compile {
    return b.addExecutable(.{ .name = name, .root_module = b.createModule(.{
        .root_source_file = b.path(path),
        .target = target,
        .optimize = optimize,
        .imports = &.{.{ .name = "plue_ai_provider", .module = module }},
    }) });
}

/// The transcripts without a `cassette` line, sorted.
fn replayFree(b: *std.Build, dir_path: []const u8) ![]const []const u8 {
    var dir = try std.fs.cwd().openDir(dir_path, .{ .iterate = true });
    defer dir.close();
    var names: std.ArrayListUnmanaged([]const u8) = .empty;
    var it = dir.iterate();
    while (try it.next()) |entry| {
        if (entry.kind != .file or !std.mem.endsWith(u8, entry.name, ".ndjson")) continue;
        const text = try dir.readFileAlloc(b.allocator, entry.name, 64 * 1024 * 1024);
        if (std.mem.indexOf(u8, text, "\"cassette\"") != null) continue;
        try names.append(b.allocator, b.dupe(entry.name));
    }
    std.mem.sort([]const u8, names.items, {}, struct {
        fn lessThan(_: void, a: []const u8, c: []const u8) bool {
            return std.mem.lessThan(u8, a, c);
        }
    }.lessThan);
    return names.items;
}
