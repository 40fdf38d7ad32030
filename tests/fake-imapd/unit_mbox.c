/* unit_mbox.c: mbox files (RFC 4155) split into messages: separators,
 * mboxrd unescaping, CRLF, flags from Status, INTERNALDATE, ENVELOPE. */
#include <string.h>

#include "check_main.h"
#include "mailbox.h"
#include "mbox.h"

static struct mailbox	mb;
static char		err[256];

static int
parse(const char *text)
{
	return mbox_parse(text, strlen(text), &mb, err, sizeof(err));
}

static void
teardown(void)
{
	mbox_parse("", 0, &mb, err, sizeof(err));	/* frees, then refuses */
}

START_TEST(messages_are_split_at_from_lines)
{
	ck_assert_int_eq(parse("From a Thu Jan  1 10:00:00 2026\n"
	    "Subject: one\n\nbody one\n\n"
	    "From b Fri Jan  2 11:30:00 2026\n"
	    "Subject: two\n\nbody two\n"), 0);
	ck_assert_uint_eq(mb.exists, 2);
	ck_assert_str_eq(mb.msgs[0].text, "Subject: one\r\n\r\nbody one\r\n");
	ck_assert_uint_eq(mb.msgs[0].size, strlen(mb.msgs[0].text));
	ck_assert_uint_eq(mb.msgs[0].header_size, strlen("Subject: one\r\n\r\n"));
	ck_assert_uint_eq(mb.msgs[0].body_lines, 1);
	ck_assert_str_eq(mb.msgs[1].text, "Subject: two\r\n\r\nbody two\r\n");
	ck_assert_uint_eq(mb.msgs[0].uid, 1);
	ck_assert_uint_eq(mb.msgs[1].uid, 2);
	/* 2026-01-02 11:30:00 UTC */
	ck_assert_int_eq(mb.msgs[1].internaldate, 1767225600 + 86400 +
	    11 * 3600 + 30 * 60);
}
END_TEST

/* A "From " line not after an empty line is text; ">From " loses one
 * ">" (mboxrd); CRLF files stay CRLF, not CRCRLF. */
START_TEST(from_in_the_body)
{
	ck_assert_int_eq(parse("From a\r\nSubject: x\r\n\r\nline\r\n"
	    "From here\r\n>From there\r\n>>From deeper\r\n\r\n\r\n"), 0);
	ck_assert_uint_eq(mb.exists, 1);
	ck_assert_str_eq(mb.msgs[0].text, "Subject: x\r\n\r\nline\r\n"
	    "From here\r\nFrom there\r\n>From deeper\r\n\r\n");
}
END_TEST

START_TEST(flags_from_status_headers)
{
	ck_assert_int_eq(parse("From a\nStatus: RO\nX-Status: AF\n\nx\n\n"
	    "From b\nStatus: O\n\ny\n"), 0);
	ck_assert_uint_eq(mb.msgs[0].flags, FLAG_SEEN | FLAG_ANSWERED |
	    FLAG_FLAGGED);
	ck_assert_uint_eq(mb.msgs[1].flags, 0);
}
END_TEST

START_TEST(envelope_quotes_and_unfolds)
{
	ck_assert_int_eq(parse("From a\nDate: Thu, 01 Jan 2026 10:00:00 +0000\n"
	    "Subject: \"Hi\" \\ there\n  again\nMessage-ID: <1@x>\n\nbody\n"), 0);
	ck_assert_str_eq(mb.msgs[0].envelope, "(\"Thu, 01 Jan 2026 10:00:00 "
	    "+0000\" \"\\\"Hi\\\" \\\\ there  again\" NIL NIL NIL NIL NIL NIL NIL "
	    "\"<1@x>\")");
	ck_assert_int_eq(parse("From a\nSubject: caf\xc3\xa9\n\n"), 0);
	ck_assert_str_eq(mb.msgs[0].envelope, "(NIL {5}\r\ncaf\xc3\xa9 NIL NIL "
	    "NIL NIL NIL NIL NIL NIL)");
}
END_TEST

START_TEST(not_an_mbox)
{
	ck_assert_int_eq(parse("Subject: x\n\nno From line\n"), -1);
	ck_assert_str_eq(err, "not an mbox file: it does not start with a "
	    "\"From \" line");
	ck_assert_uint_eq(mb.exists, 0);
	ck_assert_int_eq(parse(""), -1);
}
END_TEST

START_TEST(headers_without_a_body)
{
	ck_assert_int_eq(parse("From a\nSubject: only\n"), 0);
	ck_assert_uint_eq(mb.msgs[0].header_size, mb.msgs[0].size);
	ck_assert_uint_eq(mb.msgs[0].body_lines, 0);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("mbox");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, messages_are_split_at_from_lines);
	tcase_add_test(tc, from_in_the_body);
	tcase_add_test(tc, flags_from_status_headers);
	tcase_add_test(tc, envelope_quotes_and_unfolds);
	tcase_add_test(tc, not_an_mbox);
	tcase_add_test(tc, headers_without_a_body);
	suite_add_tcase(s, tc);
	return s;
}
