/* \summary: --format=mermaid: each connection as a Mermaid sequenceDiagram in a Markdown code block */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tv_render-int.h"

/*
 * Mermaid's sequence grammar ends a message or a note at '#', ';' or a
 * newline, and its renderer reads '<' and '>' as HTML: those go as its
 * entity codes (#35; #59; #lt; #gt;), soft breaks as spaces.
 */
static const char *
mm_rep(unsigned char ch)
{
	switch (ch) {
	case '#': return "#35;";
	case ';': return "#59;";
	case '<': return "#lt;";
	case '>': return "#gt;";
	case '&': return "#amp;";
	case TV_SOFT: return " ";
	case '\n': return " ";
	}
	return ch < 0x20 || ch >= 0x7f ? "?" : NULL;
}

static void
mm_text(const struct tv_out *o, const char *s)
{
	tvr_escaped(o, s, mm_rep);
}

/* "    Note over C,S: text" */
static void
mm_note(const struct tv_out *o, const char *where, const char *text)
{
	tv_out_printf(o, "    Note %s: ", where);
	mm_text(o, text);
	tvr_str(o, "\n");
}

static void
mm_outcome(const struct tv_out *o, const struct tv_conn *c,
    void (*fmt)(const struct tv_tcp *, char *, size_t))
{
	char buf[240];

	fmt(&c->tcp, buf, sizeof(buf));
	mm_note(o, "over C,S", buf);
}

/* What a connection's diagram keeps while walking its rows. */
struct mm {
	const struct tv_out *o;
	const struct tv_render_opts *ro;
	const struct tv_conn *c;
	uint32_t fold_n;
	uint64_t fold_bytes[2];
	uint8_t said_open, said_close;
};

/* One packet: the arrow (dotted with an open head when it has an
 * anomaly; a cross, which reads as "lost", is for none), its label and
 * notes, and the states that changed. */
static void
mm_row(struct mm *m, const struct tv_row *r)
{
	char lab[160], notes[512];
	const char *arrow = r->an.notes ? "--)" : "->>";

	tv_fmt_row_label(m->ro, m->c, r, lab, sizeof(lab));
	tv_fmt_row_notes(m->ro, m->c, r, notes, sizeof(notes));
	tv_out_printf(m->o, "    %s%s%s: ", r->from == TV_CLIENT ? "C" : "S", arrow,
	    r->from == TV_CLIENT ? "S" : "C");
	mm_text(m->o, lab);
	if (notes[0]) {
		tvr_str(m->o, " ");
		mm_text(m->o, notes);
	}
	tvr_str(m->o, "\n");
	if (m->c->proto != 6)
		return;
	if (r->an.changed & 1)
		mm_note(m->o, "left of C", tv_tcp_state_names[r->an.state[0]]);
	if (r->an.changed & 2)
		mm_note(m->o, "right of S", tv_tcp_state_names[r->an.state[1]]);
}

static void
mm_flush(struct mm *m, const struct tv_row *first)
{
	char buf[160];

	if (m->fold_n == 1)
		mm_row(m, first);
	else if (m->fold_n > 1) {
		snprintf(buf, sizeof(buf), "%" PRIu32 " segments: %" PRIu64
		    " bytes \u2192, %" PRIu64 " bytes \u2190", m->fold_n,
		    m->fold_bytes[0], m->fold_bytes[1]);
		tv_out_printf(m->o, "    Note over C,S: %s\n", buf);
	}
	m->fold_n = 0;
	m->fold_bytes[0] = m->fold_bytes[1] = 0;
}

/* The rows, folded as in the text ladder, with the outcomes they bring. */
static void
mm_rows(struct mm *m, int partial)
{
	const struct tv_conn *c = m->c;
	const struct tv_rowblk *b;
	struct tv_row first;
	unsigned i;

	memset(&first, 0, sizeof(first));
	for (b = c->rows; b != NULL; b = b->next)
		for (i = 0; i < b->n; i++) {
			const struct tv_row *r = &b->r[i];

			if (m->ro->data != TV_DATA_FULL &&
			    tv_lad_foldable(c, r, m->ro->payload)) {
				if (m->fold_n == 0)
					first = *r;
				if (r->fold_n > 0) {
					m->fold_n += r->fold_n;
					m->fold_bytes[0] += r->fold_bytes[0];
					m->fold_bytes[1] += r->fold_bytes[1];
				} else {
					m->fold_n++;
					m->fold_bytes[r->from] += r->len;
				}
				continue;
			}
			mm_flush(m, &first);
			mm_row(m, r);
			if (c->proto != 6)
				continue;
			if ((r->an.events & TV_EV_OPENED) && !m->said_open) {
				mm_outcome(m->o, c, tv_fmt_opened);
				m->said_open = 1;
			}
			if ((r->an.events & TV_EV_CLOSED) && !m->said_close &&
			    !partial) {
				if (!m->said_open && c->tcp.first_had_syn) {
					mm_outcome(m->o, c, tv_fmt_opened);
					m->said_open = 1;
				}
				mm_outcome(m->o, c, tv_fmt_closed);
				m->said_close = 1;
			}
		}
	mm_flush(m, &first);
}

static void
mm_conn(const struct tv_rctx *x, struct tv_conn *c, enum tv_done why)
{
	const struct tv_out *o = x->out;
	char ce[TV_ENDPOINTSTRLEN], se[TV_ENDPOINTSTRLEN], buf[640];
	struct mm m;

	memset(&m, 0, sizeof(m));
	m.o = o;
	m.ro = x->ro;
	m.c = c;
	tv_endpoint_str(&c->addr[TV_CLIENT], c->port[TV_CLIENT], ce, sizeof(ce));
	tv_endpoint_str(&c->addr[TV_SERVER], c->port[TV_SERVER], se, sizeof(se));
	tv_out_printf(o, "```mermaid\nsequenceDiagram\n    title %s %s \u2192 %s, "
	    "conn %" PRIu32, tvr_proto(c->proto), ce, se, c->id);
	if (c->part > 0)
		tv_out_printf(o, " (part %" PRIu32 ")", c->part + 1);
	tv_out_printf(o, "\n    participant C as client %s\n"
	    "    participant S as server %s\n", ce, se);
	if (c->proto == 6 && c->part == 0) {
		mm_note(o, "left of C", tv_tcp_state_names[c->tcp.init_state[0]]);
		mm_note(o, "right of S", tv_tcp_state_names[c->tcp.init_state[1]]);
		if (!c->tcp.first_had_syn) {
			mm_note(o, "over C,S", "opened before the capture began "
			    "(midstream)");
			m.said_open = 1;
		}
	}
	mm_rows(&m, why == TV_DONE_PARTIAL);
	if (c->proto == 6 && why != TV_DONE_PARTIAL) {
		if (!m.said_open && c->tcp.first_had_syn)
			mm_outcome(o, c, tv_fmt_opened);
		if (!m.said_close && why == TV_DONE_IDLE &&
		    tv_tcp_close(&c->tcp) == TV_CLOSE_OPEN)
			mm_note(o, "over C,S", "no packet for a long while: no "
			    "longer followed (it may still be open)");
		else if (!m.said_close)
			mm_outcome(o, c, tv_fmt_closed);
	}
	if (c->icmp.n && why != TV_DONE_PARTIAL) {
		tv_fmt_icmp(c, buf, sizeof(buf));
		mm_note(o, "over C,S", buf);
	}
	tv_fmt_conn_totals(x->ro, c, why, 0, buf, sizeof(buf));
	tvr_str(o, "    %% ");		/* a comment: to the end of the line */
	tvr_piece(o, buf, strlen(buf));
	tvr_str(o, "\n```\n\n");
}

static void
mm_end(const struct tv_rctx *x, const struct tv_totals *t)
{
	struct tv_render_opts ro = *x->ro;

	ro.width = 0;
	tv_text_totals(x->out, &ro, t);
}

const struct tv_renderer tv_render_mermaid = {
	.name = "mermaid",
	.live = 0,		/* replay: a picture is drawn whole (see tv_render.h) */
	.keep_rows = 1,
	.conn = mm_conn,
	.end = mm_end,
	.merge = tv_lad_merge,
};
