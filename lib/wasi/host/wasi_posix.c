/*
 * wasi_posix.c - both WASI host interfaces on POSIX/Linux: the environment
 * (clocks, getrandom, poll, yield) and the files (read/write, seek, stat,
 * flags, sync; the path operations are in wasi_posix_path.c).
 *
 * Invariant: stateless; every function maps errno through
 * wasi_posix_errno() and retries EINTR where the operation is idempotent.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasi/host/wasi_posix.h"
#include "wasi/host/wasi_posix_internal.h"

uint16_t wasi_posix_errno(int err)
{
	switch (err) {
	case 0:
		return WASI_ESUCCESS;
	case E2BIG:
		return WASI_E2BIG;
	case EACCES:
		return WASI_EACCES;
	case EAGAIN:
		return WASI_EAGAIN;
	case EBADF:
		return WASI_EBADF;
	case EBUSY:
		return WASI_EBUSY;
	case EDQUOT:
		return WASI_EDQUOT;
	case EEXIST:
		return WASI_EEXIST;
	case EFAULT:
		return WASI_EFAULT;
	case EFBIG:
		return WASI_EFBIG;
	case EINTR:
		return WASI_EINTR;
	case EINVAL:
		return WASI_EINVAL;
	case EIO:
		return WASI_EIO;
	case EISDIR:
		return WASI_EISDIR;
	case ELOOP:
		return WASI_ELOOP;
	case EMFILE:
		return WASI_EMFILE;
	case EMLINK:
		return WASI_EMLINK;
	case ENAMETOOLONG:
		return WASI_ENAMETOOLONG;
	case ENFILE:
		return WASI_ENFILE;
	case ENODEV:
		return WASI_ENODEV;
	case ENOENT:
		return WASI_ENOENT;
	case ENOMEM:
		return WASI_ENOMEM;
	case ENOSPC:
		return WASI_ENOSPC;
	case ENOSYS:
		return WASI_ENOSYS;
	case ENOTDIR:
		return WASI_ENOTDIR;
	case ENOTEMPTY:
		return WASI_ENOTEMPTY;
	case ENOTSUP:
		return WASI_ENOTSUP;
	case ENOTTY:
		return WASI_ENOTTY;
	case ENXIO:
		return WASI_ENXIO;
	case EOVERFLOW:
		return WASI_EOVERFLOW;
	case EPERM:
		return WASI_EPERM;
	case EPIPE:
		return WASI_EPIPE;
	case ERANGE:
		return WASI_ERANGE;
	case EROFS:
		return WASI_EROFS;
	case ESPIPE:
		return WASI_ESPIPE;
	case ETIMEDOUT:
		return WASI_ETIMEDOUT;
	case ETXTBSY:
		return WASI_ETXTBSY;
	case EXDEV:
		return WASI_EXDEV;
	default:
		return WASI_EIO;
	}
}

static clockid_t clock_of(uint32_t id)
{
	static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
					CLOCK_THREAD_CPUTIME_ID};

	return ids[id < 4 ? id : 0];
}

static uint64_t ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

static uint16_t px_clock_time(void *arg, uint32_t id, uint64_t *out_ns)
{
	struct timespec ts;

	(void)arg;
	if (id > 3)
		return WASI_EINVAL;
	if (clock_gettime(clock_of(id), &ts))
		return wasi_posix_errno(errno);
	*out_ns = ts_ns(&ts);
	return 0;
}

static uint16_t px_clock_res(void *arg, uint32_t id, uint64_t *out_ns)
{
	struct timespec ts;

	(void)arg;
	if (id > 3)
		return WASI_EINVAL;
	if (clock_getres(clock_of(id), &ts))
		return wasi_posix_errno(errno);
	*out_ns = ts_ns(&ts);
	return 0;
}

static uint16_t px_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	while (len) {
		ssize_t n = getrandom(buf, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return wasi_posix_errno(errno);
		}
		buf = (char *)buf + n;
		len -= (size_t)n;
	}
	return 0;
}

static uint16_t io_result(ssize_t n, size_t *out_n)
{
	if (n < 0) {
		*out_n = 0;
		return wasi_posix_errno(errno == EWOULDBLOCK ? EAGAIN : errno);
	}
	*out_n = (size_t)n;
	return 0;
}

static uint16_t px_read(void *arg, int64_t hfd, void *buf, size_t len, size_t *out_n)
{
	ssize_t n;

	(void)arg;
	do
		n = read((int)hfd, buf, len);
	while (n < 0 && errno == EINTR);
	return io_result(n, out_n);
}

static uint16_t px_write(void *arg, int64_t hfd, const void *buf, size_t len, size_t *out_n)
{
	ssize_t n;

	(void)arg;
	do
		n = write((int)hfd, buf, len);
	while (n < 0 && errno == EINTR);
	return io_result(n, out_n);
}

static uint16_t px_pread(void *arg, int64_t hfd, void *buf, size_t len, uint64_t off, size_t *out_n)
{
	ssize_t n;

	(void)arg;
	do
		n = pread((int)hfd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	return io_result(n, out_n);
}

static uint16_t px_pwrite(void *arg, int64_t hfd, const void *buf, size_t len, uint64_t off,
			  size_t *out_n)
{
	ssize_t n;

	(void)arg;
	do
		n = pwrite((int)hfd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	return io_result(n, out_n);
}

static uint16_t px_close(void *arg, int64_t hfd)
{
	(void)arg;
	/* Linux closes the fd even when close() reports EINTR: no retry. */
	return close((int)hfd) && errno != EINTR ? wasi_posix_errno(errno) : 0;
}

static uint16_t px_seek(void *arg, int64_t hfd, int64_t off, uint8_t whence, uint64_t *out_pos)
{
	static const int how[] = {SEEK_SET, SEEK_CUR, SEEK_END};
	off_t pos;

	(void)arg;
	if (whence > 2)
		return WASI_EINVAL;
	pos = lseek((int)hfd, (off_t)off, how[whence]);
	if (pos < 0)
		return wasi_posix_errno(errno);
	*out_pos = (uint64_t)pos;
	return 0;
}

void posix_filestat(const struct stat *st, struct wasi_host_filestat *out)
{
	uint8_t type = WASI_FILETYPE_UNKNOWN;

	if (S_ISREG(st->st_mode))
		type = WASI_FILETYPE_REGULAR_FILE;
	else if (S_ISDIR(st->st_mode))
		type = WASI_FILETYPE_DIRECTORY;
	else if (S_ISCHR(st->st_mode))
		type = WASI_FILETYPE_CHARACTER_DEVICE;
	else if (S_ISBLK(st->st_mode))
		type = WASI_FILETYPE_BLOCK_DEVICE;
	else if (S_ISLNK(st->st_mode))
		type = WASI_FILETYPE_SYMBOLIC_LINK;
	else if (S_ISSOCK(st->st_mode))
		type = WASI_FILETYPE_SOCKET_STREAM;
	*out = (struct wasi_host_filestat){
		.dev = (uint64_t)st->st_dev,
		.ino = (uint64_t)st->st_ino,
		.type = type,
		.nlink = (uint64_t)st->st_nlink,
		.size = (uint64_t)st->st_size,
		.atim = ts_ns(&st->st_atim),
		.mtim = ts_ns(&st->st_mtim),
		.ctim = ts_ns(&st->st_ctim),
	};
}

static uint16_t px_fstat(void *arg, int64_t hfd, struct wasi_host_filestat *out)
{
	struct stat st;

	(void)arg;
	if (fstat((int)hfd, &st))
		return wasi_posix_errno(errno);
	posix_filestat(&st, out);
	return 0;
}

static uint16_t px_get_flags(void *arg, int64_t hfd, uint32_t *out_flags)
{
	int fl = fcntl((int)hfd, F_GETFL);

	(void)arg;
	if (fl < 0)
		return wasi_posix_errno(errno);
	*out_flags = (fl & O_APPEND ? WASI_FDFLAG_APPEND : 0) |
		     (fl & O_NONBLOCK ? WASI_FDFLAG_NONBLOCK : 0);
	return 0;
}

static uint16_t px_set_flags(void *arg, int64_t hfd, uint32_t flags)
{
	int fl = fcntl((int)hfd, F_GETFL);

	(void)arg;
	if (fl < 0)
		return wasi_posix_errno(errno);
	fl &= ~(O_APPEND | O_NONBLOCK);
	if (flags & WASI_FDFLAG_APPEND)
		fl |= O_APPEND;
	if (flags & WASI_FDFLAG_NONBLOCK)
		fl |= O_NONBLOCK;
	if (fcntl((int)hfd, F_SETFL, fl))
		return wasi_posix_errno(errno);
	return 0;
}

static uint16_t px_sync(void *arg, int64_t hfd, bool data_only)
{
	(void)arg;
	if (data_only ? fdatasync((int)hfd) : fsync((int)hfd))
		return wasi_posix_errno(errno);
	return 0;
}

static uint16_t px_poll(void *arg, struct wasi_host_pollfd *fds, size_t nfds, bool has_deadline,
			uint32_t clock_id, uint64_t deadline_ns)
{
	struct pollfd stack[16], *p = stack;
	struct timespec ts, *timeout = NULL;
	uint16_t e = 0;
	int rc;

	(void)arg;
	if (!nfds && !has_deadline)
		return WASI_EINVAL; /* would wait forever for nothing */
	if (has_deadline) {
		uint64_t now, left;

		e = px_clock_time(arg, clock_id, &now);
		if (e)
			return e;
		left = deadline_ns > now ? deadline_ns - now : 0;
		ts.tv_sec = (time_t)(left / 1000000000u);
		ts.tv_nsec = (long)(left % 1000000000u);
		timeout = &ts;
	}
	if (nfds > 16) {
		p = calloc(nfds, sizeof(*p));
		if (!p)
			return WASI_ENOMEM;
	}
	for (size_t i = 0; i < nfds; i++)
		p[i] = (struct pollfd){.fd = (int)fds[i].hfd,
				       .events = fds[i].want_write ? POLLOUT : POLLIN};
	rc = ppoll(p, nfds, timeout, NULL);
	if (rc < 0) {
		e = errno == EINTR ? 0 : wasi_posix_errno(errno);
	} else {
		for (size_t i = 0; i < nfds; i++) {
			int avail = 0;

			fds[i].ready = (p[i].revents & (POLLIN | POLLOUT)) != 0;
			fds[i].hangup = (p[i].revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
			fds[i].nbytes = 0;
			if (fds[i].ready && !fds[i].want_write &&
			    ioctl(p[i].fd, FIONREAD, &avail) == 0 && avail > 0)
				fds[i].nbytes = (uint64_t)avail;
		}
	}
	if (p != stack)
		free(p);
	return e;
}

static uint16_t px_yield(void *arg)
{
	(void)arg;
	sched_yield();
	return 0;
}

static const struct wasi_env posix_env = {
	.clock_time = px_clock_time,
	.clock_res = px_clock_res,
	.random = px_random,
	.poll = px_poll,
	.yield = px_yield,
};

static const struct wasi_files posix_files = {
	.read = px_read,
	.write = px_write,
	.pread = px_pread,
	.pwrite = px_pwrite,
	.open = posix_open,
	.close = px_close,
	.seek = px_seek,
	.fstat = px_fstat,
	.stat = posix_stat,
	.get_flags = px_get_flags,
	.set_flags = px_set_flags,
	.readdir = posix_readdir,
	.mkdir = posix_mkdir,
	.rmdir = posix_rmdir,
	.unlink = posix_unlink,
	.rename = posix_rename,
	.sync = px_sync,
	.truncate = posix_truncate,
	.set_times = posix_set_times,
	.symlink = posix_symlink,
	.readlink = posix_readlink,
	.link = posix_link,
};

const struct wasi_env *wasi_posix_env(void)
{
	return &posix_env;
}

const struct wasi_files *wasi_posix_files(void)
{
	return &posix_files;
}

uint16_t wasi_posix_open_dir(const char *path, int64_t *out_hfd)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return wasi_posix_errno(errno);
	*out_hfd = fd;
	return 0;
}
