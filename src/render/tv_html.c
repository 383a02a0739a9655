/* \summary: --format=html: one self-contained page: the summary table, each connection's ladder and graph, a filter */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tv_render-int.h"

/*
 * Nothing on the page is fetched: the style and the script are in it,
 * the pictures are inline SVG.  The table comes first, so the page is
 * written at the end: the rows and the sections are kept until then
 * (at most TVR_BUF_MAX bytes each; connections past that are counted).
 * A link to the page with #q=WORDS opens it filtered.
 */
struct html_self {
	struct tvr_buf rows, secs;
	uint64_t nconns, left_out;
	struct tv_sum_totals st;
};

static const char css[] =
"body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:24px;"
"color:#111;background:#fff}\n"
"h1{font-size:22px;margin:0 0 6px}h2{font-size:16px;margin:28px 0 8px}\n"
"p.totals{color:#444;font-size:13px}\n"
"table{border-collapse:collapse;font-size:13px}\n"
"th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;"
"white-space:nowrap}\n"
"th{background:#f0f2f6}td.n{text-align:right;font-variant-numeric:"
"tabular-nums}\n"
"tr.bad td{background:#fdf0f0}\n"
"section.conn{border-top:1px solid #ccc;margin-top:20px}\n"
"section.conn svg{display:block;max-width:100%;height:auto}\n"
"#filter{font-size:14px;padding:3px 6px;width:22em}\n"
".hidden{display:none}\n"
"a{color:#1f4e9c}\n"
"@media print{#filterbox{display:none}}\n";

static const char script[] =
"(function(){\n"
"var box=document.getElementById('filter');\n"
"var shown=document.getElementById('shown');\n"
"function apply(){\n"
" var q=box.value.toLowerCase().trim(), n=0, all=0;\n"
" document.querySelectorAll('#conns tbody tr').forEach(function(tr){\n"
"  var hit=q===''||tr.textContent.toLowerCase().indexOf(q)>=0;\n"
"  tr.classList.toggle('hidden',!hit); all++; if(hit)n++;\n"
"  document.querySelectorAll('section[data-conn=\"'+tr.dataset.conn+'\"]')"
".forEach(function(s){s.classList.toggle('hidden',!hit);});\n"
" });\n"
" shown.textContent=n+' of '+all+' connections shown';\n"
"}\n"
"box.addEventListener('input',apply);\n"
"if(location.hash.indexOf('#q=')===0)"
"box.value=decodeURIComponent(location.hash.slice(3));\n"
"apply();\n"
"})();\n";

/* An <svg> element of its own around a picture drawn at the origin. */
static void
inline_svg(const struct tv_out *o, const struct tv_render_opts *ro,
    const struct tv_conn *c, enum tv_done why, const char *idp,
    tvr_draw_fn draw, const char *cls)
{
	struct tvr_size sz;

	draw(NULL, ro, c, why, idp, &sz);
	tv_out_printf(o, "<svg class=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\">\n", cls, sz.w,
	    sz.h, sz.w, sz.h);
	draw(o, ro, c, why, idp, &sz);
	tvr_str(o, "</svg>\n");
}

/* The table's row of c: its cells link to its ladder. */
static void
html_row(struct html_self *me, const struct tv_render_opts *ro,
    const struct tv_conn *c)
{
	struct tv_sum_row f;
	struct tv_out o;
	int bad;

	tv_sum_fields(ro, c, &f, &me->st);
	bad = c->proto == 6 && (strcmp(f.close, "reset") == 0 ||
	    strcmp(f.open, "refused") == 0 || strcmp(f.open, "unanswered") == 0 ||
	    c->tcp.retransmissions > 0);
	tvr_buf_out(&me->rows, &o);
	tv_out_printf(&o, "<tr data-conn=\"%" PRIu32 "\"%s><td class=\"n\">"
	    "<a href=\"#conn-%" PRIu32 "\">%" PRIu32 "</a></td><td>%s</td><td>",
	    c->id, bad ? " class=\"bad\"" : "", c->id, c->id, f.proto);
	tvr_xml(&o, f.client);
	tvr_str(&o, "</td><td>");
	tvr_xml(&o, f.server);
	tv_out_printf(&o, "</td><td>%s</td><td>%s</td><td>%s</td><td>", f.open,
	    f.close, f.state);
	tvr_xml(&o, f.history);
	tv_out_printf(&o, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%"
	    PRIu64 "</td><td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n",
	    f.packets, f.bytes, f.dur, f.rtt);
}

static void
html_conn(const struct tv_rctx *x, struct tv_conn *c, enum tv_done why)
{
	struct html_self *me = x->self;
	char idp[40], ce[TV_ENDPOINTSTRLEN], se[TV_ENDPOINTSTRLEN];
	size_t mark = me->secs.n;
	struct tv_out o;

	if (me->secs.full || me->rows.full) {
		me->left_out += why != TV_DONE_PARTIAL;
		return;
	}
	snprintf(idp, sizeof(idp), "c%" PRIu32 "p%" PRIu32 "-", c->id, c->part);
	tv_endpoint_str(&c->addr[0], c->port[0], ce, sizeof(ce));
	tv_endpoint_str(&c->addr[1], c->port[1], se, sizeof(se));
	tvr_buf_out(&me->secs, &o);
	tv_out_printf(&o, "<section class=\"conn\" data-conn=\"%" PRIu32 "\" "
	    "id=\"conn-%" PRIu32, c->id, c->id);
	if (c->part)
		tv_out_printf(&o, "-part%" PRIu32, c->part + 1);
	tv_out_printf(&o, "\">\n<h2>conn %" PRIu32 "%s: %s ", c->id,
	    c->part ? " (continued)" : "", tvr_proto(c->proto));
	tvr_xml(&o, ce);
	tvr_str(&o, " \u2192 ");
	tvr_xml(&o, se);
	tvr_str(&o, "</h2>\n");
	inline_svg(&o, x->ro, c, why, idp, tvr_svg_ladder, "ladder");
	if (c->proto == 6 && c->tcp.q[0].payload + c->tcp.q[1].payload > 0)
		inline_svg(&o, x->ro, c, why, idp, tvr_tsg_graph, "tsg");
	tvr_str(&o, "<p><a href=\"#top\">back to the table</a></p>\n</section>\n");
	if (me->secs.full) {		/* no half a section */
		me->secs.n = mark;
		me->left_out += why != TV_DONE_PARTIAL;
		return;
	}
	if (why != TV_DONE_PARTIAL) {
		html_row(me, x->ro, c);
		me->nconns++;
	}
}

static void
buf_put(const struct tv_out *o, const struct tvr_buf *b)
{
	if (b->n)
		tv_out_mem(o, b->p, b->n);
}

static void
html_end(const struct tv_rctx *x, const struct tv_totals *t)
{
	struct html_self *me = x->self;
	const struct tv_out *o = x->out;
	struct tv_render_opts ro = *x->ro;
	struct tvr_buf tb = { 0 };
	struct tv_out to;

	ro.width = 0;
	tvr_buf_out(&tb, &to);
	tv_sum_totals(&to, &ro, &me->st);
	tv_text_totals(&to, &ro, t);
	if (me->left_out)
		tv_out_printf(&to, "%" PRIu64 " more connections not shown: the "
		    "page would pass %u MiB (a filter picks fewer)\n",
		    me->left_out, TVR_BUF_MAX >> 20);
	tv_out_mem(&to, "", 1);
	tv_out_printf(o, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" "
	    "lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\"/>\n<title>tcpviz: %" PRIu64 " connection%s"
	    "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1 id=\"top\">"
	    "tcpviz</h1>\n<p class=\"totals\">", me->nconns,
	    me->nconns == 1 ? "" : "s", css);
	if (!tb.full) {
		char *line = tb.p, *nl;

		while ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			tvr_xml(o, line);
			tvr_str(o, "<br/>\n");
			line = nl + 1;
		}
	}
	tvr_str(o, "</p>\n<p id=\"filterbox\"><label>Filter: <input id=\"filter\" "
	    "type=\"search\" placeholder=\"address, port, outcome, state\"/></label> "
	    "<span id=\"shown\"></span></p>\n<table id=\"conns\">\n<thead><tr>"
	    "<th>conn</th><th>proto</th><th>client</th><th>server</th><th>open</th>"
	    "<th>close</th><th>state</th><th>history</th><th>packets</th>"
	    "<th>bytes</th><th>duration (s)</th><th>rtt (s)</th></tr></thead>\n"
	    "<tbody>\n");
	buf_put(o, &me->rows);
	tvr_str(o, "</tbody>\n</table>\n");
	buf_put(o, &me->secs);
	tv_out_printf(o, "<script>\n%s</script>\n</body>\n</html>\n", script);
	tvr_buf_free(&tb);
	tvr_buf_free(&me->rows);
	tvr_buf_free(&me->secs);
}

/* every row is kept (none merged): the graph draws each segment, the
 * ladder folds runs as it draws */
const struct tv_renderer tv_render_html = {
	.name = "html",
	.live = 0,		/* replay: a picture is drawn whole (see tv_render.h) */
	.keep_rows = 1,
	.self_size = sizeof(struct html_self),
	.conn = html_conn,
	.end = html_end,
};
