/*
 * sh_glob.h - the shell's patterns and paths, portable: matching a name
 * against a pattern, expanding a pattern over directories given by a
 * callback, and resolving a path against the working directory.
 *
 * Patterns are cooked (sh_parse.h): '\' makes the next byte literal; '*'
 * matches any run of bytes, '?' one byte, '[...]' one byte of a set
 * ("[a-z_]", "[!0-9]" or "[^0-9]" for the complement; a ']' first is a
 * member). A name starting with '.' is matched only by a pattern that
 * starts with a literal '.'. A '/' is never matched: patterns apply to one
 * path component each.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* sh_glob_match - whether `name` (one component) matches `pattern`. */
bool sh_glob_match(const char *pattern, const char *name);

/* The directories sh_glob reads: list calls each(arg, name, is_dir) for
 * every entry of the directory at absolute path `dir` (without "." and
 * ".."), and returns 0 or an error (then the directory counts as empty). */
struct sh_dirs {
	int (*list)(void *ctx, const char *dir,
		    void (*each)(void *arg, const char *name, bool is_dir), void *arg);
	void *ctx;
};

#define SH_GLOB_MAX 1024 /* matches of one pattern, at most */

/*
 * sh_glob - the paths that match the cooked `pattern`, relative to `cwd`
 * when the pattern is relative (the paths keep the pattern's form: "*.txt"
 * gives "a.txt", "/tmp/x*" gives "/tmp/x1"), sorted, in *out (a malloc'd
 * array of *n malloc'd strings; free with sh_glob_free). Components
 * without pattern characters are taken as they are, only the last may name
 * a file. Returns 0 (*n may be 0: nothing matched), ERR_RANGE if more than
 * SH_GLOB_MAX paths match, ERR_NOMEM.
 */
int sh_glob(const char *pattern, const char *cwd, const struct sh_dirs *d, char ***out, size_t *n);

void sh_glob_free(char **v, size_t n);

/*
 * sh_path_resolve - the absolute form of `path` seen from the absolute
 * directory `cwd`, with "." and ".." components and repeated '/' removed
 * (".." of "/" is "/"), in out[0..size). Returns 0, or ERR_RANGE if it does
 * not fit (out unchanged then).
 */
int sh_path_resolve(const char *cwd, const char *path, char *out, size_t size);

/* sh_path_join - dir + "/" + name[0..name_len), malloc'd: "a" + "b" ->
 * "a/b", "" + "b" -> "b", "/" + "b" -> "/b". NULL: no memory. */
char *sh_path_join(const char *dir, const char *name, size_t name_len);
