/* \summary: one-line messages of the bundled programs on stderr ("prog: text") */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tv_msg.h"

void
tv_msg_vsay(const char *prog, const char *fmt, va_list ap)
{
	char line[512];
	int n;

	fflush(stdout);
	n = snprintf(line, sizeof(line), "%s: ", prog);
	if (n < 0 || (size_t)n >= sizeof(line) - 1)
		n = 0;
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	n = (int)strlen(line);
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

void
tv_msg_say(const char *prog, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tv_msg_vsay(prog, fmt, ap);
	va_end(ap);
}

int
tv_msg_fail(const char *prog, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tv_msg_vsay(prog, fmt, ap);
	va_end(ap);
	return status;
}

void
tv_msg_try(const char *prog)
{
	fflush(stdout);
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
}
