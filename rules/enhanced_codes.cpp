// The IANA "SMTP Enhanced Status Codes" registry (RFC 3463, RFC 5248): its eight subject
// sub-codes and every enumerated status code X.S.D, with the registry's name (sample
// text), associated basic codes and reference, plus a one-line description of our own.
// `basic_codes` is the registry's "Associated basic status code" column as written
// there ("Any", "5XX" and the notes in parentheses included); it is empty where the
// registry says "Not given" or gives nothing.
#include "rules/reply_catalogue.hpp"

namespace verdict {

namespace {

constexpr EnhancedSubject kSubjects[] = {
    {0, "Other or Undefined Status", "No further detail about what kind of problem occurred"},
    {1, "Addressing Status", "The sender or recipient address: its syntax or whether it is valid"},
    {2, "Mailbox Status", "The recipient's mailbox exists but something about it stopped the message"},
    {3, "Mail System Status", "The receiving mail system as a whole: capacity, limits or configuration"},
    {4, "Network and Routing Status", "Getting the message there: connections, DNS, routing and delays"},
    {5, "Mail Delivery Protocol Status", "The SMTP exchange itself: commands, syntax and protocol limits"},
    {6, "Message Content or Media Status", "The content of the message: its media types and conversions"},
    {7, "Security or Policy Status", "Authentication, encryption, authorization and local policy"},
};

constexpr EnhancedCode kEnhancedCodes[] = {
    // X.0.x: other or undefined
    {0, 0, "Other undefined Status", "Only the class (success, temporary, permanent) is known", "Any",
     "RFC 3463"},

    // X.1.x: addressing
    {1, 0, "Other address status", "Something about an address in the envelope caused the problem", "",
     "RFC 3463"},
    {1, 1, "Bad destination mailbox address", "The local part of the recipient address does not exist",
     "451, 550", "RFC 3463"},
    {1, 2, "Bad destination system address", "The recipient's domain does not exist or cannot take mail",
     "", "RFC 3463"},
    {1, 3, "Bad destination mailbox address syntax", "The recipient address is not syntactically valid",
     "501", "RFC 3463"},
    {1, 4, "Destination mailbox address ambiguous", "The recipient address matches more than one mailbox",
     "", "RFC 3463"},
    {1, 5, "Destination address valid", "The recipient address is fine (used in positive replies)", "250",
     "RFC 3463"},
    {1, 6, "Destination mailbox has moved, No forwarding address",
     "The mailbox used to exist but takes no more mail and no new address is known", "", "RFC 3463"},
    {1, 7, "Bad sender's mailbox address syntax", "The sender address is not syntactically valid", "",
     "RFC 3463"},
    {1, 8, "Bad sender's system address", "The sender's domain does not exist or cannot receive replies",
     "451, 501", "RFC 3463"},
    {1, 9, "Message relayed to non-compliant mailer",
     "Address was valid, but the message went on to a system that gives no further status", "", "RFC 3886"},
    {1, 10, "Recipient address has null MX", "The recipient's domain publishes a null MX: it takes no mail",
     "556", "RFC 7505, RFC 7504"},

    // X.2.x: mailbox
    {2, 0, "Other or undefined mailbox status", "The mailbox exists, but something about it stopped delivery",
     "", "RFC 3463"},
    {2, 1, "Mailbox disabled, not accepting messages", "The mailbox exists but is switched off for new mail",
     "", "RFC 3463"},
    {2, 2, "Mailbox full", "The recipient is over quota; deleting mail would make room", "552", "RFC 3463"},
    {2, 3, "Message length exceeds administrative limit",
     "The message is bigger than this mailbox's own size limit", "552", "RFC 3463"},
    {2, 4, "Mailing list expansion problem", "The address is a list and the list could not be expanded",
     "450, 452", "RFC 3463"},

    // X.3.x: mail system
    {3, 0, "Other or undefined mail system status",
     "The destination system normally takes mail, but something about it caused this status",
     "221, 250, 421, 451, 550, 554", "RFC 3463"},
    {3, 1, "Mail system full", "The receiving system has run out of storage", "452", "RFC 3463"},
    {3, 2, "System not accepting network messages",
     "The host takes no mail now (shutdown, overload, maintenance) or at all", "453, 521",
     "RFC 3463, RFC 7504"},
    {3, 3, "System not capable of selected features",
     "The destination cannot provide features the message asks for", "", "RFC 3463"},
    {3, 4, "Message too big for system", "The message is over the system's per-message size limit",
     "552, 554", "RFC 3463"},
    {3, 5, "System incorrectly configured", "The receiving system is not set up to accept this message", "",
     "RFC 3463"},
    {3, 6, "Requested priority was changed",
     "Accepted, but not at the requested priority; the reply text gives the new one", "250 or 251",
     "RFC 6710"},

    // X.4.x: network and routing
    {4, 0, "Other or undefined network or routing status",
     "A network or routing problem that no other code describes", "", "RFC 3463"},
    {4, 1, "No answer from host", "The next host did not answer the connection attempt", "451", "RFC 3463"},
    {4, 2, "Bad connection", "Connected, but the transaction could not be completed (timeout, bad link)",
     "421", "RFC 3463"},
    {4, 3, "Directory server failure", "A directory service such as DNS could not be reached", "451, 550",
     "RFC 3463"},
    {4, 4, "Unable to route", "No next hop could be determined for the destination", "", "RFC 3463"},
    {4, 5, "Mail system congestion", "The mail system is too congested to take the message now", "451",
     "RFC 3463"},
    {4, 6, "Routing loop detected", "The message was forwarded around a loop too many times", "",
     "RFC 3463"},
    {4, 7, "Delivery time expired", "The message got too old before it could be delivered", "", "RFC 3463"},

    // X.5.x: mail delivery protocol
    {5, 0, "Other or undefined protocol status",
     "A protocol problem with the next hop that no other code describes",
     "220, 250, 251, 252, 253, 451, 452, 454, 458, 459, 501, 502, 503, 554", "RFC 3463"},
    {5, 1, "Invalid command", "A command was sent out of sequence or is not supported",
     "430, 500, 501, 503, 530, 550, 554, 555", "RFC 3463"},
    {5, 2, "Syntax error", "A command could not be parsed or was not recognised", "500, 501, 502, 550, 555",
     "RFC 3463"},
    {5, 3, "Too many recipients", "More recipients than the protocol allows in one transaction", "451",
     "RFC 3463"},
    {5, 4, "Invalid command arguments", "A valid command carried arguments that are out of range or unknown",
     "451, 501, 502, 503, 504, 550, 555", "RFC 3463"},
    {5, 5, "Wrong protocol version", "The two sides could not agree on a protocol version", "", "RFC 3463"},
    {5, 6, "Authentication Exchange line is too long",
     "An AUTH response from the client was longer than the mechanism's buffer", "500", "RFC 4954"},

    // X.6.x: message content or media
    {6, 0, "Other or undefined media error",
     "The content made the message undeliverable, for no more specific reason", "", "RFC 3463"},
    {6, 1, "Media not supported", "A media type in the message is not supported further along the path", "",
     "RFC 3463"},
    {6, 2, "Conversion required and prohibited",
     "The content would have to be converted, but conversion is not allowed", "", "RFC 3463"},
    {6, 3, "Conversion required but not supported",
     "The content would have to be converted, but no host on the path can do it", "554", "RFC 3463"},
    {6, 4, "Conversion with loss performed", "Delivered, but a conversion lost some of the content", "250",
     "RFC 3463"},
    {6, 5, "Conversion Failed", "A needed conversion was attempted and failed", "", "RFC 3463"},
    {6, 6, "Message content not available", "The content could not be fetched from the remote system",
     "554", "RFC 4468"},
    {6, 7, "Non-ASCII addresses not permitted for that sender/recipient",
     "An internationalised (non-ASCII) address was used where it is not allowed", "553, 550", "RFC 6531"},
    {6, 8, "UTF-8 string reply is required, but not permitted by the SMTP client",
     "The mailbox name needs a UTF-8 reply, which the client has not enabled", "252, 553, 550", "RFC 6531"},
    {6, 9, "UTF-8 header message cannot be transferred to one or more recipients, so the message must be "
           "rejected",
     "A message with UTF-8 headers cannot reach some recipient, so it is refused after DATA", "550",
     "RFC 6531"},
    {6, 10, "(none: deprecated duplicate of X.6.8)",
     "Registered twice by mistake; deprecated in favour of X.6.8, do not use", "", "RFC 6531"},

    // X.7.x: security or policy
    {7, 0, "Other or undefined security status",
     "A security problem that no other code describes, or that policy keeps unexplained",
     "220, 235, 450, 454, 500, 501, 503, 504, 530, 535, 550", "RFC 3463"},
    {7, 1, "Delivery not authorized, message refused",
     "The sender may not send to this destination (host or recipient filtering)",
     "451, 454, 502, 503, 533, 550, 551", "RFC 3463"},
    {7, 2, "Mailing list expansion prohibited", "The sender may not post to this mailing list", "550",
     "RFC 3463"},
    {7, 3, "Security conversion required but not possible",
     "Delivery needs a conversion between secure messaging formats that cannot be done", "", "RFC 3463"},
    {7, 4, "Security features not supported",
     "The message uses security features the delivery protocol cannot support", "504", "RFC 3463"},
    {7, 5, "Cryptographic failure",
     "A system allowed to verify or decrypt the message lacked a valid key or similar data", "",
     "RFC 3463"},
    {7, 6, "Cryptographic algorithm not supported",
     "A system allowed to verify or decrypt the message does not support its algorithm", "", "RFC 3463"},
    {7, 7, "Message integrity failure", "The message was found corrupted or altered when checked", "",
     "RFC 3463"},
    {7, 8, "Authentication credentials invalid", "AUTH failed because the credentials were wrong or not enough",
     "535, 554", "RFC 4954"},
    {7, 9, "Authentication mechanism is too weak", "The AUTH mechanism is weaker than policy allows for this user",
     "534", "RFC 4954"},
    {7, 10, "Encryption Needed", "A security layer such as TLS is needed before using this AUTH mechanism",
     "523", "RFC 5248"},
    {7, 11, "Encryption required for requested authentication mechanism",
     "This AUTH mechanism may only be used on an encrypted connection (historical)", "524, 538", "RFC 4954"},
    {7, 12, "A password transition is needed",
     "The user must first authenticate once another way (e.g. PLAIN) to enable this mechanism", "422, 432",
     "RFC 4954"},
    {7, 13, "User Account Disabled",
     "Authenticated, but the account is disabled until an administrator re-enables it", "525", "RFC 5248"},
    {7, 14, "Trust relationship required",
     "The submission server needs a configured trust relationship to fetch the content", "535, 554",
     "RFC 5248"},
    {7, 15, "Priority Level is too low", "The requested message priority is below what the server accepts",
     "450, 550 (other 4XX or 5XX codes are allowed)", "RFC 6710"},
    {7, 16, "Message is too big for the specified priority",
     "At the requested priority only smaller messages are accepted",
     "552 (other 4XX or 5XX codes are allowed)", "RFC 6710"},
    {7, 17, "Mailbox owner has changed",
     "RRVS check: the mailbox has changed owner since the date the sender gave", "5XX", "RFC 7293"},
    {7, 18, "Domain owner has changed",
     "RRVS check: the recipient's domain has changed owner since the date the sender gave", "5XX",
     "RFC 7293"},
    {7, 19, "RRVS test cannot be completed",
     "RRVS check impossible: the receiver did not record the needed timestamp", "5XX", "RFC 7293"},
    {7, 20, "No passing DKIM signature found", "The message carries no DKIM signature that verifies", "550",
     "RFC 7372, RFC 6376"},
    {7, 21, "No acceptable DKIM signature found",
     "Some DKIM signatures verify, but none is acceptable to the receiver", "550", "RFC 7372, RFC 6376"},
    {7, 22, "No valid author-matched DKIM signature found",
     "No verifying DKIM signature matches the author (From) domain", "550", "RFC 7372, RFC 6376"},
    {7, 23, "SPF validation failed", "SPF gave a fail result and local policy rejects on it", "550",
     "RFC 7372, RFC 7208"},
    {7, 24, "SPF validation error", "SPF evaluation ended in an error (temporary or permanent)", "451, 550",
     "RFC 7372, RFC 7208"},
    {7, 25, "Reverse DNS validation failed", "The client's IP address failed the receiver's reverse DNS check",
     "550", "RFC 7372, RFC 7601"},
    {7, 26, "Multiple authentication checks failed",
     "More than one authentication check failed, without saying which", "550", "RFC 7372"},
    {7, 27, "Sender address has null MX",
     "The sender's domain publishes a null MX, so no bounce could reach it", "550", "RFC 7505"},
    {7, 28, "Mail flood detected", "The message looks like part of a flood of similar abusive mail", "",
     "draft-levine-mailbomb-header"},
    {7, 29, "ARC validation failure", "The message's ARC chain did not validate", "550", "RFC 8617"},
    {7, 30, "REQUIRETLS support required",
     "The message demands REQUIRETLS, but no next-hop server offers it", "550", "RFC 8689"},
};

constexpr std::size_t kCount = sizeof(kEnhancedCodes) / sizeof(kEnhancedCodes[0]);

constexpr bool sorted_and_unique() {
    for (std::size_t i = 1; i < kCount; ++i) {
        const auto& a = kEnhancedCodes[i - 1];
        const auto& b = kEnhancedCodes[i];
        if (a.subject > b.subject || (a.subject == b.subject && a.detail >= b.detail)) return false;
    }
    return true;
}
static_assert(sorted_and_unique(), "kEnhancedCodes must be sorted by subject then detail, each once");
// X.0.0, X.1.0-10, X.2.0-4, X.3.0-6, X.4.0-7, X.5.0-6, X.6.0-10, X.7.0-30.
static_assert(kCount == 1 + 11 + 5 + 7 + 8 + 7 + 11 + 31, "the registry enumerates 81 codes");

}  // namespace

std::span<const EnhancedCode> enhanced_codes() { return kEnhancedCodes; }

std::span<const EnhancedSubject> enhanced_subjects() { return kSubjects; }

}  // namespace verdict
