/* unit_steps.c: session step lists, as loadgen --steps and a scenario's
 * [load] steps read them. */
#include <string.h>

#include "cdefs.h"
#include "check_main.h"
#include "steps.h"

START_TEST(default_list)
{
	struct step_list	l;

	ck_assert_ptr_null(steps_parse(STEPS_DEFAULT, &l));
	ck_assert_uint_eq(l.n, 3);
	ck_assert_int_eq(l.step[0].kind, STEP_LOGIN);
	ck_assert_int_eq(l.step[1].kind, STEP_SELECT);
	ck_assert_str_eq(l.step[1].mailbox, "INBOX");
	ck_assert_int_eq(l.step[2].kind, STEP_LOGOUT);
}
END_TEST

START_TEST(arguments)
{
	struct step_list	l;

	ck_assert_ptr_null(steps_parse("starttls,authenticate,examine=Sent,"
	    "fetch=5,noop,idle=1500ms,logout", &l));
	ck_assert_uint_eq(l.n, 7);
	ck_assert_int_eq(l.step[0].kind, STEP_STARTTLS);
	ck_assert_int_eq(l.step[1].kind, STEP_AUTHENTICATE);
	ck_assert_int_eq(l.step[2].kind, STEP_EXAMINE);
	ck_assert_str_eq(l.step[2].mailbox, "Sent");
	ck_assert_int_eq(l.step[3].kind, STEP_FETCH);
	ck_assert_uint_eq(l.step[3].n, 5);
	ck_assert_int_eq(l.step[5].kind, STEP_IDLE);
	ck_assert_uint_eq(l.step[5].us, 1500000);
	ck_assert(steps_have(&l, STEP_STARTTLS));
	ck_assert(!steps_have(&l, STEP_LOGIN));
}
END_TEST

/* Lists without authentication or LOGOUT are legal: a PREAUTH server,
 * --close no-logout. */
START_TEST(short_lists)
{
	struct step_list	l;

	ck_assert_ptr_null(steps_parse("noop", &l));
	ck_assert_uint_eq(l.n, 1);
	ck_assert_ptr_null(steps_parse("logout", &l));
	ck_assert_ptr_null(steps_parse("login", &l));
}
END_TEST

START_TEST(format_round_trips)
{
	const char	*lists[] = { STEPS_DEFAULT, "starttls,login,logout",
	    "login,select=INBOX,fetch=10,noop,idle=2s,logout",
	    "authenticate,examine=Archive/2024,idle=250ms" };
	struct step_list l, again;
	char		 buf[512], buf2[512];

	for (size_t i = 0; i < nitems(lists); i++) {
		ck_assert_ptr_null(steps_parse(lists[i], &l));
		steps_format(&l, buf, sizeof(buf));
		ck_assert_ptr_null(steps_parse(buf, &again));
		steps_format(&again, buf2, sizeof(buf2));
		ck_assert_str_eq(buf, buf2);
		ck_assert_uint_eq(l.n, again.n);
		ck_assert_int_eq(memcmp(&l, &again, sizeof(l)), 0);
	}
	ck_assert_ptr_null(steps_parse("login,select,logout", &l));
	steps_format(&l, buf, sizeof(buf));
	ck_assert_str_eq(buf, "login,select=INBOX,logout");
}
END_TEST

/* Unknown words, bad arguments, and orders no server accepts. */
START_TEST(refused)
{
	const char	*bad[] = { "", ",", "login,", "login,,logout", "LOGIN",
	    "login,bogus", "login=x", "fetch", "login,select,fetch=0",
	    "login,select,fetch=x", "login,idle", "login,idle=0",
	    "login,idle=2h", "login,select=a b", "login,select=\"x\"",
	    "select", "login,fetch=1", "login,login", "login,authenticate",
	    "login,starttls", "starttls,starttls", "logout,noop",
	    "login,logout,logout", "idle=1s",
	    ("login,select=0123456789012345678901234567890123456789"
	    "012345678901234567890123") };
	struct step_list l;

	for (size_t i = 0; i < nitems(bad); i++)
		ck_assert_msg(steps_parse(bad[i], &l) != NULL,
		    "'%s' was accepted", bad[i]);
}
END_TEST

START_TEST(too_many)
{
	struct step_list l;
	char		 buf[512] = "login";

	for (int i = 1; i < STEPS_MAX; i++)
		strcat(buf, ",noop");
	ck_assert_ptr_null(steps_parse(buf, &l));
	ck_assert_uint_eq(l.n, STEPS_MAX);
	strcat(buf, ",noop");
	ck_assert_ptr_nonnull(steps_parse(buf, &l));
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("steps");
	TCase	*tc = tcase_create("parse");

	tcase_add_test(tc, default_list);
	tcase_add_test(tc, arguments);
	tcase_add_test(tc, short_lists);
	tcase_add_test(tc, format_round_trips);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, too_many);
	suite_add_tcase(s, tc);
	return s;
}
