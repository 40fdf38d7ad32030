/* unit_csv.c: RFC 4180 quoting on write and splitting on read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "csv.h"

static char	*mem;
static size_t	 memlen;
static FILE	*fp;
static struct csv_writer w;

static void
setup(void)
{
	fp = open_memstream(&mem, &memlen);
	csv_init(&w, fp);
}

static void
teardown(void)
{
	fclose(fp);
	free(mem);
}

START_TEST(plain_fields_are_not_quoted)
{
	csv_str(&w, "elapsed_s");
	csv_u64(&w, 42);
	csv_i64(&w, -3);
	csv_double(&w, 0.5, 3);
	csv_empty(&w);
	ck_assert_int_eq(csv_end_row(&w), 0);
	ck_assert_str_eq(mem, "elapsed_s,42,-3,0.500,\r\n");
}
END_TEST

START_TEST(special_fields_are_quoted)
{
	csv_str(&w, "a,b");
	csv_str(&w, "say \"hi\"");
	csv_str(&w, "two\r\nlines");
	csv_end_row(&w);
	ck_assert_str_eq(mem, "\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n");
}
END_TEST

START_TEST(rows_restart_field_count)
{
	csv_u64(&w, 1);
	csv_end_row(&w);
	csv_u64(&w, 2);
	csv_end_row(&w);
	ck_assert_str_eq(mem, "1\r\n2\r\n");
}
END_TEST

/* A row finished later: fields formatted by another writer, spliced in
 * before and after a late one, count as theirs. */
START_TEST(fields_spliced_in)
{
	char			*part;
	size_t			 partlen;
	FILE			*pfp = open_memstream(&part, &partlen);
	struct csv_writer	 pw;

	csv_init(&pw, pfp);
	csv_u64(&pw, 1);
	csv_str(&pw, "a,b");
	ck_assert_int_eq(pw.nfields, 2);
	fclose(pfp);
	csv_fields(&w, part, pw.nfields);
	csv_u64(&w, 3);
	csv_fields(&w, "4,5", 2);
	csv_fields(&w, "", 0);
	csv_empty(&w);
	ck_assert_int_eq(w.nfields, 6);
	csv_end_row(&w);
	csv_fields(&w, part, 2);
	csv_end_row(&w);
	ck_assert_str_eq(mem, "1,\"a,b\",3,4,5,\r\n1,\"a,b\"\r\n");
	free(part);
}
END_TEST

START_TEST(split_round_trip)
{
	const char	*f[8];
	char		 buf[128];

	csv_str(&w, "a,b");
	csv_str(&w, "say \"hi\"");
	csv_empty(&w);
	csv_str(&w, "x");
	csv_end_row(&w);
	fflush(fp);
	ck_assert_int_eq(csv_split(mem, buf, sizeof(buf), f, 8), 4);
	ck_assert_str_eq(f[0], "a,b");
	ck_assert_str_eq(f[1], "say \"hi\"");
	ck_assert_str_eq(f[2], "");
	ck_assert_str_eq(f[3], "x");
}
END_TEST

START_TEST(split_malformed)
{
	const char	*f[2];
	char		 buf[16];

	ck_assert_int_eq(csv_split("\"open,x", buf, sizeof(buf), f, 2), -1);
	ck_assert_int_eq(csv_split("\"a\"b,x", buf, sizeof(buf), f, 2), -1);
	ck_assert_int_eq(csv_split("a,b,c", buf, sizeof(buf), f, 2), -1);
	ck_assert_int_eq(csv_split("0123456789abcdefgh", buf, sizeof(buf),
	    f, 2), -1);
	ck_assert_int_eq(csv_split("", buf, sizeof(buf), f, 2), 1);
	ck_assert_str_eq(f[0], "");
}
END_TEST

START_TEST(index_of_a_column)
{
	const char	*header[] = { "elapsed_s", "started", "time_wait" };

	ck_assert_int_eq(csv_index(header, 3, "elapsed_s"), 0);
	ck_assert_int_eq(csv_index(header, 3, "time_wait"), 2);
	ck_assert_int_eq(csv_index(header, 3, "failed"), -1);
	ck_assert_int_eq(csv_index(header, 0, "elapsed_s"), -1);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("csv");
	TCase	*tc = tcase_create("rfc4180");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, plain_fields_are_not_quoted);
	tcase_add_test(tc, special_fields_are_quoted);
	tcase_add_test(tc, rows_restart_field_count);
	tcase_add_test(tc, fields_spliced_in);
	tcase_add_test(tc, split_round_trip);
	tcase_add_test(tc, split_malformed);
	tcase_add_test(tc, index_of_a_column);
	suite_add_tcase(s, tc);
	return s;
}
