# src/render/build.mk: the renderers, each writing to a sink the caller gives (core library)
CORE_SRC += src/render/tv_render.c
