/* \summary: a kernel socket in words, as ss names its states, queues and timers (no I/O) */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tv_ksock.h"
#include "tv_tcp.h"

/* iproute2 misc/ss.c, sstate_name[] */
static const char *const ks_names[TV_KS_MAX] = {
	[0] = "UNKNOWN",
	[TV_KS_ESTABLISHED] = "ESTAB",
	[TV_KS_SYN_SENT] = "SYN-SENT",
	[TV_KS_SYN_RECV] = "SYN-RECV",
	[TV_KS_FIN_WAIT1] = "FIN-WAIT-1",
	[TV_KS_FIN_WAIT2] = "FIN-WAIT-2",
	[TV_KS_TIME_WAIT] = "TIME-WAIT",
	[TV_KS_CLOSE] = "UNCONN",
	[TV_KS_CLOSE_WAIT] = "CLOSE-WAIT",
	[TV_KS_LAST_ACK] = "LAST-ACK",
	[TV_KS_LISTEN] = "LISTEN",
	[TV_KS_CLOSING] = "CLOSING",
	[TV_KS_NEW_SYN_RECV] = "SYN-RECV",
};

/* the tracker's names for the same states (RFC 9293 §3.3.2) */
static const signed char ks_tcp[TV_KS_MAX] = {
	[0] = -1,
	[TV_KS_ESTABLISHED] = TV_ST_ESTABLISHED,
	[TV_KS_SYN_SENT] = TV_ST_SYN_SENT,
	[TV_KS_SYN_RECV] = TV_ST_SYN_RECEIVED,
	[TV_KS_FIN_WAIT1] = TV_ST_FIN_WAIT_1,
	[TV_KS_FIN_WAIT2] = TV_ST_FIN_WAIT_2,
	[TV_KS_TIME_WAIT] = TV_ST_TIME_WAIT,
	[TV_KS_CLOSE] = TV_ST_CLOSED,
	[TV_KS_CLOSE_WAIT] = TV_ST_CLOSE_WAIT,
	[TV_KS_LAST_ACK] = TV_ST_LAST_ACK,
	[TV_KS_LISTEN] = TV_ST_LISTEN,
	[TV_KS_CLOSING] = TV_ST_CLOSING,
	[TV_KS_NEW_SYN_RECV] = TV_ST_SYN_RECEIVED,
};

/* ss.c: tmr_name[] */
static const char *const kt_names[TV_KT_MAX] = {
	[TV_KT_NONE] = "",
	[TV_KT_RETRANS] = "on",
	[TV_KT_KEEPALIVE] = "keepalive",
	[TV_KT_TIMEWAIT] = "timewait",
	[TV_KT_PROBE] = "persist",
};

const char *
tv_ks_state_name(const struct tv_ksock *k)
{
	if (k->proto == 17 && k->state == TV_KS_ESTABLISHED)
		return "ESTAB";
	return k->state < TV_KS_MAX ? ks_names[k->state] : "?";
}

const char *
tv_ks_timer_name(unsigned timer)
{
	return timer < TV_KT_MAX ? kt_names[timer] : "";
}

int
tv_ks_tcp_state(const struct tv_ksock *k)
{
	if (k->proto != 6 || k->state >= TV_KS_MAX)
		return -1;
	return ks_tcp[k->state];
}

/* printf at buf + *k, kept a string, cut where it would not fit */
static void __attribute__((format(printf, 4, 5)))
cat(char *buf, size_t size, size_t *k, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*k + 1 >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *k, size - *k, fmt, ap);
	va_end(ap);
	if (n > 0)
		*k += (size_t)n < size - *k ? (size_t)n : size - *k - 1;
}

/* the timer, when one runs: TIME-WAIT's time left, a retransmission due
 * (milliseconds, written with one decimal) */
static void
fmt_timer(char *buf, size_t size, size_t *k, const struct tv_ksock *s)
{
	static const char *const what[TV_KT_MAX] = {
		[TV_KT_TIMEWAIT] = "%u.%u s left",
		[TV_KT_RETRANS] = "retransmit in %u.%u s",
		[TV_KT_KEEPALIVE] = "keepalive in %u.%u s",
		[TV_KT_PROBE] = "window probe in %u.%u s",
	};
	char t[48];

	if (s->timer >= TV_KT_MAX || what[s->timer] == NULL)
		return;
	snprintf(t, sizeof(t), what[s->timer], s->expires_ms / 1000,
	    s->expires_ms % 1000 / 100);
	cat(buf, size, k, " %s", t);
	if (s->retrans > 0 && s->timer == TV_KT_RETRANS)
		cat(buf, size, k, " (%u sent again)", s->retrans);
}

/*
 * Recv-Q and Send-Q count sequence space, as ss shows them: after the
 * peer's FIN, Recv-Q holds one more for it until the program reads the
 * end of the file (read() returns 0); once a side sent its FIN (or, in
 * SYN-SENT, its SYN), Send-Q holds one for it until acknowledged.
 */
static void
fmt_queues(char *buf, size_t size, size_t *k, const struct tv_ksock *s)
{
	int fin_in = s->proto == 6 && (s->state == TV_KS_CLOSE_WAIT ||
	    s->state == TV_KS_LAST_ACK || s->state == TV_KS_CLOSING);
	int fin_out = s->proto == 6 && (s->state == TV_KS_FIN_WAIT1 ||
	    s->state == TV_KS_LAST_ACK || s->state == TV_KS_CLOSING);

	if (s->rq == 1 && fin_in)
		cat(buf, size, k, " Recv-Q 1 (the FIN, not read yet)");
	else if (s->rq > 1 && fin_in)
		cat(buf, size, k, " Recv-Q %u (%u bytes and the FIN unread)",
		    s->rq, s->rq - 1);
	else if (s->rq)
		cat(buf, size, k, " Recv-Q %u unread", s->rq);
	if (s->wq == 1 && s->proto == 6 && s->state == TV_KS_SYN_SENT)
		cat(buf, size, k, " Send-Q 1 (the SYN)");
	else if (s->wq == 1 && fin_out)
		cat(buf, size, k, " Send-Q 1 (the FIN, unacked)");
	else if (s->wq > 1 && fin_out)
		cat(buf, size, k, " Send-Q %u (%u bytes and the FIN unacked)",
		    s->wq, s->wq - 1);
	else if (s->wq)
		cat(buf, size, k, " Send-Q %u%s", s->wq,
		    s->proto == 6 ? " unacked" : "");
}

size_t
tv_fmt_ksock(char *buf, size_t size, const struct tv_ksock *s)
{
	char comm[TV_KS_COMM];
	size_t k = 0;
	unsigned i;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	cat(buf, size, &k, "%s", tv_ks_state_name(s));
	if (s->state == TV_KS_LISTEN && s->proto == 6) {
		cat(buf, size, &k, " accept queue %u/%u", s->rq, s->wq);
	} else {
		fmt_queues(buf, size, &k, s);
	}
	fmt_timer(buf, size, &k, s);
	if (s->pid > 0 && s->comm[0] != '\0') {
		/* a process names itself: only printable characters shown */
		for (i = 0; i < TV_KS_COMM - 1 && s->comm[i] != '\0'; i++)
			comm[i] = s->comm[i] > ' ' && s->comm[i] < 0x7f ?
			    s->comm[i] : '?';
		comm[i] = '\0';
		cat(buf, size, &k, " (%s %d)", comm, (int)s->pid);
	}
	return k;
}
