/* trace_test_events.h - the tracepoints the trace tests define (trace_event_test.c). */
#pragma once

#include "trace/event.h"

TRACE_EVENT_DECLARE(ttest, three, TP_PROTO(int32_t a, const char *s, uint64_t b));
TRACE_EVENT_DECLARE(ttest, alpha, TP_PROTO(int16_t v));
TRACE_EVENT_DECLARE(zsys, last, TP_PROTO(uint8_t x));
TRACE_EVENT_DECLARE(ptrtest, fault, TP_PROTO(uint64_t address, uint64_t ip, uint64_t count));
