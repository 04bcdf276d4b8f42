/* err.c - names and texts of the error codes in err.h. */
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
	[-ERR_LOOP] = "too many symbolic links",
	[-ERR_NOTCAPABLE] = "outside the confining directory",
};

const char *err_str(int e)
{
	if (e > 0 || e <= -ERR__COUNT || names[-e] == 0)
		return "unknown error";
	return names[-e];
}

/* strerror's words where an errno matches (Linux's), so messages read as a
 * Unix shell's; a sentence in the same style for the rest. */
static const char *const texts[ERR__COUNT] = {
	[0] = "Success",
	[-ERR_NOMEM] = "Cannot allocate memory",
	[-ERR_INVAL] = "Invalid argument",
	[-ERR_RANGE] = "Numerical result out of range",
	[-ERR_NOENT] = "No such file or directory",
	[-ERR_EXIST] = "File exists",
	[-ERR_BUSY] = "Device or resource busy",
	[-ERR_AGAIN] = "Resource temporarily unavailable",
	[-ERR_TRUNC] = "Unexpected end of input",
	[-ERR_MALFORMED] = "Malformed input",
	[-ERR_UNSUPP] = "Operation not supported",
	[-ERR_FAULT] = "Bad address",
	[-ERR_PERM] = "Operation not permitted",
	[-ERR_CANCELLED] = "Operation canceled",
	[-ERR_TIMEDOUT] = "Connection timed out",
	[-ERR_CLOSED] = "Closed",
	[-ERR_IO] = "Input/output error",
	[-ERR_NOSPC] = "No space left on device",
	[-ERR_OVERFLOW] = "Value too large for defined data type",
	[-ERR_INVALID] = "Invalid module",
	[-ERR_TRAP] = "Trap",
	[-ERR_LINK] = "Unknown import",
	[-ERR_NOTDIR] = "Not a directory",
	[-ERR_ISDIR] = "Is a directory",
	[-ERR_BADF] = "Bad file descriptor",
	[-ERR_NOTEMPTY] = "Directory not empty",
	[-ERR_XDEV] = "Invalid cross-device link",
	[-ERR_ACCES] = "Permission denied",
	[-ERR_ROFS] = "Read-only file system",
	[-ERR_LOOP] = "Too many levels of symbolic links",
	[-ERR_NOTCAPABLE] = "Capabilities insufficient",
};

const char *err_text(int e)
{
	if (e > 0 || e <= -ERR__COUNT || texts[-e] == 0)
		return "Unknown error";
	return texts[-e];
}
