/*
 * tailcall.c - a WASI program built twice (make: tailcall.wasm as any test
 * program, tailcall-tc.wasm with -mtail-call), which must print the same:
 * mutually recursive parity (direct calls: return_call with -mtail-call)
 * and a little threaded interpreter whose handlers jump to the next one
 * through a table (return_call_indirect). With -mtail-call the calls are
 * musttail, so the "deep" argument (a million steps) runs in constant
 * stack; without it, "deep" exhausts the call stack.
 */
#include <stdio.h>
#include <string.h>

#ifdef __wasm_tail_call__
#define TAIL __attribute__((musttail))
#else
#define TAIL
#endif

static int is_odd(unsigned n);

static __attribute__((noinline)) int is_even(unsigned n)
{
	if (n == 0)
		return 1;
	TAIL return is_odd(n - 1);
}

static __attribute__((noinline)) int is_odd(unsigned n)
{
	if (n == 0)
		return 0;
	TAIL return is_even(n - 1);
}

/* The interpreter: each handler does its step and tail-calls the next
 * instruction's handler, so its code runs in one frame (or one per step). */
struct vm {
	const unsigned char *code;
	unsigned acc, left;
};

typedef unsigned (*handler)(struct vm *vm, unsigned pc);

static unsigned dispatch(struct vm *vm, unsigned pc);

static unsigned op_add(struct vm *vm, unsigned pc)
{
	vm->acc += vm->code[pc + 1];
	TAIL return dispatch(vm, pc + 2);
}

static unsigned op_mix(struct vm *vm, unsigned pc)
{
	vm->acc = vm->acc * 31 + (vm->acc >> 7);
	TAIL return dispatch(vm, pc + 1);
}

static unsigned op_loop(struct vm *vm, unsigned pc)
{
	(void)pc;
	if (--vm->left == 0)
		return vm->acc;
	TAIL return dispatch(vm, 0);
}

static const handler handlers[] = {op_add, op_mix, op_loop};

static __attribute__((noinline)) unsigned dispatch(struct vm *vm, unsigned pc)
{
	TAIL return handlers[vm->code[pc]](vm, pc);
}

int main(int argc, char **argv)
{
	static const unsigned char prog[] = {0, 3, 1, 0, 5, 1, 2};
	int deep = argc > 1 && strcmp(argv[1], "deep") == 0;
	unsigned n = deep ? 1000001 : 1001;
	unsigned rounds = deep ? 250000 : 250;
	struct vm vm = {prog, 1, rounds};
	int even = is_even(n), odd = is_odd(n);

	printf("tailcall: even(%u) = %d, odd(%u) = %d\n", n, even, n, odd);
	printf("tailcall: vm %u rounds -> %u\n", rounds, dispatch(&vm, 0));
	return 0;
}
