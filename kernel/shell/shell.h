/*
 * shell.h - the kernel shell on the console UART.
 *
 * A line editor with history (lib/ledit); builtins (shell.c's table:
 * files in shell_fs.c, tracing in shell_trace.c, programs in shell_proc.c;
 * jobs in shell_jobs.c); and WebAssembly programs from /bin run as jobs,
 * in the foreground (the console is theirs: input lines, Ctrl-C, Ctrl-D)
 * or in the background (&, jobs, kill, ps). Input piped into QEMU is read
 * in order, one line at a time. The boot starts it: kernel_run
 * (core/kmain.h) calls shell_start.
 */
#pragma once

#include <stdint.h>

/* Prints the banner and the prompt and spawns the shell task, which reads
 * lines from the UART as they arrive. Boot CPU, once (kernel_run). */
void shell_start(void);

/* shell_prompt_ticks - when the first prompt was printed (rdtime ticks
 * since reset), 0 before: boot-to-prompt time. */
uint64_t shell_prompt_ticks(void);
