/* coremix.c - the core of the integer benchmark in the spirit of CoreMark
 * (not CoreMark itself): linked-list search/reverse/sort, small integer
 * matrix products, a character state machine, all folded into a CRC-16
 * checksum. */
#include <stddef.h>
#include <stdlib.h>

#include "bench_core.h"

#define NLIST 256
#define MAT   24
#define TEXT  512

struct node {
	struct node *next;
	int16_t key, val;
};

static uint16_t crc16(uint16_t crc, uint32_t v, int bits)
{
	for (int i = 0; i < bits; i++) {
		uint16_t x = (uint16_t)((crc ^ (v >> i)) & 1);

		crc >>= 1;
		if (x)
			crc ^= 0xa001;
	}
	return crc;
}

static struct node *list_reverse(struct node *l)
{
	struct node *r = NULL;

	while (l) {
		struct node *n = l->next;

		l->next = r;
		r = l;
		l = n;
	}
	return r;
}

/* insertion sort by key: quadratic pointer chasing on purpose */
static struct node *list_sort(struct node *l)
{
	struct node *sorted = NULL;

	while (l) {
		struct node *n = l->next, **p = &sorted;

		while (*p && (*p)->key < l->key)
			p = &(*p)->next;
		l->next = *p;
		*p = l;
		l = n;
	}
	return sorted;
}

static uint16_t list_work(struct node *pool, uint32_t seed, uint16_t crc)
{
	struct node *head = NULL;

	for (int i = 0; i < NLIST; i++) {
		seed = seed * 1103515245u + 12345u;
		pool[i].key = (int16_t)(seed >> 17);
		pool[i].val = (int16_t)i;
		pool[i].next = head;
		head = &pool[i];
	}
	for (int q = 0; q < 16; q++) {
		int16_t want = pool[(q * 37) % NLIST].key;
		int pos = 0;

		for (struct node *n = head; n; n = n->next, pos++)
			if (n->key == want)
				break;
		crc = crc16(crc, (uint32_t)pos, 16);
		head = list_reverse(head);
	}
	head = list_sort(head);
	for (struct node *n = head; n; n = n->next)
		crc = crc16(crc, (uint16_t)n->val, 16);
	return crc;
}

static uint16_t matrix_work(int32_t a[MAT][MAT], int32_t b[MAT][MAT], int32_t c[MAT][MAT],
			    uint32_t seed, uint16_t crc)
{
	for (int i = 0; i < MAT; i++)
		for (int j = 0; j < MAT; j++) {
			seed = seed * 1664525u + 1013904223u;
			a[i][j] = (int32_t)(seed >> 24) - 128;
			b[i][j] = (int32_t)((seed >> 8) & 0xff) - 128;
		}
	for (int i = 0; i < MAT; i++)
		for (int j = 0; j < MAT; j++) {
			int32_t s = 0;

			for (int k = 0; k < MAT; k++)
				s += a[i][k] * b[k][j];
			c[i][j] = s;
		}
	for (int i = 0; i < MAT; i++)
		for (int j = 0; j < MAT; j++)
			crc = crc16(crc, (uint32_t)(c[i][j] > 0 ? c[i][j] >> 2 : -c[i][j]), 16);
	return crc;
}

enum state { S_START, S_INT, S_FRAC, S_EXP, S_EXPINT, S_INVALID };

static uint16_t state_work(char *text, uint32_t seed, uint16_t crc)
{
	static const char alphabet[] = "0123456789.e-+,x";
	unsigned counts[6] = {0};
	enum state s = S_START;

	for (int i = 0; i < TEXT; i++) {
		seed = seed * 22695477u + 1u;
		text[i] = alphabet[(seed >> 16) & 15];
	}
	for (int i = 0; i < TEXT; i++) {
		char ch = text[i];

		if (ch == ',') {
			counts[s]++;
			s = S_START;
			continue;
		}
		switch (s) {
		case S_START:
			s = (ch >= '0' && ch <= '9') || ch == '-' || ch == '+' ? S_INT
			    : ch == '.'					       ? S_FRAC
									       : S_INVALID;
			break;
		case S_INT:
			s = ch == '.'		     ? S_FRAC
			    : ch == 'e'		     ? S_EXP
			    : ch >= '0' && ch <= '9' ? S_INT
						     : S_INVALID;
			break;
		case S_FRAC:
			s = ch == 'e' ? S_EXP : ch >= '0' && ch <= '9' ? S_FRAC : S_INVALID;
			break;
		case S_EXP:
			s = ch == '-' || ch == '+' || (ch >= '0' && ch <= '9') ? S_EXPINT
									       : S_INVALID;
			break;
		case S_EXPINT:
			s = ch >= '0' && ch <= '9' ? S_EXPINT : S_INVALID;
			break;
		case S_INVALID:
			break;
		}
	}
	for (int i = 0; i < 6; i++)
		crc = crc16(crc, counts[i], 16);
	return crc;
}

int bench_coremix_run(unsigned arg, uint64_t *out)
{
	struct node *pool = malloc(NLIST * sizeof(*pool));
	int32_t(*m)[MAT][MAT] = malloc(3 * sizeof(*m));
	char *text = malloc(TEXT);
	uint16_t crc = 0;
	int err = -1;

	if (!pool || !m || !text)
		goto fail;
	for (unsigned it = 0; it < arg; it++) {
		uint32_t seed = (uint32_t)it * 2654435761u ^ crc;

		crc = list_work(pool, seed, crc);
		crc = matrix_work(m[0], m[1], m[2], seed, crc);
		crc = state_work(text, seed, crc);
	}
	*out = crc;
	err = 0;
fail:
	free(pool);
	free(m);
	free(text);
	return err;
}
