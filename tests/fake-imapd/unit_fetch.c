/* unit_fetch.c: FETCH items parsed, and answers built from the message's
 * own bytes (sizes come from the message, never typed in). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "args.h"
#include "cdefs.h"
#include "check_main.h"
#include "fetch.h"
#include "mailbox.h"

static const struct message	*m;
static struct evbuffer		*out;

static void
setup(void)
{
	ck_assert_int_eq(mailbox_setup(5), 0);
	m = &mailbox_find("INBOX")->msgs[2];
	out = evbuffer_new();
}

static void
teardown(void)
{
	evbuffer_free(out);
	mailbox_free_all();
}

static int
parse(const char *items, struct fetch_request *req)
{
	struct args	 a;
	const char	*err;

	args_init(&a, items, strlen(items));
	return fetch_parse(&a, req, &err);
}

/* The answer to `items` for message 3, as a string to free. */
static char *
answer(const char *items, uint8_t flags, int uid_first, int changed)
{
	struct fetch_request	 req;
	size_t			 len;
	char			*s;

	ck_assert_msg(parse(items, &req) == 0, "%s", items);
	evbuffer_drain(out, evbuffer_get_length(out));
	fetch_write(out, &req, m, 3, flags, uid_first, changed);
	len = evbuffer_get_length(out);
	s = malloc(len + 1);
	evbuffer_remove(out, s, len);
	s[len] = '\0';
	return s;
}

static char *
expect(const char *fmt, ...) PRINTF_LIKE(1, 2);

static char *
expect(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&s, fmt, ap), 0);
	va_end(ap);
	return s;
}

#define CHECK(items, flags, uid, changed, ...) do {			\
	char *_got = answer(items, flags, uid, changed);		\
	char *_want = expect(__VA_ARGS__);				\
	ck_assert_str_eq(_got, _want);					\
	free(_got);							\
	free(_want);							\
} while (0)

START_TEST(simple_items)
{
	char	date[64];

	mailbox_format_internaldate(m->internaldate, date, sizeof(date));
	CHECK("(FLAGS UID RFC822.SIZE)", FLAG_SEEN, 0, 0,
	    "* 3 FETCH (FLAGS (\\Seen) UID %u RFC822.SIZE %zu)\r\n", m->uid,
	    m->size);
	CHECK("INTERNALDATE", 0, 0, 0, "* 3 FETCH (INTERNALDATE \"%s\")\r\n",
	    date);
	CHECK("ENVELOPE", 0, 0, 0, "* 3 FETCH (ENVELOPE %s)\r\n", m->envelope);
	CHECK("FAST", 0, 0, 0, "* 3 FETCH (FLAGS () INTERNALDATE \"%s\" "
	    "RFC822.SIZE %zu)\r\n", date, m->size);
	CHECK("all", 0, 0, 0, "* 3 FETCH (FLAGS () INTERNALDATE \"%s\" "
	    "RFC822.SIZE %zu ENVELOPE %s)\r\n", date, m->size, m->envelope);
}
END_TEST

/* RFC 3501 6.4.8: UID FETCH answers carry the UID, asked or not. */
START_TEST(uid_fetch_adds_uid_once)
{
	CHECK("FLAGS", 0, 1, 0, "* 3 FETCH (UID %u FLAGS ())\r\n", m->uid);
	CHECK("(UID FLAGS)", 0, 1, 0, "* 3 FETCH (UID %u FLAGS ())\r\n",
	    m->uid);
}
END_TEST

START_TEST(sections)
{
	const char	*body = m->text + m->header_size;
	size_t		 blen = m->size - m->header_size;

	CHECK("BODY[]", 0, 0, 0, "* 3 FETCH (BODY[] {%zu}\r\n%s)\r\n", m->size,
	    m->text);
	CHECK("BODY.PEEK[HEADER]", 0, 0, 0, "* 3 FETCH (BODY[HEADER] {%zu}\r\n"
	    "%.*s)\r\n", m->header_size, (int)m->header_size, m->text);
	CHECK("BODY[TEXT]", 0, 0, 0, "* 3 FETCH (BODY[TEXT] {%zu}\r\n%s)\r\n",
	    blen, body);
	CHECK("BODY[1]", 0, 0, 0, "* 3 FETCH (BODY[1] {%zu}\r\n%s)\r\n", blen,
	    body);
	CHECK("RFC822", 0, 0, 0, "* 3 FETCH (RFC822 {%zu}\r\n%s)\r\n", m->size,
	    m->text);
	CHECK("RFC822.TEXT", 0, 0, 0, "* 3 FETCH (RFC822.TEXT {%zu}\r\n%s)\r\n",
	    blen, body);
}
END_TEST

/* RFC 3501 6.4.5: <origin.count>; only the origin is echoed. */
START_TEST(partial_fetch)
{
	CHECK("BODY[]<0.10>", 0, 0, 0, "* 3 FETCH (BODY[]<0> {10}\r\n%.10s)\r\n",
	    m->text);
	CHECK("BODY.PEEK[]<5.7>", 0, 0, 0, "* 3 FETCH (BODY[]<5> {7}\r\n"
	    "%.7s)\r\n", m->text + 5);
	CHECK("BODY[]<0.100000>", 0, 0, 0, "* 3 FETCH (BODY[]<0> {%zu}\r\n"
	    "%s)\r\n", m->size, m->text);
	CHECK("BODY[]<100000.1>", 0, 0, 0, "* 3 FETCH (BODY[]<100000> {0}\r\n"
	    ")\r\n");
}
END_TEST

START_TEST(header_fields)
{
	char	*got;

	got = answer("BODY.PEEK[HEADER.FIELDS (subject Date)]", 0, 0, 0);
	ck_assert_pstr_eq(strstr(got, "BODY[HEADER.FIELDS (SUBJECT DATE)] {"),
	    got + strlen("* 3 FETCH ("));
	ck_assert_ptr_nonnull(strstr(got, "}\r\nDate: "));
	ck_assert_ptr_nonnull(strstr(got, "\r\nSubject: Message 3 in INBOX\r\n"
	    "\r\n)\r\n"));
	ck_assert_ptr_null(strstr(got, "From:"));
	free(got);
	got = answer("BODY.PEEK[HEADER.FIELDS.NOT (Subject)]", 0, 0, 0);
	ck_assert_ptr_null(strstr(got, "Subject:"));
	ck_assert_ptr_nonnull(strstr(got, "From: "));
	free(got);
}
END_TEST

START_TEST(seen_setting_items)
{
	struct fetch_request	req;

	ck_assert_int_eq(parse("BODY[]", &req), 0);
	ck_assert(req.sets_seen);
	ck_assert_int_eq(parse("BODY[TEXT]", &req), 0);
	ck_assert(req.sets_seen);
	ck_assert_int_eq(parse("RFC822", &req), 0);
	ck_assert(req.sets_seen);
	ck_assert_int_eq(parse("(BODY.PEEK[] RFC822.HEADER RFC822.SIZE)", &req),
	    0);
	ck_assert(!req.sets_seen);
	/* A \Seen this fetch set is reported though FLAGS was not asked. */
	CHECK("BODY[]<0.1>", FLAG_SEEN, 0, 1, "* 3 FETCH (BODY[]<0> {1}\r\n"
	    "D FLAGS (\\Seen))\r\n");
}
END_TEST

START_TEST(malformed_items)
{
	static const char *bad[] = {
		"", "()", "(FLAGS", "FLAGS)", "FROB", "BODY[", "BODY[]<",
		"BODY[]<1>", "BODY[]<1.0>", "BODY[HEADER.FIELDS]",
		"BODY[HEADER.FIELDS ()]", "BODY[2]", "BODY[MIME]", "(ALL)",
		"FLAGS UID", "(FLAGS  UID)", "BODY.PEEK", "BODY[]x",
	};
	struct fetch_request	req;
	size_t			i;

	for (i = 0; i < nitems(bad); i++)
		ck_assert_msg(parse(bad[i], &req) == -1, "'%s'", bad[i]);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("fetch");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, simple_items);
	tcase_add_test(tc, uid_fetch_adds_uid_once);
	tcase_add_test(tc, sections);
	tcase_add_test(tc, partial_fetch);
	tcase_add_test(tc, header_fields);
	tcase_add_test(tc, seen_setting_items);
	tcase_add_test(tc, malformed_items);
	suite_add_tcase(s, tc);
	return s;
}
