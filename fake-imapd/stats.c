/* stats.c: server counters, one CSV row per second, the summary at exit. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "clock.h"
#include "commands.h"
#include "csv.h"
#include "log.h"
#include "session.h"
#include "stats.h"

struct imapd_stats	 stats;

static struct {
	FILE			*fp;
	const char		*path;
	struct csv_writer	 w;
	struct event		*tick;
	uint64_t		 start_us;	/* mono_us() at the start */
	struct imapd_stats	 last;	/* totals at the previous row */
} st;

static uint64_t
elapsed_us(void)
{
	return mono_us() - st.start_us;
}

static void
header(void)
{
	char	name[64];
	size_t	i, j;

	csv_str(&st.w, "elapsed_s");
	csv_str(&st.w, "accepted");
	csv_str(&st.w, "active");
	csv_str(&st.w, "rejected_limit");
	csv_str(&st.w, "dropped");
	csv_str(&st.w, "rejected_userip");
	csv_str(&st.w, "closed_by_server");
	csv_str(&st.w, "closed_by_client");
	csv_str(&st.w, "closed_by_reset");
	csv_str(&st.w, "autologout");
	csv_str(&st.w, "commands");
	for (i = 0; i < commands_stat_count(); i++) {
		snprintf(name, sizeof(name), "cmd_%s", commands_stat_name(i));
		for (j = 0; name[j] != '\0'; j++)
			name[j] = (char)tolower((unsigned char)name[j]);
		csv_str(&st.w, name);
	}
	csv_str(&st.w, "bytes_in");
	csv_str(&st.w, "bytes_out");
	/* Later additions go last: positional readers keep working. */
	csv_str(&st.w, "tls_handshakes_ok");
	csv_str(&st.w, "tls_handshakes_failed");
	if (csv_end_row(&st.w) == -1)
		fatal("--csv %s", st.path);
}

/* Counts since the previous row; `active` is the gauge at the end. */
static void
row(void)
{
	const struct imapd_stats	*t = &stats, *l = &st.last;
	size_t				 i;

	csv_double(&st.w, (double)elapsed_us() / 1e6, 3);
	csv_u64(&st.w, t->accepted - l->accepted);
	csv_u64(&st.w, session_active());
	csv_u64(&st.w, t->rejected_limit - l->rejected_limit);
	csv_u64(&st.w, t->dropped - l->dropped);
	csv_u64(&st.w, t->rejected_userip - l->rejected_userip);
	csv_u64(&st.w, t->closed_by_server - l->closed_by_server);
	csv_u64(&st.w, t->closed_by_client - l->closed_by_client);
	csv_u64(&st.w, t->closed_by_reset - l->closed_by_reset);
	csv_u64(&st.w, t->autologout - l->autologout);
	csv_u64(&st.w, t->commands - l->commands);
	for (i = 0; i < commands_stat_count(); i++)
		csv_u64(&st.w, t->cmd[i] - l->cmd[i]);
	csv_u64(&st.w, t->bytes_in - l->bytes_in);
	csv_u64(&st.w, t->bytes_out - l->bytes_out);
	csv_u64(&st.w, t->tls_handshakes_ok - l->tls_handshakes_ok);
	csv_u64(&st.w, t->tls_handshakes_failed - l->tls_handshakes_failed);
	if (csv_end_row(&st.w) == -1)
		fatal("--csv %s", st.path);
	st.last = stats;
}

static void
tick_cb(evutil_socket_t fd UNUSED, short what UNUSED, void *arg UNUSED)
{
	row();
}

void
stats_start(struct event_base *base, const char *path)
{
	static const struct timeval	 second = { 1, 0 };

	st.start_us = mono_us();
	if (commands_stat_count() > STATS_CMD_MAX)
		fatalx("STATS_CMD_MAX is below the number of commands");
	if (path == NULL)
		return;
	st.path = path;
	if ((st.fp = fopen(path, "w")) == NULL)
		fatal("--csv %s", path);
	csv_init(&st.w, st.fp);
	header();
	st.tick = event_new(base, -1, EV_PERSIST, tick_cb, NULL);
	if (st.tick == NULL || event_add(st.tick, &second) == -1)
		fatalx("--csv: cannot start the 1s timer");
}

void
stats_stop(void)
{
	if (st.fp == NULL)
		return;
	event_free(st.tick);
	row();
	if (fclose(st.fp) == EOF)
		fatal("--csv %s", st.path);
	st.fp = NULL;
}

void
stats_summary(FILE *fp)
{
	/* The first three fields keep their place: scripts read them. */
	fprintf(fp, "fake-imapd: accepted=%llu closed_by_client=%llu "
	    "closed_by_server=%llu closed_by_reset=%llu rejected_limit=%llu "
	    "dropped=%llu rejected_userip=%llu autologout=%llu commands=%llu "
	    "bytes_in=%llu bytes_out=%llu tls_handshakes_ok=%llu "
	    "tls_handshakes_failed=%llu\n",
	    (unsigned long long)stats.accepted,
	    (unsigned long long)stats.closed_by_client,
	    (unsigned long long)stats.closed_by_server,
	    (unsigned long long)stats.closed_by_reset,
	    (unsigned long long)stats.rejected_limit,
	    (unsigned long long)stats.dropped,
	    (unsigned long long)stats.rejected_userip,
	    (unsigned long long)stats.autologout,
	    (unsigned long long)stats.commands,
	    (unsigned long long)stats.bytes_in,
	    (unsigned long long)stats.bytes_out,
	    (unsigned long long)stats.tls_handshakes_ok,
	    (unsigned long long)stats.tls_handshakes_failed);
}
