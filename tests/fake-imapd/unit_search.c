/* unit_search.c: SEARCH criteria against a mailbox whose flags follow a
 * known rule; expected sets are computed from that rule, not typed in. */
#include <string.h>

#include "args.h"
#include "cdefs.h"
#include "check_main.h"
#include "mailbox.h"
#include "search.h"

#define N	20
#define UID(i)	(100 + 3 * ((i) - 1))	/* an Archive-like numbering */

static uint8_t
flags_of(uint32_t i)
{
	return (uint8_t)((i % 2 ? FLAG_SEEN : 0) | (i % 5 == 0 ? FLAG_RECENT
	    : 0) | (i % 3 == 0 ? FLAG_FLAGGED : 0));
}

/* Bit i-1 set for every message 1..N the criteria match. */
static uint32_t
run(const char *criteria)
{
	struct search		 s;
	struct search_msg	 m;
	struct args		 a;
	const char		*err;
	uint32_t		 i, hits = 0;

	args_init(&a, criteria, strlen(criteria));
	ck_assert_msg(search_parse(&a, &s, N, UID(N), &err) == SEARCH_OK,
	    "%s: %s", criteria, err);
	for (i = 1; i <= N; i++) {
		m.seq = i;
		m.uid = UID(i);
		m.flags = flags_of(i);
		m.size = 1000 + i;
		if (search_match(&s, &m))
			hits |= 1u << (i - 1);
	}
	search_free(&s);
	return hits;
}

/* The same set, from a predicate on the message number `seq`. */
#define EXPECT(criteria, pred) do {					\
	uint32_t _want = 0, seq;						\
	for (seq = 1; seq <= N; seq++)					\
		if (pred)						\
			_want |= 1u << (seq - 1);			\
	ck_assert_msg(run(criteria) == _want, "%s: got %x want %x",	\
	    criteria, run(criteria), _want);				\
} while (0)
#define F(i)	flags_of(i)

START_TEST(flag_keys)
{
	EXPECT("ALL", 1);
	EXPECT("SEEN", F(seq) & FLAG_SEEN);
	EXPECT("UNSEEN", !(F(seq) & FLAG_SEEN));
	EXPECT("unseen", !(F(seq) & FLAG_SEEN));
	EXPECT("FLAGGED", F(seq) & FLAG_FLAGGED);
	EXPECT("UNFLAGGED", !(F(seq) & FLAG_FLAGGED));
	EXPECT("RECENT", F(seq) & FLAG_RECENT);
	EXPECT("OLD", !(F(seq) & FLAG_RECENT));
	/* RFC 3501 6.4.4: NEW is (RECENT UNSEEN). */
	EXPECT("NEW", (F(seq) & FLAG_RECENT) && !(F(seq) & FLAG_SEEN));
	EXPECT("DELETED", 0);
	EXPECT("UNDELETED", 1);
}
END_TEST

START_TEST(numbers_and_uids)
{
	EXPECT("1:3", seq <= 3);
	EXPECT("2,4,6:*", seq == 2 || seq == 4 || seq >= 6);
	EXPECT("*", seq == N);
	EXPECT("UID 100:106", seq <= 3);
	EXPECT("UID *", seq == N);
	EXPECT("UID 1:99", 0);
	EXPECT("UID 101", 0);	/* between two UIDs */
}
END_TEST

START_TEST(combinations)
{
	EXPECT("SEEN FLAGGED", (F(seq) & FLAG_SEEN) && (F(seq) & FLAG_FLAGGED));
	EXPECT("OR SEEN FLAGGED", (F(seq) & FLAG_SEEN) ||
	    (F(seq) & FLAG_FLAGGED));
	EXPECT("NOT SEEN", !(F(seq) & FLAG_SEEN));
	EXPECT("(SEEN 1:10) NOT (FLAGGED)", (F(seq) & FLAG_SEEN) && seq <= 10 &&
	    !(F(seq) & FLAG_FLAGGED));
	EXPECT("OR (UID 100) (NOT UNSEEN)", seq == 1 || (F(seq) & FLAG_SEEN));
	EXPECT("LARGER 1010", 1000 + seq > 1010);
	EXPECT("SMALLER 1003", 1000 + seq < 1003);
	EXPECT("CHARSET UTF-8 UNSEEN", !(F(seq) & FLAG_SEEN));
	EXPECT("CHARSET \"US-ASCII\" ALL", 1);
}
END_TEST

static enum search_error
parse_only(const char *criteria)
{
	struct search	 s;
	struct args	 a;
	const char	*err = NULL;
	enum search_error e;

	args_init(&a, criteria, strlen(criteria));
	e = search_parse(&a, &s, N, UID(N), &err);
	if (e != SEARCH_OK)
		ck_assert_ptr_nonnull(err);
	search_free(&s);
	return e;
}

START_TEST(malformed_criteria)
{
	static const char *bad[] = {
		"", "FROB", "OR SEEN", "NOT", "(SEEN", "SEEN)", "UID", "UID x",
		"0", "1:", "LARGER", "LARGER x", "SEEN  UNSEEN", "SEEN ",
		"CHARSET", "((((((((((((((((((ALL))))))))))))))))))",
		"SUBJECT hello",
	};
	size_t	i;

	for (i = 0; i < nitems(bad); i++)
		ck_assert_msg(parse_only(bad[i]) == SEARCH_BAD, "'%s'",
		    bad[i]);
	ck_assert_int_eq(parse_only("CHARSET KOI8-R ALL"), SEARCH_BADCHARSET);
}
END_TEST

START_TEST(too_many_keys)
{
	char	buf[SEARCH_NODES_MAX * 5 + 8];
	size_t	i;

	buf[0] = '\0';
	for (i = 0; i < SEARCH_NODES_MAX; i++)
		strcat(buf, i ? " ALL" : "ALL");
	/* The AND holding them is one node too. */
	ck_assert_int_eq(parse_only(buf), SEARCH_BAD);
}
END_TEST

Suite *
make_suite(void)
{
	Suite	*s = suite_create("search");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, flag_keys);
	tcase_add_test(tc, numbers_and_uids);
	tcase_add_test(tc, combinations);
	tcase_add_test(tc, malformed_criteria);
	tcase_add_test(tc, too_many_keys);
	suite_add_tcase(s, tc);
	return s;
}
