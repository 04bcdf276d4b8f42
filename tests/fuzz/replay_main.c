/*
 * replay_main.c - runs a libFuzzer target without libFuzzer: feeds each
 * file named on the command line to LLVMFuzzerTestOneInput once. Linked
 * with one target and the sanitizers, it replays kept crashers in make test
 * (tests/fuzz/replay.sh). Exit status 0 if every file ran; a crash or an
 * abort in the target ends the process, as under the fuzzer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		size_t len = 0;
		uint8_t *buf = fuzz_read_file(argv[i], &len);

		if (!buf) {
			fprintf(stderr, "%s: cannot read\n", argv[i]);
			status = 1;
			continue;
		}
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		printf("replayed %s (%zu bytes)\n", argv[i], len);
	}
	return status;
}
