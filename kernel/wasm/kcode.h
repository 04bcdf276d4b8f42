/*
 * kcode.h - the kernel's memory for compiled WebAssembly: code memory
 * (struct wasm_code_mem) and guest stacks (struct wasm_stack_mem), both
 * counted against the program that uses them (struct kcode_acct).
 *
 * Code memory, W^X by mapping: code is executed at a read-execute mapping
 * that is never writable, and written only through its frames' physical-map
 * alias (phys_to_virt, writable as every frame's is, reached by kernel C
 * code only; never executable):
 *
 *   alloc: room for the function in the account's current chunk (a region
 *          "wasm-code" of KCODE_CHUNK bytes or more, mapped RX from the
 *          start, an unmapped page on either side), or a new chunk; the
 *          compiler writes the code into a heap buffer at *rw
 *   seal:  the buffer copied into the chunk's frames through the alias,
 *          fence.i on this CPU, and the seal clock advanced (release); the
 *          execute address is the chunk's
 *   sync:  another CPU about to run compiled code compares the clock with
 *          the value at its last fence.i and, if it moved, fence.i (the
 *          runtime calls it at the start of every run and when it takes a
 *          function's code from a table: wasm_code_mem's contract)
 *   free:  the block given back; the chunk is unmapped (shot down on every
 *          hart) and its frames freed with its last block
 *
 * So sealing costs a copy and a local fence.i, with no page-table change
 * and no remote fence (before: a region per function, a PTE flip RW -> RX
 * with its shootdown and an SBI remote fence.i, 0.9 ms on SMP=4 under TCG,
 * and whole pages per function), and functions share pages. A CPU that
 * runs old code in a chunk while another CPU adds a function to it fetches
 * the bytes it runs, which no one writes; the new bytes reach it through
 * sync before it can jump to them.
 *
 * Guest stacks, lazy with a guard page:
 *
 *   hi  +------------------+  top of the usable stack (16-byte aligned)
 *       | [lo, hi): lazy,  |  vm_reserve(LAZY) "wasm-stack", commit limit
 *       | committed zeroed |  hi - lo promised at alloc (frame_promise), so a
 *       | on first touch   |  touch never finds memory missing
 *   lo  +------------------+
 *       | guard, unmapped  |  the VM layer keeps a free page on either side
 *       +------------------+  of every region: KCODE_STACK_GUARD bytes
 *
 * A fault in a live stack's guard page (compiled code checks sp against its
 * limit in every prologue: this is the second line) is claimed by the
 * running guest's guard_call (kmem.h's landing, kcode_stack_guard_hit) and
 * becomes a trap of the program, never a kernel fault. Traps and
 * interrupts taken on a guest stack do not push onto it: the trap entry
 * switches to the hart's own trap stack first (arch/riscv64/entry.S), so
 * they need no room below the runtime's stack limit. Kernel C code the
 * runtime calls on a guest stack (host calls, slow calls) has no limit
 * check of its own and must never reach the guard (landing there would
 * leave whatever it holds held): the limit must leave it room. Everything
 * the kernel runs, host calls included, fits in a hart's 64 KiB boot stack
 * (loader STACK_PAGES), so limit = lo + 64 KiB is always enough.
 *
 * Accounting: a provider's arg is the program's struct kcode_acct; code
 * pages and the stacks' committed pages count as the program's resident
 * memory, the stacks' untouched pages as promised (proc.c adds them to what
 * ps and mem show). Everything is given back by free; a program's store
 * frees all of it when the program ends. Code compiled for a kept module
 * is charged to the module cache's own account (kcode_shared_code) and
 * shown as the cache's by mem.
 *
 * Locking: one spinlock for the list of live stacks (taken by the fault
 * path with interrupts off); the rest is the VM layer's.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/spinlock.h"
#include "wasm/runtime.h"

#define KCODE_STACK_GUARD 4096u

/* Code memory is mapped in chunks of this many bytes (more for a bigger
 * function), and each function starts on a KCODE_ALIGN boundary. */
#define KCODE_CHUNK (32u << 10)
#define KCODE_ALIGN 16u

struct kcode_chunk;

/* What one program's compiled code and stacks hold. Embedded in the
 * program; its providers name it as their arg. */
struct kcode_acct {
	struct wasm_code_mem code;
	struct wasm_stack_mem stack;
	struct spinlock lock;	     /* the chunks' room and blocks */
	struct kcode_chunk *chunk;   /* [lock] where new code goes; NULL: none */
	_Atomic uint64_t code_bytes; /* whole chunks of its code */
	_Atomic uint32_t stacks;     /* live stacks */
};

/* kcode_acct_init - an empty account whose code/stack providers charge it. */
void kcode_acct_init(struct kcode_acct *a);

/* kcode_acct_usage - the bytes a's code and stacks hold now (code pages,
 * stack pages touched) and the stack bytes promised and not touched yet.
 * Task context. */
void kcode_acct_usage(const struct kcode_acct *a, uint64_t *resident, uint64_t *promised);

/* kcode_acct_empty - whether everything charged to a was given back. */
bool kcode_acct_empty(const struct kcode_acct *a);

/*
 * kcode_enabled / kcode_set_enabled - whether programs get the compiler
 * tier (code and stack memory in their store config). On unless the boot
 * argument jit=0 turns it off (main.c, at boot, before any program).
 */
bool kcode_enabled(void);
void kcode_set_enabled(bool on);

/* kcode_shared_code - code memory for modules kept between runs
 * (modcache.c, wasm_module_share_code): their compiled code is the cache's,
 * not any program's, and goes when the cache gives the module back. */
const struct wasm_code_mem *kcode_shared_code(void);

/* kcode_store_config - adds a's providers to cfg when the tier is enabled
 * (and a fault catcher: a guest stack's guard page must be caught even with
 * checked memory); leaves cfg as it is otherwise. */
void kcode_store_config(struct kcode_acct *a, struct wasm_store_config *cfg);

/* Every program's together, for `mem` and /proc/meminfo. */
struct kcode_stats {
	uint64_t code_bytes;  /* live chunks of code memory */
	uint64_t code_blocks; /* live code blocks (functions, stub tables) */
	uint64_t stacks;      /* live guest stacks */
	uint64_t stack_bytes; /* their usable sizes (lazy: mostly untouched) */
};
void kcode_stats(struct kcode_stats *out);

/* kcode_stack_guard_hit - whether addr lies in the guard page of a live
 * guest stack. Interrupt context (the fault path); takes the list's lock. */
bool kcode_stack_guard_hit(uint64_t addr);
