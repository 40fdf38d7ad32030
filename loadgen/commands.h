/* commands.h: each step's IMAP command, made once before the run; the
 * session adds the tags. */
#ifndef LOADGEN_COMMANDS_H
#define LOADGEN_COMMANDS_H

#include <stddef.h>

struct step_list;

void		 commands_init(const struct step_list *, const char *user,
		    const char *password);
/* Step i's command, "SELECT INBOX", without tag or CRLF. */
const char	*command_of(size_t i);
/* With an authenticate step: "AUTHENTICATE PLAIN <base64>" (SASL-IR,
 * RFC 4959) and "<base64>\r\n", the response after "+"; else NULL. */
const char	*command_auth_ir(void);
const char	*command_auth_response(void);
void		 commands_free(void);

#endif
