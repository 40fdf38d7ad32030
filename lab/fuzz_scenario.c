/* fuzz_scenario.c: libFuzzer target: any bytes as a scenario file, through
 * the INI reader, every key's value parser, the checks of combinations,
 * and, for a scenario that loads, the model's checks and its plan.
 * Build: CC=clang meson setup b && ninja -C b lab/fuzz-scenario
 * Run:   b/lab/fuzz-scenario -max_total_time=60 -timeout=2 lab/fuzz-corpus
 * The file is read from memory (fmemopen): no file is written. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "scenario.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Scenario files are a few hundred bytes; inih's lines are short. */
#define FUZZ_FILE_MAX	16384

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scenario	 sc;
	static struct plan	 plan;
	static int		 ready;
	char			 err[1024];
	FILE			*fp;
	int			 rc;

	if (!ready) {
		log_init("fuzz-scenario", 0);
		ready = 1;
	}
	if (size == 0 || size > FUZZ_FILE_MAX)
		return 0;
	/* fmemopen only reads: the cast drops a const it keeps. */
	if ((fp = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		fatal("fmemopen");
	rc = scenario_load_stream(fp, "fuzz.ini", &sc, err, sizeof(err));
	fclose(fp);
	if (rc == -1)
		return 0;
	if (model_check(&sc, &plan) != NULL)
		return 0;
	(void)scenario_ports(&sc);
	(void)scenario_tw_holder(&sc);
	(void)model_held(&sc, 0);
	(void)model_held(&sc, (double)sc.duration_us / 1e6);
	return 0;
}
