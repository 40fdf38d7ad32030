/* nofile.c: raise the soft open-files limit to the hard one. */
#include <sys/resource.h>

#include "log.h"
#include "nofile.h"

uint64_t
nofile_raise(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		log_warn("getrlimit RLIMIT_NOFILE");
		return 0;
	}
	if (rl.rlim_cur == rl.rlim_max)
		return rl.rlim_cur;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
		log_warn("setrlimit RLIMIT_NOFILE to %llu",
		    (unsigned long long)rl.rlim_max);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur;
}
