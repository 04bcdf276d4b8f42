/*
 * invoke.c - a WASI reactor (no main) whose exports run.sh calls with
 * `wasmrun --invoke NAME args...`: one per parameter type, and one that
 * depends on _initialize having run.
 */
#include <stdint.h>
#include <stdio.h>

static int initialized;

__attribute__((constructor)) static void init(void)
{
	initialized = 1234;
}

__attribute__((export_name("add"))) int32_t add(int32_t a, int32_t b)
{
	return a + b;
}

__attribute__((export_name("mul64"))) int64_t mul64(int64_t a, int64_t b)
{
	return a * b;
}

__attribute__((export_name("half"))) double half(double x)
{
	return x / 2;
}

__attribute__((export_name("scale"))) float scale(float x, int32_t k)
{
	return x * (float)k;
}

__attribute__((export_name("inited"))) int32_t inited(void)
{
	return initialized;
}

__attribute__((export_name("hello"))) void hello(void)
{
	printf("hello from invoke\n");
	fflush(stdout);
}
