/*
 * proc.h - a WebAssembly program (a WASI command) as an executor task.
 *
 *   wasm_proc_spawn(bytes, ..., &join)
 *     decode + validate + instantiate (WASI bound, guarded memory or,
 *     when address space is short, checked memory), then spawn a task:
 *   poll: arm this CPU's 10 ms slice timer -> wasm_run -> cancel it
 *     SUSPENDED budget/yield  -> wake itself, PENDING (it may be stolen)
 *     SUSPENDED blocked       -> PENDING; the host service that blocked
 *                                (stdin read, poll_oneoff sleep) holds a
 *                                waker
 *     DONE / proc_exit        -> status {code, 0}
 *     TRAPPED                 -> "trap: KIND" + backtrace on stderr,
 *                                wasm:trap; status {-1, KIND}
 *   Everything the program owned (store, memories, module, WASI fds) is
 *   freed when it finishes, before the join completes.
 *
 * Invariant: a program's store is used by one CPU at a time (its task's
 * poll); only the slice timer touches its exec from interrupt context
 * (wasm_exec_request_yield).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasync/task.h"
#include "wasm/load.h"
#include "wasm/module.h"
#include "wasm/runtime.h"
#include "wasi/wasi.h"

/*
 * Where a program's stdio and files go. Every member may be 0/NULL.
 *  write - bytes the guest wrote to fd 1 or 2 (NULL: the console).
 *  write_wait - instead of write, when set: may move only part (*out_n),
 *          or none and return WASI_EAGAIN after keeping a clone of
 *          `waker` (woken when it may move more: a pipe), or WASI_EPIPE;
 *          len 0 asks only whether a write would move bytes now
 *          (poll_oneoff). A trap's report still goes through write.
 *  read  - stdin (fd 0): returns 0 with *out_n bytes (0 = end of input),
 *          or WASI_EAGAIN after keeping a clone of `waker`, woken when
 *          input may be there. len 0 asks only whether input is ready
 *          (poll_oneoff). NULL: stdin is at its end.
 *  files - the WASI files host for every fd >= 3 and every path (e.g.
 *          wasi_vfs_files(w) of lib/vfs/wasi_vfs.h), with the preopens to
 *          give the guest (handles of `files`, owned by the program from
 *          spawn on). NULL: file calls fail with EBADF / ENOSYS.
 *  envc, envp - the program's environment ("KEY=VALUE", copied at the
 *          spawn; NULL: none).
 *  root  - for launch.c only: the directory of kvfs preopened as the
 *          program's "/" (NULL: "/"; "": no preopen at all).
 *  released - called once everything the program held is freed, its task
 *          header included: after its join completed, or after it was
 *          cancelled (the join reports a cancel at once, while the task may
 *          still be running a slice on another CPU), or when the spawn
 *          fails. Any CPU, task context.
 * The io struct is copied; arg and files must outlive the program (until
 * released is called, when there is one).
 */
struct wasm_proc_io {
	void *arg;
	void (*write)(void *arg, int fd, const void *buf, size_t len);
	uint16_t (*write_wait)(void *arg, int fd, const void *buf, size_t len, size_t *out_n,
			       const struct kasync_waker *waker);
	uint16_t (*read)(void *arg, void *buf, size_t len, size_t *out_n,
			 const struct kasync_waker *waker);
	const struct wasi_files *files;
	uint32_t npreopens;
	const struct wasi_preopen *preopens;
	uint32_t envc;
	const char *const *envp;
	const char *root;
	bool interp; /* interpreted even if the compiler tier is on (run --interp) */
	void (*released)(void *arg);
};

/* Less common knobs; zero means the default. */
struct wasm_proc_opts {
	enum wasm_bytes_mode bytes; /* how the module holds `bytes` (default: a copy);
				     * TAKE: the program owns them from the call
				     * on, whatever it returns */
	bool cache;		    /* the bytes outlive any module (initrd in place,
				     * or TAKE): share the module with other runs
				     * of the same bytes (wasm/modcache.h) */
	bool checked;		    /* bounds-checked memory instead of guarded */
	bool interp;		    /* no compiler tier for this program */
	uint32_t max_memory_pages;  /* per memory; 0: 65536 (4 GiB) */
	uint64_t slice_us;	    /* time slice; 0: WASM_PROC_SLICE_US */
	struct wasm_error *err;	    /* out: why decode/validate/link failed */
	bool *used_guarded;	    /* out: whether memory is guarded */
};

#define WASM_PROC_SLICE_US 10000u

/* A program's task name, its NUL included: longer names are cut. Its
 * events and trace records show the first TRACE_COMM_LEN - 1 characters. */
#define WASM_PROC_NAME_MAX 32

/* A program's module data (decoded and validated) and its translated code
 * together may take at most this many times the size of its binary plus
 * WASM_PROC_META_MIN, and never the frames kept for the kernel. A module
 * past that is refused with ERR_NOMEM (and a message that says so) as soon
 * as it is, and what it took is given back at once. Real programs need 2
 * to 7 times their size (the bench programs 2.4, a 30 MB logic synthesizer
 * 7.0); a pathological one (a million empty functions, 4 bytes each) 53. */
#define WASM_PROC_META_PER_BYTE 16u
#define WASM_PROC_META_MIN	(16u << 20)

/* The join output of a program. */
struct wasm_proc_status {
	int32_t code;	    /* exit code (proc_exit, 0 if _start returned), -1 on trap */
	int trap;	    /* enum wasm_trap_kind, WASM_TRAP_NONE if it exited */
	uint64_t run_us;    /* time spent running guest code (and its host calls) */
	uint32_t preempted; /* times its slice ran out (or its budget) */
	uint64_t cpus;	    /* bit i: CPU i ran it at some point */
};

/*
 * wasm_proc_spawn - starts the WASI command in bytes[0, len) (copied) as
 * a task named `name` with argv[0..argc) (argv[0] is the program name).
 * `out` receives the join handle (its output: struct wasm_proc_status);
 * NULL detaches the program. io may be NULL (console, no stdin, no files).
 * Errors: ERR_MALFORMED / ERR_INVALID (the module), ERR_LINK (an import
 * other than WASI's), ERR_NOENT (no `_start` function export),
 * ERR_UNSUPP (a `_start` that takes parameters or returns results: the
 * options' err->msg says which), ERR_NOMEM, and the spawn's errors.
 * Nothing runs before it returns.
 */
int wasm_proc_spawn(const uint8_t *bytes, size_t len, const char *name, int argc,
		    const char *const *argv, const struct wasm_proc_io *io,
		    struct kasync_join *out);

/* wasm_proc_spawn_opts - wasm_proc_spawn with options (may be NULL). */
int wasm_proc_spawn_opts(const uint8_t *bytes, size_t len, const char *name, int argc,
			 const char *const *argv, const struct wasm_proc_io *io,
			 const struct wasm_proc_opts *opts, struct kasync_join *out);
