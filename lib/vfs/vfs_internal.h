/*
 * vfs_internal.h - the node tree shared by vfs.c (namespace, files),
 * tmpfs.c (file data), synth.c (callback files) and cpio.c (initramfs).
 *
 * Every filesystem is a tree of `struct vfs_node` in memory:
 *
 *   fs->root (dir) --first--> a (dir) --next--> b (reg) --next--> c (synth)
 *                              |                               (siblings in
 *                              +--first--> ...                  cookie order)
 *
 * A regular file or symlink may have several names (hard links): nodes
 * in a ring (`peer`) sharing one content, which the last of them frees.
 *
 * Invariants (vfs_check): a directory's children are in increasing cookie
 * order, all below dir.next_cookie, names unique; nsubdirs counts the
 * child directories; a node is freed when it is unlinked and has no refs;
 * fs->used is the sum of the capacities of the owned data of its files.
 * All fields are guarded by vfs->lock, except the synth callbacks' state,
 * guarded by file->synth_lock.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/spin.h"
#include "vfs/vfs.h"

/* ---- nodes ---- */

enum vfs_fs_kind { VFS_FS_TMPFS, VFS_FS_INITRAMFS, VFS_FS_SYNTH, VFS_FS_EXT2 };

#define VFS_COOKIE_FIRST 3u /* 1 and 2 are "." and ".." */

struct vfs_node {
	struct vfs_fs *fs;
	struct vfs_node *parent; /* NULL for a root or an unlinked node */
	struct vfs_node *next, *prev;
	char *name; /* NUL-terminated, owned */
	uint32_t namelen;
	enum vfs_type type; /* DIR, REG, or CHAR/REG for synth */
	bool synth;
	bool linked;   /* in a directory (or a root) */
	uint32_t refs; /* open files */
	uint64_t cookie;
	uint64_t ino;
	uint64_t atim, mtim, ctim;
	uint32_t e2ino; /* ext2: the inode this node pins (ext2fs.c); else 0 */
	bool loaded;	/* ext2 directory: its entries are child nodes */
	bool e2shared;	/* ext2 file of several names on disk: read-only (ext2fs.c) */
	/* the next name of the same file (hard links: a ring of nodes whose
	 * ino, times and `u` are kept equal by vfs_node_sync; the node itself
	 * when it is the only one; a directory or synth node is always alone) */
	struct vfs_node *peer;
	union {
		struct {
			struct vfs_node *first, *last;
			uint64_t next_cookie;
			uint32_t nsubdirs;
			struct vfs_fs *mounted; /* fs mounted here, or NULL */
		} dir;
		struct {
			uint8_t *data; /* owned (tmpfs) or borrowed (initramfs) */
			uint64_t size, cap;
			bool borrowed;
		} reg;
		struct {
			const struct vfs_synth_ops *ops;
			void *arg;
		} syn;
		struct {
			char *target; /* owned, NUL-terminated */
			uint32_t len;
		} lnk;
	} u;
};

struct vfs_fs {
	struct vfs *vfs;
	struct vfs_fs *next; /* in vfs->fs_list */
	enum vfs_fs_kind kind;
	bool readonly; /* for vfs_* namespace and data changes */
	bool mounted;
	enum vfs_access guest_access; /* the most a guest may do here (access.c) */
	struct vfs_node *covered;     /* the directory it is mounted on; NULL at "/" */
	struct vfs_node *root;
	uint64_t dev;
	uint64_t next_ino;
	uint64_t limit;	    /* tmpfs: what `used` may reach (0 = no limit) */
	uint64_t used;	    /* bytes of file data and of nodes (VFS_NODE_COST each) */
	uint32_t nopen;	    /* open files */
	struct ext2_fs *e2; /* VFS_FS_EXT2: the mounted ext2 (owned) */
	/* VFS_FS_EXT2: serializes e2's calls (ext2fs.c) */
	struct spin e2_lock;
	/* VFS_FS_EXT2: directories loaded, and the count at which a close
	 * drops idle ones (vfs_ext2_trim) */
	uint32_t e2_dirs, e2_trim_at;
};

struct vfs {
	struct spin lock;
	vfs_clock_fn clock;
	void *clock_arg;
	struct vfs_fs *fs_list;
	struct vfs_fs *root_fs;
	uint64_t next_dev;
};

struct vfs_file {
	struct vfs *vfs;
	struct vfs_node *node;
	uint32_t flags;	       /* VFS_O_READ/WRITE/APPEND/NONBLOCK */
	bool guest;	       /* a guest's: walks from it are checked (access.c) */
	enum vfs_access limit; /* a guest's: the most its preopen grants */
	uint64_t pos;
	/* synth: guarded by synth_lock, callbacks run without vfs->lock */
	struct spin synth_lock;
	void *state;
	struct vfs_sbuf text; /* the `show` snapshot */
	bool has_text;
};

/* ---- vfs.c: tree helpers, called with vfs->lock held ---- */

uint64_t vfs_now(struct vfs *v);

/* What a node with a name of `namelen` bytes costs its fs (`used`): the
 * node and its name, with the heap's block headers. A limited fs counts
 * them with its file data, so empty files cannot fill memory either. */
#define VFS_NODE_COST(namelen) (sizeof(struct vfs_node) + (namelen) + 1 + 32)

/* A new unlinked node of fs (name copied) in *out; ERR_NOSPC past the fs's
 * limit, ERR_NOMEM. */
int vfs_node_new(struct vfs_fs *fs, const char *name, size_t namelen, enum vfs_type type,
		 struct vfs_node **out);

/* Links `n` as the last child of `dir` (next cookie). */
void vfs_node_link(struct vfs_node *dir, struct vfs_node *n);

/* Unlinks `n` from its directory; frees it if it has no refs. */
void vfs_node_unlink(struct vfs_node *n);

/* The root of whatever is mounted on n (n itself if nothing). */
struct vfs_node *vfs_node_cross(struct vfs_node *n);

/* Whether a component is "." or "..". */
bool vfs_name_is_dot(const char *s, size_t len);

/* "..": the parent, across mount points; the global root, an unmounted
 * root and a removed directory are their own parents. */
struct vfs_node *vfs_node_up(struct vfs_node *n);

/* Copies n's ino, times and contents (`u`) to its other names, after a
 * change of any of them. */
void vfs_node_sync(struct vfs_node *n);

/* The child `name` of `dir`, or NULL. */
struct vfs_node *vfs_node_child(struct vfs_node *dir, const char *name, size_t namelen);

/* vfs_tree_next - the node after `cur` in a pre-order walk of root's
 * tree (iterative: through parent pointers), or NULL after the last. */
struct vfs_node *vfs_tree_next(const struct vfs_node *root, const struct vfs_node *cur);

/* Frees a node with no refs (and, recursively, a directory's children). */
void vfs_node_free(struct vfs_node *n);

/* A new fs of `kind` in v with an empty root directory (lock NOT held). */
int vfs_fs_new(struct vfs *v, enum vfs_fs_kind kind, struct vfs_fs **out);

/* The result of resolving a path. */
struct vfs_walk {
	struct vfs_node *dir;  /* the directory holding the last component */
	struct vfs_node *raw;  /* the node named, before crossing a mount; or NULL */
	struct vfs_node *node; /* the node named, after crossing; or NULL */
	const char *name;      /* the last component (NULL for "/"), not NUL-terminated */
	size_t namelen;
	bool dot;	       /* the last component is "." or "..", or there is none */
	bool trailing;	       /* the path ended in '/' */
	bool guest;	       /* walked for a guest: base was a guest's file */
	enum vfs_access limit; /* the guest's limit (base->limit) */
	/* `name` when it came from a symlink's target (the walk's copy of
	 * the path is gone when it returns): a walk is not copied */
	char namebuf[VFS_NAME_MAX + 1];
};

/*
 * vfs_walk - resolves path from base (or the root); the last component
 * need not exist (node NULL). Symlinks are followed, the last one only
 * with `follow` or a trailing '/' (else node is the link). ERR_NOENT,
 * ERR_NOTDIR, ERR_RANGE, ERR_BADF, ERR_LOOP, ERR_NOMEM, and for a
 * guest's base ERR_ACCES (a directory it may not look into) and
 * ERR_NOTCAPABLE (".." above base, an absolute link).
 */
int vfs_walk(struct vfs *v, struct vfs_file *base, const char *path, bool follow,
	     struct vfs_walk *w);

/* The attributes of n. */
void vfs_node_stat(const struct vfs_node *n, struct vfs_stat *out);

/* Frees an fs that was never mounted (lock NOT held). */
void vfs_fs_drop(struct vfs_fs *fs);

/* Walks `path` from the fs root inside one fs (no mounts, no ".."):
 * ERR_NOENT, ERR_NOTDIR. */
int vfs_fs_walk(struct vfs_fs *fs, const char *path, struct vfs_node **out);

/* ---- access.c: the guest policy, with vfs->lock held ---- */

/* What a guest with `limit` may do on n: min(limit, n's fs level), and
 * NONE for a synth control file (one with a write callback). */
enum vfs_access vfs_guest_level(enum vfs_access limit, const struct vfs_node *n);

/* 0 if the walk's caller has `need` on n; else ERR_ACCES (a guest's level
 * is NONE) or ERR_ROFS (READ where WRITE is needed). The kernel: 0. */
int vfs_walk_may(const struct vfs_walk *w, const struct vfs_node *n, enum vfs_access need);

/* 0 if the walk's caller may add or remove entries of directory `dir`:
 * vfs_walk_may(WRITE), then ERR_ROFS on a read-only fs. */
int vfs_walk_may_change(const struct vfs_walk *w, const struct vfs_node *dir);

/* ---- tmpfs.c: regular file data, with vfs->lock held ---- */

/* Sets the size of an owned-data file; ERR_NOSPC past the fs limit. */
int vfs_data_resize(struct vfs_node *n, uint64_t size);

/* Writes at off (growing the file); ERR_NOSPC, nothing written. */
int vfs_data_write(struct vfs_node *n, const void *buf, size_t len, uint64_t off);

/* Copies up to len bytes from off; *out_n the count. An ext2 file's
 * errors (ERR_IO, ERR_MALFORMED); 0 otherwise. */
int vfs_data_read(const struct vfs_node *n, void *buf, size_t len, uint64_t off, size_t *out_n);

/* Frees owned data and returns its bytes to the fs. */
void vfs_data_free(struct vfs_node *n);

/* ---- synth.c: open-file hooks; called WITHOUT vfs->lock ---- */

int vfs_synth_open(struct vfs_file *f, uint32_t flags);
int vfs_synth_read(struct vfs_file *f, void *buf, size_t len, bool positional, uint64_t off,
		   size_t *out_n);
int vfs_synth_write(struct vfs_file *f, const void *buf, size_t len);
void vfs_synth_release(struct vfs_file *f);
bool vfs_synth_ready(struct vfs_file *f, bool write);

/* ---- ext2fs.c: an ext2 fs's nodes, with vfs->lock held (read and
 * write let go of it during the disk access, see ext2fs.c) ---- */

/* Makes the entries of an ext2 directory its child nodes, once (0 for
 * any other node). ext2's errors; nothing is added on an error. */
int vfs_ext2_load(struct vfs_node *dir);

/* Creates `name` (a DIR, a REG, or a LNK holding `target`) on disk and its
 * node, linked into `dir` (*out). ext2's errors. */
int vfs_ext2_new(struct vfs_node *dir, const char *name, size_t namelen, enum vfs_type type,
		 const char *target, struct vfs_node **out);

/* Removes n's name from dir on disk (rmdir for a directory); the caller
 * unlinks the node. ext2's errors (ERR_NOTEMPTY...). */
int vfs_ext2_remove(struct vfs_node *dir, struct vfs_node *n);

/* Renames n (in dir) to `name` in new_dir on disk; the caller moves the
 * nodes. ext2's errors. */
int vfs_ext2_rename(struct vfs_node *dir, struct vfs_node *n, struct vfs_node *new_dir,
		    const char *name, size_t namelen);

/* Drops the node's pin on its inode (the node is being freed). */
void vfs_ext2_put(struct vfs_node *n);

/* Bounds the directory cache: past VFS_EXT2_DIRS loaded directories,
 * unloads those whose subtree holds nothing open or mounted on (their
 * entries are read again when next looked into). Called where no one
 * holds a node without a reference: vfs_close. */
#define VFS_EXT2_DIRS 64u
void vfs_ext2_trim(struct vfs_fs *fs);

/* File data and times of an ext2 node: ext2's errors. A short write
 * (the disk full) keeps what fit and returns ERR_NOSPC. */
int vfs_ext2_read(struct vfs_node *n, void *buf, size_t len, uint64_t off, size_t *out_n);
int vfs_ext2_write(struct vfs_node *n, const void *buf, size_t len, uint64_t off);
int vfs_ext2_resize(struct vfs_node *n, uint64_t size);
int vfs_ext2_set_times(struct vfs_node *n);
