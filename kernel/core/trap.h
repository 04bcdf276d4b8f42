/*
 * trap.h - the generic half of trap handling: the hooks (arch.h's struct
 * arch_trap_hooks) through which the architecture's trap handler reaches
 * interrupt dispatch, the VM layer's lazy faults, the WebAssembly guard
 * landing and the fatal-fault report.
 */
#pragma once

/* Hands the hooks to the architecture. The boot CPU, first thing, before
 * any CPU installs its trap vector (arch_cpu_init_early). */
void trap_init(void);
