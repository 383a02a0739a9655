/* \summary: --format=mermaid and --format=plantuml: each connection as a sequence diagram (Mermaid in a Markdown code block, PlantUML) */
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
	return ch < 0x20 || ch == 0x7f ? "?" : NULL;	/* ours: UTF-8 passes */
}

/*
 * PlantUML's messages run to the end of the line; its Creole markup reads
 * '<' as a tag, '~' as its escape and a backslash before 'n' as a line
 * break: '~' escapes the first two, a backslash is doubled.
 */
static const char *
pu_rep(unsigned char ch)
{
	switch (ch) {
	case '<': return "~<";
	case '~': return "~~";
	case '\\': return "\\\\";
	case TV_SOFT: return " ";
	case '\n': return " ";
	}
	return ch < 0x20 || ch == 0x7f ? "?" : NULL;	/* ours: UTF-8 passes */
}

/* What tells the two grammars apart. */
struct seq_syntax {
	const char *(*rep)(unsigned char ch);
	const char *head;	/* before the title */
	const char *participant;	/* printf: role, endpoint, letter */
	const char *indent;
	const char *note;	/* "Note" or "note" */
	const char *plain, *anomaly, *lost;	/* arrows */
	const char *comment;	/* to the end of the line */
	const char *tail;
};

static const struct seq_syntax mermaid = {
	.rep = mm_rep, .head = "```mermaid\nsequenceDiagram\n    title ",
	.participant = "    participant %3$s as %1$s %2$s\n", .indent = "    ",
	.note = "Note", .plain = "->>", .anomaly = "--)", .lost = "-x",
	.comment = "    %% ", .tail = "```\n\n",
};

static const struct seq_syntax plantuml = {
	.rep = pu_rep, .head = "@startuml\ntitle ",
	.participant = "participant \"%1$s %2$s\" as %3$s\n", .indent = "",
	.note = "note", .plain = "->", .anomaly = "-->", .lost = "->x",
	.comment = "' ", .tail = "@enduml\n\n",
};

static void
mm_text(const struct tv_out *o, const struct seq_syntax *sx, const char *s)
{
	tvr_escaped(o, s, sx->rep);
}

/* "    Note over C,S: text" */
static void
mm_note(const struct tv_out *o, const struct seq_syntax *sx, const char *where,
    const char *text)
{
	tv_out_printf(o, "%s%s %s: ", sx->indent, sx->note, where);
	mm_text(o, sx, text);
	tvr_str(o, "\n");
}

static void
mm_outcome(const struct tv_out *o, const struct seq_syntax *sx,
    const struct tv_conn *c, void (*fmt)(const struct tv_tcp *, char *, size_t))
{
	char buf[240];

	fmt(&c->tcp, buf, sizeof(buf));
	mm_note(o, sx, "over C,S", buf);
}

/* What a connection's diagram keeps while walking its rows. */
struct mm {
	const struct tv_out *o;
	const struct seq_syntax *sx;
	const struct tv_render_opts *ro;
	const struct tv_conn *c;
	uint32_t fold_n;
	uint64_t fold_bytes[2];
	uint8_t said_open, said_close;
};

/* One packet: the arrow (dotted with an open head when it has an
 * anomaly; a cross, which reads as "lost", only for a packet the lab saw
 * lost on the wire), its label and notes, and the states that changed. */
static void
mm_row(struct mm *m, const struct tv_row *r)
{
	char lab[160], notes[512];
	const struct seq_syntax *sx = m->sx;
	const char *arrow = r->lost ? sx->lost : r->an.notes ? sx->anomaly :
	    sx->plain;

	tv_fmt_row_label(m->ro, m->c, r, lab, sizeof(lab));
	tv_fmt_row_notes(m->ro, m->c, r, notes, sizeof(notes));
	tv_out_printf(m->o, "%s%s%s%s: ", sx->indent, r->from == TV_CLIENT ? "C" :
	    "S", arrow, r->from == TV_CLIENT ? "S" : "C");
	mm_text(m->o, sx, lab);
	if (notes[0]) {
		tvr_str(m->o, " ");
		mm_text(m->o, sx, notes);
	}
	tvr_str(m->o, "\n");
	if (m->c->proto != 6)
		return;
	if (r->an.changed & 1)
		mm_note(m->o, sx, "left of C", tv_tcp_state_names[r->an.state[0]]);
	if (r->an.changed & 2)
		mm_note(m->o, sx, "right of S", tv_tcp_state_names[r->an.state[1]]);
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
		mm_note(m->o, m->sx, "over C,S", buf);
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
				mm_outcome(m->o, m->sx, c, tv_fmt_opened);
				m->said_open = 1;
			}
			if ((r->an.events & TV_EV_CLOSED) && !m->said_close &&
			    !partial) {
				if (!m->said_open && c->tcp.first_had_syn) {
					mm_outcome(m->o, m->sx, c, tv_fmt_opened);
					m->said_open = 1;
				}
				mm_outcome(m->o, m->sx, c, tv_fmt_closed);
				m->said_close = 1;
			}
		}
	mm_flush(m, &first);
}

static void
seq_conn(const struct tv_rctx *x, struct tv_conn *c, enum tv_done why,
    const struct seq_syntax *sx)
{
	const struct tv_out *o = x->out;
	char ce[TV_ENDPOINTSTRLEN], se[TV_ENDPOINTSTRLEN], buf[640];
	struct mm m;

	memset(&m, 0, sizeof(m));
	m.o = o;
	m.sx = sx;
	m.ro = x->ro;
	m.c = c;
	tv_endpoint_str(&c->addr[TV_CLIENT], c->port[TV_CLIENT], ce, sizeof(ce));
	tv_endpoint_str(&c->addr[TV_SERVER], c->port[TV_SERVER], se, sizeof(se));
	tv_out_printf(o, "%s%s %s \u2192 %s, conn %" PRIu32, sx->head,
	    tvr_proto(c->proto), ce, se, c->id);
	if (c->part > 0)
		tv_out_printf(o, " (part %" PRIu32 ")", c->part + 1);
	if (c->tun.kind || c->tun.via) {	/* ", inside GRE key 7 a>b" */
		tv_fmt_tunnel(c, buf, sizeof(buf));
		tvr_str(o, ", ");
		mm_text(o, sx, buf);	/* '>', ';' as the grammar needs them */
	}
	tvr_str(o, "\n");
	tv_out_printf(o, sx->participant, "client", ce, "C");
	tv_out_printf(o, sx->participant, "server", se, "S");
	if (c->proto == 6 && c->part == 0) {
		mm_note(o, sx, "left of C", tv_tcp_state_names[c->tcp.init_state[0]]);
		mm_note(o, sx, "right of S", tv_tcp_state_names[c->tcp.init_state[1]]);
	}
	{
		int said = tv_fmt_start(c, buf, sizeof(buf));

		if (buf[0] != '\0')
			mm_note(o, sx, "over C,S", buf);
		m.said_open |= (said & TV_START_OPEN) != 0;
		m.said_close |= (said & TV_START_CLOSE) != 0;
	}
	mm_rows(&m, why == TV_DONE_PARTIAL);
	if (c->proto == 6 && why != TV_DONE_PARTIAL) {
		if (!m.said_open && c->tcp.first_had_syn)
			mm_outcome(o, sx, c, tv_fmt_opened);
		if (!m.said_close && why == TV_DONE_IDLE &&
		    tv_tcp_close(&c->tcp) == TV_CLOSE_OPEN)
			mm_note(o, sx, "over C,S", "no packet for a long while: no "
			    "longer followed (it may still be open)");
		else if (!m.said_close)
			mm_outcome(o, sx, c, tv_fmt_closed);
	}
	if (c->icmp.n && why != TV_DONE_PARTIAL) {
		tv_fmt_icmp(c, buf, sizeof(buf));
		mm_note(o, sx, "over C,S", buf);
	}
	tv_fmt_conn_totals(x->ro, c, why, 0, buf, sizeof(buf));
	tvr_str(o, sx->comment);
	tvr_piece(o, buf, strlen(buf));
	tvr_str(o, "\n");
	tvr_str(o, sx->tail);
}

static void
mm_conn(const struct tv_rctx *x, struct tv_conn *c, enum tv_done why)
{
	seq_conn(x, c, why, &mermaid);
}

static void
pu_conn(const struct tv_rctx *x, struct tv_conn *c, enum tv_done why)
{
	seq_conn(x, c, why, &plantuml);
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

const struct tv_renderer tv_render_plantuml = {
	.name = "plantuml",
	.live = 0,
	.keep_rows = 1,
	.conn = pu_conn,
	.end = mm_end,
	.merge = tv_lad_merge,
};
