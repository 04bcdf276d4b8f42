/*
 * exit3.c - a WASI command that ends with exit(3) from a nested call after
 * printing a line: wasmrun's status must be 3 and the line must be flushed
 * (exit runs the stdio atexit handlers before proc_exit).
 */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static void leave(int code)
{
	printf("exit3: leaving with %d\n", code);
	exit(code);
}

int main(void)
{
	leave(3);
	printf("exit3: not reached\n");
	return 0;
}
