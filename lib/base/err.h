/*
 * err.h - the one error enum of the whole tree.
 *
 * Every fallible function returns an `int`: 0 on success, a negative
 * `enum err` value on failure. Results go through out-parameters that are
 * written only on success.
 */
#pragma once

enum err {
	ERR_OK = 0,
	ERR_NOMEM = -1,	      /* out of memory */
	ERR_INVAL = -2,	      /* invalid argument */
	ERR_RANGE = -3,	      /* value out of range */
	ERR_NOENT = -4,	      /* no such entry */
	ERR_EXIST = -5,	      /* already exists */
	ERR_BUSY = -6,	      /* resource busy */
	ERR_AGAIN = -7,	      /* try again later */
	ERR_TRUNC = -8,	      /* input ended early */
	ERR_MALFORMED = -9,   /* malformed input */
	ERR_UNSUPP = -10,     /* not supported */
	ERR_FAULT = -11,      /* bad address */
	ERR_PERM = -12,	      /* operation not permitted */
	ERR_CANCELLED = -13,  /* operation cancelled */
	ERR_TIMEDOUT = -14,   /* timed out */
	ERR_CLOSED = -15,     /* closed */
	ERR_IO = -16,	      /* input/output error */
	ERR_NOSPC = -17,      /* no space left */
	ERR_OVERFLOW = -18,   /* arithmetic overflow */
	ERR_INVALID = -19,    /* fails validation (WebAssembly "invalid") */
	ERR_TRAP = -20,	      /* a WebAssembly trap */
	ERR_LINK = -21,	      /* unresolvable import */
	ERR_NOTDIR = -22,     /* not a directory */
	ERR_ISDIR = -23,      /* is a directory */
	ERR_BADF = -24,	      /* bad handle */
	ERR_NOTEMPTY = -25,   /* directory not empty */
	ERR_XDEV = -26,	      /* cross-device link */
	ERR_ACCES = -27,      /* permission denied (a program's access policy) */
	ERR_ROFS = -28,	      /* read-only (filesystem, or a program's view of it) */
	ERR_LOOP = -29,	      /* too many symbolic links */
	ERR_NOTCAPABLE = -30, /* outside the directory a path is confined to */
	ERR__COUNT = 31,
};

/* err_str - a short lower-case name for `e` ("out of memory"); never NULL. */
const char *err_str(int e);

/* err_text - the sentence a Unix program prints for `e` after "cmd: path: ",
 * as strerror words it where an errno matches ("No such file or
 * directory", "Cannot allocate memory"); never NULL. */
const char *err_text(int e);
