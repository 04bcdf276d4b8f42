/*
 * kbench.h - the in-kernel benchmarks, as the shell command `bench`.
 *
 *   kwasm     bench/wasm/{fib,coremix,nbody,sha256}: the same C compiled
 *             into the kernel and, from /lib/bench/NAME.wasm in the VFS,
 *             run under the engine; checksums must agree
 *   hostcall  ns per call: a no-op host import vs a no-op WASM function
 *   hello     /bin/hello.wasm: file read to join, 21 runs
 *   boot      time from reset to the shell's first prompt
 *
 * Each prints one or more `bench=NAME key=value...` lines. Times are rdtime
 * (guest) time: under TCG without -icount they follow the host's speed.
 */
#pragma once

/*
 * kbench_cmd - the shell command `bench [NAME...]` (no NAME: all). Runs as
 * a shell job (a task doing one measurement step per poll); Ctrl-C stops
 * it between steps and cancels the program it waits for. Returns 0 when
 * the job started (its status: 0, 1 if a benchmark failed, 130 if
 * stopped), 2 with the usage for --help or an unknown name, 1 if it could
 * not start.
 */
int kbench_cmd(int argc, char **argv);

/*
 * kbench_disk_cmd - the shell command `diskbench [-s MiB] [DIR]`: writes a
 * file of MiB (default 16) in DIR (default /data) and syncs, reads it back,
 * removes it; prints `bench=disk ... write_mb_s=W read_mb_s=R` in guest
 * time. Runs in the shell's task. 0, 1 on an error (said), 2 usage.
 */
int kbench_disk_cmd(int argc, char **argv);
