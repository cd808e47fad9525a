-- rules: rules-rcpt-only.toml
-- Negotiation with a rule file that has recipient rules only: verdict asks the
-- MTA to skip headers, end of headers, the body and DATA, and requests no
-- message-changing action. The recipient rule still works, and end of message
-- comes without any header or body step.
-- log: stage=rcpt rule=unknown-user mode=\S+ action=reject code=550 enhanced=5\.1\.1 client_ip=203\.0\.113\.30 .*rcpt=nobody@example\.org latency_us=[0-9]+$
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
for _, o in ipairs({ "SMFIP_NOHDRS", "SMFIP_NOEOH", "SMFIP_NOBODY", "SMFIP_NODATA" }) do
    T.expect_option(conn, o, true)
end
for _, o in ipairs({ "SMFIP_NOCONNECT", "SMFIP_NOHELO", "SMFIP_NOMAIL", "SMFIP_NORCPT" }) do
    T.expect_option(conn, o, false)
end
for _, a in ipairs({ "SMFIF_ADDHDRS", "SMFIF_CHGHDRS", "SMFIF_ADDRCPT", "SMFIF_DELRCPT",
                     "SMFIF_QUARANTINE", "SMFIF_CHGBODY", "SMFIF_CHGFROM" }) do
    T.expect_action(conn, a, false)
end

T.conninfo(conn, "client.test", "203.0.113.30")
T.helo(conn, "client.test")
T.mail(conn, "<sender@example.com>")
T.rcpt(conn, "<nobody@example.org>", SMFIR_REPLYCODE)
T.rcpt(conn, "<alice@example.org>")
-- miltertest refuses header steps the filter declined.
local ok, err = pcall(mt.header, conn, "Subject", "x")
if ok then error("mt.header() was allowed although SMFIP_NOHDRS was negotiated") end
T.eom(conn)
T.expect_no_changes(conn, "rcpt-only rules")
T.close(conn)
