/*
 * wasi_posix_link.c - the POSIX files host's optional services: truncate,
 * set_times, symlink, readlink, link (wasi/wasi_files.h).
 *
 * Every path goes through posix_resolve, so a symlink is followed only
 * inside the directory handle; the system call then acts on the resolved
 * name in the resolved directory and never follows a symlink itself
 * (AT_SYMLINK_NOFOLLOW, no AT_SYMLINK_FOLLOW): what to follow was decided
 * by the resolver.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/host/wasi_posix.h"
#include "wasi/host/wasi_posix_internal.h"

uint16_t posix_truncate(void *arg, int64_t hfd, uint64_t size)
{
	(void)arg;
	if (ftruncate((int)hfd, (off_t)size))
		return wasi_posix_errno(errno);
	return 0;
}

/* One of the two times of utimensat: NOW, the given one, or unchanged. */
static struct timespec times_one(uint64_t ns, bool set, bool now)
{
	if (now)
		return (struct timespec){.tv_nsec = UTIME_NOW};
	if (!set)
		return (struct timespec){.tv_nsec = UTIME_OMIT};
	return (struct timespec){.tv_sec = (time_t)(ns / 1000000000u),
				 .tv_nsec = (long)(ns % 1000000000u)};
}

uint16_t posix_set_times(void *arg, int64_t dir, const char *path, bool follow, uint64_t atim,
			 uint64_t mtim, uint32_t fst_flags)
{
	struct timespec ts[2] = {
		times_one(atim, fst_flags & WASI_FSTFLAG_ATIM, fst_flags & WASI_FSTFLAG_ATIM_NOW),
		times_one(mtim, fst_flags & WASI_FSTFLAG_MTIM, fst_flags & WASI_FSTFLAG_MTIM_NOW),
	};
	struct posix_resolved r;
	uint16_t e;

	(void)arg;
	if (!path)
		return futimens((int)dir, ts) ? wasi_posix_errno(errno) : 0;
	e = posix_resolve((int)dir, path, follow, &r);
	if (e)
		return e;
	if (utimensat(r.dir, r.name, ts, AT_SYMLINK_NOFOLLOW))
		e = wasi_posix_errno(errno);
	posix_resolved_free(&r);
	return e;
}

uint16_t posix_symlink(void *arg, const char *target, int64_t dir, const char *path)
{
	struct posix_resolved r;
	uint16_t e;

	(void)arg;
	e = posix_resolve((int)dir, path, false, &r);
	if (e)
		return e;
	if (symlinkat(target, r.dir, r.name))
		e = wasi_posix_errno(errno);
	posix_resolved_free(&r);
	return e;
}

uint16_t posix_readlink(void *arg, int64_t dir, const char *path, char *buf, size_t cap,
			size_t *out_n)
{
	struct posix_resolved r;
	char one;
	ssize_t n;
	uint16_t e;

	(void)arg;
	e = posix_resolve((int)dir, path, false, &r);
	if (e)
		return e;
	/* readlinkat refuses an empty buffer: ask for one byte, keep none */
	n = readlinkat(r.dir, r.name, cap ? buf : &one, cap ? cap : 1);
	if (n < 0)
		e = wasi_posix_errno(errno);
	else
		*out_n = cap ? (size_t)n : 0;
	posix_resolved_free(&r);
	return e;
}

uint16_t posix_link(void *arg, int64_t dir, const char *path, bool follow, int64_t new_dir,
		    const char *new_path)
{
	struct posix_resolved a, b;
	uint16_t e;

	(void)arg;
	e = posix_resolve((int)dir, path, follow, &a);
	if (e)
		return e;
	e = posix_resolve((int)new_dir, new_path, false, &b);
	if (e) {
		posix_resolved_free(&a);
		return e;
	}
	if (linkat(a.dir, a.name, b.dir, b.name, 0))
		e = wasi_posix_errno(errno);
	posix_resolved_free(&a);
	posix_resolved_free(&b);
	return e;
}
