/* \summary: giving up root once the capture is open (private to src/tcpviz) */
#ifndef TV_PRIV_INT_H
#define TV_PRIV_INT_H

/*
 * Give up root once the capture is open, as tcpdump -Z does: to USER when
 * given, else to the user who ran sudo.  Returns 0, or -1 with a message.
 */
int tv_drop_privileges(const char *user);

#endif /* TV_PRIV_INT_H */
