/*
 * shell.h - the kernel shell on the console UART.
 *
 * A line editor and the commands help, version, cpus, mem, uptime,
 * metrics (shell_trace.c), ls/cat/echo on the VFS (shell_fs.c), timeout
 * and shutdown. Input piped into QEMU is read in order, one line at a time. A
 * command that waits (cat trace_pipe) runs as a job the shell awaits;
 * Ctrl-C stops it.
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
