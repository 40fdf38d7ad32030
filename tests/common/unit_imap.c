/* unit_imap.c: tags, command names, astrings and response status. */
#include <string.h>

#include "check_main.h"
#include "imap.h"

START_TEST(command_with_arguments)
{
	struct imap_command	c;

	ck_assert_int_eq(imap_parse_command("a001 login bob secret", &c),
	    IMAP_PARSE_OK);
	ck_assert_str_eq(c.tag, "a001");
	ck_assert_str_eq(c.name, "LOGIN");
	ck_assert_str_eq(c.args, "bob secret");
}
END_TEST

START_TEST(command_without_arguments)
{
	struct imap_command	c;

	ck_assert_int_eq(imap_parse_command("A1 NOOP", &c), IMAP_PARSE_OK);
	ck_assert_str_eq(c.name, "NOOP");
	ck_assert_str_eq(c.args, "");
}
END_TEST

START_TEST(tag_may_hold_bracket_but_not_plus)
{
	struct imap_command	c;

	ck_assert_int_eq(imap_parse_command("a]1 NOOP", &c), IMAP_PARSE_OK);
	ck_assert_str_eq(c.tag, "a]1");
	ck_assert_int_eq(imap_parse_command("a+1 NOOP", &c), IMAP_PARSE_NOTAG);
	ck_assert_int_eq(imap_parse_command("* NOOP", &c), IMAP_PARSE_NOTAG);
	ck_assert_int_eq(imap_parse_command("a{1 NOOP", &c), IMAP_PARSE_NOTAG);
}
END_TEST

START_TEST(no_tag)
{
	struct imap_command	c;

	ck_assert_int_eq(imap_parse_command("", &c), IMAP_PARSE_NOTAG);
	ck_assert_int_eq(imap_parse_command(" NOOP", &c), IMAP_PARSE_NOTAG);
	ck_assert_int_eq(imap_parse_command("NOOP", &c), IMAP_PARSE_NOTAG);
}
END_TEST

START_TEST(tag_without_command)
{
	struct imap_command	c;

	ck_assert_int_eq(imap_parse_command("a1 ", &c), IMAP_PARSE_NONAME);
	ck_assert_str_eq(c.tag, "a1");
	ck_assert_int_eq(imap_parse_command("a1 NO-OP", &c), IMAP_PARSE_NONAME);
	ck_assert_int_eq(imap_parse_command("a1  NOOP", &c), IMAP_PARSE_NONAME);
}
END_TEST

START_TEST(overlong_tag_is_refused)
{
	struct imap_command	c;
	char			line[IMAP_TAG_MAX + 16];

	memset(line, 'a', IMAP_TAG_MAX + 1);
	strcpy(line + IMAP_TAG_MAX + 1, " NOOP");
	ck_assert_int_eq(imap_parse_command(line, &c), IMAP_PARSE_NOTAG);
	strcpy(line + IMAP_TAG_MAX, " NOOP");
	ck_assert_int_eq(imap_parse_command(line, &c), IMAP_PARSE_OK);
}
END_TEST

START_TEST(astring_atom_and_quoted)
{
	const char	*p = "bob \"s3 \\\"x\\\\\" rest";
	char		 out[32];

	ck_assert_int_eq(imap_parse_astring(&p, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "bob");
	ck_assert_str_eq(p, " \"s3 \\\"x\\\\\" rest");
	p++;
	ck_assert_int_eq(imap_parse_astring(&p, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "s3 \"x\\");
	ck_assert_str_eq(p, " rest");
}
END_TEST

START_TEST(astring_malformed)
{
	const char	*p;
	char		 out[4];

	p = "\"open";
	ck_assert_int_eq(imap_parse_astring(&p, out, sizeof(out)), -1);
	p = "\"bad\\escape\"";
	ck_assert_int_eq(imap_parse_astring(&p, out, sizeof(out)), -1);
	p = "{5}";
	ck_assert_int_eq(imap_parse_astring(&p, out, sizeof(out)), -1);
	p = "toolong";
	ck_assert_int_eq(imap_parse_astring(&p, out, sizeof(out)), -1);
	p = "";
	ck_assert_int_eq(imap_parse_astring(&p, out, sizeof(out)), -1);
}
END_TEST

START_TEST(responses)
{
	struct imap_response	r;

	imap_parse_response("* OK [CAPABILITY IMAP4rev1] ready", &r);
	ck_assert_int_eq(r.kind, IMAP_RESP_UNTAGGED);
	ck_assert_int_eq(r.status, IMAP_ST_OK);
	imap_parse_response("* BYE logging out", &r);
	ck_assert_int_eq(r.status, IMAP_ST_BYE);
	imap_parse_response("* 3 EXISTS", &r);
	ck_assert_int_eq(r.kind, IMAP_RESP_UNTAGGED);
	ck_assert_int_eq(r.status, IMAP_ST_NONE);
	imap_parse_response("+ go ahead", &r);
	ck_assert_int_eq(r.kind, IMAP_RESP_CONTINUE);
	imap_parse_response("a2 ok LOGOUT completed", &r);
	ck_assert_int_eq(r.kind, IMAP_RESP_TAGGED);
	ck_assert_int_eq(r.status, IMAP_ST_OK);
	ck_assert_str_eq(r.tag, "a2");
	imap_parse_response("a1 NO [AUTHENTICATIONFAILED] no", &r);
	ck_assert_int_eq(r.status, IMAP_ST_NO);
	imap_parse_response("a1 OKAY", &r);
	ck_assert_int_eq(r.kind, IMAP_RESP_MALFORMED);
	imap_parse_response("garbage", &r);
	ck_assert_int_eq(r.kind, IMAP_RESP_MALFORMED);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("imap");
	TCase	*tc = tcase_create("grammar");

	tcase_add_test(tc, command_with_arguments);
	tcase_add_test(tc, command_without_arguments);
	tcase_add_test(tc, tag_may_hold_bracket_but_not_plus);
	tcase_add_test(tc, no_tag);
	tcase_add_test(tc, tag_without_command);
	tcase_add_test(tc, overlong_tag_is_refused);
	tcase_add_test(tc, astring_atom_and_quoted);
	tcase_add_test(tc, astring_malformed);
	tcase_add_test(tc, responses);
	suite_add_tcase(s, tc);
	return s;
}
