/*
 * tracedat_exercise.h - the trace.dat reader (lib/trace/tracedat_read.h)
 * over one input: open, every record, every line; shared by the libFuzzer
 * target (make fuzz-tracedat) and the host test that replays
 * tests/fuzz/regress/tracedat.
 *
 * The input must be exactly `len` bytes of its own allocation so that ASan
 * catches any read past the end. A broken promise of the reader (an error
 * without its reason, a line longer than it said or with a control byte
 * in it) aborts.
 */
#pragma once

#include <stdlib.h>
#include <string.h>

#include "trace/tracedat_read.h"

/* Returns the number of records read (-1: the file was refused). */
static inline long tracedat_exercise(const uint8_t *data, size_t len)
{
	struct tracedat_file f;
	struct tracedat_iter it;
	struct tracedat_revent ev;
	char line[256];
	long n = 0;
	int r;

	if (tracedat_read_open(&f, data, len) != 0) {
		if (!f.error)
			abort();
		tracedat_read_close(&f);
		return -1;
	}
	tracedat_iter_start(&it, &f);
	while ((r = tracedat_iter_next(&it, &ev)) == 1) {
		if (ev.rec < data || ev.len > len || ev.rec + ev.len > data + len)
			abort();
		int l = tracedat_event_line(&f, &ev, line, sizeof(line));
		size_t shown = strlen(line);
		if (l < 1 || shown != ((size_t)l < sizeof(line) ? (size_t)l : sizeof(line) - 1))
			abort();
		/* one line: no control byte but tab, the "\n" last */
		for (size_t i = 0; i < shown; i++)
			if (((unsigned char)line[i] < 0x20 && line[i] != '\t' &&
			     !(line[i] == '\n' && i + 1 == (size_t)l)) ||
			    line[i] == 0x7f)
				abort();
		n++;
	}
	if (r < 0 && !f.error)
		abort();
	tracedat_read_close(&f);
	return n;
}
