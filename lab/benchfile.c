/* benchfile.c: bench results as JSON, through Jansson. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "arrivals.h"
#include "benchfile.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "model.h"
#include "run.h"

json_t *
benchfile_new(void)
{
	char	stamp[32];
	time_t	now = time(NULL);

	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	return json_pack("{s:s, s:i, s:s, s:s, s:{s:i}, s:[]}",
	    "format", BENCHFILE_FORMAT, "version", BENCHFILE_VERSION,
	    "created", stamp, "ephemera", EPHEMERA_VERSION,
	    "environment", "cpus", (int)sysconf(_SC_NPROCESSORS_ONLN),
	    "scenarios");
}

/* The SHA-256 of a file, in hex. */
static int
file_sha256(const char *path, char hex[65], char *err, size_t errsz)
{
	unsigned char	 buf[8192], md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	EVP_MD_CTX	*ctx;
	FILE		*fp;
	size_t		 n;
	int		 ok;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		fatalx("EVP_MD_CTX_new");
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while (ok && (n = fread(buf, 1, sizeof(buf), fp)) > 0)
		ok = EVP_DigestUpdate(ctx, buf, n);
	ok = ok && !ferror(fp) && EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	fclose(fp);
	if (!ok) {
		snprintf(err, errsz, "%s: cannot be read", path);
		return -1;
	}
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* What a comparison must find equal: what the scenario asks of the lab. */
static json_t *
settings(const struct scenario *sc, const struct plan *plan)
{
	char	schedule[ARRIVAL_SPEC_STRLEN];

	arrival_format(&sc->schedule, schedule, sizeof(schedule));
	return json_pack("{s:i, s:i, s:f, s:i, s:s, s:f, s:s, s:s, s:s, "
	    "s:s, s:s, s:s, s:i, s:I, s:f, s:f, s:f, s:i}",
	    "port_lo", (int)sc->port_lo, "port_hi", (int)sc->port_hi,
	    "time_wait_s", sc->time_wait_us / 1e6, "tcp_tw_reuse",
	    plan->lab.tw_reuse, "schedule", schedule,
	    "duration_s", sc->duration_us / 1e6, "steps", sc->steps,
	    "close", close_mode_name(sc->close),
	    "server", server_kind_name(sc->kind),
	    "server_command", sc->command,
	    "server_options", sc->server_options,
	    "logout_close", logout_close_name(sc->logout_close),
	    "destinations", sc->nlisten,
	    "mailboxes", (json_int_t)sc->mailboxes,
	    "cache_ttl_s", sc->cache_ttl_us / 1e6,
	    "session_time_s", sc->session_time_us / 1e6,
	    "time_scale", sc->time_scale, "scale_ports", sc->scale_ports);
}

/* A double, or null for NAN: JSON has no NaN. */
static json_t *
number_or_null(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

json_t *
benchfile_add_scenario(json_t *doc, const struct scenario *sc,
    const struct plan *plan, char *err, size_t errsz)
{
	char	 sha[65];
	json_t	*s;

	if (file_sha256(sc->path, sha, err, errsz) == -1)
		return NULL;
	s = json_pack("{s:s, s:s, s:s, s:o, s:{s:o, s:o, s:o}, s:{}, s:[]}",
	    "name", sc->name, "path", sc->path, "sha256", sha,
	    "settings", settings(sc, plan),
	    "predicted", "capacity_per_s", number_or_null(plan->capacity < 0 ?
	    NAN : plan->capacity), "first_failure_model_s",
	    number_or_null(plan->first_failure_s < 0 ? NAN :
	    plan->first_failure_s), "time_wait_end",
	    number_or_null(plan->time_wait_end < 0 ? NAN :
	    (double)plan->time_wait_end),
	    "environment", "repeats");
	json_array_append_new(json_object_get(doc, "scenarios"), s);
	return s;
}

/* env.txt's key=value lines into obj. */
static void
read_env(const char *dir, json_t *obj)
{
	char	 path[LAB_PATH_MAX], line[1024], *eq;
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/env.txt", dir);
	if ((fp = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		json_object_set_new(obj, line, json_string(eq + 1));
	}
	fclose(fp);
}

void
benchfile_add_repeat(json_t *doc, json_t *scenario, const char *dir,
    const char *verdict, const double *v)
{
	json_t	*m = json_object(), *env;
	int	 i;

	for (i = 0; i < nmetrics; i++)
		json_object_set_new(m, metrics[i].name, number_or_null(v[i]));
	json_array_append_new(json_object_get(scenario, "repeats"),
	    json_pack("{s:s, s:s, s:o}", "dir", dir, "verdict", verdict,
	    "metrics", m));
	env = json_object_get(scenario, "environment");
	if (json_object_size(env) == 0)
		read_env(dir, env);
	/* The machine's: kernel and versions, the first run's. */
	env = json_object_get(doc, "environment");
	if (json_object_get(env, "kernel") == NULL) {
		read_env(dir, env);
		json_object_del(env, "namespace");
	}
}

int
benchfile_write(json_t *doc, const char *path, char *err, size_t errsz)
{
	char	tmp[LAB_PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (json_dump_file(doc, tmp, JSON_INDENT(2) | JSON_SORT_KEYS |
	    JSON_REAL_PRECISION(10)) == -1 || rename(tmp, path) == -1) {
		snprintf(err, errsz, "%s: cannot write: %s", path,
		    strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

json_t *
benchfile_load(const char *path, int *missing, char *err, size_t errsz)
{
	json_error_t	 je;
	json_t		*doc;
	const char	*format;
	int		 version;

	*missing = access(path, F_OK) == -1 && errno == ENOENT;
	if (*missing) {
		snprintf(err, errsz, "%s: no such file", path);
		return NULL;
	}
	if ((doc = json_load_file(path, 0, &je)) == NULL) {
		snprintf(err, errsz, "%s:%d: %s", path, je.line, je.text);
		return NULL;
	}
	if (json_unpack(doc, "{s:s, s:i, s:[]}", "format", &format,
	    "version", &version, "scenarios") == -1 ||
	    strcmp(format, BENCHFILE_FORMAT) != 0) {
		snprintf(err, errsz, "%s: not an ephemera bench file (expected "
		    "\"format\": \"%s\" and its \"scenarios\")", path,
		    BENCHFILE_FORMAT);
		json_decref(doc);
		return NULL;
	}
	if (version != BENCHFILE_VERSION) {
		snprintf(err, errsz, "%s: format version %d, this ephemera "
		    "reads version %d", path, version, BENCHFILE_VERSION);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

int
benchfile_values(json_t *scenario, int metric, double *out, int max)
{
	json_t	*r, *v;
	size_t	 i;
	int	 n = 0;

	json_array_foreach(json_object_get(scenario, "repeats"), i, r) {
		if (n == max)
			break;
		v = json_object_get(json_object_get(r, "metrics"),
		    metrics[metric].name);
		out[n++] = json_is_number(v) ? json_number_value(v) : NAN;
	}
	return n;
}
