/*
 * main.c - the boot sequence, one call per subsystem, in order.
 *
 * Every hart enters kernel_start from the loader. The boot hart runs kmain;
 * the others wait until it has set up what is shared, then do their own
 * per-CPU setup, announce themselves and run their executor workers.
 */
#include <stdatomic.h>
#include <string.h>

#include "arch/arch.h"
#include "base/err.h"
#include "core/boot_info.h"
#include "core/bootargs.h"
#include "core/console.h"
#include "core/cpu.h"
#include "fdt/fdt.h"
#include "fs/kvfs.h"
#include "core/irq.h"
#include "core/kmain.h"
#include "trace/ktrace.h"
#include "mem/bump.h"
#include "mem/frame.h"
#include "mem/kheap.h"
#include "mem/layout.h"
#include "mem/vm.h"
#include "core/panic.h"
#include "sched/sched.h"
#include "core/symbols.h"
#include "core/trap.h"
#include "core/version.h"
#include "wasm/kcode.h"
#include "wasm/launch.h"

#define INITIAL_HEAP (4u << 20)

/* Shared boot state: written by the boot hart before `global_ready`. */
struct kernel_globals kg;
static atomic_bool global_ready;
static atomic_uint cpus_online;
static struct uart uart0;
static struct bump boot_alloc;

static void report_bootarg(const char *msg, const char *arg, unsigned len)
{
	log_warn("bootargs", "%s: '%.*s'", msg, (int)len, arg);
}

/* Dense CPU number of a hart: its rank among the started harts. */
static uint32_t cpu_index(uint64_t mask, uint64_t hartid)
{
	return (uint32_t)__builtin_popcountll(mask & ((1ull << hartid) - 1));
}

/* Takes this hart's struct cpu: number, cpu_this(), trap vector and stack, and a
 * random stream of its own. The first thing each hart does. */
static struct cpu *cpu_claim(const struct boot_info *bi, uint64_t hartid)
{
	struct cpu *c = &cpus[cpu_index(bi->cpu_mask, hartid)];
	c->id = cpu_index(bi->cpu_mask, hartid);
	c->hartid = (uint32_t)hartid;
	arch_cpu_init_early(c);
	rand_seed(&c->rng, bi->rng_seed, sizeof(bi->rng_seed));
	c->rng.s[0] ^= hartid; /* distinct streams per CPU */
	return c;
}

/* Usable RAM from the loader's map, for the bootstrap allocator. */
static void init_boot_alloc(const struct boot_info *bi)
{
	struct mem_range r[BUMP_MAX_RANGES];
	unsigned n = 0;
	for (uint32_t i = 0; i < bi->n_regions && n < BUMP_MAX_RANGES; i++)
		if (bi->regions[i].kind == BOOT_REGION_USABLE)
			r[n++] = (struct mem_range){bi->regions[i].start, bi->regions[i].end};
	if (bump_init(&boot_alloc, r, n))
		panic("cannot set up the bootstrap allocator");
}

/* Rebases a pointer the loader took into the device tree (physical). */
static const void *dt_ptr(const void *pa)
{
	return pa ? phys_to_virt((uint64_t)(uintptr_t)pa) : NULL;
}

/* The devices, from the loader's parse of the device tree (one parse per
 * boot: it is a good part of the boot time). */
static void init_devices(const struct boot_info *bi)
{
	struct fdt_error err = {0, 0};
	if (fdt_init(&kg.fdt, phys_to_virt(bi->fdt), bi->fdt_size, &err))
		panic("device tree: %s at offset %u", err.msg ? err.msg : "?", err.offset);
	kg.dt = bi->dt;
	kg.dt.bootargs = dt_ptr(bi->dt.bootargs);
	kg.dt.stdout_path = dt_ptr(bi->dt.stdout_path);
	kg.dt.rng_seed = dt_ptr(bi->dt.rng_seed);
	struct arch_platform plat = {.timebase_freq = kg.dt.timebase_freq};
	if (kg.dt.test_dev.present)
		plat.test_dev = (uint64_t)(uintptr_t)phys_to_virt(kg.dt.test_dev.base);
	if (kg.dt.plic.present)
		plat.irq_ctrl = (uint64_t)(uintptr_t)phys_to_virt(kg.dt.plic.base);
	arch_platform_init(&plat);
	if (kg.dt.uart.present) {
		uart_init(&uart0, (uint64_t)(uintptr_t)phys_to_virt(kg.dt.uart.base),
			  kg.dt.uart.reg_shift, kg.dt.uart.irq);
		console_use_uart(&uart0);
		kg.uart = &uart0;
	}
}

/* Gives the loader's memory to the frame allocator: every hart runs in the
 * kernel and the symbolizer has read the symbol table, so nothing reads it
 * any more (and no page table maps it but the physical map). Says if a
 * hart came in through OpenSBI's hart_start race (loader/entry.S). */
static void loader_done(const struct boot_info *bi)
{
	uint64_t bytes = 0;
	for (uint32_t i = 0; i < bi->n_regions; i++) {
		const struct boot_region *r = &bi->regions[i];
		if (r->kind != BOOT_REGION_LOADER)
			continue;
		int e = frame_add_range(r->start, r->end);
		if (e)
			log_warn("boot", "loader memory 0x%llx-0x%llx kept: %s",
				 (unsigned long long)r->start, (unsigned long long)r->end,
				 err_str(e));
		else
			bytes += r->end - r->start;
	}
	log_debug("boot", "%llu KiB of loader memory freed", (unsigned long long)(bytes >> 10));
	/* relaxed: each such hart set its bit before it came online, and the
	 * seq_cst loads of cpus_online order that before this */
	uint64_t stray = __atomic_load_n(&bi->stray_harts, __ATOMIC_RELAXED);
	if (stray)
		log_info("boot",
			 "harts 0x%llx were started through OpenSBI's hart_start race; "
			 "the loader recovered",
			 (unsigned long long)stray);
}

/* Guest time since reset, and the loader's and the kernel's shares. */
static void log_booted(const struct boot_info *bi, uint64_t boot_ticks)
{
	uint64_t now = arch_now_ticks(), hz = arch_ticks_per_sec();
	uint64_t us[3] = {now * 1000000 / hz, (bi->loader_exit_ticks - boot_ticks) * 1000000 / hz,
			  (now - bi->loader_exit_ticks) * 1000000 / hz};
	kg.booted_ticks = now;
	log_info("boot", "Booted in ~%llu.%03llu ms (loader %llu.%03llu ms, kernel %llu.%03llu ms)",
		 (unsigned long long)(us[0] / 1000), (unsigned long long)(us[0] % 1000),
		 (unsigned long long)(us[1] / 1000), (unsigned long long)(us[1] % 1000),
		 (unsigned long long)(us[2] / 1000), (unsigned long long)(us[2] % 1000));
}

static void uart_irq(void *arg)
{
	uart_handle_irq(arg);
}

/* Per-CPU setup that needs the shared state (trap vector is already set). */
static void cpu_init_late(struct cpu *c)
{
	arch_cpu_init_late(c);
	c->online = true;
	atomic_fetch_add(&cpus_online, 1);
	log_info("cpu", "CPU %u (hart %u) online", c->id, c->hartid);
}

static void kmain(uint64_t hartid, struct boot_info *bi, uint64_t boot_ticks)
{
	trap_init();			       /* the trap handler's hooks */
	struct cpu *c = cpu_claim(bi, hartid); /* cpu_this(), trap vector, trap stack */

	/* early console: the firmware's until the UART is known */
	if (bi->magic != BOOT_INFO_MAGIC)
		panic("bad boot_info magic");
	kg.bi = bi;
	kg.boot_ticks = boot_ticks;
	phys_offset = bi->phys_offset;
	ncpus = (uint32_t)__builtin_popcountll(bi->cpu_mask);

	init_boot_alloc(bi);			   /* bootstrap bump allocator */
	if (kheap_init(&boot_alloc, INITIAL_HEAP)) /* kernel heap */
		panic("cannot allocate the initial heap");
	ktrace_init();	  /* tracing: events sorted and numbered, per-CPU rings */
	init_devices(bi); /* device tree: clock, UART, PLIC, test device */

	struct bootargs args; /* bootargs */
	bootargs_parse(kg.dt.bootargs, &args, report_bootarg);
	console_set_log_filter(&args.log); /* log= */
	backtrace_mode = args.backtrace;
	kcode_set_enabled(args.jit); /* jit= */
	if (args.trace_event)	     /* trace_event= */
		ktrace_enable_events(args.trace_event, args.trace_event_len);

	if (symbols_init(bi)) /* symbolizer */
		log_warn("boot", "no kernel symbols: backtraces show bare addresses");

	log_info("boot", "%s, %u CPU(s), %s paging", KERNEL_VERSION, ncpus,
		 bi->va_bits == 48 ? "Sv48" : "Sv39");
	log_debug("boot", "kernel at 0x%016llx-0x%016llx (KASLR slide 0x%llx), text at phys 0x%llx",
		  (unsigned long long)bi->kernel_virt_start,
		  (unsigned long long)bi->kernel_virt_end, (unsigned long long)bi->kernel_slide,
		  (unsigned long long)bi->kernel_text_phys);
	log_debug("boot", "rng seed from %s", bi->rng_from_fdt ? "/chosen/rng-seed" : "the timer");

	if (frame_init(&boot_alloc)) /* frame allocator */
		panic("cannot set up the frame allocator");
	if (vm_init(bi, bi->rng_seed)) /* virtual memory */
		panic("cannot set up virtual memory");
	kheap_use_vm();
	sched_init();		 /* the executor, for every CPU */
	if (kg.dt.rtc.present) { /* goldfish: reading TIME_LOW latches TIME_HIGH */
		volatile uint32_t *rtc = phys_to_virt(kg.dt.rtc.base);
		uint64_t lo = rtc[0];
		sched_set_realtime(lo | (uint64_t)rtc[1] << 32);
	}
	kvfs_init();		/* the file namespace: initrd at /, /tmp, /proc, tracefs */
	kg.disk = vblk_probe(); /* a virtio-blk disk, if QEMU has one */
	launch_init();		/* the programs' file table, on that namespace */

	/* that disk's ext2 at /data, if it has one */
	kvfs_disk_mount(kg.disk);

	if (kg.uart && irq_register(kg.uart->irq, c->hartid, "uart", uart_irq, kg.uart))
		log_warn("uart", "cannot register the UART interrupt");

	/* let the other harts in, then per-CPU init here too */
	atomic_store(&global_ready, true);
	for (uint32_t h = 0; h < BOOT_MAX_HARTS; h++)
		if ((bi->cpu_mask & (1ull << h)) && h != hartid)
			arch_send_ipi(h);
	cpu_init_late(c);
	while (atomic_load(&cpus_online) < ncpus)
		arch_wait_ipi(); /* each hart pokes us when it is online */
	loader_done(bi);	 /* every hart has left the loader: free its memory */
	log_booted(bi, boot_ticks);

	arch_irq_enable();
	kernel_run(); /* the shell, or the in-kernel tests */
}

void kernel_start(uint64_t hartid, struct boot_info *bi, uint64_t boot_ticks)
{
	if (hartid == bi->boot_hart)
		kmain(hartid, bi, boot_ticks);

	/* Secondary harts: nothing shared may be read before global_ready.
	 * Sleep rather than spin, so a single-threaded emulator runs the boot
	 * hart; the boot hart sends an IPI once the flag is set. */
	while (!atomic_load(&global_ready))
		arch_wait_ipi();
	struct cpu *c = cpu_claim(bi, hartid);
	cpu_init_late(c);
	/* the boot CPU waits for everyone */
	cpu_send_ipi(cpu_index(bi->cpu_mask, bi->boot_hart), IPI_WAKE);
	arch_irq_enable();
	sched_worker();
}
