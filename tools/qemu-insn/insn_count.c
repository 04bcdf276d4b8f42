/*
 * insn_count.c - a QEMU TCG plugin that counts the guest instructions a
 * program executes and prints "insns: N" when QEMU exits:
 *
 *   qemu-riscv64 -plugin build/host/qemu_insn_count.so -d plugin PROGRAM...
 *
 * The count does not depend on the host's load, so benchmarks under
 * qemu-riscv64 (tools/bench-compiler.sh) compare programs by it rather than
 * by wall time. Each translated block adds its length when it runs (one
 * inline add, no callback); a block left early by a trap or a system call
 * still counts whole, an error of a few instructions per such exit.
 *
 * The plugin interface is QEMU's (qemu-plugin.h, API version 1, as in
 * Debian 12's QEMU 7.2); Debian ships no header for it, so the few
 * declarations used are written out here.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_info;

enum { PLUGIN_INLINE_ADD_U64 = 0 };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   void (*cb)(qemu_plugin_id_t id,
						      struct qemu_plugin_tb *tb));
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, int op, void *ptr,
					      uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, void (*cb)(qemu_plugin_id_t id, void *arg),
				    void *arg);
void qemu_plugin_outs(const char *s);

#define EXPORT __attribute__((visibility("default")))

EXPORT int qemu_plugin_version = 1;

/* One counter for all threads: a multi-threaded program's count may lose
 * a few increments to races (the inline add is not atomic). */
static uint64_t insn_count;

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, PLUGIN_INLINE_ADD_U64, &insn_count,
						 qemu_plugin_tb_n_insns(tb));
}

static void on_exit(qemu_plugin_id_t id, void *arg)
{
	char line[48];

	(void)id;
	(void)arg;
	snprintf(line, sizeof(line), "insns: %llu\n", (unsigned long long)insn_count);
	qemu_plugin_outs(line);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info *info, int argc,
			       char **argv)
{
	(void)info;
	(void)argc;
	(void)argv;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_exit, NULL);
	return 0;
}
