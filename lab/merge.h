/* merge.h: `ephemera merge`: the files of loadgen shards (--shard I/N)
 * added up into the files of one run (README "Many hosts"). */
#ifndef LAB_MERGE_H
#define LAB_MERGE_H

/* The files each shard's folder holds, and the merge writes. */
#define MERGE_INTERVAL	"interval.csv"
#define MERGE_SUMMARY	"summary.csv"
#define MERGE_HISTOGRAM	"histogram.csv"
#define MERGE_META	"meta.txt"
#define MERGE_SHARDS	"shards.csv"

/* A shard whose achieved rate is below this part of its offered rate
 * is flagged short. */
#define MERGE_SHORT	0.95

/* argv: "merge" DIR... --out DIR.  Exit 0 merged, 2 bad input (the file
 * named), 1 the output could not be written. */
int	cmd_merge(int argc, char **argv);

#endif
