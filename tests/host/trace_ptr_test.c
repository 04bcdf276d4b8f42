/*
 * trace_ptr_test.c - kernel addresses in trace text: a TP_POINTER field is
 * shown as the 32-bit SipHash of the address under the context's key while
 * options/hash-ptr is on (the default), raw once it is off; values that are
 * not kernel addresses (top bit clear) are shown as they are; the same
 * address always hashes the same, another key hashes it otherwise.
 */
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "base/siphash.h"
#include "base/test.h"
#include "trace/output.h"
#include "trace/tracefs.h"
#include "trace_test_plat.h"

TRACE_EVENT(ptrtest, fault, TP_PROTO(uint64_t address, uint64_t ip, uint64_t count),
	    TP_FIELDS(TP_POINTER(address), TP_POINTER(ip), TP_FIELD(uint64_t, count)),
	    TP_ASSIGN(REC->address = address; REC->ip = ip; REC->count = count;),
	    TP_PRINT("address=0x%llx ip=0x%llx count=0x%llx", (unsigned long long)REC->address,
		     (unsigned long long)REC->ip, (unsigned long long)REC->count));

#define ADDR  0xffffffc012345678ull
#define IP    0xffffffff80201234ull
#define COUNT 0xfffffffffffffff0ull /* not a pointer field: never hashed */

static int setup(struct trace_ctx *ctx, struct test_plat *tp, const struct siphash_key *key)
{
	struct trace_platform p = test_plat_make(tp, 1000);
	int err = trace_ctx_init(ctx, &p, 1, __start_trace_events, __stop_trace_events, 16);

	if (!err) {
		trace_ctx_set_ptr_key(ctx, key);
		trace_ctx_set_enabled(ctx, trace_ctx_find(ctx, "ptrtest", "fault"), true);
	}
	return err;
}

/* The whole `path` of ctx's tracefs into buf. */
static int slurp(struct trace_ctx *ctx, const char *path, char *buf, size_t cap)
{
	struct trace_fs_file *f;
	size_t len = 0, n;
	int err = trace_fs_open(ctx, path, 0, &f);

	if (err)
		return err;
	while ((err = trace_fs_read(f, buf + len, cap - 1 - len, &n)) == 0 && n)
		len += n;
	buf[len] = '\0';
	trace_fs_close(f);
	return err;
}

static int put(struct trace_ctx *ctx, const char *path, const char *text)
{
	struct trace_fs_file *f;
	int err = trace_fs_open(ctx, path, 0, &f);

	if (err)
		return err;
	err = trace_fs_write(f, text, strlen(text));
	trace_fs_close(f);
	return err;
}

/* The body line "address=... ip=... count=..." for the given shown values. */
static const char *body(char *buf, size_t size, uint64_t a, uint64_t ip, uint64_t count)
{
	fmt_snprintf(buf, size, "fault: address=0x%llx ip=0x%llx count=0x%llx\n",
		     (unsigned long long)a, (unsigned long long)ip, (unsigned long long)count);
	return buf;
}

TEST(trace_ptr, kernel_addresses_are_hashed_until_hash_ptr_is_off)
{
	const struct siphash_key key = {0x1122334455667788ull, 0x99aabbccddeeff00ull};
	struct trace_ctx ctx;
	struct test_plat tp;
	char buf[4096], want[128];
	uint64_t ha = siphash_u64(&key, ADDR) & 0xffffffffu;
	uint64_t hip = siphash_u64(&key, IP) & 0xffffffffu;

	if (!EXPECT_OK(setup(&ctx, &tp, &key)))
		return;
	EXPECT_OK(slurp(&ctx, "options/hash-ptr", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "1\n");
	TRACE_POINT(ptrtest, fault, ADDR, IP, COUNT);
	TRACE_POINT(ptrtest, fault, 0x10, 0, 1); /* NULL-ish: not kernel addresses */
	EXPECT_OK(slurp(&ctx, "trace", buf, sizeof(buf)));
	EXPECT(strstr(buf, body(want, sizeof(want), ha, hip, COUNT)) != NULL);
	EXPECT(strstr(buf, body(want, sizeof(want), 0x10, 0, 1)) != NULL);
	EXPECT(strstr(buf, "ffffffc0") == NULL && strstr(buf, "ffffffff8") == NULL);
	EXPECT_EQ_U(trace_format_ptr(&ctx, ADDR), ha); /* the same address, the same text */
	/* the shell's user switches it off, and the raw values show */
	EXPECT_EQ(put(&ctx, "options/hash-ptr", "2"), ERR_INVAL);
	EXPECT_OK(put(&ctx, "options/hash-ptr", "0\n"));
	EXPECT_OK(slurp(&ctx, "options/hash-ptr", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "0\n");
	EXPECT_OK(slurp(&ctx, "trace", buf, sizeof(buf)));
	EXPECT(strstr(buf, body(want, sizeof(want), ADDR, IP, COUNT)) != NULL);
	/* and back on: trace_pipe too */
	EXPECT_OK(put(&ctx, "options/hash-ptr", "1"));
	EXPECT_EQ(slurp(&ctx, "trace_pipe", buf, sizeof(buf)), ERR_AGAIN); /* read to its end */
	EXPECT(strstr(buf, body(want, sizeof(want), ha, hip, COUNT)) != NULL);
	trace_ctx_destroy(&ctx);
}

TEST(trace_ptr, another_key_another_hash)
{
	const struct siphash_key k1 = {1, 2}, k2 = {3, 4};
	struct trace_ctx a, b;
	struct test_plat tpa, tpb;

	if (!EXPECT_OK(setup(&a, &tpa, &k1)))
		return;
	uint64_t h1 = trace_format_ptr(&a, ADDR);
	trace_ctx_destroy(&a); /* an event binds to one context at a time */
	if (!EXPECT_OK(setup(&b, &tpb, &k2)))
		return;
	EXPECT_NE(trace_format_ptr(&b, ADDR), h1);
	EXPECT_LT(trace_format_ptr(&b, ADDR), 1ull << 32);
	EXPECT_EQ_U(trace_format_ptr(&b, 0x7fffffffffffffffull), 0x7fffffffffffffffull);
	trace_ctx_destroy(&b);
}

static void collect(void *arg, const char *name, bool is_dir)
{
	char *names = arg;
	size_t n = strlen(names);

	fmt_snprintf(names + n, 256 - n, "%s%s ", name, is_dir ? "/" : "");
}

TEST(trace_ptr, options_directory_is_listed)
{
	const struct siphash_key key = {5, 6};
	struct trace_ctx ctx;
	struct test_plat tp;
	char names[256] = "";

	if (!EXPECT_OK(setup(&ctx, &tp, &key)))
		return;
	EXPECT_OK(trace_fs_list(&ctx, "", collect, names));
	EXPECT(strstr(names, " options/ ") != NULL);
	names[0] = '\0';
	EXPECT_OK(trace_fs_list(&ctx, "options", collect, names));
	EXPECT_STREQ(names, "hash-ptr ");
	EXPECT_EQ(put(&ctx, "options/nope", "1"), ERR_NOENT);
	EXPECT_EQ(put(&ctx, "options", "1"), ERR_ISDIR);
	trace_ctx_destroy(&ctx);
}
