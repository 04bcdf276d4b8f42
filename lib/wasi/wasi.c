/*
 * wasi.c - the WASI context (args, environ, fd table) and the preview1
 * functions that are not about files: args/environ, clocks, random,
 * proc_exit, sched_yield. Files: wasi_fd.c, wasi_path.c; poll_oneoff:
 * wasi_poll.c; the import table: wasi_table.c; which interface serves a
 * host handle: wasi_route.c.
 *
 * Invariant: fds[0 .. nfds) are the table's slots, nfds <= max_fds; a used
 * slot's host handle is valid until the slot is released; args/env hold
 * argc/envc NUL-terminated strings, args_bytes/env_bytes bytes in all.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "wasi/wasi.h"
#include "wasi/wasi_internal.h"

uint16_t wasi_errno_from_err(int err)
{
	switch (err) {
	case ERR_OK:
		return WASI_ESUCCESS;
	case ERR_NOMEM:
		return WASI_ENOMEM;
	case ERR_INVAL:
		return WASI_EINVAL;
	case ERR_RANGE:
		return WASI_ERANGE;
	case ERR_NOENT:
		return WASI_ENOENT;
	case ERR_EXIST:
		return WASI_EEXIST;
	case ERR_BUSY:
		return WASI_EBUSY;
	case ERR_AGAIN:
		return WASI_EAGAIN;
	case ERR_TRUNC:
		return WASI_EIO;
	case ERR_MALFORMED:
		return WASI_EINVAL;
	case ERR_UNSUPP:
		return WASI_ENOTSUP;
	case ERR_FAULT:
		return WASI_EFAULT;
	case ERR_PERM:
		return WASI_EPERM;
	case ERR_CANCELLED:
		return WASI_ECANCELED;
	case ERR_TIMEDOUT:
		return WASI_ETIMEDOUT;
	case ERR_CLOSED:
		return WASI_EPIPE;
	case ERR_IO:
		return WASI_EIO;
	case ERR_NOSPC:
		return WASI_ENOSPC;
	case ERR_OVERFLOW:
		return WASI_EOVERFLOW;
	case ERR_NOTDIR:
		return WASI_ENOTDIR;
	case ERR_ISDIR:
		return WASI_EISDIR;
	case ERR_BADF:
		return WASI_EBADF;
	case ERR_NOTEMPTY:
		return WASI_ENOTEMPTY;
	case ERR_XDEV:
		return WASI_EXDEV;
	case ERR_ACCES:
		return WASI_EACCES;
	case ERR_ROFS:
		return WASI_EROFS;
	case ERR_LOOP:
		return WASI_ELOOP;
	case ERR_NOTCAPABLE:
		return WASI_ENOTCAPABLE;
	default:
		return WASI_EIO;
	}
}

/* ---- context ---- */

/* Joins n strings into one NUL-separated block; ERR_INVAL past 4 GiB. */
static int strings_pack(uint32_t n, const char *const *v, char **out, uint32_t *out_bytes)
{
	uint64_t total = 0;
	char *buf, *p;

	for (uint32_t i = 0; i < n; i++) {
		total += strlen(v[i]) + 1;
		if (total > UINT32_MAX)
			return ERR_INVAL;
	}
	buf = malloc(total ? (size_t)total : 1);
	if (!buf)
		return ERR_NOMEM;
	p = buf;
	for (uint32_t i = 0; i < n; i++) {
		size_t len = strlen(v[i]) + 1;

		memcpy(p, v[i], len);
		p += len;
	}
	*out = buf;
	*out_bytes = (uint32_t)total;
	return 0;
}

int wasi_ctx_init(struct wasi_ctx *c, const struct wasi_env *env, const struct wasi_files *files,
		  const struct wasi_config *cfg)
{
	struct wasi_ctx n = {.env = env, .files = files, .argc = cfg->argc, .envc = cfg->envc};
	uint32_t nfds = 3 + cfg->npreopens;
	int err;

	n.max_fds = cfg->max_fds ? cfg->max_fds : WASI_DEFAULT_MAX_FDS;
	if (cfg->npreopens > n.max_fds - 3 || n.max_fds < 3)
		return ERR_INVAL;
	err = strings_pack(cfg->argc, cfg->argv, &n.args, &n.args_bytes);
	if (err)
		return err;
	err = strings_pack(cfg->envc, cfg->envp, &n.envs, &n.env_bytes);
	if (err)
		goto fail;
	err = ERR_NOMEM;
	n.fds = calloc(nfds, sizeof(*n.fds));
	if (!n.fds)
		goto fail;
	n.nfds = nfds;
	for (uint32_t i = 0; i < 3; i++)
		n.fds[i] = (struct wasi_fd){
			.used = true,
			.type = WASI_FILETYPE_CHARACTER_DEVICE,
			.rights_base = WASI_RIGHTS_ALL,
			.hfd = cfg->stdio[i],
		};
	for (uint32_t i = 0; i < cfg->npreopens; i++) {
		const struct wasi_preopen *p = &cfg->preopens[i];
		size_t len = strlen(p->guest);
		struct wasi_fd *f = &n.fds[3 + i];

		if (len > UINT32_MAX) {
			err = ERR_INVAL;
			goto fail;
		}
		f->preopen = malloc(len + 1);
		if (!f->preopen)
			goto fail;
		memcpy(f->preopen, p->guest, len + 1);
		f->preopen_len = (uint32_t)len;
		f->type = WASI_FILETYPE_DIRECTORY;
		f->rights_base = WASI_RIGHTS_DIR;
		f->rights_inheriting = WASI_RIGHTS_ALL;
		f->hfd = p->hfd;
	}
	/* Nothing can fail from here: the ctx takes the preopens. */
	for (uint32_t i = 0; i < cfg->npreopens; i++) {
		n.fds[3 + i].used = true;
		n.fds[3 + i].owned = true;
	}
	*c = n;
	return 0;
fail:
	if (n.fds)
		for (uint32_t i = 0; i < nfds; i++)
			free(n.fds[i].preopen);
	free(n.fds);
	free(n.args);
	free(n.envs);
	return err;
}

void wasi_ctx_destroy(struct wasi_ctx *c)
{
	for (uint32_t i = 0; i < c->nfds; i++)
		if (c->fds[i].used)
			wasi_fd_release(c, &c->fds[i]);
	free(c->fds);
	free(c->args);
	free(c->envs);
	memset(c, 0, sizeof(*c));
}

uint16_t wasi_fd_reserve(struct wasi_ctx *c, uint32_t *out_fd)
{
	struct wasi_fd *fds;
	uint32_t n;

	for (uint32_t i = 0; i < c->nfds; i++) {
		if (!c->fds[i].used) {
			*out_fd = i;
			return 0;
		}
	}
	if (c->nfds >= c->max_fds)
		return WASI_EMFILE;
	n = c->nfds < c->max_fds / 2 ? c->nfds * 2 : c->max_fds;
	if (n < 8 && c->max_fds >= 8)
		n = 8;
	fds = realloc(c->fds, (size_t)n * sizeof(*fds));
	if (!fds)
		return WASI_ENOMEM;
	memset(fds + c->nfds, 0, (size_t)(n - c->nfds) * sizeof(*fds));
	*out_fd = c->nfds;
	c->fds = fds;
	c->nfds = n;
	return 0;
}

void wasi_fd_release(struct wasi_ctx *c, struct wasi_fd *f)
{
	if (f->owned)
		wasi_route_close(c, f->hfd);
	free(f->preopen);
	memset(f, 0, sizeof(*f));
}

uint16_t wasi_iovs_check(struct wasi_mem m, uint32_t iovs, uint32_t n)
{
	uint64_t total = 0;

	if (!wasi_mem_ok(m, iovs, (uint64_t)n * WASI_IOVEC_SIZE))
		return WASI_EFAULT;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = m.base + iovs + (uint64_t)i * WASI_IOVEC_SIZE;
		uint32_t len = wasi_get_u32(e + 4);

		if (!wasi_mem_ok(m, wasi_get_u32(e), len))
			return WASI_EFAULT;
		total += len;
	}
	return total > UINT32_MAX ? WASI_EINVAL : 0;
}

uint16_t wasi_path_get(struct wasi_mem m, uint32_t ptr, uint32_t len, char **out)
{
	const char *s = (const char *)m.base + ptr;
	char *copy;

	if (!wasi_mem_ok(m, ptr, len))
		return WASI_EFAULT;
	if (len == 0)
		return WASI_ENOENT;
	if (len >= WASI_PATH_MAX)
		return WASI_ENAMETOOLONG;
	if (memchr(s, 0, len))
		return WASI_EILSEQ;
	/* The one sandbox rule (wasi_files.c). The files host applies it
	 * again to what it is given: it is the whole rule for the VFS, which
	 * has no symlinks; the POSIX host also keeps its walk inside the
	 * directory while it follows symlinks. */
	if (!wasi_path_contained(s, len))
		return WASI_ENOTCAPABLE;
	copy = malloc((size_t)len + 1);
	if (!copy)
		return WASI_ENOMEM;
	memcpy(copy, s, len);
	copy[len] = 0;
	*out = copy;
	return 0;
}

/* ---- args and environ ---- */

static uint32_t sizes_get(struct wasi_mem m, uint32_t count, uint32_t bytes, uint32_t count_out,
			  uint32_t size_out)
{
	if (!wasi_mem_ok(m, count_out, 4) || !wasi_mem_ok(m, size_out, 4))
		return WASI_EFAULT;
	wasi_store_u32(m, count_out, count);
	wasi_store_u32(m, size_out, bytes);
	return 0;
}

static uint32_t strings_get(struct wasi_mem m, const char *strs, uint32_t n, uint32_t bytes,
			    uint32_t ptrs, uint32_t buf)
{
	uint32_t off = 0;

	if (!wasi_mem_ok(m, ptrs, (uint64_t)n * 4) || !wasi_mem_ok(m, buf, bytes))
		return WASI_EFAULT;
	memcpy(m.base + buf, strs, bytes);
	for (uint32_t i = 0; i < n; i++) {
		wasi_store_u32(m, ptrs + 4 * i, buf + off);
		off += (uint32_t)strlen(strs + off) + 1;
	}
	return 0;
}

uint32_t wasi_args_sizes_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t argc_out,
			     uint32_t size_out)
{
	return sizes_get(m, c->argc, c->args_bytes, argc_out, size_out);
}

uint32_t wasi_args_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t argv, uint32_t buf)
{
	return strings_get(m, c->args, c->argc, c->args_bytes, argv, buf);
}

uint32_t wasi_environ_sizes_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t count_out,
				uint32_t size_out)
{
	return sizes_get(m, c->envc, c->env_bytes, count_out, size_out);
}

uint32_t wasi_environ_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t environ, uint32_t buf)
{
	return strings_get(m, c->envs, c->envc, c->env_bytes, environ, buf);
}

/* ---- clocks, random, process ---- */

uint32_t wasi_clock_res_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t id, uint32_t out)
{
	uint64_t ns;
	uint16_t e;

	if (id > WASI_CLOCK_THREAD_CPUTIME)
		return WASI_EINVAL;
	if (!wasi_mem_ok(m, out, 8))
		return WASI_EFAULT;
	e = c->env->clock_res(c->env->arg, id, &ns);
	if (e)
		return e;
	wasi_put_u64(m.base + out, ns);
	return 0;
}

uint32_t wasi_clock_time_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t id, uint64_t precision,
			     uint32_t out)
{
	uint64_t ns;
	uint16_t e;

	(void)precision; /* a hint; the host's best is always allowed */
	if (id > WASI_CLOCK_THREAD_CPUTIME)
		return WASI_EINVAL;
	if (!wasi_mem_ok(m, out, 8))
		return WASI_EFAULT;
	e = c->env->clock_time(c->env->arg, id, &ns);
	if (e)
		return e;
	wasi_put_u64(m.base + out, ns);
	return 0;
}

/* In chunks: 125 MiB of random bytes take seconds on a slow machine. */
uint32_t wasi_random_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t buf, uint32_t len)
{
	const uint64_t key[4] = {WASI_PART_RANDOM, buf, len, 0};
	uint64_t done;

	if (!wasi_mem_ok(m, buf, len))
		return WASI_EFAULT;
	done = wasi_part_resume(c, key);
	while (done < len) {
		uint32_t n = (uint32_t)(len - done < WASI_CHUNK ? len - done : WASI_CHUNK);
		uint16_t e = c->env->random(c->env->arg, m.base + buf + done, n);

		if (e) {
			wasi_unblock(c);
			return e;
		}
		done += n;
		if (done < len && wasi_preempted(c))
			return wasi_part_yield(c, key, done);
	}
	wasi_unblock(c);
	return 0;
}

uint32_t wasi_proc_exit(struct wasi_ctx *c, struct wasi_mem m, uint32_t code)
{
	(void)m;
	c->exit_code = code;
	if (c->env->exit)
		c->env->exit(c->env->arg, code);
	return WASI_STATUS_EXIT;
}

uint32_t wasi_sched_yield(struct wasi_ctx *c, struct wasi_mem m)
{
	uint16_t e;

	(void)m;
	/* The retry after a suspension is the yield having happened. */
	if (c->pending.kind == WASI_PENDING_YIELD) {
		wasi_unblock(c);
		return 0;
	}
	e = c->env->yield(c->env->arg);
	if (e == WASI_EAGAIN)
		return wasi_block(c, WASI_PENDING_YIELD, 0);
	return e;
}

uint16_t wasi_ctx_wait_pending(struct wasi_ctx *c)
{
	struct wasi_host_pollfd p = {0};
	struct wasi_fd *f;

	switch (c->pending.kind) {
	case WASI_PENDING_READ:
	case WASI_PENDING_WRITE:
		f = wasi_fd_lookup(c, c->pending.fd);
		if (!f)
			return 0; /* the retry reports EBADF */
		p.hfd = f->hfd;
		p.want_write = c->pending.kind == WASI_PENDING_WRITE;
		return c->env->poll(c->env->arg, &p, 1, false, 0, 0);
	case WASI_PENDING_POLL:
		if (!c->pending.has_deadline)
			return 0;
		return c->env->poll(c->env->arg, NULL, 0, true, c->pending.clock_id,
				    c->pending.deadline);
	case WASI_PENDING_YIELD:
	case WASI_PENDING_PART: /* the retry goes on at once */
	case WASI_PENDING_NONE:
		break;
	}
	return 0;
}
