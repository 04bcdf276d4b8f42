/*
 * check.c - vfs_check: walks every filesystem tree and asserts the
 * invariants listed in vfs_internal.h (children in cookie order, unique
 * names, subdirectory counts, tmpfs accounting). For tests and fuzzers.
 *
 * Invariant: read-only; iterative, so any depth of tree is fine.
 */
#include <string.h>

#include "base/assert.h"
#include "vfs/vfs.h"
#include "vfs/vfs_internal.h"

/* Checks one node (a directory: its list of children). */
static void node_check(const struct vfs_node *n, uint64_t *used)
{
	uint64_t last = 0;
	uint32_t subdirs = 0;
	bool shared = false;

	*used += VFS_NODE_COST(n->namelen);
	ASSERT(n->peer);
	for (const struct vfs_node *p = n->peer; p != n; p = p->peer) {
		ASSERT(n->type != VFS_TYPE_DIR && !n->synth);
		ASSERT(p->type == n->type && p->ino == n->ino && p->fs == n->fs);
		ASSERT(p->mtim == n->mtim && p->ctim == n->ctim);
		ASSERT(n->type == VFS_TYPE_LNK
			       ? p->u.lnk.target == n->u.lnk.target
			       : p->u.reg.data == n->u.reg.data && p->u.reg.size == n->u.reg.size);
		if ((uintptr_t)p < (uintptr_t)n)
			shared = true; /* that name counts the contents */
	}
	if (n->type == VFS_TYPE_LNK) {
		ASSERT(n->u.lnk.len > 0 && strlen(n->u.lnk.target) == n->u.lnk.len);
		*used += shared ? 0 : n->u.lnk.len;
		return;
	}
	if (n->type != VFS_TYPE_DIR) {
		if (!n->synth && !n->u.reg.borrowed && !shared && n->fs->kind != VFS_FS_EXT2) {
			ASSERT(n->u.reg.size <= n->u.reg.cap);
			*used += n->u.reg.cap;
		}
		return;
	}
	for (const struct vfs_node *c = n->u.dir.first; c; c = c->next) {
		ASSERT(c->parent == n && c->linked && c->fs == n->fs);
		ASSERT(c->cookie > last && c->cookie < n->u.dir.next_cookie);
		ASSERT(c->next ? c->next->prev == c : n->u.dir.last == c);
		for (const struct vfs_node *d = c->next; d; d = d->next)
			ASSERT(d->namelen != c->namelen || memcmp(d->name, c->name, c->namelen));
		last = c->cookie;
		subdirs += c->type == VFS_TYPE_DIR;
	}
	ASSERT(subdirs == n->u.dir.nsubdirs);
}

/* Pre-order walk of a tree, iterative like vfs_node_free. */
static void tree_check(const struct vfs_node *root, uint64_t *used)
{
	for (const struct vfs_node *cur = root; cur; cur = vfs_tree_next(root, cur))
		node_check(cur, used);
}

void vfs_check(struct vfs *v)
{
	spin_acquire(&v->lock);
	for (const struct vfs_fs *fs = v->fs_list; fs; fs = fs->next) {
		uint64_t used = 0;

		ASSERT(fs->root->linked && !fs->root->parent);
		ASSERT(fs->guest_access <= VFS_ACCESS_WRITE);
		ASSERT(!fs->covered || fs->covered->u.dir.mounted == fs);
		tree_check(fs->root, &used);
		/* open-but-unlinked files still count, so used can be larger */
		ASSERT(used <= fs->used);
		ASSERT(!fs->limit || fs->used <= fs->limit);
	}
	spin_release(&v->lock);
}
