/* unit_sasl.c: base64 (RFC 4648) and SASL PLAIN messages (RFC 4616). */
#include <string.h>

#include "cdefs.h"
#include "check_main.h"
#include "sasl.h"

static char	out[64];

static long
dec(const char *s)
{
	return sasl_base64_decode(s, strlen(s), out, sizeof(out));
}

START_TEST(base64_vectors)
{
	/* RFC 4648 10 */
	ck_assert_int_eq(dec(""), 0);
	ck_assert_int_eq(dec("Zg=="), 1);
	ck_assert_mem_eq(out, "f", 1);
	ck_assert_int_eq(dec("Zm8="), 2);
	ck_assert_mem_eq(out, "fo", 2);
	ck_assert_int_eq(dec("Zm9v"), 3);
	ck_assert_mem_eq(out, "foo", 3);
	ck_assert_int_eq(dec("Zm9vYg=="), 4);
	ck_assert_int_eq(dec("Zm9vYmFy"), 6);
	ck_assert_mem_eq(out, "foobar", 6);
	ck_assert_int_eq(dec("AGJvYgBwdw=="), 7);
	ck_assert_mem_eq(out, "\0bob\0pw", 7);
}
END_TEST

START_TEST(base64_malformed)
{
	static const char *bad[] = { "Z", "Zg=", "Zg", "Z===", "=Zg=", "Zg==Zg==",
	    "Zm9v!A==", "Zm 9", "Zm8=Zm9v" };
	size_t	i;

	for (i = 0; i < nitems(bad); i++)
		ck_assert_msg(dec(bad[i]) == -1, "'%s'", bad[i]);
	/* Longer than the output buffer. */
	ck_assert_int_eq(sasl_base64_decode("Zm9vYmFy", 8, out, 5), -1);
}
END_TEST

START_TEST(plain_messages)
{
	struct sasl_plain	p;

	ck_assert_int_eq(sasl_plain_parse("\0bob\0pw", 7, &p), 0);
	ck_assert_uint_eq(p.authzid_len, 0);
	ck_assert_uint_eq(p.authcid_len, 3);
	ck_assert_mem_eq(p.authcid, "bob", 3);
	ck_assert_uint_eq(p.passwd_len, 2);
	ck_assert_mem_eq(p.passwd, "pw", 2);
	ck_assert_int_eq(sasl_plain_parse("adm\0bob\0pw", 10, &p), 0);
	ck_assert_uint_eq(p.authzid_len, 3);
	ck_assert_int_eq(sasl_plain_parse("bob\0pw", 6, &p), -1);
	ck_assert_int_eq(sasl_plain_parse("\0\0pw", 4, &p), -1);
	ck_assert_int_eq(sasl_plain_parse("\0bob\0", 5, &p), -1);
	ck_assert_int_eq(sasl_plain_parse("\0bob\0p\0w", 8, &p), -1);
	ck_assert_int_eq(sasl_plain_parse("", 0, &p), -1);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("sasl");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, base64_vectors);
	tcase_add_test(tc, base64_malformed);
	tcase_add_test(tc, plain_messages);
	suite_add_tcase(s, tc);
	return s;
}
