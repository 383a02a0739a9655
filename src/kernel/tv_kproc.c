/* \summary: who holds a socket: /proc/PID/fd links that read socket:[INODE], as ss -p finds them */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tv_kern.h"

/* A decimal name (a pid, a descriptor), or -1. */
static long
dec_name(const char *s)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000L)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* "socket:[12345]" -> 12345, else 0 */
static uint32_t
sock_inode(const char *link)
{
	unsigned long v = 0;
	const char *p;

	if (strncmp(link, "socket:[", 8) != 0)
		return 0;
	for (p = link + 8; *p >= '0' && *p <= '9' && v <= 0xffffffffUL; p++)
		v = v * 10 + (unsigned long)(*p - '0');
	return *p == ']' && v <= 0xffffffffUL ? (uint32_t)v : 0;
}

static void
read_comm(long pid, char *comm)
{
	char path[64];
	ssize_t n;
	int fd;

	comm[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, comm, TV_KS_COMM - 1);
	close(fd);
	if (n <= 0)
		n = 0;
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

/* Give process pid the sockets of s whose inode is `ino` and have no owner. */
static int
claim(struct tv_ksock *s, size_t n, uint32_t ino, long pid)
{
	size_t i;
	int got = 0;

	for (i = 0; i < n; i++) {
		if (s[i].inode != ino || s[i].pid != 0)
			continue;
		s[i].pid = (int32_t)pid;
		read_comm(pid, s[i].comm);
		got++;
	}
	return got;
}

/* One process's descriptors; the sockets it was found to hold. */
static int
scan_pid(struct tv_ksock *s, size_t n, long pid, long *fds_left)
{
	char path[64], link[64], lp[64 + 256];
	struct dirent *e;
	DIR *d;
	ssize_t len;
	uint32_t ino;
	int got = 0;

	snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
	if ((d = opendir(path)) == NULL)
		return 0;		/* gone, or not ours to look into */
	while ((e = readdir(d)) != NULL && *fds_left > 0) {
		if (dec_name(e->d_name) < 0)
			continue;
		(*fds_left)--;
		snprintf(lp, sizeof(lp), "%s/%s", path, e->d_name);
		if ((len = readlink(lp, link, sizeof(link) - 1)) <= 0)
			continue;
		link[len] = '\0';
		if ((ino = sock_inode(link)) != 0)
			got += claim(s, n, ino, pid);
	}
	closedir(d);
	return got;
}

int
tv_kern_owners(struct tv_ksock *s, size_t n)
{
	long fds_left = TV_KERN_SCAN_FDS, pid;
	int procs = 0, found = 0, want = 0;
	struct dirent *e;
	size_t i;
	DIR *d;

	for (i = 0; i < n; i++)
		if (s[i].inode != 0 && s[i].pid == 0)
			want++;
	if (want == 0 || (d = opendir("/proc")) == NULL)
		return 0;
	while (found < want && fds_left > 0 && procs < TV_KERN_SCAN_PROCS &&
	    (e = readdir(d)) != NULL) {
		if ((pid = dec_name(e->d_name)) <= 0)
			continue;
		procs++;
		found += scan_pid(s, n, pid, &fds_left);
	}
	closedir(d);
	return found;
}
