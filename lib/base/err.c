/* err.c - names of the error codes in err.h. */
#include "err.h"

static const char *const names[ERR__COUNT] = {
	[0] = "success",
	[-ERR_NOMEM] = "out of memory",
	[-ERR_INVAL] = "invalid argument",
	[-ERR_RANGE] = "value out of range",
	[-ERR_NOENT] = "no such entry",
	[-ERR_EXIST] = "already exists",
	[-ERR_BUSY] = "resource busy",
	[-ERR_AGAIN] = "try again",
	[-ERR_TRUNC] = "unexpected end of input",
	[-ERR_MALFORMED] = "malformed input",
	[-ERR_UNSUPP] = "not supported",
	[-ERR_FAULT] = "bad address",
	[-ERR_PERM] = "operation not permitted",
	[-ERR_CANCELLED] = "cancelled",
	[-ERR_TIMEDOUT] = "timed out",
	[-ERR_CLOSED] = "closed",
	[-ERR_IO] = "input/output error",
	[-ERR_NOSPC] = "no space left",
	[-ERR_OVERFLOW] = "overflow",
	[-ERR_INVALID] = "invalid",
	[-ERR_TRAP] = "trap",
	[-ERR_LINK] = "unknown import",
	[-ERR_NOTDIR] = "not a directory",
	[-ERR_ISDIR] = "is a directory",
	[-ERR_BADF] = "bad handle",
	[-ERR_NOTEMPTY] = "directory not empty",
	[-ERR_XDEV] = "cross-device link",
	[-ERR_ACCES] = "permission denied",
	[-ERR_ROFS] = "read-only file system",
};

const char *err_str(int e)
{
	if (e > 0 || e <= -ERR__COUNT || names[-e] == 0)
		return "unknown error";
	return names[-e];
}
