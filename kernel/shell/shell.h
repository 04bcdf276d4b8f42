/*
 * shell.h - the kernel shell on the console UART.
 *
 * A line editor with history (lib/ledit); builtins (shell.c's table:
 * files in shell_fs.c, tracing in shell_trace.c, programs in shell_proc.c;
 * jobs in shell_jobs.c); and WebAssembly programs from /bin run as jobs,
 * in the foreground (the console is theirs: input lines, Ctrl-C, Ctrl-D)
 * or in the background (&, jobs, kill, ps). Input piped into QEMU is read
 * in order, one line at a time.
 */
#pragma once

#include <stdint.h>

/* Runs one command line; returns its status (0 = success, 127 = unknown
 * command, 2 = bad usage). Output goes to the console. */
int shell_execute(const char *line);

/* Prints the banner and the prompt and spawns the shell task, which reads
 * lines from the UART as they arrive. */
void shell_start(void);

/* shell_prompt_ticks - when the first prompt was printed (rdtime ticks
 * since reset), 0 before: boot-to-prompt time. */
uint64_t shell_prompt_ticks(void);
