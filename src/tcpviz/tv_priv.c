/* \summary: giving up root and capabilities once the capture is open, as tcpdump -Z does */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "tv_priv-int.h"
#include "tv_util.h"

/* Clear every capability (effective, permitted, inheritable): what a
 * `make setcap` binary holds once the capture is open.  Lowering them is
 * always allowed. */
static int
drop_capabilities(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d) < 0) {
		fprintf(stderr, "tcpviz: dropping capabilities failed: %s\n",
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The user to become: USER, else the one who ran sudo (SUDO_UID), else
 * `fallback` (NULL: none, stay).  0 with *pw (NULL: stay as we are), or -1
 * with a message: an unknown user, or a SUDO_UID that names nobody.
 */
static int
whom(const char *user, const char *fallback, struct passwd **pw)
{
	const char *su = getenv("SUDO_UID");
	uint64_t v;

	*pw = NULL;
	if (user != NULL) {
		if ((*pw = getpwnam(user)) == NULL) {
			fprintf(stderr, "tcpviz: -Z %s: no such user\n", user);
			return -1;
		}
		return 0;
	}
	if (su != NULL) {
		if (tv_parse_u64(su, 0, 0xfffffffeu, &v) < 0 ||
		    (*pw = getpwuid((uid_t)v)) == NULL) {
			fprintf(stderr, "tcpviz: SUDO_UID=%s is no user here: not "
			    "staying root for it (-Z USER says whom to run as)\n", su);
			return -1;
		}
		return 0;
	}
	if (fallback != NULL && (*pw = getpwnam(fallback)) == NULL) {
		fprintf(stderr, "tcpviz: no user %s to run as\n", fallback);
		return -1;
	}
	return 0;		/* root by login: stay root, like tcpdump */
}

static int
become(const struct passwd *pw)
{
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		fprintf(stderr, "tcpviz: cannot change to user %s: %s\n",
		    pw->pw_name, strerror(errno));
		return -1;
	}
	if (pw->pw_uid != 0 && setuid(0) == 0) {	/* no way back to root */
		fprintf(stderr, "tcpviz: dropping privileges failed\n");
		return -1;
	}
	return 0;
}

int
tv_priv_whom(const char *user, const char *fallback, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;

	if (whom(user, fallback, &pw) < 0)
		return -1;
	*uid = pw ? pw->pw_uid : geteuid();
	*gid = pw ? pw->pw_gid : getegid();
	return 0;
}

int
tv_drop_privileges_or(const char *user, const char *fallback)
{
	struct passwd *pw;

	if (geteuid() != 0)		/* a setcap binary, or no privileges */
		return drop_capabilities();
	if (whom(user, fallback, &pw) < 0)
		return -1;
	if (pw == NULL)
		return 0;
	if (become(pw) < 0)
		return -1;
	return pw->pw_uid != 0 ? drop_capabilities() : 0;
}

int
tv_drop_privileges(const char *user)
{
	return tv_drop_privileges_or(user, NULL);
}
