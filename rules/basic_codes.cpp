// The table of basic (three-digit) SMTP reply codes: every code RFC 5321 and the
// extensions that define codes (STARTTLS, AUTH, ETRN, ATRN, CHECKPOINT, SIZE, CHUNKING,
// RFC 7504) give, plus codes seen in the wild that no RFC defines (standard = false).
// For each code, `commands` says which commands may answer with it.
//
// Where the command masks come from:
//   - RFC 5321 4.3.2 "Command-Reply Sequences" gives each command's replies. Its DATA
//     entry is split in two: the DATA command itself (I: 354; E: 503, 554) is
//     SmtpCommand::Data, and the reply after the final "." (S: 250; E: 552, 554, 451,
//     452; E: 450, 550 for policy) is SmtpCommand::DataEnd.
//   - 4.3.2 also says any command may get 500, 501 or 421; those three use kAnyCommand.
//   - RFC 5321 4.2.4: 502 is for a command the server knows but does not implement. We
//     allow it for the 4.3.2 commands that list it (EHLO/HELO, VRFY, EXPN, HELP) and for
//     the optional extension commands (STARTTLS, AUTH, ETRN, ATRN, BDAT).
//   - RFC 3207 4: 220, 454 (and 501) answer STARTTLS; a server that requires TLS sends
//     530 to every command other than NOOP, EHLO, STARTTLS and QUIT. RFC 3207 4.1: a
//     server unhappy with the negotiated security sends 554 to every command but QUIT.
//   - RFC 4954 4 and 6: AUTH gets 235, 334, 432, 454, 500, 501, 503, 504, 534, 535, 538;
//     530 "authentication required" goes to any command other than AUTH, EHLO, HELO,
//     NOOP, RSET and QUIT. Together with RFC 3207 (and ATRN, RFC 2645) 530 may answer
//     any command except EHLO, NOOP and QUIT.
//   - RFC 1985 (ETRN): 250, 251, 252, 253, 458, 459 (and 500, 501).
//   - RFC 2645 (ATRN): 250, 450, 451, 453, 502, 530 (and 501).
//   - RFC 1845 (CHECKPOINT): 355 answers a MAIL command that restarts a transaction.
//   - RFC 1870 (SIZE): 552 and 452 at MAIL, already in the 4.3.2 MAIL list.
//   - RFC 3030 (CHUNKING): each BDAT chunk gets 250 or "the appropriate" 4XX/5XX code;
//     a BDAT after BDAT LAST gets 503. The reply to the last chunk is DataEnd, so the
//     Bdat mask holds the chunk replies: 250, 503 and the end-of-data error set.
//   - RFC 7504 3: 521 replaces 220 in the greeting of a host that takes no mail; later
//     commands other than QUIT may get 521 again. RFC 7504 4: 556 reports a domain that
//     accepts no mail (e.g. null MX, RFC 7505), at MAIL or RCPT.
//   - Non-standard codes have an empty mask: no RFC lets any command return them.
#include "rules/reply_catalogue.hpp"

namespace verdict {

namespace {

using C = SmtpCommand;

template <typename... Cs>
constexpr CommandMask cmds(Cs... cs) {
    return (CommandMask{0} | ... | mask(cs));
}

constexpr CommandMask kNone = 0;
// The extension commands a server may recognise without implementing (RFC 5321 4.2.4).
constexpr CommandMask kOptionalExtensions = cmds(C::Starttls, C::Auth, C::Etrn, C::Atrn, C::Bdat);
// RFC 3207 4.1: "every SMTP command ... other than the QUIT command".
constexpr CommandMask kAllButQuit = kAnyCommand & ~mask(C::Quit);
// RFC 7504 3: the greeting and any later command except QUIT (no DATA is ever accepted).
constexpr CommandMask k521 = kAnyCommand & ~cmds(C::Quit, C::DataEnd);
// RFC 3207 4 together with RFC 4954 6 and RFC 2645: every real command but EHLO, NOOP, QUIT.
constexpr CommandMask k530 = kAnyCommand & ~cmds(C::Connect, C::DataEnd, C::Ehlo, C::Noop, C::Quit);

constexpr BasicCode kBasicCodes[] = {
    {200, "Non-standard: a generic success code some old servers sent (e.g. to NOOP or RSET); no RFC "
          "defines it, the standard success reply is 250",
     "non-standard", kNone, false},
    {211, "System status, or a summary of help information", "RFC 5321 4.2.3", cmds(C::Help), true},
    {214, "Help text meant for a human reader", "RFC 5321 4.2.3", cmds(C::Help), true},
    {220, "Service ready (connection greeting); after STARTTLS: go ahead with the TLS handshake",
     "RFC 5321 4.2.3, RFC 3207 4", cmds(C::Connect, C::Starttls), true},
    {221, "Server says goodbye and closes the connection", "RFC 5321 4.2.3", cmds(C::Quit), true},
    {235, "AUTH completed: the client is now authenticated", "RFC 4954 6", cmds(C::Auth), true},
    {250, "Requested action done (for ETRN: queue run started; for ATRN: roles are being reversed)",
     "RFC 5321 4.2.3",
     cmds(C::Helo, C::Ehlo, C::Mail, C::Rcpt, C::DataEnd, C::Rset, C::Vrfy, C::Expn, C::Noop, C::Etrn,
          C::Atrn, C::Bdat),
     true},
    {251, "Recipient is not local, the server will forward the message (for ETRN: nothing queued for "
          "that node)",
     "RFC 5321 4.2.3", cmds(C::Rcpt, C::Vrfy, C::Etrn), true},
    {252, "Address cannot be verified now, but mail for it will be accepted and tried (for ETRN: queue "
          "run for pending messages started)",
     "RFC 5321 4.2.3", cmds(C::Vrfy, C::Expn, C::Etrn), true},
    {253, "ETRN: queue run started, with the number of messages waiting", "RFC 1985", cmds(C::Etrn),
     true},
    {334, "AUTH challenge: the server waits for the client's next base64 line", "RFC 4954 4",
     cmds(C::Auth), true},
    {354, "Go ahead with the message data, ending with a line holding a single dot", "RFC 5321 4.2.3",
     cmds(C::Data), true},
    {355, "Checkpoint restart: resume sending the data at the octet offset given", "RFC 1845",
     cmds(C::Mail), true},
    {421, "Service not available, the server is closing the connection; may answer any command",
     "RFC 5321 4.2.3", kAnyCommand, true},
    {432, "The user must log in once another way (e.g. PLAIN) before this AUTH mechanism will work", "RFC 4954 6",
     cmds(C::Auth), true},
    {450, "Mailbox temporarily unavailable (busy, or held back by policy); for ATRN: request refused",
     "RFC 5321 4.2.3", cmds(C::Rcpt, C::DataEnd, C::Atrn, C::Bdat), true},
    {451, "Aborted by a local error while processing; try again later", "RFC 5321 4.2.3",
     cmds(C::Mail, C::Rcpt, C::DataEnd, C::Atrn, C::Bdat), true},
    {452, "Not enough system storage right now (also used for too many recipients)", "RFC 5321 4.2.3",
     cmds(C::Mail, C::Rcpt, C::DataEnd, C::Bdat), true},
    {453, "ATRN: no mail is waiting for you", "RFC 2645", cmds(C::Atrn), true},
    {454, "TLS or authentication temporarily unavailable; try again later", "RFC 3207 4, RFC 4954 6",
     cmds(C::Starttls, C::Auth), true},
    {455, "Server cannot cope with the MAIL or RCPT parameters right now", "RFC 5321 4.2.3",
     cmds(C::Mail, C::Rcpt), true},
    {458, "ETRN: the queue for that node cannot be started", "RFC 1985", cmds(C::Etrn), true},
    {459, "ETRN: the client may not start a queue run for that node", "RFC 1985", cmds(C::Etrn), true},
    {500, "Command not recognised, or command line too long; may answer any command", "RFC 5321 4.2.3",
     kAnyCommand, true},
    {501, "Syntax error in the command's arguments; may answer any command", "RFC 5321 4.2.3",
     kAnyCommand, true},
    {502, "Command is recognised but not implemented", "RFC 5321 4.2.3",
     cmds(C::Helo, C::Ehlo, C::Vrfy, C::Expn, C::Help) | kOptionalExtensions, true},
    {503, "Commands sent in the wrong order", "RFC 5321 4.2.3",
     cmds(C::Mail, C::Rcpt, C::Data, C::Auth, C::Bdat), true},
    {504, "A parameter of the command (or the AUTH mechanism) is not implemented", "RFC 5321 4.2.3",
     cmds(C::Helo, C::Ehlo, C::Vrfy, C::Expn, C::Help, C::Auth), true},
    {510, "Non-standard: usually a confusion with enhanced code 5.1.0 (bad address); send 550 or 553 "
          "with 5.1.x instead",
     "non-standard", kNone, false},
    {511, "Non-standard: usually a confusion with enhanced code 5.1.1 (no such mailbox); send 550 "
          "5.1.1 instead",
     "non-standard", kNone, false},
    {512, "Non-standard: usually a confusion with enhanced code 5.1.2 (bad destination domain); send "
          "550 5.1.2 instead",
     "non-standard", kNone, false},
    {513, "Non-standard: usually a confusion with enhanced code 5.1.3 (bad address syntax); send 553 "
          "or 501 with 5.1.3 instead",
     "non-standard", kNone, false},
    {521, "This host never accepts mail (sent instead of the 220 greeting)", "RFC 7504 3", k521, true},
    {523, "Non-standard as a reply code: reference pages read it as 'message too large for the "
          "mailbox' (standard: 552 5.2.3); the IANA registry pairs it only with enhanced code 5.7.10",
     "non-standard", kNone, false},
    {530, "Refused until the client has done STARTTLS or authenticated", "RFC 3207 4, RFC 4954 6", k530,
     true},
    {534, "Policy wants a stronger AUTH mechanism for this user", "RFC 4954 6",
     cmds(C::Auth), true},
    {535, "Authentication failed: the credentials were not accepted", "RFC 4954 6", cmds(C::Auth),
     true},
    {538, "This authentication mechanism needs an encrypted connection", "RFC 4954 6", cmds(C::Auth),
     true},
    {541, "Non-standard: some spam filters use it to reject a sender or message; send 550 or 554 with "
          "5.7.1 instead",
     "non-standard", kNone, false},
    {550, "Refused: mailbox unavailable, not found, or rejected by policy", "RFC 5321 4.2.3",
     cmds(C::Helo, C::Ehlo, C::Mail, C::Rcpt, C::DataEnd, C::Vrfy, C::Expn, C::Bdat), true},
    {551, "Recipient is not local; the client should try the forward path given", "RFC 5321 4.2.3",
     cmds(C::Rcpt, C::Vrfy), true},
    {552, "Aborted: a storage or message-size limit was exceeded", "RFC 5321 4.2.3",
     cmds(C::Mail, C::Rcpt, C::DataEnd, C::Bdat), true},
    {553, "Mailbox name not allowed (for example, bad address syntax)", "RFC 5321 4.2.3",
     cmds(C::Mail, C::Rcpt, C::Vrfy), true},
    {554, "Transaction failed; as a greeting: no SMTP service here; after STARTTLS: security too weak",
     "RFC 5321 4.2.3, RFC 3207 4.1", kAllButQuit, true},
    {555, "A MAIL or RCPT parameter is unknown to the server or unsupported", "RFC 5321 4.2.3",
     cmds(C::Mail, C::Rcpt), true},
    {556, "The domain of this address accepts no mail (for example, it publishes a null MX)",
     "RFC 7504 4", cmds(C::Mail, C::Rcpt), true},
};

constexpr bool sorted_and_unique() {
    for (std::size_t i = 1; i < sizeof(kBasicCodes) / sizeof(kBasicCodes[0]); ++i)
        if (kBasicCodes[i - 1].code >= kBasicCodes[i].code) return false;
    return true;
}
static_assert(sorted_and_unique(), "kBasicCodes must be sorted by code, each code once");

}  // namespace

std::span<const BasicCode> basic_codes() { return kBasicCodes; }

}  // namespace verdict
