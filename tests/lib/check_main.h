/* check_main.h: each unit test file defines make_suite(); this runs it. */
#ifndef EPHEMERA_CHECK_MAIN_H
#define EPHEMERA_CHECK_MAIN_H

#include <stdlib.h>

#include <check.h>

Suite	*make_suite(void);

int
main(void)
{
	SRunner	*sr = srunner_create(make_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
