/* \summary: giving up root once the capture is open, as tcpdump -Z does */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tv_priv-int.h"
#include "tv_util.h"

/*
 * Give up root once the capture is open, as tcpdump -Z does: to USER when
 * given, else to the user who ran sudo.  Returns 0, or -1 with a message.
 */
int
tv_drop_privileges(const char *user)
{
	struct passwd *pw = NULL;
	uid_t uid;
	gid_t gid;
	const char *name;

	if (geteuid() != 0)
		return 0;
	if (user != NULL) {
		if ((pw = getpwnam(user)) == NULL) {
			fprintf(stderr, "tcpviz: -Z %s: no such user\n", user);
			return -1;
		}
	} else {
		const char *su = getenv("SUDO_UID");
		uint64_t v;

		if (su == NULL || tv_parse_u64(su, 0, 0xfffffffeu, &v) < 0)
			return 0;	/* root by login: stay root, like tcpdump */
		if ((pw = getpwuid((uid_t)v)) == NULL)
			return 0;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	name = pw->pw_name;
	if (initgroups(name, gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
		fprintf(stderr, "tcpviz: cannot change to user %s: %s\n", name,
		    strerror(errno));
		return -1;
	}
	if (uid != 0 && setuid(0) == 0) {	/* must not be able to get root back */
		fprintf(stderr, "tcpviz: dropping privileges failed\n");
		return -1;
	}
	return 0;
}
