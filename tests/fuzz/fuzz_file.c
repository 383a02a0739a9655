/* \summary: libFuzzer harness: a whole capture file through tv_cap and tcpviz's own loop (tv_run), in every format */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tv_cap.h"
#include "tv_run.h"

/*
 * The input is written to a memfd and opened by path (/proc/self/fd/N)
 * with tv_cap_open_file, so libpcap reads it exactly as it reads a file
 * given to -r; then tv_run_loop() and tv_run_finish() draw it as text,
 * JSON and the summary table, into a sink that reads every byte.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned sum;

static void
null_write(void *ctx, const char *s, size_t n)
{
	size_t i;

	(void)ctx;
	for (i = 0; i < n; i++)
		sum += (unsigned char)s[i];
}

static int
no_failure(void *ctx)
{
	(void)ctx;
	return 0;
}

static void
run_one(const char *path, const char *format, unsigned width)
{
	struct tv_run_opts o;
	static struct tv_run run;
	struct tv_cap *cap;
	char errbuf[TV_ERRBUF_SIZE];

	if ((cap = tv_cap_open_file(path, NULL, errbuf)) == NULL)
		return;
	memset(&o, 0, sizeof(o));
	o.renderer = tv_renderer_find(format, 0);
	o.sink.write = null_write;
	o.sink.failed = no_failure;
	o.ro.width = width;
	o.linger_ns = 2 * 1000000000ULL;
	if (o.renderer != NULL && tv_run_init(&run, &o) == 0) {
		tv_run_loop(&run, cap);
		tv_run_finish(&run);
	}
	tv_cap_close(cap);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const pics[] = { "svg", "html", "tsg", "mermaid" };
	static int fd = -1;
	static char path[64];

	if (fd < 0) {
		if ((fd = memfd_create("fuzz_file", 0)) < 0)
			return 0;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 ||
	    (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		return 0;
	/* the text formats at no limit or at 80 columns, by the input's size */
	run_one(path, "text", size % 2 ? 80 : 0);
	run_one(path, "json", 0);
	run_one(path, "summary", size % 2 ? 80 : 0);
	/* the flows side by side, as text at 80 columns or as JSON */
	run_one(path, size % 2 ? "compare" : "compare-json", size % 2 ? 80 : 0);
	/* and one of the pictures, by the input's size */
	run_one(path, pics[size % 4], 0);
	return 0;
}
