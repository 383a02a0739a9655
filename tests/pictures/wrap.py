#!/usr/bin/env python3
"""tests/pictures/wrap.py: pages for headless Chromium that look at a
picture through the DOM and write what they found into <pre id="result">
(chromium --dump-dom shows it), one "key=value" a line.

    python3 wrap.py svg FILE.svg          the SVG inline; counts of its
        arrows (g.pkt), folds, outcome captions, states, segments, texts
        that render (a width > 0), texts outside the picture
    python3 wrap.py mermaid FILE.md JS    each ```mermaid block rendered by
        the mermaid library at JS (a local file): "ok N messages=M
        notes=K" or "error N: why" a block
    python3 wrap.py result DOM            what such a page found, from the
        DOM that chromium --dump-dom printed

The page (or the result) goes to stdout."""
import html
import re
import sys

SVG_SCRIPT = r"""
<script>
(function () {
  var s = document.querySelector("svg"), out = [];
  var W = s.width.baseVal.value, H = s.height.baseVal.value;
  function n(q) { return s.querySelectorAll(q).length; }
  out.push("pkt=" + n("g.pkt"));
  out.push("pkt_titles=" + n("g.pkt > title"));
  out.push("fold=" + n("g.fold"));
  out.push("outcome=" + n("g.outcome"));
  out.push("state=" + n("text.state"));
  out.push("idle=" + n("g.idle"));
  out.push("seg=" + n("g.seg"));
  out.push("retrans_seg=" + n("g.seg.retrans"));
  out.push("conn=" + n("g.conn"));
  var texts = s.querySelectorAll("text"), drawn = 0, outside = [], empty = 0;
  texts.forEach(function (t) {
    if (t.textContent.trim() === "") { empty++; return; }
    var b = t.getBBox();
    if (t.getComputedTextLength() > 0 && b.width > 0) drawn++;
    /* in the picture's own units, wherever it is placed */
    var m = s.getScreenCTM().inverse().multiply(t.getScreenCTM());
    var xs = [], ys = [];
    [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height],
     [b.x + b.width, b.y + b.height]].forEach(function (p) {
      xs.push(m.a * p[0] + m.c * p[1] + m.e);
      ys.push(m.b * p[0] + m.d * p[1] + m.f);
    });
    if (Math.min.apply(null, xs) < -0.5 || Math.min.apply(null, ys) < -0.5 ||
        Math.max.apply(null, xs) > W + 0.5 || Math.max.apply(null, ys) > H + 0.5)
      outside.push(t.textContent.slice(0, 40));
  });
  out.push("texts=" + texts.length);
  out.push("texts_drawn=" + drawn);
  out.push("texts_empty=" + empty);
  out.push("texts_outside=" + outside.length);
  if (outside.length) out.push("first_outside=" + outside[0]);
  /* caption pills: the words within their box */
  var tight = 0;
  s.querySelectorAll("g.outcome").forEach(function (g) {
    var r = g.querySelector("rect").getBBox(), t = g.querySelector("text").getBBox();
    if (t.x < r.x || t.x + t.width > r.x + r.width) tight++;
  });
  out.push("captions_overflowing=" + tight);
  document.getElementById("result").textContent = out.join("\n") + "\ndone";
})();
</script>
"""

MERMAID_SCRIPT = r"""
<script>
mermaid.initialize({ startOnLoad: false });
(async function () {
  var res = [], srcs = document.querySelectorAll("pre.src");
  for (var i = 0; i < srcs.length; i++) {
    var text = srcs[i].textContent;
    try {
      await mermaid.parse(text);
      var r = await mermaid.render("d" + i, text);
      var div = document.createElement("div");
      div.innerHTML = r.svg;
      document.getElementById("out").appendChild(div);
      res.push("ok " + i + " messages=" + div.querySelectorAll(".messageText").length +
        " notes=" + div.querySelectorAll(".noteText").length);
    } catch (e) {
      res.push("error " + i + ": " + String(e.message || e).split("\n").join(" "));
    }
  }
  document.getElementById("result").textContent = res.join("\n") + "\ndone";
})();
</script>
"""


def main():
    mode = sys.argv[1]
    if mode == "result":
        dom = open(sys.argv[2], encoding="utf-8", errors="replace").read()
        m = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
        print(html.unescape(m.group(1)) if m else "no result")
        return
    print('<!DOCTYPE html><html><head><meta charset="utf-8"><title>check</title></head><body>')
    if mode == "svg":
        svg = open(sys.argv[2], encoding="utf-8").read()
        svg = re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)
        print(svg)
        print('<pre id="result">pending</pre>')
        print(SVG_SCRIPT)
    else:
        md = open(sys.argv[2], encoding="utf-8").read()
        print('<script src="file://%s"></script>' % html.escape(sys.argv[3]))
        for i, b in enumerate(re.findall(r"```mermaid\n(.*?)```", md, re.S)):
            print('<pre class="src">%s</pre>' % html.escape(b))
        print('<div id="out"></div><pre id="result">pending</pre>')
        print(MERMAID_SCRIPT)
    print("</body></html>")


if __name__ == "__main__":
    main()
