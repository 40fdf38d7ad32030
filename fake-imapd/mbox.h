/* mbox.h: load a mailbox's messages from an mbox file (RFC 4155). */
#ifndef FAKE_IMAPD_MBOX_H
#define FAKE_IMAPD_MBOX_H

#include <stddef.h>

struct mailbox;

/* Larger files are refused: everything is held in memory. */
#define MBOX_FILE_MAX	(256 * 1024 * 1024)

/*
 * Replace mb's messages by those of the mbox text `data` (len bytes):
 * a message starts at a "From " line at the start or after an empty
 * line; ">From " lines lose one ">" (mboxrd); lines end in CRLF.  UIDs
 * run from 1; a Status header with R gives \Seen.  Returns 0, or -1 with
 * err filled for the caller to print after the file name.
 */
int	mbox_parse(const char *data, size_t len, struct mailbox *mb,
	    char *err, size_t errsz);
/* The same from a file; err names it. */
int	mbox_load(const char *path, struct mailbox *mb, char *err,
	    size_t errsz);

#endif
