/*
 * wasi_fd_attr.c - the preview1 functions that change what an fd is or
 * what its file holds, besides its bytes: fd_fdstat_set_rights,
 * fd_filestat_set_size, fd_filestat_set_times, fd_allocate, fd_advise,
 * and the sock_* calls (no sockets yet: they answer for the fds there are).
 *
 * Invariant: rights only shrink. fd_fdstat_set_rights refuses any right
 * the fd does not hold (ENOTCAPABLE), and every call here checks its
 * right before the files host is asked anything.
 */
#include <stdint.h>

#include "wasi/wasi.h"
#include "wasi/wasi_internal.h"

/* The entry for `fd`, holding right `need` (EBADF, ENOTCAPABLE). */
static uint16_t fd_with_right(struct wasi_ctx *c, uint32_t fd, uint64_t need, struct wasi_fd **out)
{
	struct wasi_fd *f = wasi_fd_lookup(c, fd);

	if (!f)
		return WASI_EBADF;
	if (!(f->rights_base & need))
		return WASI_ENOTCAPABLE;
	*out = f;
	return 0;
}

uint32_t wasi_fd_fdstat_set_rights(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd,
				   uint64_t base, uint64_t inheriting)
{
	struct wasi_fd *f = wasi_fd_lookup(c, fd);

	(void)m;
	if (!f)
		return WASI_EBADF;
	if (base & ~f->rights_base || inheriting & ~f->rights_inheriting)
		return WASI_ENOTCAPABLE;
	f->rights_base = base;
	f->rights_inheriting = inheriting;
	return 0;
}

uint32_t wasi_fd_filestat_set_size(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd,
				   uint64_t size)
{
	struct wasi_fd *f;
	uint16_t e = fd_with_right(c, fd, WASI_RIGHT_FD_FILESTAT_SET_SIZE, &f);

	(void)m;
	if (e)
		return e;
	if (f->type == WASI_FILETYPE_DIRECTORY)
		return WASI_EISDIR;
	if (size > (uint64_t)INT64_MAX)
		return WASI_EINVAL; /* as ftruncate with a negative off_t */
	return wasi_route_truncate(c, f->hfd, size);
}

uint32_t wasi_fd_filestat_set_times(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd,
				    uint64_t atim, uint64_t mtim, uint32_t fst_flags)
{
	struct wasi_fd *f;
	uint16_t e = fd_with_right(c, fd, WASI_RIGHT_FD_FILESTAT_SET_TIMES, &f);

	(void)m;
	if (!e)
		e = wasi_fstflags_check(fst_flags);
	return e ? e : wasi_route_set_times(c, f->hfd, NULL, false, atim, mtim, fst_flags);
}

/* Preallocation is optional in preview1 and gone from preview2; wasmtime
 * answers ENOTSUP, and so do we, after the checks every call makes. */
uint32_t wasi_fd_allocate(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint64_t offset,
			  uint64_t len)
{
	struct wasi_fd *f;
	uint16_t e = fd_with_right(c, fd, WASI_RIGHT_FD_ALLOCATE, &f);

	(void)m;
	if (e)
		return e;
	if (f->type == WASI_FILETYPE_DIRECTORY)
		return WASI_EISDIR;
	if (offset > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - offset)
		return WASI_EINVAL;
	return WASI_ENOTSUP;
}

/* Advice is a hint (posix_fadvise may ignore it): checked, then taken. */
uint32_t wasi_fd_advise(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint64_t offset,
			uint64_t len, uint32_t advice)
{
	struct wasi_fd *f;
	uint16_t e = fd_with_right(c, fd, WASI_RIGHT_FD_ADVISE, &f);

	(void)m;
	if (e)
		return e;
	if (advice > 5 || offset > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX)
		return WASI_EINVAL;
	if (f->type == WASI_FILETYPE_DIRECTORY)
		return WASI_EBADF;
	return 0;
}

/*
 * No fd is a socket today: the sock_* calls answer EBADF for a closed fd
 * and ENOTSOCK for the rest (what the testsuite and wasmtime answer); a
 * preopened socket would be served after sock_check.
 */
static uint16_t sock_check(struct wasi_ctx *c, uint32_t fd)
{
	struct wasi_fd *f = wasi_fd_lookup(c, fd);

	if (!f)
		return WASI_EBADF;
	if (f->type != WASI_FILETYPE_SOCKET_STREAM && f->type != WASI_FILETYPE_SOCKET_DGRAM)
		return WASI_ENOTSOCK;
	return 0;
}

uint32_t wasi_sock_shutdown(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t how)
{
	uint16_t e = sock_check(c, fd);

	(void)m;
	if (e)
		return e;
	return how == 0 || how > 3 ? WASI_EINVAL : WASI_ENOSYS;
}

uint32_t wasi_sock_accept(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t flags,
			  uint32_t fd_out)
{
	uint16_t e = sock_check(c, fd);

	if (e)
		return e;
	if (!wasi_mem_ok(m, fd_out, 4))
		return WASI_EFAULT;
	return flags & ~WASI_FDFLAG_NONBLOCK ? WASI_EINVAL : WASI_ENOSYS;
}

uint32_t wasi_sock_recv(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t iovs,
			uint32_t iovs_len, uint32_t ri_flags, uint32_t nread_out,
			uint32_t ro_flags_out)
{
	uint16_t e = sock_check(c, fd);

	(void)iovs, (void)iovs_len, (void)ri_flags;
	if (e)
		return e;
	if (!wasi_mem_ok(m, nread_out, 4) || !wasi_mem_ok(m, ro_flags_out, 2))
		return WASI_EFAULT;
	return WASI_ENOSYS;
}

uint32_t wasi_sock_send(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t iovs,
			uint32_t iovs_len, uint32_t si_flags, uint32_t nwritten_out)
{
	uint16_t e = sock_check(c, fd);

	(void)iovs, (void)iovs_len, (void)si_flags;
	if (e)
		return e;
	if (!wasi_mem_ok(m, nwritten_out, 4))
		return WASI_EFAULT;
	return WASI_ENOSYS;
}
