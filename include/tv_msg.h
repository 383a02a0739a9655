/* \summary: one-line messages of the bundled programs on stderr ("prog: text") */
#ifndef TV_MSG_H
#define TV_MSG_H

#include <stdarg.h>

/*
 * "PROG: text\n" on stderr in one write(2), so lines from several
 * processes or threads never mix; stdout is flushed first so that what
 * the program printed before stays before.  Lines are cut at 512 bytes.
 */
void tv_msg_vsay(const char *prog, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void tv_msg_say(const char *prog, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "Try 'PROG --help' for more information.": the second line of a usage
 * error, as tcpviz and GNU tools print it (not the whole usage). */
void tv_msg_try(const char *prog);

/* tv_msg_say(), then return `status`: for "return fail(...)". */
int tv_msg_fail(const char *prog, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* TV_MSG_H */
