#!/bin/sh
# tests/docs.sh: every tcpviz command and output shown in README.md, docs/*.md
# and docs/tcpviz.1 must come from a real run; this fails when one drifts.
#
# In each fenced block of the Markdown files (and each .nf/.fi or .EX/.EE
# block of the man page) an example is a line "$ CMD" and the lines after it,
# up to the next "$ " line or the end of the block (blank lines just before
# the next "$ " only separate examples):
#   * tcpviz -r captures/FILE ... : run (cwd the repo root, stdout a file,
#     stdin /dev/null) and compare stdout with the shown lines exactly;
#     a pipe (| jq .) runs through sh -c when every program in it exists.
#   * sudo tcpviz --demo... and sudo tcpviz --lab ... (both make their
#     own finite traffic): as root, run without sudo (timeout 60 s) and
#     compare after normalising both sides (digits -> 9, runs of '-', '~' and
#     spaces -> one, the kernel's "#N kernel: ..." lines and the programs'
#     calls left out: they follow the timing of the queries and of the
#     scheduler; where the lines still differ, the same words in the same
#     order pass: a live ISN's count of digits moves where a paragraph
#     wraps); otherwise "skip NAME: needs root".
#   * live -i examples (no finite traffic source) and other programs' examples
#     are skipped with the reason.
# Each line of a ```sh block, and each command under the man page's EXAMPLES,
# that runs tcpviz on a file under captures/ must exit 0 (a pipe: every stage).
# Ladder excerpts shown without a command (docs/outcomes.md) must stand,
# whole and in order, in a golden output (tests/golden/*.out).
# Commands on files not in the repo (trace.pcap ...) are placeholders: not
# run, counted neither way, one summary "skip" line.  A file under captures/
# that does not exist fails.  Checks are named DOC:LINE.  TCPVIZ names the
# binary (default ./tcpviz).  Last line: "docs: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
TCPVIZ=${TCPVIZ:-./tcpviz}
export TCPVIZ
T=20		# seconds any one replay may take
DEMO_T=60	# seconds the demo may take

passed=0
failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
. tests/live/lib.sh

is_root=0
[ "$(id -u)" = 0 ] && is_root=1

if ! command -v python3 >/dev/null 2>&1; then
	bad docs-parse "python3 is needed to read the docs"
	echo "docs: $passed passed, $failed failed"
	exit 1
fi

# ---- parse the docs into records, one a line, fields separated by \037 ----
#   E NAME MODE EXPFILE ARGS REST PROGS   an example to run and compare
#                                         (MODE exact or norm)
#   R NAME ARGS REST PROGS                a command that must exit 0
#   S NAME WHY                            a skip, with its reason
#   B NAME WHY                            a failure found while parsing
# ARGS is the shell text after the tcpviz program word, REST the pipeline
# after the first "|" (or empty), PROGS the programs REST runs.
python3 - "$tmp" README.md docs/*.md docs/tcpviz.1 >"$tmp/records" 2>"$tmp/parse.err" <<'EOF'
import os, re, shlex, sys

tmp, docs = sys.argv[1], sys.argv[2:]
US = "\x1f"
nexp = 0
placeholders = []   # (name, file)
live = []           # names of live/other tcpviz commands not run

def rec(*fields):
    print(US.join(f.replace(US, " ").replace("\n", " ") for f in fields))

def split_cmd(cmd):
    """Split at unquoted '|', drop an unquoted trailing '# comment'.
    Returns a list of stage strings, or a string saying why not."""
    stages, cur, q, i = [], "", None, 0
    while i < len(cmd):
        c = cmd[i]
        if q == "'":
            cur += c
            if c == "'":
                q = None
        elif q == '"':
            cur += c
            if c == "\\" and i + 1 < len(cmd):
                cur += cmd[i + 1]
                i += 1
            elif c == '"':
                q = None
        elif c == "\\" and i + 1 < len(cmd):
            cur += c + cmd[i + 1]
            i += 1
        elif c in "'\"":
            q = c
            cur += c
        elif c == "#" and (cur == "" or cur[-1] in " \t"):
            break
        elif c == "|":
            if cmd[i + 1:i + 2] == "|":
                return "a compound command (||)"
            stages.append(cur.strip())
            cur = ""
        elif c == ";" or c == "`" or cmd[i:i + 2] == "$(":
            return "a compound command (%s)" % c
        elif cmd[i:i + 2] == "&&":
            return "a compound command (&&)"
        elif c == "&" and not cur.endswith(">"):
            return "a compound or background command (&)"
        else:
            cur += c
        i += 1
    if q:
        return "an unterminated quote"
    stages.append(cur.strip())
    if any(s == "" for s in stages):
        return "an empty pipeline stage"
    return stages

PROG = re.compile(r"^(sudo\s+)?((?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*)(\./)?tcpviz(?=\s|$)(.*)$")

def program(stage):
    """The program a stage runs (after sudo and VAR=value)."""
    try:
        w = shlex.split(stage)
    except ValueError:
        return None
    while w and (w[0] == "sudo" or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", w[0])):
        w.pop(0)
    return w[0] if w else None

def tcpviz_opts(args):
    """What a tcpviz command line does: dict with r, i, demo, other."""
    try:
        w = shlex.split(args)
    except ValueError:
        return None
    o = {"r": None, "i": None, "demo": False, "list": False, "D": False}
    k = 0
    while k < len(w):
        a = w[k]
        if a.startswith("--"):
            if a.startswith("--demo-list"):
                o["list"] = True
            elif a.startswith("--demo") or a == "--lab":
                o["demo"] = True     # both make their own finite traffic
            elif a == "--list-interfaces":
                o["D"] = True
            elif a == "--max-conns":
                k += 1
        elif a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                ch = a[j]
                if ch in "ciwsBZro":
                    val = a[j + 1:]
                    if val == "":
                        k += 1
                        val = w[k] if k < len(w) else ""
                    if ch in "ri":
                        o[ch] = val
                    break
                if ch == "D":
                    o["D"] = True
                j += 1
        k += 1
    return o

def classify(cmd):
    """(kind, info) for one command line.
    kinds: notviz (info: program), bad (why), unsupported (why),
    file (args, rest, progs), missing (path), placeholder (path),
    demo (args), demolist (args), live (why)."""
    st = split_cmd(cmd)
    if isinstance(st, str):
        p = program(cmd.split("|")[0])
        if p not in ("tcpviz", "./tcpviz"):
            return "notviz", p or "?"
        return "unsupported", st
    m = PROG.match(st[0])
    if not m:
        return "notviz", program(st[0]) or "?"
    args = m.group(4).strip()
    rest = " | ".join(st[1:])
    progs = " ".join(filter(None, (program(s) for s in st[1:])))
    o = tcpviz_opts(args)
    if o is None:
        return "unsupported", "cannot split its words"
    if o["demo"]:
        return "demo", (args, rest, progs)
    if o["list"]:
        return "demolist", (args, rest, progs)
    if o["r"] is not None:
        path = o["r"]
        if path.startswith("captures/") or path.startswith("./captures/"):
            if os.path.isfile(path):
                return "file", (args, rest, progs)
            return "missing", path
        if path == "-":
            return "live", "reads standard input"
        if os.path.exists(path):
            return "live", "reads %s, not a file under captures/" % path
        return "placeholder", path
    if o["D"]:
        return "live", "lists this host's interfaces"
    return "live", "captures live on %s" % (o["i"] or "lo")

def example(name, cmd, out):
    """A "$ CMD" line and the lines shown after it."""
    global nexp
    kind, info = classify(cmd)
    if kind == "notviz":
        rec("S", name, "not a tcpviz command (%s): its output is not checked here" % info)
    elif kind == "unsupported":
        rec("S", name, "cannot run %s" % info)
    elif kind == "missing":
        rec("B", name, "reads %s, which is not in the repo" % info)
    elif kind == "placeholder":
        rec("S", name, "reads %s, which is not in the repo: output cannot be reproduced" % info)
    elif kind == "live":
        if info.startswith("captures live"):
            info += " with no finite traffic source: output cannot be reproduced"
        rec("S", name, info)
    else:
        nexp += 1
        exp = os.path.join(tmp, "exp.%d" % nexp)
        with open(exp, "w") as f:
            f.write("".join(l + "\n" for l in out))
        mode = "norm" if kind == "demo" else "exact"
        rec("E", name, mode, exp, *info)

def command(name, cmd):
    """A command line shown without output: must exit 0 when it replays captures/."""
    if cmd.strip() == "":
        return
    kind, info = classify(cmd)
    if kind == "file":
        rec("R", name, *info)
    elif kind == "missing":
        rec("B", name, "reads %s, which is not in the repo" % info)
    elif kind == "placeholder":
        placeholders.append((name, info))
    elif kind in ("demo", "demolist", "live"):
        live.append(name)
    elif kind == "unsupported":
        rec("S", name, "cannot run %s" % info)
    # other programs (make, tcpviz-server ...) are not this check's business

def block(doc, lines, sh, examples_section=True):
    """lines: [(lineno, text)] inside one fenced/nf block."""
    i = 0
    while i < len(lines):
        n, t = lines[i]
        if t.startswith("$ "):
            j = i + 1
            while j < len(lines) and not lines[j][1].startswith("$ "):
                j += 1
            out = [x[1] for x in lines[i + 1:j]]
            if j < len(lines):
                while out and out[-1].strip() == "":
                    out.pop()
            example("%s:%d" % (doc, n), t[2:], out)
            i = j
            continue
        if sh and examples_section and not any(x[1].startswith("$ ") for x in lines):
            command("%s:%d" % (doc, n), t)
        i += 1

def markdown(doc):
    with open(doc) as f:
        text = f.read().split("\n")
    fence = None
    for n, t in enumerate(text, 1):
        if fence is None:
            m = re.match(r"^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)", t)
            if m:
                fence = (m.group(1), m.group(2).lower(), [])
            continue
        if re.match(r"^ {0,3}" + re.escape(fence[0][0]) + "{%d,}\\s*$" % len(fence[0]), t):
            block(doc, fence[2], fence[1] in ("sh", "shell", "bash", "console"))
            fence = None
        else:
            fence[2].append((n, t))
    if fence is not None:
        rec("B", doc, "a fenced block is never closed")

ROFF = [(r"\(aq", "'"), (r"\(dq", '"'), (r"\(ti", "~"), (r"\(ha", "^"),
        (r"\(ga", "`"), (r"\-", "-"), (r"\ ", " "), (r"\~", " "), (r"\&", ""),
        (r"\|", ""), (r"\^", ""), (r"\e", "\\")]

def unroff(t):
    t = re.sub(r"\\f(\[[^]]*\]|\(..|.)", "", t)
    t = re.sub(r'\\".*$', "", t)
    out, i = "", 0
    while i < len(t):
        for a, b in ROFF:
            if t.startswith(a, i):
                out += b
                i += len(a)
                break
        else:
            if t.startswith("\\\\", i):
                out += "\\"
                i += 2
            else:
                out += t[i]
                i += 1
    return out

def manpage(doc):
    with open(doc) as f:
        text = f.read().split("\n")
    section, blk = "", None
    for n, t in enumerate(text, 1):
        if re.match(r"^[.']\s*SH\b", t):
            section = unroff(t.split(None, 1)[1] if len(t.split(None, 1)) > 1 else "").strip('"').upper()
        if blk is None:
            if re.match(r"^[.']\s*(nf|EX)\b", t):
                blk = []
            elif section == "EXAMPLES" and not t.startswith((".", "'")):
                u = unroff(t)
                if re.match(r"^(sudo\s+)?(\./)?tcpviz\s+-", u):
                    command("%s:%d" % (doc, n), u)
            continue
        if re.match(r"^[.']\s*(fi|EE)\b", t):
            block(doc, blk, True, section == "EXAMPLES")
            blk = None
        elif t.startswith((".", "'")):
            continue        # a request inside the block (.br, .\" ...)
        else:
            blk.append((n, unroff(t)))
    if blk is not None:
        rec("B", doc, "an .nf/.EX block is never closed")

for d in docs:
    if d.endswith(".md"):
        markdown(d)
    else:
        manpage(d)

if placeholders:
    files = sorted(set(p[1] for p in placeholders))
    rec("S", "placeholders", "%d commands on files that are not in the repo were not run (%s: %s)"
        % (len(placeholders), ", ".join(files), " ".join(p[0] for p in placeholders)))
if live:
    rec("S", "live", "%d live, demo or interface-listing commands shown without output were not run (%s)"
        % (len(live), " ".join(live)))
EOF
if [ $? != 0 ]; then
	bad docs-parse "the doc parser failed" "$tmp/parse.err"
	echo "docs: $passed passed, $failed failed"
	exit 1
fi

# norm FILE: digits -> 9, runs of '-', '~' and spaces -> one; the
# kernel's lines (--kernel, on in the demo) left out: which states a query
# catches depends on when it runs (tests/live/kernel.sh checks them); so
# are the programs' calls (--calls, on in the demo): where a call falls
# among the packets a few microseconds apart is the scheduler's
# (tests/live/calls.sh checks their order where it is certain)
norm() {
	# a kernel line or a call that came between two data rows splits
	# their fold: into two fold lines, or a row or two drawn alone (a
	# fold of one is its row); with the call gone, a run of plain data
	# rows (ACK or PSH,ACK, no state, no note) and fold lines is one
	sed -e '/^#[0-9][0-9]* *kernel: /d' \
	    -e '/^#[0-9][0-9]* .*\(socket\|bind\|listen\|accept\|connect\|sendto\|send\|recv\|shutdown\|close\)([0-9]*)/d' \
	    -e 's/[0-9][0-9]*/9/g' -e 's/--*/-/g' \
	    -e 's/~~*/~/g' -e 's/  */ /g' "$1" |
	    awk '
		function data(s) {
			return s ~ /\|~ .* ~\|$/ ||
			    s ~ /^#9 9\.9 \|(<- (PSH,)?ACK [^|]* -|- (PSH,)?ACK [^|]* ->)\|$/
		}
		data($0) && run { next }
		data($0) { run = 1; sub(/\|.*/, "|~ data ~|"); print; next }
		{ run = 0; print }'
}

# words FILE: a normalised output's words in order, its lines joined
# (each line's "#9 " connection prefix dropped): how a live output
# compares when a number's width moved where a paragraph wraps
words() {
	sed 's/^#9 //' "$1" | tr '\n' ' ' | tr -s ' '
}

# missing PROGS: the first of PROGS that is not installed, or nothing
missing() {
	for p in $1; do
		command -v "$p" >/dev/null 2>&1 || { echo "$p"; return; }
	done
}

# run_viz SECONDS ARGS REST: "$TCPVIZ" ARGS [| REST]; stdout in $tmp/out,
# stderr in $tmp/err, tcpviz's status in $rc1 and the pipe's last in $rc2
run_viz() {
	if [ -z "$3" ]; then
		timeout -k 2 "$1" sh -c "exec \"\$TCPVIZ\" $2" </dev/null >"$tmp/out" 2>"$tmp/err"
		rc1=$?
		rc2=$rc1
	else
		rm -f "$tmp/rc1"
		{ timeout -k 2 "$1" sh -c "exec \"\$TCPVIZ\" $2" </dev/null 2>"$tmp/err"
		  echo $? >"$tmp/rc1"; } |
		    timeout -k 2 "$1" sh -c "$3" >"$tmp/out" 2>>"$tmp/err"
		rc2=$?
		rc1=$(cat "$tmp/rc1" 2>/dev/null)
		rc1=${rc1:-x}
	fi
}

US=$(printf '\037')
while IFS=$US read -r kind name f3 f4 f5 f6 f7 <&3; do
	case $kind in
	S)
		skip "$name" "$f3"
		;;
	B)
		bad "$name" "$f3"
		;;
	E)
		mode=$f3 exp=$f4 args=$f5 rest=$f6 progs=$f7
		m=$(missing "$progs")
		if [ -n "$m" ]; then
			skip "$name" "$m is not installed (tcpviz $args | $rest)"
			continue
		fi
		if [ "$mode" = norm ]; then
			if [ $is_root = 0 ]; then
				skip "$name" "needs root (tcpviz $args captures live)"
				continue
			fi
			run_viz $DEMO_T "$args" "$rest"
			norm "$exp" >"$tmp/want"
			norm "$tmp/out" >"$tmp/got"
			what="normalised output"
		else
			run_viz $T "$args" "$rest"
			cp "$exp" "$tmp/want"
			cp "$tmp/out" "$tmp/got"
			what="output"
		fi
		if cmp -s "$tmp/want" "$tmp/got"; then
			ok "$name"
		elif [ "$mode" = norm ] &&
		    [ "$(words "$tmp/want")" = "$(words "$tmp/got")" ]; then
			# the same words: a paragraph wrapped elsewhere because a
			# live number (an ISN) had another count of digits
			ok "$name"
		else
			diff -u --label "$name (shown)" --label "tcpviz $args${rest:+ | $rest} (exit $rc1)" \
			    "$tmp/want" "$tmp/got" | head -40 >"$tmp/diff"
			bad "$name" "$what differs from the doc (tcpviz exit status $rc1)" "$tmp/diff" "$tmp/err"
		fi
		;;
	R)
		args=$f3 rest=$f4 progs=$f5
		m=$(missing "$progs")
		if [ -n "$m" ]; then
			skip "$name" "$m is not installed (tcpviz $args | $rest)"
			continue
		fi
		run_viz $T "$args" "$rest"
		if [ "$rc1" = 0 ] && [ "$rc2" = 0 ]; then
			ok "$name"
		elif [ -z "$rest" ]; then
			bad "$name" "tcpviz $args: exit status $rc1, want 0" "$tmp/err"
		else
			bad "$name" "tcpviz $args | $rest: exit status $rc1 | $rc2, want 0 | 0" "$tmp/err"
		fi
		;;
	*)
		bad docs-parse "unknown record '$kind'"
		;;
	esac
done 3<"$tmp/records"

# ---- ladders shown without a command (docs/outcomes.md): each block of
# lines must stand, whole and in order, in one golden output, which the
# golden tests check against real runs ----
python3 - docs/*.md >"$tmp/excerpts" <<'EOF2'
import glob, re, sys
goldens = {}
for g in sorted(glob.glob("tests/golden/*.out")):
    goldens[g] = open(g).read().split("\n")
def contains(hay, needle):
    n = len(needle)
    return any(hay[i:i + n] == needle for i in range(len(hay) - n + 1))
for doc in sys.argv[1:]:
    lines = open(doc).read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i].startswith("```"):   # a fenced block, to its closing fence
            fence = len(lines[i]) - len(lines[i].lstrip("`"))
            start, j = i + 1, i + 1
            while j < len(lines) and not re.match(r"^`{%d,}\s*$" % fence, lines[j]):
                j += 1
            block = lines[start:j]
            # only plain blocks (output, not code) that are ladder
            # excerpts: no command lines, some rows with bars
            if lines[i] == "```" and block and \
                    not any(l.startswith("$ ") for l in block) and \
                    any("|" in l and ("--" in l or "~~" in l) for l in block):
                name = "%s:%d" % (doc, start)
                hits = [g for g, hay in goldens.items() if contains(hay, block)]
                print("%s\t%s" % (name, hits[0] if hits else ""))
            i = j + 1
        elif lines[i].startswith("```"):  # a block of code (```sh ...): passed over whole
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            i = j + 1
        else:
            i += 1
EOF2
while IFS="$(printf '\t')" read -r name golden; do
	if [ -n "$golden" ]; then
		ok "$name (in $golden)"
	else
		bad "$name" "this ladder excerpt stands in no tests/golden/*.out: regenerate it from a real run"
	fi
done <"$tmp/excerpts"

echo "docs: $passed passed, $failed failed"
[ $failed = 0 ]
