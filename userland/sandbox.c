/* sandbox.c - tries what a program may and may not do with the files it was
 * given ("/" preopened) and prints one line per attempt:
 *
 *   sandbox: OP PATH: ok            (it worked)
 *   sandbox: OP PATH: EACCES        (the error it got, by name)
 *
 * The forbidden things: the kernel's tracing (read or write tracing_on,
 * events/.../enable, set_event, trace_marker, trace, trace_pipe,
 * options/hash-ptr; stat, list, mkdir, unlink, rename into it, reach it
 * through ".."), changes to the read-only initrd and /proc, a write on a
 * read-only descriptor, a path above the preopen. The allowed things:
 * reading the initrd and /proc, listing /sys/kernel, and a round trip of
 * files in /tmp. Whatever it read (file text, inode and device numbers)
 * is printed after "| " or on the line, so a test can check that no kernel
 * address is in it. It judges nothing: the exit status is 0 unless it
 * was called wrongly (2). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TR "/sys/kernel/tracing"

static const char *err_name(int e)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
		{EACCES, "EACCES"}, {EROFS, "EROFS"},
		{EBADF, "EBADF"},   {ENOTCAPABLE, "ENOTCAPABLE"},
		{EXDEV, "EXDEV"},   {ENOENT, "ENOENT"},
		{EPERM, "EPERM"},   {EEXIST, "EEXIST"},
		{EISDIR, "EISDIR"}, {ENOTDIR, "ENOTDIR"},
		{EINVAL, "EINVAL"}, {ENOTEMPTY, "ENOTEMPTY"},
		{ENOSPC, "ENOSPC"}, {EAGAIN, "EAGAIN"},
		{EIO, "EIO"},	    {ENOSYS, "ENOSYS"},
	};
	static char other[16];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].name;
	snprintf(other, sizeof(other), "errno %d", e);
	return other;
}

/* Prints the outcome of OP on PATH: 0 is "ok", else the errno's name. */
static void report(const char *op, const char *path, int err)
{
	printf("sandbox: %s %s: %s\n", op, path, err ? err_name(err) : "ok");
}

/* Prints up to 4 KiB of fd's text, each line after "| ". */
static void dump(int fd)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	bool start = true;

	if (n < 0) {
		printf("| read: %s\n", err_name(errno));
		return;
	}
	buf[n] = '\0';
	for (ssize_t i = 0; i < n; i++) {
		if (start)
			printf("| ");
		putchar(buf[i]);
		start = buf[i] == '\n';
	}
	if (!start)
		putchar('\n');
}

/* Opens PATH with FLAGS; on success reads it (dump) or writes TEXT. */
static void try_open(const char *op, const char *path, int flags, const char *text)
{
	int fd = open(path, flags, 0644);

	if (fd < 0) {
		report(op, path, errno);
		return;
	}
	int err = 0;
	if (text && write(fd, text, strlen(text)) < 0)
		err = errno;
	report(op, path, err);
	if (!text)
		dump(fd);
	close(fd);
}

static void try_stat(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		report("stat", path, errno);
		return;
	}
	printf("sandbox: stat %s: ok dev=0x%llx ino=0x%llx size=%llu\n", path,
	       (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
	       (unsigned long long)st.st_size);
}

/* Lists PATH on one line: "ok NAME@INO NAME@INO ...". */
static void try_list(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d) {
		report("list", path, errno);
		return;
	}
	printf("sandbox: list %s: ok", path);
	while ((e = readdir(d)))
		printf(" %s@0x%llx", e->d_name, (unsigned long long)e->d_ino);
	printf("\n");
	closedir(d);
}

static void forbidden(void)
{
	static const char *const controls[] = {
		TR "/tracing_on",
		TR "/events/enable",
		TR "/events/sched/enable",
		TR "/events/sched/sched_switch/enable",
		TR "/events/mm/page_fault/filter",
		TR "/set_event",
		TR "/trace_marker",
		TR "/trace",
		TR "/buffer_size_kb",
		TR "/options/hash-ptr",
	};

	for (size_t i = 0; i < sizeof(controls) / sizeof(controls[0]); i++) {
		try_open("write", controls[i], O_WRONLY, "1\n");
		try_open("truncate", controls[i], O_WRONLY | O_TRUNC, "");
		try_open("read", controls[i], O_RDONLY, NULL);
	}
	try_open("read", TR "/trace_pipe", O_RDONLY | O_NONBLOCK, NULL);
	try_open("read", TR "/available_events", O_RDONLY, NULL);
	try_open("read", "/tmp/../sys/kernel/tracing/trace", O_RDONLY, NULL);
	try_open("read", TR "/events/../trace", O_RDONLY, NULL);
	try_open("create", TR "/new", O_WRONLY | O_CREAT, "x");
	try_stat(TR);
	try_stat(TR "/trace");
	try_list(TR);
	try_list(TR "/events");
	report("mkdir", TR "/d", mkdir(TR "/d", 0755) ? errno : 0);
	report("unlink", TR "/trace", unlink(TR "/trace") ? errno : 0);
	report("rmdir", TR "/events", rmdir(TR "/events") ? errno : 0);
	report("rename", TR "/trace", rename(TR "/trace", "/tmp/trace") ? errno : 0);
	/* the initrd and /proc are read-only */
	try_open("write", "/etc/motd", O_WRONLY, "x");
	try_open("truncate", "/etc/motd", O_WRONLY | O_TRUNC, "");
	try_open("create", "/etc/new", O_WRONLY | O_CREAT, "x");
	report("mkdir", "/sandbox.d", mkdir("/sandbox.d", 0755) ? errno : 0);
	report("unlink", "/etc/motd", unlink("/etc/motd") ? errno : 0);
	report("rmdir", "/bin", rmdir("/bin") ? errno : 0);
	report("rename", "/etc/motd", rename("/etc/motd", "/etc/m") ? errno : 0);
	try_open("write", "/proc/uptime", O_WRONLY, "1\n");
	try_open("create", "/proc/new", O_WRONLY | O_CREAT, "x");
	/* a descriptor opened for reading cannot write */
	int fd = open("/tmp/sandbox.ro", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
	fd = open("/tmp/sandbox.ro", O_RDONLY);
	report("write-on-read-only-fd", "/tmp/sandbox.ro",
	       fd < 0		       ? errno
	       : write(fd, "x", 1) < 0 ? errno
				       : 0);
	if (fd >= 0)
		close(fd);
	unlink("/tmp/sandbox.ro");
	/* nothing above the preopen */
	try_open("read", "/../etc/motd", O_RDONLY, NULL);
}

static void allowed(void)
{
	static const char *const info[] = {"/etc/motd", "/proc/meminfo", "/proc/cpuinfo",
					   "/proc/uptime", "/proc/tasks"};

	for (size_t i = 0; i < sizeof(info) / sizeof(info[0]); i++) {
		try_open("read", info[i], O_RDONLY, NULL);
		try_stat(info[i]);
	}
	try_list("/");
	try_list("/sys/kernel");
	try_list("/proc");
	try_stat("/sys/kernel");
	try_stat("/proc");
	/* /tmp: a round trip */
	report("mkdir", "/tmp/sandbox.d", mkdir("/tmp/sandbox.d", 0755) ? errno : 0);
	try_open("create", "/tmp/sandbox.d/a", O_WRONLY | O_CREAT | O_TRUNC, "sandbox\n");
	try_open("read", "/tmp/sandbox.d/a", O_RDONLY, NULL);
	report("rename", "/tmp/sandbox.d/a",
	       rename("/tmp/sandbox.d/a", "/tmp/sandbox.d/b") ? errno : 0);
	try_stat("/tmp/sandbox.d/b");
	try_list("/tmp/sandbox.d");
	report("rename-across", "/tmp/sandbox.d/b",
	       rename("/tmp/sandbox.d/b", "/etc/b") ? errno : 0);
	report("unlink", "/tmp/sandbox.d/b", unlink("/tmp/sandbox.d/b") ? errno : 0);
	report("rmdir", "/tmp/sandbox.d", rmdir("/tmp/sandbox.d") ? errno : 0);
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: sandbox\n");
		return 2;
	}
	printf("sandbox: forbidden\n");
	forbidden();
	printf("sandbox: allowed\n");
	allowed();
	printf("sandbox: done\n");
	return 0;
}
