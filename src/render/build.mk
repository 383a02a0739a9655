# src/render/build.mk: the renderers, each writing to a sink the caller gives (core library)
CORE_SRC += src/render/tv_out.c src/render/tv_ladder.c src/render/tv_json.c \
	src/render/tv_summary.c src/render/tv_svg.c \
	src/render/tv_mermaid.c src/render/tv_tsg.c \
	src/render/tv_html.c \
	src/render/tv_ksock.c src/render/tv_call.c \
	src/render/tv_cmp.c src/render/tv_compare.c
