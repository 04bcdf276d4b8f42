/*
 * wasi_fd.c - the preview1 functions on open file descriptors: read/write
 * (with iovecs, positional or not), seek/tell, close/renumber, fdstat,
 * prestat, filestat, readdir, sync.
 *
 * Invariant: every guest pointer is checked before the first host call;
 * a would-block result with no progress leaves no trace except
 * ctx->pending (see "Status values" in wasi.h).
 */
#include <string.h>

#include "base/compiler.h"
#include "wasi/wasi.h"
#include "wasi/wasi_internal.h"

/* ---- read and write ---- */

struct io_req {
	bool write;
	bool positional;
	uint64_t offset;
};

/* One host transfer of len bytes at buf, `done` bytes into the call. */
static uint16_t host_transfer(struct wasi_ctx *c, const struct wasi_fd *f, const struct io_req *rq,
			      uint8_t *buf, uint32_t len, uint64_t done, size_t *out_n)
{
	if (rq->positional && rq->write)
		return wasi_route_pwrite(c, f->hfd, buf, len, rq->offset + done, out_n);
	if (rq->positional)
		return wasi_route_pread(c, f->hfd, buf, len, rq->offset + done, out_n);
	if (rq->write)
		return wasi_route_write(c, f->hfd, buf, len, out_n);
	return wasi_route_read(c, f->hfd, buf, len, out_n);
}

/*
 * Moves bytes between the host and each iovec in turn, at most WASI_CHUNK
 * per host call; stops at a short transfer. Returns 0 with *out_total, an
 * errno if nothing moved, or WASI_STATUS_YIELD after a chunk when the host
 * says the guest's time is up: the retry skips the bytes already moved
 * (ctx->pending) and goes on, so the guest sees one whole transfer.
 */
static uint32_t iov_transfer(struct wasi_ctx *c, struct wasi_mem m, struct wasi_fd *f, uint32_t fd,
			     uint32_t iovs, uint32_t n, const struct io_req *rq,
			     uint32_t *out_total)
{
	const uint64_t key[4] = {WASI_PART_IO | (uint64_t)rq->write << 8 |
					 (uint64_t)rq->positional << 9,
				 fd, iovs | (uint64_t)n << 32, rq->offset};
	uint32_t total = (uint32_t)wasi_part_resume(c, key), skip = total;

	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = m.base + iovs + (uint64_t)i * WASI_IOVEC_SIZE;
		uint8_t *buf = m.base + wasi_get_u32(e);
		uint32_t len = wasi_get_u32(e + 4);

		if (skip >= len) { /* done by an earlier try */
			skip -= len;
			continue;
		}
		buf += skip;
		len -= skip;
		skip = 0;
		while (len) {
			uint32_t want = MIN(len, WASI_CHUNK);
			size_t done = 0;
			uint16_t err = host_transfer(c, f, rq, buf, want, total, &done);

			if (done > want)
				done = want; /* a broken host must not overrun */
			total += (uint32_t)done;
			buf += done;
			len -= (uint32_t)done;
			if (err) {
				if (total)
					goto out; /* report the progress, as POSIX does */
				if (err == WASI_EAGAIN && !(f->flags & WASI_FDFLAG_NONBLOCK))
					return wasi_block(c,
							  rq->write ? WASI_PENDING_WRITE
								    : WASI_PENDING_READ,
							  fd);
				return err;
			}
			if (done < want)
				goto out;
			if ((len || i + 1 < n) && wasi_preempted(c))
				return wasi_part_yield(c, key, total);
		}
	}
out:
	*out_total = total;
	return 0;
}

static uint32_t fd_io(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t iovs, uint32_t n,
		      const struct io_req *rq, uint32_t count_out)
{
	struct wasi_fd *f = wasi_fd_lookup(c, fd);
	uint64_t need = rq->write ? WASI_RIGHT_FD_WRITE : WASI_RIGHT_FD_READ;
	uint32_t total = 0, ret;
	uint16_t e;

	if (!f)
		return WASI_EBADF;
	if (f->type == WASI_FILETYPE_DIRECTORY)
		return WASI_EISDIR;
	if (!(f->rights_base & need))
		return WASI_EBADF;
	if (!wasi_mem_ok(m, count_out, 4))
		return WASI_EFAULT;
	e = wasi_iovs_check(m, iovs, n);
	if (e)
		return e;
	if (rq->positional && !wasi_route_has_positional(c, f->hfd, rq->write))
		return WASI_ENOSYS;
	ret = iov_transfer(c, m, f, fd, iovs, n, rq, &total);
	if (ret)
		return ret;
	wasi_unblock(c);
	wasi_store_u32(m, count_out, total);
	return 0;
}

uint32_t wasi_fd_write(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t iovs,
		       uint32_t iovs_len, uint32_t nwritten_out)
{
	struct io_req rq = {.write = true};

	return fd_io(c, m, fd, iovs, iovs_len, &rq, nwritten_out);
}

uint32_t wasi_fd_read(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t iovs,
		      uint32_t iovs_len, uint32_t nread_out)
{
	struct io_req rq = {.write = false};

	return fd_io(c, m, fd, iovs, iovs_len, &rq, nread_out);
}

uint32_t wasi_fd_pwrite(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t iovs,
			uint32_t iovs_len, uint64_t offset, uint32_t nwritten_out)
{
	struct io_req rq = {.write = true, .positional = true, .offset = offset};

	if (offset > INT64_MAX)
		return WASI_EINVAL;
	return fd_io(c, m, fd, iovs, iovs_len, &rq, nwritten_out);
}

uint32_t wasi_fd_pread(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t iovs,
		       uint32_t iovs_len, uint64_t offset, uint32_t nread_out)
{
	struct io_req rq = {.write = false, .positional = true, .offset = offset};

	if (offset > INT64_MAX)
		return WASI_EINVAL;
	return fd_io(c, m, fd, iovs, iovs_len, &rq, nread_out);
}

/* ---- position ---- */

uint32_t wasi_fd_seek(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, int64_t offset,
		      uint32_t whence, uint32_t pos_out)
{
	struct wasi_fd *f = wasi_fd_lookup(c, fd);
	uint64_t pos;
	uint16_t e;

	if (!f)
		return WASI_EBADF;
	if (whence > WASI_WHENCE_END)
		return WASI_EINVAL;
	if (f->type == WASI_FILETYPE_DIRECTORY)
		return WASI_EBADF;
	if (!wasi_mem_ok(m, pos_out, 8))
		return WASI_EFAULT;
	e = wasi_route_seek(c, f->hfd, offset, (uint8_t)whence, &pos);
	if (e)
		return e;
	wasi_put_u64(m.base + pos_out, pos);
	return 0;
}

uint32_t wasi_fd_tell(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t pos_out)
{
	return wasi_fd_seek(c, m, fd, 0, WASI_WHENCE_CUR, pos_out);
}

/* ---- the table ---- */

uint32_t wasi_fd_close(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd)
{
	struct wasi_fd *f = wasi_fd_lookup(c, fd);

	(void)m;
	if (!f)
		return WASI_EBADF;
	wasi_fd_release(c, f);
	return 0;
}

uint32_t wasi_fd_renumber(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t to)
{
	struct wasi_fd *f = wasi_fd_lookup(c, fd), *t = wasi_fd_lookup(c, to);

	(void)m;
	if (!f || !t)
		return WASI_EBADF;
	if (f == t)
		return 0;
	wasi_fd_release(c, t);
	*t = *f;
	memset(f, 0, sizeof(*f));
	return 0;
}

/* ---- attributes ---- */

uint32_t wasi_fd_fdstat_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t out)
{
	struct wasi_fd *f = wasi_fd_lookup(c, fd);
	struct wasi_host_filestat st;
	uint64_t rights;
	uint8_t *p;
	uint8_t type;

	if (!f)
		return WASI_EBADF;
	if (!wasi_mem_ok(m, out, WASI_FDSTAT_SIZE))
		return WASI_EFAULT;
	/* The type as the host sees it now (stdio may be a file or a pipe). */
	type = f->type;
	if (wasi_route_fstat(c, f->hfd, &st) == 0)
		type = st.type;
	rights = f->rights_base;
	/* wasi-libc's isatty(): a character device without seek/tell. */
	if (type == WASI_FILETYPE_CHARACTER_DEVICE)
		rights &= ~(WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL);
	p = m.base + out;
	memset(p, 0, WASI_FDSTAT_SIZE);
	p[0] = type;
	wasi_put_u16(p + 2, f->flags);
	wasi_put_u64(p + 8, rights);
	wasi_put_u64(p + 16, f->rights_inheriting);
	return 0;
}

uint32_t wasi_fd_fdstat_set_flags(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd,
				  uint32_t flags)
{
	const uint32_t host_flags = WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK;
	struct wasi_fd *f = wasi_fd_lookup(c, fd);
	uint16_t e;

	(void)m;
	if (!f)
		return WASI_EBADF;
	if (flags > 0x1f)
		return WASI_EINVAL;
	if (flags & ~host_flags)
		return WASI_ENOTSUP; /* the sync flags only at open */
	e = wasi_route_set_flags(c, f->hfd, flags);
	if (e)
		return e;
	f->flags = (uint16_t)((f->flags & ~host_flags) | flags);
	return 0;
}

uint32_t wasi_fd_prestat_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t out)
{
	struct wasi_fd *f = wasi_fd_lookup(c, fd);

	if (!f || !f->preopen)
		return WASI_EBADF;
	if (!wasi_mem_ok(m, out, WASI_PRESTAT_SIZE))
		return WASI_EFAULT;
	memset(m.base + out, 0, WASI_PRESTAT_SIZE);
	m.base[out] = 0; /* preopentype dir */
	wasi_store_u32(m, out + 4, f->preopen_len);
	return 0;
}

uint32_t wasi_fd_prestat_dir_name(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t path,
				  uint32_t len)
{
	struct wasi_fd *f = wasi_fd_lookup(c, fd);

	if (!f || !f->preopen)
		return WASI_EBADF;
	if (len < f->preopen_len)
		return WASI_ENAMETOOLONG;
	if (!wasi_mem_ok(m, path, f->preopen_len))
		return WASI_EFAULT;
	memcpy(m.base + path, f->preopen, f->preopen_len);
	return 0;
}

void wasi_filestat_put(uint8_t *p, const struct wasi_host_filestat *st)
{
	memset(p, 0, WASI_FILESTAT_SIZE);
	wasi_put_u64(p, st->dev);
	wasi_put_u64(p + 8, st->ino);
	p[16] = st->type;
	wasi_put_u64(p + 24, st->nlink);
	wasi_put_u64(p + 32, st->size);
	wasi_put_u64(p + 40, st->atim);
	wasi_put_u64(p + 48, st->mtim);
	wasi_put_u64(p + 56, st->ctim);
}

uint32_t wasi_fd_filestat_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t out)
{
	struct wasi_fd *f = wasi_fd_lookup(c, fd);
	struct wasi_host_filestat st;
	uint16_t e;

	if (!f)
		return WASI_EBADF;
	if (!wasi_mem_ok(m, out, WASI_FILESTAT_SIZE))
		return WASI_EFAULT;
	e = wasi_route_fstat(c, f->hfd, &st);
	if (e)
		return e;
	wasi_filestat_put(m.base + out, &st);
	return 0;
}

/* ---- directories ---- */

/*
 * Dirent (24 bytes) then the name, no NUL:
 *   0 u64 d_next   8 u64 d_ino   16 u32 d_namlen   20 u8 d_type
 * The last entry may be cut at the end of the buffer; the guest sees
 * bufused == buf_len and asks again with a bigger buffer or the cookie.
 */
/* Entries between two preempt() checks of a listing. */
#define READDIR_BATCH 256u

struct readdir_fill {
	struct wasi_ctx *c;
	uint8_t *buf;
	uint32_t len, used;
	uint32_t batch; /* entries since the last preempt() check */
	uint64_t next;	/* cookie of the entry after the last one written */
	bool preempted; /* stopped after an entry: the time is up */
};

static bool readdir_emit(void *arg, const struct wasi_host_dirent *e)
{
	struct readdir_fill *r = arg;
	uint8_t head[WASI_DIRENT_SIZE] = {0};
	uint32_t n;

	wasi_put_u64(head, e->next);
	wasi_put_u64(head + 8, e->ino);
	wasi_put_u32(head + 16, e->namlen);
	head[20] = e->type;
	n = MIN(r->len - r->used, (uint32_t)WASI_DIRENT_SIZE);
	memcpy(r->buf + r->used, head, n);
	r->used += n;
	n = MIN(r->len - r->used, e->namlen);
	memcpy(r->buf + r->used, e->name, n);
	r->used += n;
	r->next = e->next;
	if (r->used == r->len)
		return false;
	if (++r->batch == READDIR_BATCH) {
		r->batch = 0;
		r->preempted = wasi_preempted(r->c);
	}
	return !r->preempted;
}

/* A huge directory is listed READDIR_BATCH entries at a time when the host
 * asks for it (WASI_STATUS_YIELD): the retry goes on at the next cookie and
 * buffer offset, so the guest sees one listing. */
uint32_t wasi_fd_readdir(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t buf,
			 uint32_t len, uint64_t cookie, uint32_t used_out)
{
	const uint64_t key[4] = {WASI_PART_READDIR, fd, buf | (uint64_t)len << 32, cookie};
	struct wasi_fd *f = wasi_fd_lookup(c, fd);
	struct readdir_fill r = {.c = c, .buf = m.base + buf, .len = len, .next = cookie};
	uint16_t e;

	if (!f)
		return WASI_EBADF;
	if (f->type != WASI_FILETYPE_DIRECTORY)
		return WASI_ENOTDIR;
	if (!wasi_mem_ok(m, buf, len) || !wasi_mem_ok(m, used_out, 4))
		return WASI_EFAULT;
	r.used = (uint32_t)wasi_part_resume(c, key);
	if (r.used)
		r.next = c->pending.cursor;
	if (len) {
		e = wasi_route_readdir(c, f->hfd, r.next, readdir_emit, &r);
		if (e) {
			wasi_unblock(c);
			return e;
		}
	}
	if (r.preempted) {
		wasi_part_yield(c, key, r.used);
		c->pending.cursor = r.next;
		return WASI_STATUS_YIELD;
	}
	wasi_unblock(c);
	wasi_store_u32(m, used_out, r.used);
	return 0;
}

static uint32_t fd_sync_common(struct wasi_ctx *c, uint32_t fd, bool data)
{
	struct wasi_fd *f = wasi_fd_lookup(c, fd);

	if (!f)
		return WASI_EBADF;
	return wasi_route_sync(c, f->hfd, data);
}

uint32_t wasi_fd_sync(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd)
{
	(void)m;
	return fd_sync_common(c, fd, false);
}

uint32_t wasi_fd_datasync(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd)
{
	(void)m;
	return fd_sync_common(c, fd, true);
}
